// The hash of everything lib/ is compiled from (src/, the tsconfig files, package.json), so the
// test setup can tell whether lib/ already matches src/ (npm ci's prepare compiles it just before
// npm test on a fresh clone) instead of compiling it a second time.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function files(dir) {
  return readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/** SHA-256 over the names and bytes of src/, tsconfig*.json and package.json. */
export function srcHash() {
  const hash = createHash('sha256');
  for (const f of [...files('src'), 'tsconfig.json', 'tsconfig.build.json', 'package.json'])
    hash
      .update(`${f}\0`)
      .update(readFileSync(path.join(root, f)))
      .update('\0');
  return hash.digest('hex');
}

/** Where the hash of the sources lib/ was last compiled from is kept. */
export const stampFile = path.join(root, 'lib', '.src-hash');
