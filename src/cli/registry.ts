import type { Command } from './command.js';

/** Loads a command's module; `summary` is its line in `appshelf --help`, known without loading it. */
export type CommandLoader = (() => Promise<{ command: Command }>) & { readonly summary: string };

const lazy = (summary: string, load: () => Promise<{ command: Command }>): CommandLoader => Object.assign(load, { summary });

/**
 * Every command, loaded lazily so `appshelf check` never pays for the server or the crypto CLI;
 * the summaries live here so that `appshelf --help` loads no command at all.
 * Keys are the words that select the command; the longest match wins (`ca init` before `ca`).
 */
export const commands: Record<string, CommandLoader> = {
  check: lazy('validate the store; with --base, also the pull-request policy', () => import('./commands/check.js')),
  build: lazy('check the store, then write the static site atomically', () => import('./commands/build.js')),
  serve: lazy('serve a built site, with auto-update-server compatible /update routes', () => import('./commands/serve.js')),
  // --- more commands register below, one line each ---
  'export aus': lazy('write the store as an auto-update-server updates/ folder (a fallback server)', () => import('./commands/export.js')),
  'import aus': lazy('import an auto-update-server updates/ folder into a new store', () => import('./commands/import-aus.js')),
  'ca init': lazy(
    'create the store CA: a private key (outside the repository) and the root certificate',
    () => import('./commands/ca-init.js'),
  ),
  'ca sign': lazy('issue an app certificate from a CSR and place it with the app', () => import('./commands/ca-sign.js')),
  'ca revoke': lazy('revoke an app certificate (recorded in trust/revoked.yaml)', () => import('./commands/ca-revoke.js')),
  'cert request': lazy('create an app key and a certificate request (CSR) with CN = APP', () => import('./commands/cert-request.js')),
  sign: lazy('sign a release archive or an app id (base64 RSA-SHA512, as openssl)', () => import('./commands/sign.js')),
  verify: lazy('check one signature and say exactly why it fails', () => import('./commands/verify.js')),
  'app register': lazy('register an app: its certificate and the signature over its id', () => import('./commands/app-register.js')),
  'release add': lazy(
    'add a release (or one more platform file to a new release) from CI or by hand',
    () => import('./commands/release-add.js'),
  ),
  rollout: lazy('set the staged-rollout percentage of a release on a channel', () => import('./commands/rollout.js')),
  promote: lazy('add a release to another channel (e.g. beta → stable)', () => import('./commands/promote.js')),
  pin: lazy('restore a version as live: a channel serves it even when newer releases exist', () => import('./commands/pin.js')),
  unpin: lazy('let a pinned channel follow its newest release again', () => import('./commands/unpin.js')),
  lock: lazy('lock versioning: the app accepts no new releases', () => import('./commands/lock.js')),
  unlock: lazy('unlock versioning: the app accepts new releases again', () => import('./commands/unlock.js')),
  install: lazy('install an app from a published store (verified, atomic)', () => import('./commands/install.js')),
  update: lazy('update installed apps to the newest release their channel offers', () => import('./commands/update.js')),
  uninstall: lazy('remove an installed app', () => import('./commands/uninstall.js')),
  init: lazy(
    'start a store repository: store.yaml, a new CA, package.json, workflows, CODEOWNERS, README',
    () => import('./commands/init.js'),
  ),
  keygen: lazy('make the Ed25519 manifest-signing key (private key outside the repository)', () => import('./commands/keygen.js')),
  yank: lazy('withdraw a released version (kept, served to no one)', () => import('./commands/yank.js')),
  unyank: lazy('serve a yanked version again', () => import('./commands/unyank.js')),
  deploy: lazy('publish a built site to S3-compatible object storage, uploading only what changed', () => import('./commands/deploy.js')),
  list: lazy('list installed apps, or the apps a store offers (--available)', () => import('./commands/list.js')),
};
