import { hasErrors } from '../../errors/index.js';
import { importAus } from '../../import/index.js';
import { displayPath } from '../../util/paths.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';
import { parseFormat, printDiagnostics, summaryLine } from '../output.js';

export const command: Command = {
  name: 'import aus',
  usage: `Usage: appshelf import aus DIR [--store OUT] [--name NAME] [--format text|json|github]

Reads the update .json files of an auto-update-server updates/ folder DIR the way
that server loads them (recursively, skipping hidden files and folders, both the
"entries" form and the single-entry form) and writes a new store to OUT:
store.yaml (the channels found, includeMoreMature: false, signatures optional),
apps/<id>/app.yaml (the id is derived from the app name, which is kept as
updateName so /update?app=<name> still matches), apps/<id>/releases/<version>.yaml
(entries with os, architectures, ranges, format, size and sha256; percentages as
rollouts) and the archives, copied to apps/<id>/files/<version>/.

Every file or entry that is skipped (hidden, malformed JSON, invalid version,
missing archive, a range that never matches …) is reported as a warning.
Then run \`appshelf build --store OUT\` and \`appshelf serve\`.

Exit code: 0 when something was imported (even with warnings), 1 when nothing
could be imported or OUT is not empty.

Options:
  --store OUT    the store folder to create (default: store); must not exist or be empty
  --name NAME    the store's name (default: Imported from auto-update-server)
  --format FMT   how to print problems: text (default), json, github
  -h, --help     show this help`,
  options: { store: { type: 'string' }, name: { type: 'string' }, format: { type: 'string' } },
  positionals: [1, 1],
  async run(args) {
    const format = parseFormat(str(args, 'format'));
    const report = await importAus(args.positionals[0]!, storeConfig(args).storeDir, { name: str(args, 'name') });
    printDiagnostics(report.diagnostics, format, args.io);
    if (hasErrors(report.diagnostics) || !report.store) {
      args.io.err(`✗ nothing imported: ${summaryLine(report.diagnostics)}\n`);
      return 1;
    }
    args.io.err(
      `✓ imported ${report.apps} app(s), ${report.releases} release(s), ${report.entries} file(s) into ${displayPath(report.store)}/ (${summaryLine(report.diagnostics)})\n`,
    );
    return 0;
  },
};
