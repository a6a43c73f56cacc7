// appshelf deploy against a real S3-speaking server (s3rver) on a loopback port: what reaches the
// bucket is compared, key by key, with what changed in the site.
// s3rver: the S3 server on npm that is kept up and runs on Node 20 (@20minutes/s3rver, its fork,
// needs Node 24); its listings past 1,000 keys need --openssl-legacy-provider, and no listing
// here comes near that.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
// @ts-expect-error: s3rver ships no types
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPagesLimit } from '../../src/pipeline/pages-limit.js';
import { Cache } from '../../src/cache/index.js';
import { buildStore, deploySite, StoreError, type DeployOptions } from '../../src/index.js';
import { repoRoot, runCli, tmpDir } from '../helpers.js';
import { addRelease, makeStore, write, type TestStore } from '../client/installer/_site.js';

const creds = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
Object.assign(process.env, creds);
const INVENTORY = 'site/.appshelf/inventory.json';
// Builds are dated from now: the client refuses manifests that expired on the real clock.
const started = Date.now();
const day = (n: number) => new Date(started + n * 86_400_000);

interface Server {
  run: () => Promise<AddressInfo>;
  close: () => Promise<void>;
  on: (event: 'event', fn: (e: { Records: { eventName: string; s3: { object: { key: string } } }[] }) => void) => void;
  httpServer: { closeAllConnections: () => void };
}

let server: Server;
let port = 0;
let endpoint = '';
let bucketUrl = '';
let data = '';
/** Keys written to the bucket since the last `take()`. */
const puts: string[] = [];
let s: TestStore;
let client: S3Client;

async function startS3(): Promise<void> {
  server = new S3rver({ port, address: '127.0.0.1', silent: true, directory: data, configureBuckets: [{ name: 'shelf' }] }) as Server;
  server.on('event', (e) => {
    for (const r of e.Records) if (r.eventName.startsWith('ObjectCreated')) puts.push(decodeURIComponent(r.s3.object.key));
  });
  port = (await server.run()).port;
}

async function stopS3(): Promise<void> {
  const closed = server.close();
  server.httpServer.closeAllConnections();
  await closed;
}

const take = () =>
  puts
    .splice(0)
    .filter((k) => k !== INVENTORY)
    .sort();
const deploy = (more: Partial<DeployOptions> = {}) => deploySite({ dir: s.dist, to: 's3://shelf/site', endpoint, concurrency: 8, ...more });

/** Every file a reader of the site sees (links followed) → MD5, by bucket key. */
function siteMd5(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs)) {
      const child = path.join(abs, name);
      if (statSync(child).isDirectory()) walk(child, `${rel}${name}/`);
      else out.set(`site/${rel}${name}`, createHash('md5').update(readFileSync(child)).digest('hex'));
    }
  };
  walk(dir, '');
  return out;
}

/** Every object under site/ (but the inventory) → ETag. */
async function bucketMd5(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let token: string | undefined;
  do {
    const r = await client.send(new ListObjectsV2Command({ Bucket: 'shelf', Prefix: 'site/', ContinuationToken: token }));
    for (const o of r.Contents ?? []) if (o.Key !== INVENTORY) out.set(o.Key!, o.ETag!.replace(/"/g, ''));
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** Keys whose bytes the bucket does not have yet: exactly what a deploy should upload. */
async function changedKeys(): Promise<string[]> {
  const remote = await bucketMd5();
  return [...siteMd5(s.dist)]
    .filter(([k, md5]) => remote.get(k) !== md5)
    .map(([k]) => k)
    .sort();
}

/** The bucket holds every file of the site with its bytes. */
async function expectConsistent(): Promise<void> {
  const remote = await bucketMd5();
  const missing = [...siteMd5(s.dist)].filter(([k, md5]) => remote.get(k) !== md5).map(([k]) => k);
  expect(missing).toEqual([]);
}

async function build(now: Date): Promise<void> {
  const r = await buildStore({
    storeDir: s.storeDir,
    outDir: s.dist,
    env: { APPSHELF_SIGNING_KEY: s.keys.privatePem },
    now,
    cacheDir: path.join(s.work, 'cache'),
    baseUrl: bucketUrl,
  });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
}

beforeAll(async () => {
  data = tmpDir('appshelf-s3-');
  await startS3();
  endpoint = `http://127.0.0.1:${port}`;
  bucketUrl = `${endpoint}/shelf/site/`;
  client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  s = await makeStore({ signed: true });
  // One channel keeps the site small (100 percentile manifests a platform): the test is about what is uploaded.
  const pem = s.keys.publicPem
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  write(
    s.storeDir,
    'store.yaml',
    `name: Deploy test store\nbaseUrl: ${bucketUrl}\nchannels:\n  - name: stable\ntrust:\n  signatures: optional\nsigning:\n  publicKey: |\n${pem}\n`,
  );
  await addRelease(s, { version: '1.0.0', files: { 'hello/bin.txt': 'hi 1.0.0\n' } });
  await addRelease(s, { app: 'notes', version: '1.0.0', files: { 'notes/bin.txt': 'notes 1.0.0\n' } });
  await build(day(0));
});

afterAll(async () => {
  client?.destroy();
  await stopS3();
});

describe('appshelf deploy to an S3-speaking server', () => {
  it('uploads the whole site, each object with the headers appshelf serve sends', async () => {
    const want = await changedKeys();
    const r = await deploy();
    expect(take()).toEqual(want);
    expect(r.uploaded.objects).toBe(want.length);
    await expectConsistent();
    const head = async (p: string) => (await fetch(bucketUrl + p, { method: 'HEAD' })).headers;
    const archive = await head('files/hello/1.0.0/hello-1.0.0.tar.gz');
    expect([archive.get('cache-control'), archive.get('content-type'), archive.get('content-encoding')]).toEqual([
      'public, max-age=31536000, immutable',
      'application/gzip',
      null,
    ]);
    const manifest = await head('update/hello/stable/linux/x86-64/42.json');
    expect([manifest.get('cache-control'), manifest.get('content-type')]).toEqual([
      'public, max-age=60, must-revalidate',
      'application/json; charset=utf-8',
    ]);
    const br = await head('index.html.br');
    expect([br.get('content-type'), br.get('content-encoding')]).toEqual(['text/html; charset=utf-8', 'br']);
  });

  it('re-deploys nothing when nothing changed', async () => {
    const r = await deploy();
    expect(take()).toEqual([]);
    expect(r).toMatchObject({ uploaded: { objects: 0, bytes: 0 }, alreadyThere: 0, deleted: 0 });
  });

  it('--dry-run counts what would change and changes nothing', async () => {
    await addRelease(s, { app: 'notes', version: '1.1.0', files: { 'notes/bin.txt': 'notes 1.1.0\n' } });
    await build(day(0));
    const want = await changedKeys();
    const r = await runCli(['deploy', '--dir', s.dist, '--to', 's3://shelf/site', '--endpoint', endpoint, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^dry run: would upload ${want.length} objects \\(`));
    expect(take()).toEqual([]);
  });

  it('uploads only what one changed release touched', async () => {
    const want = await changedKeys();
    await deploy();
    const got = take();
    expect(got).toEqual(want);
    expect(got.filter((k) => /\/hello\b/.test(k) && !k.startsWith('site/api/') && !k.includes('/update/hello/index'))).toEqual([]);
    await expectConsistent();
  });

  it('next day: uploads exactly the files whose bytes changed', async () => {
    await build(day(1));
    const want = await changedKeys();
    await deploy();
    expect(take()).toEqual(want);
    await expectConsistent();
  });

  it('finishes a deploy killed in the middle, uploading nothing twice', async () => {
    await addRelease(s, { version: '1.1.0', files: { 'hello/bin.txt': 'hi 1.1.0\n' } });
    await build(day(1));
    const want = await changedKeys();
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'lib/cli/main.js'),
        'deploy',
        '--dir',
        s.dist,
        '--to',
        's3://shelf/site',
        '--endpoint',
        endpoint,
        '--concurrency',
        '2',
      ],
      {
        env: { ...process.env, ...creds },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((r) => child.on('exit', r));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (puts.length >= 10) {
          child.kill('SIGKILL');
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    await exited;
    const first = take();
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(want.length);
    const r = await deploy();
    const second = take();
    expect(r.alreadyThere + r.unchanged.files + r.unchanged.links).toBeGreaterThan(0);
    expect(new Set([...first, ...second])).toEqual(new Set(want));
    await expectConsistent();
  });

  it('a failed upload (server gone) leaves the previous site intact; the next run completes it', async () => {
    const before = await bucketMd5();
    await addRelease(s, { app: 'notes', version: '1.2.0', files: { 'notes/bin.txt': 'notes 1.2.0\n' } });
    await build(day(1));
    let stopping: Promise<void> | undefined;
    const failed = await deploy({
      attempts: 2,
      backoffMs: 5,
      concurrency: 2,
      onProgress: (p) => void (p.uploaded >= 3 && !stopping && (stopping = stopS3())),
    }).catch((e: unknown) => e);
    await stopping;
    expect(failed).toBeInstanceOf(StoreError);
    expect((failed as StoreError).diagnostics[0]!.code).toBe('E_DEPLOY_FAILED');
    await startS3();
    take();
    // Archives went first; every API document and index is still the previous one, and all they name is there.
    const now = await bucketMd5();
    const indexes = [...before].filter(([k]) => /^site\/(api\/|index\.html|update\/[^/]+\/.*index\.json)/.test(k));
    expect(indexes.length).toBeGreaterThan(3);
    for (const [k, md5] of indexes) expect(now.get(k)).toBe(md5);
    for (const k of before.keys()) expect(now.has(k)).toBe(true);
    await deploy();
    await expectConsistent();
    take();
  });

  it('deletes what the site no longer names only after the grace period', async () => {
    rmSync(path.join(s.storeDir, 'apps/notes'), { recursive: true });
    await build(day(1));
    const kept = await deploy({ graceHours: 24 });
    expect(kept.unreferenced).toBeGreaterThan(0);
    take();
    const site = siteMd5(s.dist);
    const notes = (m: Map<string, string>) => [...m.keys()].filter((k) => !site.has(k));
    expect(notes(await bucketMd5())).toHaveLength(kept.waiting);
    expect(notes(await bucketMd5()).filter((k) => !k.includes('notes'))).toEqual([]);
    const gone = await deploy({ graceHours: 0 });
    expect(gone).toMatchObject({ uploaded: { objects: 0 }, deleted: kept.waiting, waiting: 0 });
    expect(notes(await bucketMd5())).toEqual([]);
    await expectConsistent();
  });

  it("a client installs from the bucket's HTTP endpoint", async () => {
    const root = tmpDir('appshelf-root-');
    const key = path.join(s.work, 'store.pub.pem');
    writeFileSync(key, s.keys.publicPem);
    const r = await runCli([
      'install',
      'hello',
      '--store-url',
      bucketUrl,
      '--os',
      'linux',
      '--arch',
      'x86-64',
      '--os-version',
      '6.1',
      '--public-key',
      key,
      '--dir',
      root,
    ]);
    expect(r.stderr).toMatch(/^installed hello 1\.1\.0 \(stable\)( in [\d.]+ s)?\n$/);
    expect(readFileSync(path.join(root, 'hello/current/hello/bin.txt'), 'utf8')).toBe('hi 1.1.0\n');
  });

  it('build warns when a site outgrows GitHub Pages (limits lowered to this small site)', () => {
    const cache = new Cache(path.join(s.work, 'cache'));
    expect(checkPagesLimit(s.dist, cache, 500)).toBeUndefined();
    expect(checkPagesLimit(s.dist, cache, 500, { bytes: 10_000, files: 100_000 })).toMatchObject({
      code: 'W_SITE_EXCEEDS_PAGES',
      severity: 'warning',
      hint: expect.stringContaining('appshelf deploy'),
    });
    expect(checkPagesLimit(s.dist, cache, 500, { bytes: 1e9, files: 100 })?.message).toMatch(
      /^The site has 500 files: far more than a GitHub Pages artifact/,
    );
  });

  it('names a missing bucket and a bad --to with their codes', async () => {
    const missing = await runCli(['deploy', '--dir', s.dist, '--to', 's3://no-such-bucket/x', '--endpoint', endpoint]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain('E_DEPLOY_BUCKET_MISSING');
    const bad = await runCli(['deploy', '--dir', s.dist, '--to', 'https://example.com/x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('E_DEPLOY_BAD_TARGET');
    const notSite = await runCli(['deploy', '--dir', s.storeDir, '--to', 's3://shelf/site', '--endpoint', endpoint]);
    expect(notSite.stderr).toContain('E_DEPLOY_NOT_A_SITE');
  });
});
