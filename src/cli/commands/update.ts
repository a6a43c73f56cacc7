import { formatText } from '../../errors/index.js';
import { updateApps, type UpdateOutcome } from '../../client/installer/index.js';
import { clientContext, noDowngradeHelp, printJson, quietHelp, runClient, updateOptionSpecs, withProgress } from '../client-support.js';
import type { Command } from '../command.js';

export const command: Command = {
  name: 'update',
  usage: `Usage: appshelf update [APP] [options]

For every installed app (or only APP), fetches its manifest with the store, channel,
platform and format it was installed with, and installs a newer release if one fits
(same verification and atomic switch as install). When the store pinned the app's
channel back to an older version ("restore live"; the manifest marks it rollback),
installs that version instead: a rollback, unless --no-downgrade. The version
replaced is kept in DIR/APP/ until the next successful update, for a manual rollback.

Prints one line per app: "APP FROM -> TO", "APP FROM -> TO (rollback: CHANNEL is
pinned back to TO)" or "APP VERSION is up to date". An app that cannot be updated is
reported and the others are still updated.

Options:
  --check            only say what would be updated or rolled back ("available");
                     nothing is downloaded or installed
${noDowngradeHelp}
${quietHelp}
  --dir DIR          install root (default: $APPSHELF_HOME, else ~/.appshelf/apps)
  --os-version V     OS version for osversion ranges (default: from os.release())
  --public-key KEY   the store's Ed25519 manifest key (a .pem file, or
                     --public-key="$(cat key.pem)"); replaces the key kept in the state
  --json             print {code, message, data: {apps}} instead of text
  -h, --help         show this help

Exit codes: 0 every app is up to date, 1 at least one app could not be checked or
updated (it keeps its installed version).`,
  options: { check: { type: 'boolean' }, ...updateOptionSpecs },
  positionals: [0, 1],
  run: (args) =>
    runClient(args, async () => {
      const { result: report, took } = await withProgress(args, 'update', (shown) =>
        updateApps({ ...clientContext(args), progress: shown }, args.positionals[0]),
      );
      const changed = report.outcomes.filter((o) => o.changed || o.available);
      const back = changed.filter((o) => o.rollback).length;
      const [did, rolled] = args.values.check ? ['updates available', 'rollbacks available'] : ['updated', 'rolled back'];
      const message = `${changed.length - back} ${did}, ${back ? `${back} ${rolled}, ` : ''}${report.outcomes.length - changed.length} up to date, ${report.failed.length} failed`;
      if (args.values.json) {
        const code = report.diagnostics.length ? 1 : 0;
        const apps = report.outcomes.map((o) => ({
          app: o.app,
          uid: o.uid,
          from: o.from,
          version: o.version,
          channel: o.channel,
          changed: o.changed,
          ...(o.available ? { available: true } : {}),
          ...(o.rollback ? { rollback: true } : {}),
          pinnedBack: o.pinnedBack,
        }));
        printJson(args, { code, message, data: { apps }, ...(code ? { diagnostics: report.diagnostics } : {}) });
      } else {
        for (const o of report.outcomes) args.io.out(`${outcomeLine(o)}\n`);
        if (!report.outcomes.length && !report.diagnostics.length) args.io.out('no apps installed\n');
        for (const d of report.diagnostics) args.io.err(formatText(d) + '\n');
        if (report.outcomes.length || report.diagnostics.length) args.io.err(`${message}${took}\n`);
      }
      return report.diagnostics.length ? 1 : 0;
    }),
};

/** One app's line: what changed, a rollback and why, or why a rollback was not taken. */
export function outcomeLine(o: UpdateOutcome): string {
  const why = o.rollback ? `rollback: ${o.channel} is pinned back to ${o.version}` : '';
  if (o.changed) return `${o.app} ${o.from} -> ${o.version}${why ? ` (${why})` : ''}`;
  if (o.available) return `${o.app} ${o.from} -> ${o.version} (available${why ? `; ${why}` : ''})`;
  if (o.pinnedBack) return `${o.app} ${o.version} is kept: ${o.channel} is pinned back to ${o.pinnedBack} (--no-downgrade)`;
  return `${o.app} ${o.version} is up to date`;
}
