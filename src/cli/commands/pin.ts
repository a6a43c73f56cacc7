import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { authorContext, pinChannel, requireApp, requireChannel, requireRelease } from '../../author/index.js';
import { diag, Errors, StoreError } from '../../errors/index.js';
import { loadStore, positionOf } from '../../load/index.js';
import { displayPath } from '../../util/paths.js';
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
    const [id, channel, version] = channelArgs(args, 'pin APP VERSION --channel CHANNEL') as [string, string, string];
    const config = storeConfig(args);
    const { storeDir } = config;
    const ctx = authorContext(loadStore(storeDir), displayPath(path.resolve(storeDir)));
    const app = requireApp(ctx, id);
    requireChannel(ctx, channel);
    const { release, source } = requireRelease(ctx, app, version);
    const channelsAt = { file: source.file, ...positionOf(source, ['channels']) };
    if (!release.channels.includes(channel)) throw new StoreError(diag(Errors.PinNotInChannel, [channel, release.version], channelsAt));
    if (release.yanked) throw new StoreError(diag(Errors.AuthorPinYanked, [release.version], { file: source.file, ...positionOf(source, ['yanked']) }));
    const text = pinChannel(app.source, channel, release.version);
    writeFileSync(app.source.abs, text);
    const was = app.app.pins[channel];
    args.io.out(`✓ ${id}: ${channel} is pinned to ${release.version}${was && was !== release.version ? ` (was ${was})` : ''} in ${app.source.file}\n`);
    return 0;
  },
};
