import { pinVersion, writeEdits } from '../../author/index.js';
import type { Command } from '../command.js';
import { channelArgs, storeConfig } from '../command.js';

export const command: Command = {
  name: 'pin',
  usage: `Usage: appshelf pin APP VERSION --channel CHANNEL [--store DIR]

Pins CHANNEL of APP to VERSION in apps/APP/app.yaml (\`pins: {CHANNEL: VERSION}\`):
every client on that channel gets VERSION, even when newer releases exist. This is
how a live version is restored (a rollback) without deleting or yanking anything.
The release must be in CHANNEL and must not be yanked. Undo with \`appshelf unpin\`.

Options:
  --channel CHANNEL  the channel to pin
  --store DIR        the store folder (default: store)
  -h, --help         show this help

The old form \`pin APP CHANNEL VERSION\` is accepted until the next release, with a warning.

Example:
  appshelf pin cockpit 2.0.1 --channel stable`,
  options: { channel: { type: 'string' }, store: { type: 'string' } },
  positionals: [2, 3],
  async run(args) {
    const [app, channel, version] = channelArgs(args, 'pin APP VERSION --channel CHANNEL') as [string, string, string];
    const { edits, result } = pinVersion(storeConfig(args), { app, channel, version });
    writeEdits(edits);
    const was = result.was && result.was !== result.version ? ` (was ${result.was})` : '';
    args.io.out(`✓ ${app}: ${channel} is pinned to ${result.version}${was} in ${result.file}\n`);
    return 0;
  },
};
