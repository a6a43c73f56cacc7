import { unpinVersion, writeEdits } from '../../author/index.js';
import type { Command } from '../command.js';
import { channelArgs, storeConfig } from '../command.js';

export const command: Command = {
  name: 'unpin',
  usage: `Usage: appshelf unpin APP --channel CHANNEL [--store DIR]

Removes the pin of CHANNEL from apps/APP/app.yaml, so the channel serves its newest
release (within the rollouts) again. Nothing changes when the channel is not pinned.

Options:
  --channel CHANNEL  the channel to unpin
  --store DIR        the store folder (default: store)
  -h, --help         show this help

The old form \`unpin APP CHANNEL\` is accepted until the next release, with a warning.

Example:
  appshelf unpin cockpit --channel stable`,
  options: { channel: { type: 'string' }, store: { type: 'string' } },
  positionals: [1, 2],
  async run(args) {
    const [app, channel] = channelArgs(args, 'unpin APP --channel CHANNEL') as [string, string];
    const { edits, result } = unpinVersion(storeConfig(args), { app, channel });
    if (!edits.length) {
      args.io.out(`${app}: ${channel} is not pinned; nothing to do\n`);
      return 0;
    }
    writeEdits(edits);
    args.io.out(`✓ ${app}: ${channel} is no longer pinned (was ${result.was}) in ${result.file}\n`);
    return 0;
  },
};
