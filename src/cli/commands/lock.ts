import { setAppLocked, writeEdits } from '../../author/index.js';
import type { Command } from '../command.js';
import { storeConfig } from '../command.js';

const texts = {
  lock: {
    what: `Sets \`locked: true\` in apps/APP/app.yaml. Once merged, the pull-request check refuses
every new release of the app (its released versions stay installable). Any owner of
the app or store admin may lock it; only a store admin may unlock it.`,
    already: 'is already locked',
    done: 'is locked: it accepts no new releases once this change is merged',
    example: 'legacy_sync',
  },
  unlock: {
    what: `Removes \`locked\` from apps/APP/app.yaml. Only a store admin may merge this change
(the pull-request check with --actor refuses it from anyone else); new releases are
accepted from the next pull request on.`,
    already: 'is not locked',
    done: 'is unlocked: new releases are accepted once this change is merged',
    example: 'legacy_sync',
  },
};

/** `appshelf lock` and `appshelf unlock`: the same edit of `locked` in app.yaml, either way. */
export function lockCommand(locked: boolean): Command {
  const name = locked ? 'lock' : 'unlock';
  const t = texts[name];
  return {
    name,
    usage: `Usage: appshelf ${name} APP [--store DIR]

${t.what}

Options:
  --store DIR   the store folder (default: store)
  -h, --help    show this help

Example:
  appshelf ${name} ${t.example}`,
    options: { store: { type: 'string' } },
    positionals: [1, 1],
    async run(args) {
      const [app] = args.positionals as [string];
      const { edits, result } = setAppLocked(storeConfig(args), { app, locked });
      if (!edits.length) {
        args.io.out(`${app} ${t.already}; nothing to do\n`);
        return 0;
      }
      writeEdits(edits);
      args.io.out(`✓ ${app} ${t.done} (${result.file})\n`);
      return 0;
    },
  };
}

export const command = lockCommand(true);
