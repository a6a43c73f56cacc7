import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors/index.js';
import { buildStore } from '../../src/index.js';
import { isBlocked } from '../../src/inspect/_address.js';
import { runBin, runCli, tmpDir } from '../helpers.js';
import { bundleStore, ENTRY_LINE, newsMembers, sha256, tgz, type BundleStoreOptions } from './_bundles.js';

const bundle = tgz(newsMembers());
const linked = tgz([...newsMembers(), { path: 'news/lib/passwd', type: 'SymbolicLink', linkpath: '/etc/passwd' }]);
const requests: string[] = [];

/** Routes of the test server; every request is logged in `requests`. */
function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  requests.push(req.url ?? '');
  switch (req.url) {
    case '/news-1.1.0.tar.gz':
      res.end(bundle);
      return;
    case '/linked/news-1.1.0.tar.gz':
      res.end(linked);
      return;
    case '/redirect/news-1.1.0.tar.gz':
      res.writeHead(302, { location: '/news-1.1.0.tar.gz' }).end();
      return;
    case '/redirect-out/news-1.1.0.tar.gz':
      res.writeHead(302, { location: `http://0.0.0.0:${port}/news-1.1.0.tar.gz` }).end();
      return;
    case '/chunked/news-1.1.0.tar.gz':
      // No Content-Length: only counting the body can stop it.
      res.write(Buffer.alloc(800));
      res.write(Buffer.alloc(800));
      res.end(Buffer.alloc(800));
      return;
    case '/announced/news-1.1.0.tar.gz':
      res.writeHead(200, { 'content-length': String(10 * 1024 ** 3) });
      res.write(Buffer.alloc(100));
      return; // never ends; the client must give up on the header alone
    case '/slow/news-1.1.0.tar.gz':
      return; // never answers
    default:
      res.writeHead(404).end('not here');
  }
}

let server: http.Server;
let port: number;
let base: string;

beforeAll(async () => {
  server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const TEST_FETCH = 'fetch:\n  allowHttp: true\n  allowLoopback: true';

async function check(url: string, opts: BundleStoreOptions & { archive?: Buffer; fetch?: boolean; cwd?: string } = {}) {
  const cwd = opts.cwd ?? bundleStore(opts.archive ?? bundle, { storeYaml: TEST_FETCH, ...opts, url });
  const argv = ['check', '--store', 'store', '--format', 'json', ...(opts.fetch === false ? [] : ['--fetch'])];
  const r = await runCli(argv, cwd);
  return { cwd, code: r.code, diagnostics: (JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }).diagnostics };
}

const codes = (ds: readonly Diagnostic[]) => ds.map((d) => d.code).sort();
const RELEASE = 'store/apps/news/releases/1.1.0.yaml';

describe('remote archives: refused before connecting', () => {
  it('refuses an http URL unless fetch.allowHttp is set', async () => {
    const before = requests.length;
    const r = await check(`${base}/news-1.1.0.tar.gz`, { storeYaml: 'fetch:\n  allowLoopback: true' });
    expect(codes(r.diagnostics)).toEqual(['E_FETCH_NOT_HTTPS', 'W_ARCHIVE_NOT_FETCHED']);
    const d = r.diagnostics.find((x) => x.code === 'E_FETCH_NOT_HTTPS')!;
    expect(d).toMatchObject({
      file: RELEASE,
      line: ENTRY_LINE,
      message: 'news-1.1.0.tar.gz could not be downloaded: its URL is not https.',
    });
    expect(requests.length).toBe(before);
    expect(r.code).toBe(1);
  });

  it('refuses 127.0.0.1 unless fetch.allowLoopback is set', async () => {
    const before = requests.length;
    const r = await check(`${base}/news-1.1.0.tar.gz`, { storeYaml: 'fetch:\n  allowHttp: true' });
    expect(codes(r.diagnostics)).toEqual(['E_FETCH_BLOCKED_ADDRESS', 'W_ARCHIVE_NOT_FETCHED']);
    expect(r.diagnostics.find((x) => x.code === 'E_FETCH_BLOCKED_ADDRESS')!.message).toBe(
      'news-1.1.0.tar.gz could not be downloaded: its host is a loopback, private or otherwise non-public address.',
    );
    expect(requests.length).toBe(before);
  });

  it('refuses a host name that resolves to loopback', async () => {
    const before = requests.length;
    const r = await check(`http://localhost:${port}/news-1.1.0.tar.gz`, { storeYaml: 'fetch:\n  allowHttp: true' });
    expect(codes(r.diagnostics)).toEqual(['E_FETCH_BLOCKED_ADDRESS', 'W_ARCHIVE_NOT_FETCHED']);
    expect(requests.length).toBe(before);
  });

  it('refuses an archive the release says is larger than fetch.maxSize', async () => {
    const before = requests.length;
    const r = await check(`${base}/news-1.1.0.tar.gz`, { storeYaml: `${TEST_FETCH}\n  maxSize: 100` });
    expect(codes(r.diagnostics)).toEqual(['E_FETCH_TOO_LARGE', 'W_ARCHIVE_NOT_FETCHED']);
    expect(requests.length).toBe(before);
  });

  it('knows which addresses are not public', () => {
    const blocked = (address: string, allowLoopback = false) =>
      isBlocked({ address, family: address.includes(':') ? 6 : 4 }, allowLoopback);
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '64:ff9b::a00:1',
      '2002:c0a8:101::1',
    ]) {
      expect(blocked(a), a).toBe(true);
      expect(blocked(a, true), a).toBe(false);
    }
    for (const a of ['0.0.0.0', '224.0.0.1', '255.255.255.255', '::', 'ff02::1']) expect(blocked(a, true), a).toBe(true);
    for (const a of ['93.184.215.14', '140.82.112.3', '2606:4700::6810:84e5', '64:ff9b::5db8:d70e']) expect(blocked(a), a).toBe(false);
  });
});

describe('remote archives: downloads', () => {
  it('reports an HTTP error status', async () => {
    const r = await check(`${base}/gone/news-1.1.0.tar.gz`);
    expect(codes(r.diagnostics)).toEqual(['E_FETCH_HTTP_STATUS', 'W_ARCHIVE_NOT_FETCHED']);
    expect(r.diagnostics.find((x) => x.code === 'E_FETCH_HTTP_STATUS')!.message).toBe(
      'news-1.1.0.tar.gz could not be downloaded: the server answered HTTP 404.',
    );
  });

  it('stops a body larger than fetch.maxSize', async () => {
    const r = await check(`${base}/chunked/news-1.1.0.tar.gz`, {
      storeYaml: `${TEST_FETCH}\n  maxSize: 1000`,
      archive: Buffer.alloc(1000),
    });
    expect(codes(r.diagnostics)).toEqual(['E_FETCH_TOO_LARGE', 'W_ARCHIVE_NOT_FETCHED']);
    expect(r.diagnostics.find((x) => x.code === 'E_FETCH_TOO_LARGE')!.message).toBe(
      'news-1.1.0.tar.gz could not be downloaded: it is larger than the 1000 bytes allowed.',
    );
    expect(existsSync(path.join(r.cwd, '.appshelf-cache/downloads'))).toBe(true);
    expect(readdir(path.join(r.cwd, '.appshelf-cache/downloads'))).toEqual([]);
  });

  it('gives up at a Content-Length over fetch.maxSize without reading the body', async () => {
    const r = await check(`${base}/announced/news-1.1.0.tar.gz`);
    expect(codes(r.diagnostics)).toEqual(['E_FETCH_TOO_LARGE', 'W_ARCHIVE_NOT_FETCHED']);
  });

  it('reports a sha256 that does not match, and keeps nothing', async () => {
    const cwd = bundleStore(Buffer.from(bundle).fill(0, 0, 1), { storeYaml: TEST_FETCH, url: `${base}/news-1.1.0.tar.gz` });
    const r = await check('', { cwd });
    expect(codes(r.diagnostics)).toEqual(['E_FETCH_SHA256', 'W_ARCHIVE_NOT_FETCHED']);
    expect(r.diagnostics.find((x) => x.code === 'E_FETCH_SHA256')!.message).toContain(`its sha256 is ${sha256(bundle)}`);
    expect(readdir(path.join(cwd, '.appshelf-cache/downloads'))).toEqual([]);
  });

  it('hides network errors behind one message (timeout)', async () => {
    const r = await check(`${base}/slow/news-1.1.0.tar.gz`, { storeYaml: `${TEST_FETCH}\n  timeoutSeconds: 1` });
    expect(codes(r.diagnostics)).toEqual(['E_FETCH_FAILED', 'W_ARCHIVE_NOT_FETCHED']);
    const d = r.diagnostics.find((x) => x.code === 'E_FETCH_FAILED')!;
    expect(d.message).toBe('news-1.1.0.tar.gz could not be downloaded.');
    expect(d.hint).toContain('within 1 s');
  });

  it('hides network errors behind one message (connection refused)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await check(`http://127.0.0.1:${deadPort}/news-1.1.0.tar.gz`);
    expect(codes(r.diagnostics)).toEqual(['E_FETCH_FAILED', 'W_ARCHIVE_NOT_FETCHED']);
    const d = r.diagnostics.find((x) => x.code === 'E_FETCH_FAILED')!;
    expect(d.message).toBe('news-1.1.0.tar.gz could not be downloaded.');
    expect(`${d.message} ${d.hint}`).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|refused/);
  });

  it('follows a redirect, and checks where it leads', async () => {
    expect(codes((await check(`${base}/redirect/news-1.1.0.tar.gz`)).diagnostics)).toEqual([]);
    const out = await check(`${base}/redirect-out/news-1.1.0.tar.gz`);
    expect(codes(out.diagnostics)).toEqual(['E_FETCH_BLOCKED_ADDRESS', 'W_ARCHIVE_NOT_FETCHED']);
  });

  it('verifies, caches by sha256 and inspects the download; later runs reuse it', async () => {
    const url = `${base}/linked/news-1.1.0.tar.gz`;
    const first = await check(url, { archive: linked });
    // The bundle rules apply to the downloaded bytes.
    expect(codes(first.diagnostics)).toEqual(['E_ARCHIVE_SYMLINK']);
    expect(readFileSync(path.join(first.cwd, '.appshelf-cache/downloads', sha256(linked)))).toEqual(linked);
    const count = () => requests.filter((u) => u === '/linked/news-1.1.0.tar.gz').length;
    const before = count();
    expect(codes((await check(url, { cwd: first.cwd })).diagnostics)).toEqual(['E_ARCHIVE_SYMLINK']);
    // Without --fetch, check uses the verified copy in the cache and downloads nothing.
    expect(codes((await check(url, { cwd: first.cwd, fetch: false })).diagnostics)).toEqual(['E_ARCHIVE_SYMLINK']);
    expect(count()).toBe(before);
  });

  it('is done by build, whose API then carries the info.xml metadata', async () => {
    const cwd = bundleStore(bundle, { storeYaml: TEST_FETCH, url: `${base}/news-1.1.0.tar.gz` });
    const r = await buildStore({ storeDir: path.join(cwd, 'store'), write: false });
    expect(r.ok).toBe(true);
    const api = JSON.parse(Buffer.from(r.files.get('api/v1/apps/news.json') as Uint8Array).toString('utf8'));
    expect(api.releases[0].info.name).toEqual({ en: 'News', de: 'Nachrichten' });
    expect(api.releases[0].changelog).toBe('### Added\n- Keyboard shortcuts');
    expect(existsSync(path.join(cwd, '.appshelf-cache/downloads', sha256(bundle)))).toBe(true);
  });
});

describe('remote archives over https', () => {
  let tls: https.Server;
  let caFile: string;
  let tlsBase: string;

  beforeAll(async () => {
    const dir = tmpDir();
    const key = path.join(dir, 'key.pem');
    caFile = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        caFile,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    tls = https.createServer({ key: readFileSync(key), cert: readFileSync(caFile) }, handle);
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    tlsBase = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    tls.closeAllConnections();
    await new Promise((resolve) => tls.close(resolve));
  });

  it('downloads from a server whose certificate the machine trusts', async () => {
    const cwd = bundleStore(bundle, { storeYaml: 'fetch:\n  allowLoopback: true', url: `${tlsBase}/news-1.1.0.tar.gz` });
    const r = await runBin(['check', '--store', 'store', '--fetch', '--format', 'json'], cwd, { NODE_EXTRA_CA_CERTS: caFile });
    expect(JSON.parse(r.stdout).diagnostics).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('refuses a certificate the machine does not trust, with the same one message', async () => {
    const cwd = bundleStore(bundle, { storeYaml: 'fetch:\n  allowLoopback: true', url: `${tlsBase}/news-1.1.0.tar.gz` });
    const r = await runCli(['check', '--store', 'store', '--fetch', '--format', 'json'], cwd);
    const ds = (JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
    expect(codes(ds)).toEqual(['E_FETCH_FAILED', 'W_ARCHIVE_NOT_FETCHED']);
    expect(r.code).toBe(1);
  });
});

const readdir = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);
