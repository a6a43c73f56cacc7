import { buildStore } from '../../pipeline/index.js';
import type { Command } from '../command.js';
import { progress } from '../progress.js';
import { str, storeConfig } from '../command.js';
import { displayPath } from '../../util/paths.js';
import { parseFormat, printDiagnostics, summaryLine } from '../output.js';

export const command: Command = {
  name: 'build',
  usage: `Usage: appshelf build [--store DIR] [--out DIR] [--base-url URL] [--unsigned] [--published URL|DIR] [--format text|json|github] [--fetch]

Checks the store; when it has no errors, writes the static site (update manifests,
API, schemas, archives, web catalog) to a temporary folder and swaps it into place,
so a failed or interrupted build leaves the previous site untouched. Remote (https)
archives that are not yet in the cache are downloaded and verified.

Options:
  --store DIR      the store folder (default: store)
  --out DIR        the output folder (default: dist)
  --base-url URL   the origin the site is served at, instead of baseUrl in store.yaml
                   (a preview on another host or port: archive URLs are made absolute with it)
  --unsigned       build without the signing key although store.yaml publishes one: a
                   local preview, marked in api/v1/signing.json; never publish it
  --published URL  the published site (URL or folder): refuse a build whose serials are
                   lower than the published ones, warn when the published feed nears expiry
  --format FMT     how to print problems: text (default), json, github
  --fetch          accepted for symmetry with \`check --fetch\` (a build always fetches)
  --quiet          no progress line on a terminal (none is drawn in CI or a pipe anyway)
  -h, --help       show this help

Environment:
  APPSHELF_SIGNING_KEY       Ed25519 private key (PEM) that signs the update manifests
  APPSHELF_SIGNING_KEY_FILE  the same, read from a file
  When store.yaml has signing.publicKey, one of them is required (or --unsigned);
  without a public key the manifests are unsigned and the build says so.
  APPSHELF_SERIAL_FLOOR      every serial at least this (after a rewrite of the branch's history)`,
  options: {
    store: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    fetch: { type: 'boolean' },
    quiet: { type: 'boolean' },
    'base-url': { type: 'string' },
    unsigned: { type: 'boolean' },
    published: { type: 'string' },
  },
  async run(args) {
    const format = parseFormat(str(args, 'format'));
    const config = storeConfig(args, { outDir: str(args, 'out') || undefined });
    const outDir = displayPath(config.outDir);
    const shown = progress(args.io, 'build', { quiet: args.values.quiet === true || format !== 'text' });
    const result = await buildStore({ config, onStage: shown.stage, onProgress: (done, total) => shown.count(done, total) });
    const took = shown.done();
    printDiagnostics(result.diagnostics, format, args.io);
    if (!result.ok) {
      args.io.err(`✗ build failed: ${summaryLine(result.diagnostics)}; ${outDir}/ was not changed${took}\n`);
      return 1;
    }
    const w = result.written;
    const checked = result.store?.apps.length ?? 0;
    const apps = result.reused.length
      ? `; ${checked} app${checked === 1 ? '' : 's'} checked, ${result.reused.length} unchanged since the last build`
      : '';
    args.io.err(
      `✓ built ${outDir}/: ${w?.files ?? result.files.size} files${w ? ` (${w.written} written, ${w.reused} unchanged)` : ''}${apps}${took}\n`,
    );
    return 0;
  },
};
