import type { Command } from './command.js';

/**
 * Every command, loaded lazily so `appshelf check` never pays for the server or the crypto CLI.
 * Keys are the words that select the command; the longest match wins (`ca init` before `ca`).
 */
export const commands: Record<string, () => Promise<{ command: Command }>> = {
  check: () => import('./commands/check.js'),
  build: () => import('./commands/build.js'),
  serve: () => import('./commands/serve.js'),
  // --- more commands register below, one line each ---
  'import aus': () => import('./commands/import-aus.js'),
  'ca init': () => import('./commands/ca-init.js'),
  'ca sign': () => import('./commands/ca-sign.js'),
  'ca revoke': () => import('./commands/ca-revoke.js'),
  'cert request': () => import('./commands/cert-request.js'),
  sign: () => import('./commands/sign.js'),
  verify: () => import('./commands/verify.js'),
  'app register': () => import('./commands/app-register.js'),
  'release add': () => import('./commands/release-add.js'),
  rollout: () => import('./commands/rollout.js'),
  promote: () => import('./commands/promote.js'),
  pin: () => import('./commands/pin.js'),
  unpin: () => import('./commands/unpin.js'),
  lock: () => import('./commands/lock.js'),
  unlock: () => import('./commands/unlock.js'),
  install: () => import('./commands/install.js'),
  update: () => import('./commands/update.js'),
  uninstall: () => import('./commands/uninstall.js'),
  list: () => import('./commands/list.js'),
};
