import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where private keys go unless a command is told otherwise: `APPSHELF_KEYS`, else
 * `~/.appshelf/keys` — apart from the client's install state (`~/.appshelf/apps`), so the keys
 * can be backed up, moved into CI secrets or wiped on their own.
 */
export function keysDir(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.APPSHELF_KEYS || path.join(env.HOME || os.homedir(), '.appshelf', 'keys'));
}

/**
 * Writes a private key readable by its owner only (0600), in a folder made private (0700) when
 * this creates it; an existing folder chosen by the user keeps its mode.
 */
export function writePrivateKey(file: string, pem: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, pem, { mode: 0o600 });
  // The mode given to writeFileSync applies only to a new file (and passes through the umask).
  chmodSync(file, 0o600);
}
