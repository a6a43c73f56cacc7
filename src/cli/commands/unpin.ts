import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { authorContext, requireApp, requireChannel, unpinChannel } from '../../author/index.js';
import { loadStore } from '../../load/index.js';
import { displayPath } from '../../util/paths.js';
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
    const [id, channel] = channelArgs(args, 'unpin APP --channel CHANNEL') as [string, string];
    const config = storeConfig(args);
    const { storeDir } = config;
    const ctx = authorContext(loadStore(storeDir), displayPath(path.resolve(storeDir)));
    const app = requireApp(ctx, id);
    requireChannel(ctx, channel);
    const was = app.app.pins[channel];
    if (!was) {
      args.io.out(`${id}: ${channel} is not pinned; nothing to do\n`);
      return 0;
    }
    writeFileSync(app.source.abs, unpinChannel(app.source, channel));
    args.io.out(`✓ ${id}: ${channel} is no longer pinned (was ${was}) in ${app.source.file}\n`);
    return 0;
  },
};
