import { installApp } from '../../client/installer/index.js';
import {
  clientContext,
  clientOptionSpecs,
  clientOptionsHelp,
  noDowngradeHelp,
  noDowngradeSpec,
  printJson,
  quietHelp,
  quietSpec,
  runClient,
  withProgress,
} from '../client-support.js';
import type { Command } from '../command.js';
import { str } from '../command.js';

export const command: Command = {
  name: 'install',
  usage: `Usage: appshelf install APP [--version V] [--store-url URL] [options]

Fetches the app's update manifest for this machine's channel, platform and rollout
percentile, checks it (Ed25519 signature, expiry and serial when a public key is
known), picks the newest release whose osversion range admits this OS (or exactly
--version), downloads the archive (capped at its announced size), checks its size
and SHA-256, and installs it atomically into DIR/APP/VERSION/ with DIR/APP/current
pointing at it. .tar.gz archives are unpacked (plain files and folders only); other
formats (zip, msi, deb …) are kept as the downloaded file.

Prints the installation's uid on stdout (it stays the same across updates). An app
already installed moves as \`update APP\` does: forward, or back to the version its
channel is pinned back to (unless --no-downgrade); --version may also go back. A
--version the signed manifest no longer lists is taken from the store API, by clients
without a public key only.

Options:
  --version V        install exactly this version
  --percentile N     set this install root's rollout percentile (0–99) from now on, e.g. to
                     test a staged rollout; kept in the state for every app and update
${noDowngradeHelp}
${quietHelp}
${clientOptionsHelp}
  -h, --help         show this help

Exit codes: 0 installed (or already installed), 1 nothing was changed because of an
error (network, 404, bad signature, expired manifest, rollback, checksum, disk).`,
  options: { version: { type: 'string' }, percentile: { type: 'string' }, ...noDowngradeSpec, ...quietSpec, ...clientOptionSpecs },
  renamed: { format: 'archive-format' },
  positionals: [1, 1],
  run: (args) =>
    runClient(args, async () => {
      const app = args.positionals[0]!;
      const { result: done, took } = await withProgress(args, 'install', (shown) =>
        installApp({ ...clientContext(args), progress: shown }, app, { version: str(args, 'version') }),
      );
      const message = done.changed
        ? `installed ${app} ${done.version} (${done.channel})${done.from ? `, replacing ${done.from}` : ''}${done.rollback ? ` (rollback: ${done.channel} is pinned back to ${done.version})` : ''}`
        : `${app} ${done.version} is already installed (${done.channel})${done.pinnedBack ? `; ${done.channel} is pinned back to ${done.pinnedBack} (--no-downgrade)` : ''}`;
      if (args.values.json)
        printJson(args, {
          code: 0,
          message,
          data: {
            uid: done.uid,
            app,
            version: done.version,
            channel: done.channel,
            changed: done.changed,
            ...(done.rollback ? { rollback: true } : {}),
            pinnedBack: done.pinnedBack,
          },
        });
      else {
        args.io.err(`${message}${took}\n`);
        args.io.out(`${done.uid}\n`);
      }
      return 0;
    }),
};
