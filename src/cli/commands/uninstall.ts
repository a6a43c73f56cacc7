import { resolveClientConfig, uninstallApp } from '../../client/installer/index.js';
import { printJson, runClient } from '../client-support.js';
import type { Command } from '../command.js';
import { str } from '../command.js';

export const command: Command = {
  name: 'uninstall',
  usage: `Usage: appshelf uninstall APP [--dir DIR] [--json]

Removes APP from the state (the commit point), then deletes DIR/APP/ with every
version kept in it. Prints the uid the app was installed under.

Options:
  --dir DIR     install root (default: $APPSHELF_HOME, else ~/.appshelf/apps)
  --json        print {code, message, data: {uid}} instead of text
  -h, --help    show this help

Exit codes: 0 removed, 1 APP is not installed (or the folder could not be changed).`,
  options: { dir: { type: 'string' }, json: { type: 'boolean' } },
  positionals: [1, 1],
  run: (args) =>
    runClient(args, async () => {
      const config = resolveClientConfig({ dir: str(args, 'dir') }, args.io.env);
      const done = await uninstallApp({ config }, args.positionals[0]!);
      const message = `uninstalled ${done.app} ${done.version}`;
      if (args.values.json) printJson(args, { code: 0, message, data: { uid: done.uid, app: done.app, version: done.version } });
      else {
        args.io.err(`${message}\n`);
        args.io.out(`${done.uid}\n`);
      }
      return 0;
    }),
};
