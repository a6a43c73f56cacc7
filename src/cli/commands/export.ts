import { hasErrors, UsageError } from '../../errors/index.js';
import { exportAus } from '../../export/index.js';
import { displayPath } from '../../util/paths.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';
import { parseFormat, printDiagnostics, summaryLine } from '../output.js';

export const command: Command = {
  name: 'export aus',
  usage: `Usage: appshelf export aus --out DIR [--store DIR] [--format text|json|github]

Writes the store as an auto-update-server updates/ folder DIR (new or empty), for
teams that keep that server as a fallback: one update file per release,
DIR/<app id>/<version>.json in the "entries" form (app = the store's updateName,
else the id), with its archives copied to DIR/<app id>/<version>/. The folder
answers /update as \`appshelf serve\` does for the store:
  - each archive is offered per architecture on every channel that gets it (the
    channel's rollout, per-platform overrides, more mature channels, pins) at that
    percentage; halted platforms (0) are left out;
  - when channels or architectures get different percentages, a release becomes
    several files (<version>.1.json, <version>.2.json, …), each with its channels;
  - several files of one format stay several entries with their ranges.
Yanked releases are not exported. Warnings name the release file and line of what
auto-update-server cannot express: remote (url:) archives (W_EXPORT_REMOTE_ARCHIVE)
and versions equal on major.minor.patch (W_EXPORT_VERSION_TIE). The same store
gives the same files; each update file's date is the release date.

Exit code: 0 when something was exported (even with warnings), 1 when the store
has errors, nothing could be exported, or DIR is not empty; 2 wrong usage.

Options:
  --out DIR      the folder to create (required); must not exist or be empty
  --store DIR    the store folder (default: store)
  --format FMT   how to print problems: text (default), json, github
  -h, --help     show this help

Example:
  appshelf export aus --store store --out updates/`,
  options: { out: { type: 'string' }, store: { type: 'string' }, format: { type: 'string' } },
  async run(args) {
    const format = parseFormat(str(args, 'format'));
    const out = str(args, 'out');
    if (!out) throw new UsageError('--out DIR is required.');
    const report = await exportAus(storeConfig(args).storeDir, out);
    printDiagnostics(report.diagnostics, format, args.io);
    if (hasErrors(report.diagnostics) || !report.out) {
      args.io.err(`✗ nothing exported: ${summaryLine(report.diagnostics)}\n`);
      return 1;
    }
    args.io.err(
      `✓ exported ${report.apps} app(s), ${report.releases} release(s), ${report.entries} entr${report.entries === 1 ? 'y' : 'ies'} into ${displayPath(report.out)}/ (${summaryLine(report.diagnostics)})\n`,
    );
    return 0;
  },
};
