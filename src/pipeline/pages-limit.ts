// Whether a built site still fits GitHub Pages, after the write: files (counted by the write) and
// bytes as a reader of the site sees them (links followed). Each object's size is measured once,
// when a build first links it (objects never change under their key), and kept in the cache; a
// site already past the file limit is not measured at all.
import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { diag, Errors, type Diagnostic } from '../errors/index.js';
import type { Cache } from '../cache/index.js';

/** GitHub Pages publishes sites up to 1 GB. */
const PAGES_MAX_BYTES = 1_000_000_000;
/** Far past what a Pages artifact (one tar, uploaded and unpacked per deploy) handles well. */
const PAGES_MAX_FILES = 100_000;

/** The W_SITE_EXCEEDS_PAGES warning when the site at `outDir` is too large for GitHub Pages. */
export function checkPagesLimit(
  outDir: string,
  cache: Cache,
  files: number,
  limits = { bytes: PAGES_MAX_BYTES, files: PAGES_MAX_FILES },
): Diagnostic | undefined {
  // Past the file limit the bytes do not matter, and stat-ing a large store's 1.3 M names took 43 s.
  if (files > limits.files) return diag(Errors.PagesLimit, [null, files]);
  const bytes = siteBytes(outDir, cache);
  return bytes > limits.bytes ? diag(Errors.PagesLimit, [`${(bytes / 1e9).toFixed(2)} GB`, files]) : undefined;
}

// --- internal ---

const CACHE = 'object-sizes.json';

function siteBytes(outDir: string, cache: Cache): number {
  const area = cache.area('object-sizes');
  // First build, or a cache from elsewhere: measured again.
  const known = area.readJson<Record<string, number>>(CACHE) ?? {};
  const now: Record<string, number> = {};
  let total = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile()) total += lstatSync(abs).size;
      else if (e.isSymbolicLink()) {
        // Links name their object by its target, e.g. ../../dist.objects/<key> or …/<key>/electron.
        const target = readlinkSync(abs);
        now[target] ??= known[target] ?? sizeOf(path.resolve(dir, target));
        total += now[target];
      }
    }
  };
  walk(outDir);
  // A read-only cache only costs the next build the same walk.
  area.write(CACHE, `${JSON.stringify(now)}\n`);
  return total;
}

/** Bytes below a path, links followed (as a copy of the site would hold them). */
function sizeOf(abs: string): number {
  const st = statSync(abs, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const name of readdirSync(abs)) n += sizeOf(path.join(abs, name));
  return n;
}
