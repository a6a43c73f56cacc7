import { buildStore } from '../../build/index.js';
import type { Command } from '../command.js';
import { str } from '../command.js';
import { parseFormat, printDiagnostics, summaryLine } from '../output.js';

export const command: Command = {
  name: 'build',
  usage: `Usage: appshelf build [--store DIR] [--out DIR] [--format text|json|github] [--fetch]

Checks the store; when it has no errors, writes the static site (update manifests,
API, schemas, archives, web catalog) to a temporary folder and swaps it into place,
so a failed or interrupted build leaves the previous site untouched. Remote (https)
archives that are not yet in the cache are downloaded and verified.

Options:
  --store DIR      the store folder (default: store)
  --out DIR        the output folder (default: dist)
  --format FMT     how to print problems: text (default), json, github
  --fetch          accepted for symmetry with \`check --fetch\` (a build always fetches)
  -h, --help       show this help

Environment:
  APPSHELF_SIGNING_KEY       Ed25519 private key (PEM) that signs the update manifests
  APPSHELF_SIGNING_KEY_FILE  the same, read from a file
  Without either, the manifests are unsigned and the build says so.`,
  options: {
    store: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    fetch: { type: 'boolean' },
  },
  async run(args) {
    const format = parseFormat(str(args, 'format'));
    const outDir = str(args, 'out', 'dist')!;
    const result = await buildStore({ storeDir: str(args, 'store', 'store'), outDir, fetch: args.values.fetch === true, env: args.io.env });
    printDiagnostics(result.diagnostics, format, args.io);
    if (!result.ok) {
      args.io.err(`✗ build failed: ${summaryLine(result.diagnostics)}; ${outDir}/ was not changed\n`);
      return 1;
    }
    const w = result.written;
    const checked = result.store?.apps.length ?? 0;
    const apps = result.reused.length ? `; ${checked} app${checked === 1 ? '' : 's'} checked, ${result.reused.length} unchanged since the last build` : '';
    args.io.err(`✓ built ${outDir}/: ${w?.files ?? result.files.size} files${w ? ` (${w.written} written, ${w.reused} unchanged)` : ''}${apps}\n`);
    return 0;
  },
};
