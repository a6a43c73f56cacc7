import { setYanked, writeEdits } from '../../author/index.js';
import { UsageError } from '../../errors/index.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';

/** `appshelf yank` and `appshelf unyank`: `yanked` in a release file, either way. */
export function yankCommand(yank: boolean): Command {
  const name = yank ? 'yank' : 'unyank';
  return {
    name,
    usage: yank
      ? `Usage: appshelf yank APP VERSION --reason TEXT [--store DIR]

Withdraws a released version: sets \`yanked: true\` and \`yankReason\` in
apps/APP/releases/VERSION.yaml. Once merged, no client is offered it (clients on it
get the newest release still served); it stays in the files, the API and the release
log, and is never deleted. A version a channel is pinned to cannot be yanked: unpin
first. Undo with \`appshelf unyank\`.

Options:
  --reason TEXT   why (shown in the API and the release log); required
  --store DIR     the store folder (default: store)
  -h, --help      show this help

Example:
  appshelf yank shelfnotes 1.5.0 --reason "crashes on start on Windows 10"`
      : `Usage: appshelf unyank APP VERSION [--store DIR]

Serves a yanked version again: removes \`yanked\` and \`yankReason\` from
apps/APP/releases/VERSION.yaml (the release log keeps both events).

Options:
  --store DIR   the store folder (default: store)
  -h, --help    show this help

Example:
  appshelf unyank shelfnotes 1.5.0`,
    options: yank ? { reason: { type: 'string' }, store: { type: 'string' } } : { store: { type: 'string' } },
    positionals: [2, 2],
    async run(args) {
      const [app, version] = args.positionals as [string, string];
      const reason = str(args, 'reason');
      if (yank && !reason?.trim()) throw new UsageError('--reason is required: say why the version is withdrawn.');
      const { edits, result } = setYanked(storeConfig(args), { app, version, reason: yank ? reason : undefined });
      if (!edits.length) {
        args.io.out(`${app} ${result.version} ${yank ? 'is already yanked for that reason' : 'is not yanked'}; nothing to do\n`);
        return 0;
      }
      writeEdits(edits);
      args.io.out(
        yank
          ? `✓ ${app} ${result.version} is yanked ("${reason}"): served to no one once this change is merged (${result.file})\n`
          : `✓ ${app} ${result.version} is served again once this change is merged (${result.file})\n`,
      );
      return 0;
    },
  };
}

export const command = yankCommand(true);
