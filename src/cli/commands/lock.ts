import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { authorContext, requireApp, setLocked } from '../../author/index.js';
import { loadStore } from '../../load/index.js';
import { displayPath } from '../../util/paths.js';
import type { Command } from '../command.js';
import { str } from '../command.js';

export const command: Command = {
  name: 'lock',
  summary: 'lock versioning: the app accepts no new releases',
  usage: `Usage: appshelf lock APP [--store DIR]

Sets \`locked: true\` in apps/APP/app.yaml. Once merged, the pull-request check refuses
every new release of the app (its released versions stay installable). Any owner of
the app or store admin may lock it; only a store admin may unlock it.

Options:
  --store DIR   the store folder (default: store)
  -h, --help    show this help

Example:
  appshelf lock legacy_sync`,
  options: { store: { type: 'string' } },
  positionals: [1, 1],
  async run(args) {
    const [id] = args.positionals as [string];
    const storeDir = str(args, 'store', 'store')!;
    const ctx = authorContext(loadStore(storeDir), displayPath(path.resolve(storeDir)));
    const app = requireApp(ctx, id);
    if (app.app.locked === true) {
      args.io.out(`${id} is already locked; nothing to do\n`);
      return 0;
    }
    writeFileSync(app.source.abs, setLocked(app.source, true));
    args.io.out(`✓ ${id} is locked: it accepts no new releases once this change is merged (${app.source.file})\n`);
    return 0;
  },
};
