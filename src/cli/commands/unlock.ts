import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { authorContext, requireApp, setLocked } from '../../author/index.js';
import { loadStore } from '../../load/index.js';
import { displayPath } from '../../util/paths.js';
import type { Command } from '../command.js';
import { str } from '../command.js';

export const command: Command = {
  name: 'unlock',
  summary: 'unlock versioning: the app accepts new releases again',
  usage: `Usage: appshelf unlock APP [--store DIR]

Removes \`locked\` from apps/APP/app.yaml. Only a store admin may merge this change
(the pull-request check with --actor refuses it from anyone else); new releases are
accepted from the next pull request on.

Options:
  --store DIR   the store folder (default: store)
  -h, --help    show this help

Example:
  appshelf unlock legacy_sync`,
  options: { store: { type: 'string' } },
  positionals: [1, 1],
  async run(args) {
    const [id] = args.positionals as [string];
    const storeDir = str(args, 'store', 'store')!;
    const ctx = authorContext(loadStore(storeDir), displayPath(path.resolve(storeDir)));
    const app = requireApp(ctx, id);
    if (app.app.locked === false) {
      args.io.out(`${id} is not locked; nothing to do\n`);
      return 0;
    }
    writeFileSync(app.source.abs, setLocked(app.source, false));
    args.io.out(`✓ ${id} is unlocked: new releases are accepted once this change is merged (${app.source.file})\n`);
    return 0;
  },
};
