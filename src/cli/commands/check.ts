import { checkStore } from '../../index.js';
import type { Command } from '../command.js';
import { str } from '../command.js';
import { parseFormat, printDiagnostics, summaryLine } from '../output.js';

export const command: Command = {
  name: 'check',
  summary: 'validate the store: schemas, rules, certificates, signatures, archives',
  usage: `Usage: appshelf check [--store DIR] [--format text|json|github] [--fetch]

Validates every file of the store and reports every problem found, each as
  FILE:LINE:COL: error CODE: message

Options:
  --store DIR      the store folder (default: store)
  --format FMT     text (default), json, or github (workflow annotations)
  --fetch          also download and verify remote (https) archives
  -h, --help       show this help

Exit codes: 0 the store is valid, 1 it has errors, 2 wrong usage, 3 internal error.`,
  options: {
    store: { type: 'string' },
    format: { type: 'string' },
    fetch: { type: 'boolean' },
  },
  async run(args) {
    const format = parseFormat(str(args, 'format'));
    const result = await checkStore({ storeDir: str(args, 'store', 'store'), fetch: args.values.fetch === true });
    printDiagnostics(result.diagnostics, format, args.io);
    if (format === 'text') {
      const apps = result.store?.apps.length ?? 0;
      const releases = result.store?.apps.reduce((n, a) => n + a.releases.length, 0) ?? 0;
      args.io.err(result.ok ? `✓ store is valid: ${apps} apps, ${releases} releases (${summaryLine(result.diagnostics)})\n` : `✗ ${summaryLine(result.diagnostics)}\n`);
    }
    return result.ok ? 0 : 1;
  },
};
