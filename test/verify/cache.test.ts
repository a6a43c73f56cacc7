import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, utimesSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/hash.js';
import { fixture, repoRoot, tmpDir, tmpStore } from '../helpers.js';
import { demoKey, edit, issue } from './_trust.js';

// The compiled library (lib/, built by the global setup): the worker pool needs the compiled worker file.
const lib = (await import(path.join(repoRoot, 'lib/index.js'))) as typeof import('../../src/index.js');
const verifyLib = (await import(path.join(repoRoot, 'lib/verify/index.js'))) as typeof import('../../src/verify/index.js');

const N = 120;
const SIGNED_DESKTOP = fixture('signed-desktop/store');
const SIGNED_APP_KINDS = fixture('signed-app-kinds/store');

let bulk: string | undefined;

/**
 * The signed desktop app plus N more of its releases, one small archive each: signed once per
 * file (N RSA-4096 signatures), then copied for each test (`cp -a`, mtimes kept).
 */
function bulkStore(): string {
  if (!bulk) {
    const dir = tmpStore({}, SIGNED_DESKTOP);
    const key = demoKey('shelfnotes');
    const app = path.join(dir, 'store/apps/shelfnotes');
    mkdirSync(path.join(app, 'files'), { recursive: true });
    for (let i = 0; i < N; i++) {
      const bytes = Buffer.from(`archive number ${i}\n`.repeat(10 + i));
      writeFileSync(path.join(app, 'files', `bulk-${i}.tar.gz`), bytes);
      writeFileSync(
        path.join(app, 'releases', `9.0.${i}.yaml`),
        [
          `version: 9.0.${i}`,
          'channels: [beta]',
          'entries:',
          '  - os: linux',
          '    architectures: [x86-64]',
          `    file: files/bulk-${i}.tar.gz`,
          `    size: ${bytes.length}`,
          `    sha256: ${sha256Hex(bytes)}`,
          `    signature: ${verifyLib.signData(bytes, key)}`,
          '',
        ].join('\n'),
      );
    }
    bulk = dir;
  }
  const dir = path.join(tmpDir(), 'bulk');
  execFileSync('cp', ['-a', bulk, dir]);
  return dir;
}

/** Verifies the store in `dir` (only the apps `only` names, when given, as a build of changed apps does). */
async function run(
  dir: string,
  cacheDir: string,
  pool: { workers?: number; parallelThreshold?: number; onProgress?: (done: number, total: number) => void },
  opts: { now?: Date; only?: string[] } = {},
) {
  const prev = process.cwd();
  process.chdir(dir);
  try {
    const { store: whole } = lib.resolveStore(lib.validateDocs(lib.loadStore('store')));
    const store = opts.only ? { ...whole!, apps: whole!.apps.filter((a) => opts.only!.includes(a.id)) } : whole!;
    const archivePath = (e: { file?: string }) => (e.file ? path.join(store.root, e.file) : undefined);
    return await lib.verifyStore(store, { archivePath, cacheDir, now: opts.now, ...pool });
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
    const counts: Record<string, [number, number][]> = { pooled: [], inThread: [] };
    const pooled = await run(dir, tmpDir(), { workers: 2, parallelThreshold: 0, onProgress: (d, t) => void counts.pooled!.push([d, t]) });
    const inThread = await run(dir, tmpDir(), { workers: 0, onProgress: (d, t) => void counts.inThread!.push([d, t]) });
    // Progress for a display: counts that only grow and end at the total, from threads as from this one.
    for (const seen of Object.values(counts)) {
      expect(seen.at(-1)).toEqual([seen[0]![1], seen[0]![1]]);
      expect(seen[0]![1]).toBeGreaterThanOrEqual(N);
      expect(seen.every(([d], i) => i === 0 || d > seen[i - 1]![0])).toBe(true);
    }
    const summary = (r: { diagnostics: { code: string; file?: string; message: string }[] }) =>
      r.diagnostics.map((d) => `${d.code} ${d.file}`).sort();
    expect(summary(pooled)).toEqual([
      'E_ARCHIVE_SIZE store/apps/shelfnotes/releases/9.0.7.yaml',
      'E_SIGNATURE_OTHER_DATA store/apps/shelfnotes/releases/9.0.50.yaml',
    ]);
    expect(summary(inThread)).toEqual(summary(pooled));
    expect(pooled.diagnostics.find((d) => d.code === 'E_SIGNATURE_OTHER_DATA')!.message).toContain(
      'it is the signature of store/apps/shelfnotes/files/bulk-51.tar.gz',
    );
    expect(pooled.signed('shelfnotes', '9.0.50')).toBe(false);
    expect(pooled.signed('shelfnotes', '9.0.49')).toBe(true);
  });

  it('caches verified signatures, and re-checks a file rewritten with the same size and mtime', async () => {
    const dir = bulkStore();
    const cacheDir = tmpDir();
    const cold = await run(dir, cacheDir, {});
    expect(cold.diagnostics).toEqual([]);
    const shards = readdirSync(path.join(cacheDir, 'verify-cache')).map(
      (f) =>
        JSON.parse(readFileSync(path.join(cacheDir, 'verify-cache', f), 'utf8')) as { verified: string[]; files: Record<string, unknown> },
    );
    // 12 archives of the app's own releases + N bulk ones, each verified once.
    expect(shards.flatMap((c) => c.verified)).toHaveLength(12 + N);
    expect(shards.flatMap((c) => Object.keys(c.files))).toHaveLength(12 + N);
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
    const dir = tmpStore({}, SIGNED_DESKTOP);
    const cacheDir = tmpDir();
    const shard = path.join(cacheDir, 'verify-cache', 'shelfnotes.json');
    mkdirSync(path.dirname(shard));
    writeFileSync(shard, '{ not json');
    const result = await run(dir, cacheDir, {});
    expect(result.diagnostics).toEqual([]);
    expect(JSON.parse(readFileSync(shard, 'utf8')).version).toBe(2);
  });

  it('keeps one shard per app and rewrites only the shards of apps whose archives changed', async () => {
    const dir = tmpStore({}, SIGNED_APP_KINDS);
    const cacheDir = tmpDir();
    writeFileSync(path.join(cacheDir, 'verify-cache.json'), '{"version":1,"files":{},"verified":[]}');
    expect((await run(dir, cacheDir, {})).diagnostics).toEqual([]);
    const withArchives = ['legacy_sync', 'news'];
    expect(readdirSync(path.join(cacheDir, 'verify-cache')).sort()).toEqual(withArchives.map((a) => `${a}.json`));
    // The single file of earlier versions is removed.
    expect(existsSync(path.join(cacheDir, 'verify-cache.json'))).toBe(false);
    const news = JSON.parse(readFileSync(path.join(cacheDir, 'verify-cache/news.json'), 'utf8')) as { files: Record<string, unknown> };
    expect(Object.keys(news.files).every((f) => f.includes(`${path.sep}apps${path.sep}news${path.sep}`))).toBe(true);
    const ids = shardIds(cacheDir);
    expect((await run(dir, cacheDir, {})).diagnostics).toEqual([]);
    expect(shardIds(cacheDir)).toEqual(ids);

    // A rewritten archive (same bytes, new stamp): only its app's shard is written again.
    const archive = path.join(dir, 'store/apps/news', readdirSync(path.join(dir, 'store/apps/news/files')).map((f) => `files/${f}`)[0]!);
    writeFileSync(archive, readFileSync(archive));
    expect((await run(dir, cacheDir, {})).diagnostics).toEqual([]);
    const after = shardIds(cacheDir);
    expect(Object.keys(after).filter((f) => after[f] !== ids[f])).toEqual(['news.json']);
  });

  it('a run of some apps reads and writes only their shards; shards of apps that are gone are deleted', async () => {
    const dir = tmpStore({}, SIGNED_APP_KINDS);
    cpSync(path.join(SIGNED_DESKTOP, 'apps/shelfnotes'), path.join(dir, 'store/apps/shelfnotes'), { recursive: true });
    const cacheDir = tmpDir();
    await run(dir, cacheDir, {});
    const ids = shardIds(cacheDir);
    // A shard of an app not verified is not even read.
    writeFileSync(path.join(cacheDir, 'verify-cache/legacy_sync.json'), '{ not json');
    const legacy = shardIds(cacheDir)['legacy_sync.json'];
    const archive = path.join(
      dir,
      'store/apps/shelfnotes',
      readdirSync(path.join(dir, 'store/apps/shelfnotes/files')).map((f) => `files/${f}`)[0]!,
    );
    writeFileSync(archive, readFileSync(archive));
    const some = await run(dir, cacheDir, {}, { only: ['shelfnotes'] });
    expect(some.diagnostics).toEqual([]);
    let after = shardIds(cacheDir);
    expect(Object.keys(after).sort()).toEqual(Object.keys(ids).sort());
    expect(
      Object.keys(after)
        .filter((f) => after[f] !== ids[f])
        .sort(),
    ).toEqual(['legacy_sync.json', 'shelfnotes.json']);
    expect(after['legacy_sync.json']).toBe(legacy);

    // news is removed from the store: the next run (even of one other app) deletes its shard, and writes nothing else.
    rmSync(path.join(dir, 'store/apps/news'), { recursive: true });
    const before = after;
    await run(dir, cacheDir, {}, { only: ['shelfnotes'] });
    after = shardIds(cacheDir);
    expect(after).toEqual({ 'legacy_sync.json': before['legacy_sync.json'], 'shelfnotes.json': before['shelfnotes.json'] });
  });
});

describe('changesAt', () => {
  const ms = (date: string) => new Date(date).getTime();
  const certOf = (dir: string, rel: string) => new X509Certificate(readFileSync(path.join(dir, 'store', rel)));

  it('is the first notBefore to come or notAfter (+1 ms) of the app certificate and the store CA', async () => {
    const dir = tmpStore({}, SIGNED_DESKTOP);
    const ca = certOf(dir, 'trust/ca.crt');
    const app = certOf(dir, 'apps/shelfnotes/shelfnotes.crt');
    // The demo CA expires a few seconds before the demo app certificates.
    expect(ms(ca.validTo)).toBeLessThan(ms(app.validTo));
    const later = await run(dir, tmpDir(), {}, { now: new Date('2027-01-15T12:00:00Z') });
    expect(later.changesAt('shelfnotes')).toBe(ms(ca.validTo) + 1);
    expect(later.changesAt('no_such_app')).toBeUndefined();
    // Before the certificate is valid: the first change is its notBefore (the CA's notBefore is not checked).
    const before = await run(dir, tmpDir(), {}, { now: new Date(ms(app.validFrom) - 60_000) });
    expect(before.diagnostics.map((d) => d.code)).toContain('E_CERT_NOT_YET_VALID');
    expect(before.changesAt('shelfnotes')).toBe(ms(app.validFrom));
    // Exactly at notAfter the certificate is still valid; one millisecond later it has expired.
    const atEnd = await run(dir, tmpDir(), {}, { now: new Date(ms(ca.validTo)) });
    expect(atEnd.changesAt('shelfnotes')).toBe(ms(ca.validTo) + 1);
    const past = await run(dir, tmpDir(), {}, { now: new Date(ms(app.validTo) + 1) });
    expect(past.diagnostics.map((d) => d.code)).toContain('W_CERT_EXPIRED');
    expect(past.changesAt('shelfnotes')).toBeUndefined();
  });

  it('follows a certificate that expires before the CA, and is undefined for an app without certificate', async () => {
    const dir = tmpStore({}, SIGNED_APP_KINDS);
    const now = new Date('2027-03-01T00:00:00Z');
    writeFileSync(path.join(dir, 'store/apps/news/news.crt'), issue('news', demoKey('news'), undefined, 30, now));
    edit(dir, 'store/apps/cockpit/app.yaml', (t) => t.replace(/^certificate:.*\n/m, ''));
    const report = await run(dir, tmpDir(), {}, { now });
    expect(report.changesAt('news')).toBe(ms(certOf(dir, 'apps/news/news.crt').validTo) + 1);
    expect(report.changesAt('news')! - now.getTime()).toBeLessThanOrEqual(30 * 86_400_000 + 1);
    expect(report.diagnostics.map((d) => d.code)).toContain('E_CERT_MISSING');
    expect(report.changesAt('cockpit')).toBeUndefined();
  });
});

/** Identity of each shard file: a rewrite (tmp + rename) gives a new inode. */
function shardIds(cacheDir: string): Record<string, string> {
  const dir = path.join(cacheDir, 'verify-cache');
  return Object.fromEntries(
    readdirSync(dir).map((f) => {
      const s = statSync(path.join(dir, f), { bigint: true });
      return [f, `${s.ino}:${s.mtimeNs}`];
    }),
  );
}
