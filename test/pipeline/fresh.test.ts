import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest, memorySerialStore, UpdateError, verifyFreshDoc, verifyManifest, type LoadOptions } from '../../src/client/index.js';
import { buildStore, type BuildResult } from '../../src/index.js';
import { createStoreServer, type StoreServer } from '../../src/serve/index.js';
import { fixture, tmpStore } from '../helpers.js';
import { git } from './_git.js';

// One small git store (test/fixtures/manifest-basic) built on day 1, again on day 2 (nothing but
// the date changed), then after a commit: what a next-day build rewrites, and what a verifying
// client accepts and refuses.
const day1 = new Date('2027-01-15T12:00:00Z');
const day2 = new Date('2027-01-16T12:00:00Z');
const signingKey = readFileSync(new URL('../../demo-keys/manifest-signing.key', import.meta.url), 'utf8');
const env = { APPSHELF_SIGNING_KEY: signingKey };

/** Every file of a built site as the web sees it (symlinks followed): path → bytes. */
function siteOf(out: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs, `${rel}${name}/`);
      else files.set(`${rel}${name}`, readFileSync(abs));
    }
  };
  walk(out, '');
  return files;
}

let cwd: string;
let dist: string;
let server: StoreServer;
let storeUrl: string;
let publicKey: string;
let first: BuildResult;
let second: BuildResult;
let before: Map<string, Buffer>;
let after: Map<string, Buffer>;
const objectsOf = () => new Set(readdirSync(`${dist}.objects`).filter((n) => /^[0-9a-f]{32}$/.test(n)));
let objects1: Set<string>;

beforeAll(async () => {
  cwd = tmpStore({}, fixture('manifest-basic/store'));
  dist = path.join(cwd, 'dist');
  git(cwd, 'init', '-q', '-b', 'main');
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '-m', 'Initial store');
  const build = (now: Date) =>
    buildStore({ storeDir: path.join(cwd, 'store'), outDir: dist, cacheDir: path.join(cwd, '.appshelf-cache'), now, env });
  first = await build(day1);
  before = siteOf(dist);
  objects1 = objectsOf();
  second = await build(day2);
  after = siteOf(dist);
  publicKey = first.store!.signing.publicKey!;
  server = await createStoreServer(dist);
  storeUrl = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}/`;
});
afterAll(async () => server?.close());

const target = { app: 'tool', channel: 'stable', os: 'linux', arch: 'arm64', percentile: 42 };
const at = (p: number) => `update/tool/stable/linux/arm64/${p}.json`;
const load = (opts: LoadOptions = {}) => loadManifest({ storeUrl, ...target }, { publicKey, now: day2, ...opts });
const problem = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: unknown) => (e instanceof UpdateError ? e.problem : String(e)),
  );

describe('freshness without rewriting the store', () => {
  it('a next-day build re-signs only the fresh documents: no app checked, no object made, ≤ 1% of the files changed', () => {
    expect(first.ok && second.ok).toBe(true);
    expect(second.reused).toEqual(['tool']);
    expect(second.store!.apps).toEqual([]);
    expect(second.written!.objects.created).toBe(0);
    expect(objectsOf()).toEqual(objects1);
    const changed = [...after].filter(([rel, bytes]) => !before.get(rel)?.equals(bytes)).map(([rel]) => rel);
    expect([...before.keys()].filter((rel) => !after.has(rel))).toEqual([]);
    expect(changed.sort()).toEqual(['api/v1/signing.json', 'fresh/tool.json']);
    expect(changed.length).toBeLessThanOrEqual(first.written!.files / 100);
    expect(second.written!.written).toBe(changed.length);
  });

  it('the fresh document pins every platform index and band manifest, with a serial that grows daily', async () => {
    const bytes = after.get('fresh/tool.json')!;
    const read = await verifyFreshDoc(bytes, { publicKey, expect: { app: 'tool' }, now: day2 });
    expect(read.ok).toBe(true);
    const doc = read.ok ? read.doc : undefined;
    expect(doc!.expires).toBe('2027-01-24T00:00:00.000Z');
    const old = JSON.parse(before.get('fresh/tool.json')!.toString()).signed;
    expect(doc!.serial).toBe(old.serial + 86_400);
    const indexes = [...after.keys()].filter((rel) => /^update\/tool\/.*\/index\.json$/.test(rel));
    expect(doc!.platforms.map((p) => `update/tool/${p.channel}/${p.os}/${p.arch}/index.json`).sort()).toEqual(indexes.sort());
    const manifest = JSON.parse(after.get(at(42))!.toString()).signed;
    expect(manifest.expires).toBeUndefined();
    expect(await verifyManifest(after.get(at(42))!, { publicKey, now: day2 })).toMatchObject({ ok: false, problem: 'no-freshness' });
  });

  it('the client accepts the day-2 manifest and remembers both serials; plain clients still need one request', async () => {
    const serials = memorySerialStore();
    const got = await load({ serials });
    expect(got.verified).toBe(true);
    expect(got.manifest.candidates[0]!.version).toBe('1.1.0');
    expect(Object.keys(serials.entries)).toEqual([`${storeUrl}fresh/tool.json`]);
    // A serial kept for the manifest by a client from before fresh documents (they grew daily) does not block it.
    const upgraded = memorySerialStore({ [`${storeUrl}${at(42)}`]: 4_000_000_000 });
    expect((await load({ serials: upgraded })).verified).toBe(true);
    const asked: string[] = [];
    const plain = await loadManifest(
      { storeUrl, ...target },
      { fetchBytes: async (url) => (asked.push(url), new Uint8Array(await (await fetch(url)).arrayBuffer())) },
    );
    expect(plain.verified).toBe(false);
    expect(asked).toEqual([`${storeUrl}${at(42)}`]);
  });

  it('refuses a frozen feed (expired fresh document), a rollback (lower fresh serial) and a manifest the fresh document does not pin', async () => {
    expect(await problem(load({ now: new Date('2027-01-24T00:00:00Z') }))).toBe('expired');
    const fresh = JSON.parse(after.get('fresh/tool.json')!.toString()).signed;
    expect(await problem(load({ serials: memorySerialStore({ [`${storeUrl}fresh/tool.json`]: fresh.serial + 1 }) }))).toBe('rollback');
    // Yesterday's fresh document, served to a client that saw today's: a replay.
    const replay = (url: string) =>
      fetch(url).then(async (r) =>
        url.endsWith('fresh/tool.json') ? new Uint8Array(before.get('fresh/tool.json')!) : new Uint8Array(await r.arrayBuffer()),
      );
    const seen = memorySerialStore();
    await load({ serials: seen });
    expect(await problem(load({ serials: seen, fetchBytes: replay }))).toBe('rollback');
    // Another band's manifest of the same platform, relabelled nowhere: the fresh document pins another hash for this band.
    const other = after.get(at(0))!;
    const swapped = (url: string) =>
      fetch(url).then(async (r) => (url.endsWith('/42.json') ? new Uint8Array(other) : new Uint8Array(await r.arrayBuffer())));
    expect(await problem(load({ fetchBytes: swapped }))).toBe('wrong-target');
    // The same band's manifest of another build (a commit later): validly signed, not pinned by the fresh document served with it.
    const oldManifest = after.get(at(42))!;
    const rel = path.join(cwd, 'store/apps/tool/releases/2.0.0-rc.1.yaml');
    writeFileSync(rel, readFileSync(rel, 'utf8').replace(/stable: \d+/, 'stable: 60'));
    git(cwd, 'commit', '-qam', 'Widen the rollout of tool 2.0.0-rc.1');
    const third = await buildStore({
      storeDir: path.join(cwd, 'store'),
      outDir: dist,
      cacheDir: path.join(cwd, '.appshelf-cache'),
      now: day2,
      env,
    });
    expect(third.ok).toBe(true);
    await server.reload();
    expect(readFileSync(path.join(dist, at(42))).equals(oldManifest)).toBe(false);
    const mixed = (url: string) =>
      fetch(url).then(async (r) => (url.endsWith('/42.json') ? new Uint8Array(oldManifest) : new Uint8Array(await r.arrayBuffer())));
    expect(await problem(load({ fetchBytes: mixed }))).toBe('not-pinned');
    expect((await load()).manifest.candidates[0]!.version).toBe('2.0.0-rc.1');
  });
});
