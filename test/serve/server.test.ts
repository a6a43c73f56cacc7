import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStore } from '../../src/index.js';
import { createStoreServer, type StoreServer } from '../../src/serve/index.js';
import { fixture, tmpDir, tmpStore } from '../helpers.js';
import { load, rawRequest, request } from './_http.js';

let dist: string;
let server: StoreServer;
let port: number;

beforeAll(async () => {
  const root = tmpStore({}, fixture('signed-desktop/store'));
  dist = path.join(root, 'dist');
  const built = await buildStore({ storeDir: path.join(root, 'store'), outDir: dist, unsigned: true });
  expect(built.ok).toBe(true);
  server = await createStoreServer(dist);
  port = await server.listen(0);
});
afterAll(() => server?.close());

const APPS = '/api/v1/apps.json';
const ARCHIVE = '/files/shelfnotes/1.5.0/shelfnotes-1.5.0-osx.tar.gz';
const onDisk = (p: string) => readFileSync(path.join(dist, p));

describe('static files', () => {
  it('serves a manifest from memory with ETag, Last-Modified and a short, revalidated cache', async () => {
    const r = await request(port, APPS);
    expect(r.status).toBe(200);
    expect(r.body.equals(onDisk(APPS))).toBe(true);
    expect(r.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, max-age=60, must-revalidate',
      'accept-ranges': 'bytes',
      vary: 'Accept-Encoding',
    });
    expect(r.headers.etag).toMatch(/^W\/"\d+-\d+"$/);
    expect(Number(r.headers['content-length'])).toBe(r.body.byteLength);
  });

  it('answers conditional requests with 304', async () => {
    const { headers } = await request(port, APPS);
    for (const h of [
      { 'if-none-match': headers.etag! },
      { 'if-none-match': `"x", ${headers.etag}` },
      { 'if-modified-since': headers['last-modified']! },
    ]) {
      const r = await request(port, APPS, { headers: h });
      expect([r.status, r.body.byteLength, r.headers.etag]).toEqual([304, 0, headers.etag]);
    }
    expect((await request(port, APPS, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });

  it('sends the precompressed .br copy to clients that accept it', async () => {
    const r = await request(port, APPS, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.body.equals(onDisk(`${APPS}.br`))).toBe(true);
    expect(brotliDecompressSync(r.body).equals(onDisk(APPS))).toBe(true);
    expect((await request(port, APPS, { headers: { 'accept-encoding': 'gzip' } })).headers['content-encoding']).toBe('gzip');
  });

  it('answers HEAD with the headers only, and byte ranges', async () => {
    const head = await request(port, APPS, { method: 'HEAD' });
    expect([head.status, head.body.byteLength, Number(head.headers['content-length'])]).toEqual([200, 0, onDisk(APPS).byteLength]);
    const size = onDisk(APPS).byteLength;
    const part = await request(port, APPS, { headers: { range: 'bytes=2-9' } });
    expect([part.status, part.headers['content-range'], part.text]).toEqual([
      206,
      `bytes 2-9/${size}`,
      onDisk(APPS).subarray(2, 10).toString(),
    ]);
    const tail = await request(port, APPS, { headers: { range: 'bytes=-4' } });
    expect([tail.status, tail.headers['content-range']]).toEqual([206, `bytes ${size - 4}-${size - 1}/${size}`]);
    const bad = await request(port, APPS, { headers: { range: `bytes=${size}-` } });
    expect([bad.status, bad.headers['content-range']]).toEqual([416, `bytes */${size}`]);
  });

  it('streams archives as files (never as Content-Encoding: gzip), cached for a year, with ranges', async () => {
    const r = await request(port, ARCHIVE, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.headers['content-type']).toBe('application/gzip');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.body.equals(onDisk(ARCHIVE))).toBe(true);
    const size = r.body.byteLength;
    const part = await request(port, ARCHIVE, { headers: { range: 'bytes=0-9' } });
    expect([part.status, part.body.byteLength, part.headers['content-range']]).toEqual([206, 10, `bytes 0-9/${size}`]);
    const tail = await request(port, ARCHIVE, { headers: { range: 'bytes=-10' } });
    expect([tail.status, tail.headers['content-range']]).toEqual([206, `bytes ${size - 10}-${size - 1}/${size}`]);
    expect(tail.body.equals(onDisk(ARCHIVE).subarray(size - 10))).toBe(true);
    expect((await request(port, ARCHIVE, { headers: { range: 'bytes=5-2' } })).status).toBe(416);
    expect((await request(port, ARCHIVE, { headers: { range: 'bytes=0-0' } })).status).toBe(206);
    expect((await request(port, ARCHIVE, { headers: { range: 'bytes=0-1,4-5' } })).status).toBe(200);
    expect((await request(port, ARCHIVE, { headers: { range: 'bytes=0-9', 'if-range': '"stale"' } })).status).toBe(200);
    expect((await request(port, ARCHIVE, { headers: { 'if-none-match': r.headers.etag! } })).status).toBe(304);
    const head = await request(port, ARCHIVE, { method: 'HEAD' });
    expect([head.status, head.body.byteLength, Number(head.headers['content-length'])]).toEqual([200, 0, size]);
  });

  it('serves the catalog at /, JSON 404s under /api/, and a health document', async () => {
    const home = await request(port, '/');
    expect([home.status, home.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    expect(home.body.equals(onDisk('index.html'))).toBe(true);
    const api = await request(port, '/api/v1/apps/nope.json');
    expect([api.status, api.headers['content-type'], JSON.parse(api.text)]).toEqual([
      404,
      'application/json; charset=utf-8',
      { error: 'No API document at /api/v1/apps/nope.json.' },
    ]);
    expect((await request(port, '/nope')).status).toBe(404);
    const health = JSON.parse((await request(port, '/healthz')).text);
    expect(health).toMatchObject({
      status: 'ok',
      store: 'signed-desktop scenario',
      build: { id: server.site.buildId, files: server.site.files },
    });
    expect(health.build.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('answers / with OK when the site has no catalog page', async () => {
    const dir = tmpDir();
    mkdirSync(path.join(dir, 'api'));
    writeFileSync(path.join(dir, 'api', 'x.json'), '{}');
    const bare = await createStoreServer(dir);
    const p = await bare.listen(0);
    try {
      const r = await request(p, '/');
      expect([r.status, r.text]).toEqual([200, 'OK']);
      expect((await request(p, '/update.json?app=x&os=osx')).text).toBe('{"error":"No updates."}');
      expect(bare.site.diagnostics.map((d) => d.code)).toEqual(['W_SERVE_NO_UPDATE_INDEX']);
    } finally {
      await bare.close();
    }
  });
});

describe('robustness', () => {
  it('allows GET, HEAD and OPTIONS only', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'PROPFIND']) {
      // auto-update-server's own routes answer as it did (test/serve/compat.test.ts).
      const r = await request(port, '/api/v1/apps.json', { method });
      expect([r.status, r.headers.allow]).toEqual([405, 'GET, HEAD, OPTIONS']);
      expect(JSON.parse(r.text).error).toContain(`Method ${method} is not allowed`);
    }
    const options = await request(port, '/', { method: 'OPTIONS' });
    expect([options.status, options.headers.allow]).toEqual([204, 'GET, HEAD, OPTIONS']);
  });

  it('never serves anything outside the site, however the path is encoded', async () => {
    const attempts = [
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/files/%2e%2e%2f%2e%2e%2fstore.yaml',
      '/..\\..\\..\\etc\\passwd',
      '/files/..%5c..%5c..%5cetc%5cpasswd',
      '/../../../etc/passwd',
      '/files/../../store/store.yaml',
      '/%c0%ae%c0%ae/etc/passwd',
      '/%00',
      '/api/%',
    ];
    for (const target of attempts) {
      const raw = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const status = Number(raw.split(' ')[1]);
      expect([400, 404], `${target} → ${raw.split('\r\n')[0]}`).toContain(status);
      expect(raw).not.toContain('root:');
      expect(raw).not.toContain('channels:');
    }
  });

  it('refuses very long URLs and query strings with 414 or 431, never 500', async () => {
    expect((await request(port, `/${'a'.repeat(9000)}`)).status).toBe(414);
    expect((await request(port, `/update.json?app=MyApp&os=osx&x=${'b'.repeat(9000)}`)).status).toBe(414);
    const huge = await rawRequest(port, `GET /update.json?x=${'c'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(huge.split(' ')[1]).toBe('431');
    const many = await request(port, `/update.json?${Array.from({ length: 800 }, (_, i) => `k${i}=${i}`).join('&')}&app=shelfnotes&os=osx`);
    expect(many.status).toBe(404);
  });

  it('drops clients that send headers too slowly (408)', async () => {
    const slow = await createStoreServer(dist, { headersTimeout: 400, requestTimeout: 800, connectionsCheckingInterval: 100 });
    const p = await slow.listen(0);
    try {
      const started = Date.now();
      const raw = await rawRequest(p, 'GET /api/v1/apps.json HTTP/1.1\r\nHost: x\r\n', 5000);
      expect(raw.startsWith('HTTP/1.1 408')).toBe(true);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await slow.close();
    }
  });

  const seconds = Number(process.env.APPSHELF_LOAD_SECONDS ?? 5);
  it(
    `keeps 200 concurrent connections busy for ${seconds} s without a single error`,
    async () => {
      const manifest = `/${path.posix.join('update', 'shelfnotes', 'stable', 'osx', 'x86-64', '10.json')}`;
      const result = await load(port, {
        connections: 200,
        seconds,
        paths: [APPS, manifest, '/update.json?app=shelfnotes&os=osx&osversion=14.1&channel=stable', ARCHIVE, '/healthz'],
      });
      expect(result.errors).toEqual([]);
      expect(result.failures).toBe(0);
      expect(result.requests).toBeGreaterThan(1000);
    },
    60_000 + seconds * 1000,
  );
});
