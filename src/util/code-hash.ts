import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const memo = new Map<string, string>();

/**
 * Hex SHA-256 of the code in the given folders of this package (`src/` or `lib/`, whichever is
 * running; subfolders included), file names and bytes: results made by other code are never
 * taken for results of this one, so a fix reaches every app on the next build.
 */
export function codeHash(dirs: readonly string[]): string {
  const id = dirs.join('\0');
  const known = memo.get(id);
  if (known) return known;
  const hash = createHash('sha256');
  for (const dir of dirs) {
    const abs = fileURLToPath(new URL(`../${dir}/`, import.meta.url));
    const names = readdirSync(abs, { recursive: true, encoding: 'utf8' })
      .filter((n) => /\.(js|ts)$/.test(n) && !n.endsWith('.d.ts'))
      .sort();
    for (const name of names) hash.update(`${dir}/${name}\0`).update(readFileSync(`${abs}/${name}`));
  }
  const hex = hash.digest('hex');
  memo.set(id, hex);
  return hex;
}
