import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStore } from '../../src/index.js';
import { createStoreServer, type StoreServer } from '../../src/serve/index.js';
import { fixture, tmpDir, tmpStore } from '../helpers.js';
import { load, request } from './_http.js';

const APPS = '/api/v1/apps.json';
const QUERY = '/update.json?app=shelfnotes&os=osx&osversion=14.1&channel=stable';
const release = 'store/apps/shelfnotes/releases/1.5.0.yaml';

let root: string;
let dist: string;
let server: StoreServer;
const logs: string[] = [];
/** The two builds the test swaps between: stable 1.5.0 at 25 % (A) and at 100 % (B). */
const variants: Record<'A' | 'B', { text: string; apps?: Buffer; id?: string; version: string }> = {
  A: { text: '', version: '1.4.0' },
  B: { text: '', version: '1.5.0' },
};

async function build(which: 'A' | 'B', outDir = dist) {
  writeFileSync(path.join(root, release), variants[which].text);
  const r = await buildStore({ storeDir: path.join(root, 'store'), outDir, unsigned: true });
  expect(r.ok).toBe(true);
}

async function until(what: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  root = tmpStore({}, fixture('signed-desktop/store'));
  dist = path.join(root, 'dist');
  variants.A.text = readFileSync(path.join(root, release), 'utf8');
  variants.B.text = variants.A.text.replace('stable: 25', 'stable: 100');
  expect(variants.B.text).not.toBe(variants.A.text);
  for (const v of ['B', 'A'] as const) {
    await build(v);
    variants[v].apps = readFileSync(path.join(dist, APPS));
    const probe = await createStoreServer(dist);
    variants[v].id = probe.site.buildId;
  }
  server = await createStoreServer(dist, { watch: true, log: (l) => logs.push(l) });
});
afterAll(() => server?.close());

describe('reload', () => {
  it('switches builds under load with no failed request and no answer mixing two builds', async () => {
    const port = await server.listen(0);
    expect(server.site.buildId).toBe(variants.A.id);
    const seen = new Set<string>();
    const check = (target: string, r: { body: Buffer; text: string; headers: Record<string, unknown> }) => {
      if (Number(r.headers['content-length']) !== r.body.byteLength) return 'length differs from Content-Length';
      if (target === APPS) {
        const which = (['A', 'B'] as const).find((v) => variants[v].apps!.equals(r.body));
        if (!which) return 'apps.json of neither build';
        seen.add(`apps:${which}`);
      } else if (target === QUERY) {
        const v = JSON.parse(r.text).version;
        if (v !== variants.A.version && v !== variants.B.version) return `unexpected version ${v}`;
        seen.add(`update:${v}`);
      } else if (target === '/healthz') {
        const id = JSON.parse(r.text).build.id;
        if (id !== variants.A.id && id !== variants.B.id) return `unknown build ${id}`;
      }
      return undefined;
    };
    const stop = { now: false };
    const running = load(port, {
      connections: 50,
      seconds: 100,
      stop,
      paths: [APPS, QUERY, '/healthz', '/files/shelfnotes/1.5.0/shelfnotes-1.5.0-osx.tar.gz'],
      check,
    });
    const swaps: ('A' | 'B')[] = ['B', 'A', 'B'];
    for (const v of swaps) {
      await build(v);
      await until(() => server.site.buildId === variants[v].id);
      const r = await request(port, QUERY);
      expect(JSON.parse(r.text).version).toBe(variants[v].version);
    }
    stop.now = true;
    const result = await running;
    expect(result.errors).toEqual([]);
    expect(result.requests).toBeGreaterThan(100);
    expect(seen).toEqual(new Set(['apps:A', 'apps:B', 'update:1.4.0', 'update:1.5.0']));
    expect(logs.filter((l) => l.startsWith('reloaded')).length).toBeGreaterThanOrEqual(3);
  }, 120_000);
});

describe('reload of a broken build', () => {
  it('keeps serving the previous build and says why', async () => {
    const other = await createStoreServer(dist, { log: (l) => logs.push(l) });
    const before = other.site;
    writeFileSync(path.join(dist, 'api/v1/update-index.json'), '{ not json');
    await other.reload();
    expect(other.site).toBe(before);
    expect(logs.at(-1)).toMatch(
      /^error E_SERVE_RELOAD_FAILED: Could not load the new build in .*dist \(.*update-index\.json is not a usable update index/,
    );
  });
});

describe('downloads across a swap', () => {
  it('finish from the open file even when the build deletes the previous folder', async () => {
    const parent = tmpDir();
    const site = path.join(parent, 'dist');
    const big = randomBytes(16 * 1024 * 1024);
    mkdirSync(path.join(site, 'files', 'a', '1.0.0'), { recursive: true });
    writeFileSync(path.join(site, 'files', 'a', '1.0.0', 'a.bin'), big);
    writeFileSync(path.join(site, 'index.html'), 'one');
    const s = await createStoreServer(site);
    const port = await s.listen(0);
    const res = await new Promise<http.IncomingMessage>((resolve) =>
      http.get({ host: '127.0.0.1', port, path: '/files/a/1.0.0/a.bin' }, (r) => resolve(r.pause())),
    );
    // What a build does: the new site is renamed into place, the old one deleted.
    cpSync(site, path.join(parent, 'dist.tmp'), { recursive: true });
    writeFileSync(path.join(parent, 'dist.tmp', 'index.html'), 'two');
    renameSync(site, path.join(parent, 'dist.old'));
    renameSync(path.join(parent, 'dist.tmp'), site);
    rmSync(path.join(parent, 'dist.old'), { recursive: true });
    await s.reload();
    expect((await request(port, '/')).text).toBe('two');
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      res
        .on('data', (c: Buffer) => chunks.push(c))
        .on('end', () => resolve(Buffer.concat(chunks)))
        .resume();
    });
    expect(body.equals(big)).toBe(true);
    await s.close();
    // Nothing is written next to the site (servers before 0.2 hardlinked snapshots there).
    expect(readdirSync(parent).sort()).toEqual(['dist']);
  });
});

describe('a request between the two renames of a swap', () => {
  it('waits for the folder to be back instead of answering 404', async () => {
    const parent = tmpDir();
    const site = path.join(parent, 'dist');
    mkdirSync(path.join(site, 'files', 'a', '1.0.0'), { recursive: true });
    writeFileSync(path.join(site, 'files', 'a', '1.0.0', 'a.bin'), 'one');
    const s = await createStoreServer(site);
    const port = await s.listen(0);
    // The moment a build has renamed the old site away and not yet renamed the new one in.
    renameSync(site, path.join(parent, 'dist.old'));
    const during = request(port, '/files/a/1.0.0/a.bin');
    await new Promise((r) => setTimeout(r, 30));
    renameSync(path.join(parent, 'dist.old'), site);
    const r = await during;
    expect(r.status).toBe(200);
    expect(r.text).toBe('one');
    // A path no build has still answers 404 at once while the folder is there.
    expect((await request(port, '/files/a/1.0.0/none.bin')).status).toBe(404);
    await s.close();
  });
});
