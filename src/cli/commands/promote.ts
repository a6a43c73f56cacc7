import { promoteVersion, writeEdits } from '../../author/index.js';
import { UsageError } from '../../errors/index.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';
import { parsePercent } from './rollout.js';

export const command: Command = {
  name: 'promote',
  usage: `Usage: appshelf promote APP VERSION --channel CHANNEL [--percent N] [--store DIR]

Adds CHANNEL to the channels of VERSION in its release file. With --percent, the
release starts as a staged rollout on that channel (see \`appshelf rollout\`).
Nightly releases can only go to channels marked \`nightly: true\`.

Options:
  --channel CHANNEL  the channel to add (old spelling: --to, accepted until the next
                     release with a warning)
  --percent N        roll out to N% of that channel's clients (0–100; default 100)
  --store DIR        the store folder (default: store)
  -h, --help         show this help

Example:
  appshelf promote shelfnotes 1.6.0 --channel stable --percent 10`,
  options: { channel: { type: 'string' }, to: { type: 'string' }, percent: { type: 'string' }, store: { type: 'string' } },
  renamed: { to: 'channel' },
  positionals: [2, 2],
  async run(args) {
    const [app, version] = args.positionals as [string, string];
    const channel = str(args, 'channel');
    if (!channel) throw new UsageError('--channel CHANNEL is required.');
    const percent = str(args, 'percent') === undefined ? undefined : parsePercent(str(args, 'percent'));
    const { edits, result } = promoteVersion(storeConfig(args), { app, version, channel, percent });
    if (!edits.length) {
      args.io.out(`${app} ${result.version} is already in ${channel}; nothing to do\n`);
      return 0;
    }
    writeEdits(edits);
    args.io.out(
      `✓ ${app} ${result.version} is now in ${channel}${percent !== undefined && percent < 100 ? ` for ${percent}% of clients` : ''} (${result.file})\n`,
    );
    return 0;
  },
};
