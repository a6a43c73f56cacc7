import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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
