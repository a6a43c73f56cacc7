import { existsSync, readFileSync, utimesSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/hash.js';
import { repoRoot, tmpDir, tmpStore } from '../helpers.js';
import { demoKey } from './_trust.js';

// The compiled library (lib/, built by the global setup): the worker pool needs the compiled worker file.
const lib = (await import(path.join(repoRoot, 'lib/index.js'))) as typeof import('../../src/index.js');
const verifyLib = (await import(path.join(repoRoot, 'lib/verify/index.js'))) as typeof import('../../src/verify/index.js');

const N = 120;

/** The example store plus N more signed shelfnotes releases, one small archive each. */
function bulkStore(): string {
  const dir = tmpStore();
  const key = demoKey('shelfnotes');
  const app = path.join(dir, 'store/apps/shelfnotes');
  mkdirSync(path.join(app, 'files'), { recursive: true });
  for (let i = 0; i < N; i++) {
    const bytes = Buffer.from(`archive number ${i}\n`.repeat(10 + i));
    writeFileSync(path.join(app, 'files', `bulk-${i}.tar.gz`), bytes);
    writeFileSync(path.join(app, 'releases', `9.0.${i}.yaml`), [
      `version: 9.0.${i}`, 'channels: [beta]', 'entries:', '  - os: linux', '    architectures: [x86-64]', `    file: files/bulk-${i}.tar.gz`,
      `    size: ${bytes.length}`, `    sha256: ${sha256Hex(bytes)}`, `    signature: ${verifyLib.signData(bytes, key)}`, '',
    ].join('\n'));
  }
  return dir;
}

async function run(dir: string, cacheDir: string, pool: { workers?: number; parallelThreshold?: number }) {
  const prev = process.cwd();
  process.chdir(dir);
  try {
    const { store } = lib.resolveStore(lib.validateDocs(lib.loadStore('store')));
    const archivePath = (e: { file?: string }) => (e.file ? path.join(store!.root, e.file) : undefined);
    return await lib.verifyStore(store!, { archivePath, cacheDir, ...pool });
  } finally {
    process.chdir(prev);
  }
}

describe('verification cache and worker pool', () => {
  it('gives the same results in worker threads as in-thread, in the right order', async () => {
    const dir = bulkStore();
    // Break two entries in the middle: a wrong size and a signature of another release.
    const r7 = path.join(dir, 'store/apps/shelfnotes/releases/9.0.7.yaml');
    writeFileSync(r7, readFileSync(r7, 'utf8').replace(/size: \d+/, 'size: 1'));
    const r50 = path.join(dir, 'store/apps/shelfnotes/releases/9.0.50.yaml');
    const sig51 = /signature: (.*)/.exec(readFileSync(path.join(dir, 'store/apps/shelfnotes/releases/9.0.51.yaml'), 'utf8'))![1]!;
    writeFileSync(r50, readFileSync(r50, 'utf8').replace(/signature: .*/, `signature: ${sig51}`));
    const pooled = await run(dir, tmpDir(), { workers: 2, parallelThreshold: 0 });
    const inThread = await run(dir, tmpDir(), { workers: 0 });
    const summary = (r: { diagnostics: { code: string; file?: string; message: string }[] }) => r.diagnostics.map((d) => `${d.code} ${d.file}`).sort();
    expect(summary(pooled)).toEqual([
      'E_ARCHIVE_SIZE store/apps/shelfnotes/releases/9.0.7.yaml',
      'E_SIGNATURE_OTHER_DATA store/apps/shelfnotes/releases/9.0.50.yaml',
    ]);
    expect(summary(inThread)).toEqual(summary(pooled));
    expect(pooled.diagnostics.find((d) => d.code === 'E_SIGNATURE_OTHER_DATA')!.message).toContain('it is the signature of store/apps/shelfnotes/files/bulk-51.tar.gz');
    expect(pooled.signed('shelfnotes', '9.0.50')).toBe(false);
    expect(pooled.signed('shelfnotes', '9.0.49')).toBe(true);
  });

  it('caches verified signatures, and re-checks a file rewritten with the same size and mtime', async () => {
    const dir = bulkStore();
    const cacheDir = tmpDir();
    const cold = await run(dir, cacheDir, {});
    expect(cold.diagnostics).toEqual([]);
    const cache = JSON.parse(readFileSync(path.join(cacheDir, 'verify-cache.json'), 'utf8')) as { verified: string[]; files: Record<string, unknown> };
    // 17 example archives + N bulk ones, each verified once.
    expect(cache.verified).toHaveLength(17 + N);
    expect(Object.keys(cache.files)).toHaveLength(17 + N);
    const warm = await run(dir, cacheDir, {});
    expect(warm.diagnostics).toEqual([]);
    expect(warm.signed('shelfnotes', '9.0.3')).toBe(true);

    // Same length, same mtime, other bytes: the ctime changed, so the file is hashed again.
    const file = path.join(dir, 'store/apps/shelfnotes/files/bulk-3.tar.gz');
    const { atime, mtime } = statSync(file);
    const bytes = readFileSync(file);
    bytes[0] = bytes[0]! ^ 1;
    writeFileSync(file, bytes);
    utimesSync(file, atime, mtime);
    const after = await run(dir, cacheDir, {});
    expect(after.diagnostics.map((d) => `${d.code} ${d.file}`)).toEqual(['E_ARCHIVE_SHA256 store/apps/shelfnotes/releases/9.0.3.yaml']);
  });

  it('a cache that cannot be read is ignored', async () => {
    const dir = tmpStore();
    const cacheDir = tmpDir();
    writeFileSync(path.join(cacheDir, 'verify-cache.json'), '{ not json');
    const result = await run(dir, cacheDir, {});
    expect(result.diagnostics).toEqual([]);
    expect(existsSync(path.join(cacheDir, 'verify-cache.json'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(cacheDir, 'verify-cache.json'), 'utf8')).version).toBe(1);
  });
});
