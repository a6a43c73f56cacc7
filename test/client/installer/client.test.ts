import { existsSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newState, serializeState } from '../../../src/client/installer/index.js';
import { runCli, tmpDir } from '../../helpers.js';
import { addRelease, build, makeStore, write, type TestStore } from './_site.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const platform = ['--os', 'linux', '--arch', 'x86-64', '--os-version', '6.1'];

/** A client root whose state already holds `percentile` (as if drawn at random on first use). */
function clientRoot(percentile: number): string {
  const root = tmpDir('appshelf-root-');
  writeFileSync(path.join(root, 'state.json'), serializeState(newState(percentile)));
  return root;
}

const client = (root: string, argv: string[]) => runCli([...argv, '--dir', root]);
const install = (s: TestStore, root: string, app: string, ...more: string[]) =>
  client(root, ['install', app, '--store-url', s.url, ...platform, ...more]);
const state = (root: string) => JSON.parse(readFileSync(path.join(root, 'state.json'), 'utf8'));
const codes = (stderr: string) => [...stderr.matchAll(/(?:error|warning) ([EW]_[A-Z0-9_]+)/g)].map((m) => m[1]);
const current = (root: string, app: string) => readlinkSync(path.join(root, app, 'current'));

describe('install → list → update → uninstall against a signed store', async () => {
  const s = await makeStore({ signed: true });
  await addRelease(s, { version: '1.0.0', files: { 'hello/bin.txt': 'hi 1.0.0\n', 'hello/lib/a.txt': 'a' } });
  await build(s, { sign: true });
  const root = clientRoot(42);
  const keyFile = path.join(s.work, 'store.pub.pem');
  writeFileSync(keyFile, s.keys.publicPem);

  it('installs the newest release, prints the uid and records it', async () => {
    const r = await install(s, root, 'hello', '--public-key', keyFile);
    expect(r).toMatchObject({ code: 0, stderr: expect.stringMatching(/^installed hello 1\.0\.0 \(stable\) in \d+\.\d s\n$/) });
    const uid = r.stdout.trim();
    expect(uid).toMatch(UUID);
    expect(readFileSync(path.join(root, 'hello/current/hello/bin.txt'), 'utf8')).toBe('hi 1.0.0\n');
    expect(current(root, 'hello')).toBe('1.0.0');
    const st = state(root);
    expect(st.percentile).toBe(42);
    expect(st.apps.hello).toMatchObject({
      uid,
      version: '1.0.0',
      channel: 'stable',
      store: s.url,
      os: 'linux',
      arch: 'x86-64',
      format: 'gz',
      url: `${s.url}files/hello/1.0.0/hello-1.0.0.tar.gz`,
    });
    expect(st.stores[s.url].publicKey).toBe(s.keys.publicPem);
    expect(Object.keys(st.stores[s.url].serials)).toEqual(['fresh/hello.json']);
    expect(st.stores[s.url].serials['fresh/hello.json']).toBeGreaterThan(0);
    expect(s.log.filter((l) => l.includes('/update/'))).toEqual(['GET /update/hello/stable/linux/x86-64/42.json 200']);
    expect(s.log.filter((l) => l.includes('/fresh/'))).toEqual(['GET /fresh/hello.json 200']);
  });

  it('lists it, as text and as JSON', async () => {
    const uid = state(root).apps.hello.uid;
    const listed = await client(root, ['list']);
    expect(listed.stdout).toBe(`APP    VERSION  CHANNEL  UID\nhello  1.0.0    stable   ${uid}\n`);
    expect(listed.stderr).toBe('rollout percentile 42: a release rolled out to P% reaches this root when 42 < P\n');
    const json = JSON.parse((await client(root, ['list', '--json'])).stdout);
    expect(json).toMatchObject({
      code: 0,
      data: { apps: [{ app: 'hello', version: '1.0.0', channel: 'stable', uid, store: s.url }], percentile: 42 },
    });
  });

  it("lists the store's apps with --available (store URL taken from the installed apps)", async () => {
    const r = await client(root, ['list', '--available']);
    expect(r.stdout).toBe('APP    STABLE  BETA   SUMMARY\nhello  1.0.0   1.0.0  Says hello.\nnotes  -       -      Takes notes.\n');
  });

  it('says "already installed" without downloading again (the key is kept in the state)', async () => {
    const before = s.log.length;
    const r = await install(s, root, 'hello', '--json');
    expect(JSON.parse(r.stdout)).toEqual({
      code: 0,
      message: 'hello 1.0.0 is already installed (stable)',
      data: { uid: state(root).apps.hello.uid, app: 'hello', version: '1.0.0', channel: 'stable', changed: false },
    });
    expect(s.log.slice(before).some((l) => l.includes('/files/'))).toBe(false);
  });

  it('updates to a new release after a rebuild, keeping the uid and the previous version', async () => {
    const uid = state(root).apps.hello.uid;
    expect((await client(root, ['update'])).stdout).toBe('hello 1.0.0 is up to date\n');
    await addRelease(s, { version: '1.1.0', files: { 'hello/bin.txt': 'hi 1.1.0\n' } });
    await build(s, { sign: true });
    const r = await client(root, ['update', ...platform.slice(4)]);
    expect(r).toMatchObject({ code: 0, stdout: 'hello 1.0.0 -> 1.1.0\n' });
    expect(readFileSync(path.join(root, 'hello/current/hello/bin.txt'), 'utf8')).toBe('hi 1.1.0\n');
    expect(state(root).apps.hello).toMatchObject({ uid, version: '1.1.0', previous: '1.0.0' });
    expect(readdirSync(path.join(root, 'hello')).sort()).toEqual(['1.0.0', '1.1.0', 'current']);
  });

  it('drops the older kept version on the next update', async () => {
    await addRelease(s, { version: '1.2.0', files: { 'hello/bin.txt': 'hi 1.2.0\n' } });
    await build(s, { sign: true });
    const r = await client(root, ['update', 'hello', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({
      code: 0,
      message: '1 updated, 0 up to date, 0 failed',
      data: { apps: [{ app: 'hello', from: '1.1.0', version: '1.2.0', changed: true }] },
    });
    expect(readdirSync(path.join(root, 'hello')).sort()).toEqual(['1.1.0', '1.2.0', 'current']);
    expect(state(root).apps.hello).toMatchObject({ version: '1.2.0', previous: '1.1.0' });
  });

  it('refuses a --version the signed manifest does not list (its checksum would be unverified)', async () => {
    const r = await install(s, root, 'hello', '--version', '1.0.0');
    expect(r.code).toBe(1);
    expect(codes(r.stderr)).toEqual(['E_INSTALL_VERSION_UNVERIFIABLE']);
  });

  it('uninstalls: prints the uid, removes the folder and the state entry', async () => {
    const uid = state(root).apps.hello.uid;
    const r = await client(root, ['uninstall', 'hello']);
    expect(r).toMatchObject({ code: 0, stdout: `${uid}\n`, stderr: 'uninstalled hello 1.2.0\n' });
    expect(existsSync(path.join(root, 'hello'))).toBe(false);
    expect(state(root).apps).toEqual({});
    expect((await client(root, ['list'])).stdout).toBe(`no apps installed in ${root}\n`);
  });

  it('refuses to uninstall an app that is not installed', async () => {
    const r = await client(root, ['uninstall', 'hello']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error E_INSTALL_NOT_INSTALLED: hello is not installed (installed: nothing).\n  hint: See what is installed with `appshelf list`.\n',
    );
    expect(JSON.parse((await client(root, ['uninstall', 'hello', '--json'])).stdout)).toMatchObject({
      code: 1,
      message: 'hello is not installed (installed: nothing).',
      data: null,
    });
  });
});

describe('a channel pinned back reaches installed clients as a rollback', async () => {
  const s = await makeStore({ signed: true });
  await addRelease(s, { version: '1.0.0', files: { 'hello/bin.txt': 'hi 1.0.0\n' } });
  await addRelease(s, { version: '1.1.0', files: { 'hello/bin.txt': 'hi 1.1.0\n' } });
  await build(s, { sign: true });
  const root = clientRoot(3);
  expect((await install(s, root, 'hello', `--public-key=${s.keys.publicPem}`)).stderr).toMatch(/^installed hello 1\.1\.0 \(stable\) in /);
  write(s.storeDir, 'apps/hello/app.yaml', 'id: hello\nname: Hello\nsummary: Says hello.\nowners: [hello-dev]\npins:\n  stable: 1.0.0\n');
  await build(s, { sign: true });

  it('the signed manifest marks the pinned candidate rollback', () => {
    const doc = JSON.parse(readFileSync(path.join(s.dist, 'update/hello/stable/linux/x86-64/3.json'), 'utf8'));
    expect(doc.signed.candidates).toMatchObject([{ version: '1.0.0', rollback: true }]);
    const beta = JSON.parse(readFileSync(path.join(s.dist, 'update/hello/beta/linux/x86-64/3.json'), 'utf8'));
    expect(beta.signed.candidates.some((c: { rollback?: boolean }) => c.rollback)).toBe(false);
  });

  it('update --check shows the rollback and installs nothing', async () => {
    const r = await client(root, ['update', '--check']);
    expect(r).toMatchObject({ code: 0, stdout: 'hello 1.1.0 -> 1.0.0 (available; rollback: stable is pinned back to 1.0.0)\n' });
    expect(r.stderr).toMatch(/^0 updates available, 1 rollbacks available, 0 up to date, 0 failed in /);
    expect(current(root, 'hello')).toBe('1.1.0');
  });

  it('update --no-downgrade says so and keeps the installed version', async () => {
    const r = await client(root, ['update', '--no-downgrade']);
    expect(r).toMatchObject({ code: 0, stdout: 'hello 1.1.0 is kept: stable is pinned back to 1.0.0 (--no-downgrade)\n' });
    expect(current(root, 'hello')).toBe('1.1.0');
  });

  it('update rolls back to the pin, says so, and list shows it', async () => {
    const r = await client(root, ['update', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({
      code: 0,
      message: '0 updated, 1 rolled back, 0 up to date, 0 failed',
      data: { apps: [{ app: 'hello', from: '1.1.0', version: '1.0.0', rollback: true }] },
    });
    expect(readFileSync(path.join(root, 'hello/current/hello/bin.txt'), 'utf8')).toBe('hi 1.0.0\n');
    expect(state(root).apps.hello).toMatchObject({ version: '1.0.0', previous: '1.1.0', rolledBackFrom: '1.1.0' });
    expect((await client(root, ['list'])).stderr).toContain('hello 1.0.0 is a rollback from 1.1.0 (stable was pinned back)\n');
    expect((await client(root, ['update'])).stdout).toBe('hello 1.0.0 is up to date\n');
  });

  it('unpinned again, the client moves forward and the mark goes', async () => {
    write(s.storeDir, 'apps/hello/app.yaml', 'id: hello\nname: Hello\nsummary: Says hello.\nowners: [hello-dev]\n');
    await build(s, { sign: true });
    expect((await client(root, ['update'])).stdout).toBe('hello 1.0.0 -> 1.1.0\n');
    expect(state(root).apps.hello.rolledBackFrom).toBeUndefined();
  });
});

describe('verification failures leave the previous install and the state untouched', async () => {
  const s = await makeStore({ signed: true });
  await addRelease(s, { version: '1.0.0', files: { 'hello/bin.txt': 'hi 1.0.0\n' } });
  await build(s, { sign: true });
  const root = clientRoot(7);
  expect((await install(s, root, 'hello', `--public-key=${s.keys.publicPem}`)).code).toBe(0);
  await addRelease(s, { version: '1.1.0', files: { 'hello/bin.txt': 'hi 1.1.0\n' } });
  await build(s, { sign: true });
  const archive = path.join(s.dist, 'files/hello/1.1.0/hello-1.1.0.tar.gz');
  const manifest = path.join(s.dist, 'update/hello/stable/linux/x86-64/7.json');
  const good = { archive: readFileSync(archive), manifest: readFileSync(manifest) };
  const snapshot = () => ({
    state: readFileSync(path.join(root, 'state.json'), 'utf8'),
    current: current(root, 'hello'),
    files: readdirSync(path.join(root, 'hello')).sort(),
    tmp: existsSync(path.join(root, '.tmp')),
  });
  const before = snapshot();

  const expectRefused = async (code: string) => {
    const r = await client(root, ['update', ...platform.slice(4)]);
    expect(r.code).toBe(1);
    expect(codes(r.stderr)).toEqual([code]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(snapshot()).toEqual(before);
    expect(before).toEqual({ state: expect.any(String), current: '1.0.0', files: ['1.0.0', 'current'], tmp: false });
    return r;
  };

  it('a corrupted archive (same size, other bytes): E_INSTALL_SHA256_MISMATCH', async () => {
    const bad = Buffer.from(good.archive);
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    writeFileSync(archive, bad);
    const r = await expectRefused('E_INSTALL_SHA256_MISMATCH');
    expect(r.stderr).toContain(`hello: ${s.url}files/hello/1.1.0/hello-1.1.0.tar.gz has SHA-256 `);
    writeFileSync(archive, good.archive);
  });

  it('a longer archive is cut off at the announced size: E_INSTALL_DOWNLOAD_TOO_LARGE', async () => {
    writeFileSync(archive, Buffer.concat([good.archive, Buffer.alloc(4096)]));
    await expectRefused('E_INSTALL_DOWNLOAD_TOO_LARGE');
    writeFileSync(archive, good.archive);
  });

  it('a truncated archive: E_INSTALL_SIZE_MISMATCH', async () => {
    writeFileSync(archive, good.archive.subarray(0, 10));
    await expectRefused('E_INSTALL_SIZE_MISMATCH');
    writeFileSync(archive, good.archive);
  });

  it('a tampered manifest (the sha256 replaced to match a swapped archive): E_INSTALL_MANIFEST_SIGNATURE', async () => {
    const text = good.manifest.toString('utf8');
    const sha = /"sha256":"([0-9a-f]{64})"/.exec(text)![1]!;
    writeFileSync(manifest, text.replace(sha, 'f'.repeat(64)));
    const r = await expectRefused('E_INSTALL_MANIFEST_SIGNATURE');
    expect(r.stderr).toContain('the signature does not match the document');
    writeFileSync(manifest, good.manifest);
  });

  it('a manifest of another percentile served in place of ours: E_INSTALL_MANIFEST_MISMATCH', async () => {
    await addRelease(s, { version: '1.1.1', rollout: { stable: 5 }, files: { 'hello/bin.txt': 'x' } });
    await build(s, { sign: true });
    writeFileSync(manifest, readFileSync(path.join(s.dist, 'update/hello/stable/linux/x86-64/0.json')));
    const r = await expectRefused('E_INSTALL_MANIFEST_MISMATCH');
    expect(r.stderr).toContain('it covers percentiles 0..4, and this client is at 7');
  });

  it('a manifest of an earlier build than the fresh document pins (mix-and-match): E_INSTALL_MANIFEST_NOT_PINNED', async () => {
    writeFileSync(manifest, good.manifest);
    const r = await expectRefused('E_INSTALL_MANIFEST_NOT_PINNED');
    expect(r.stderr).toContain(`${s.url}fresh/hello.json`);
  });

  it('no fresh document beside a manifest without expiry: E_INSTALL_FRESH_MISSING', async () => {
    await build(s, { sign: true });
    rmSync(path.join(s.dist, 'fresh/hello.json'));
    await expectRefused('E_INSTALL_FRESH_MISSING');
  });

  it('an unsigned manifest for a client with a key: E_INSTALL_MANIFEST_UNSIGNED', async () => {
    await build(s, { sign: false });
    await expectRefused('E_INSTALL_MANIFEST_UNSIGNED');
  });

  it('an expired manifest (built 30 days ago): E_INSTALL_MANIFEST_EXPIRED', async () => {
    await build(s, { sign: true, now: new Date(Date.now() - 30 * 86_400_000) });
    const r = await expectRefused('E_INSTALL_MANIFEST_EXPIRED');
    expect(r.stderr).toContain('expired at ');
  });

  it('an older manifest than one already seen (rollback): E_INSTALL_MANIFEST_ROLLBACK', async () => {
    const seen = JSON.parse(before.state).stores[s.url].serials['fresh/hello.json'];
    await build(s, { sign: true, now: new Date(Date.now() - 86_400_000) });
    const r = await expectRefused('E_INSTALL_MANIFEST_ROLLBACK');
    expect(r.stderr).toContain(`older than serial ${seen} this client already saw`);
  });

  it('then, with the good site back, the update goes through', async () => {
    await build(s, { sign: true });
    const r = await client(root, ['update']);
    expect(r).toMatchObject({ code: 0, stdout: 'hello 1.0.0 -> 1.1.0\n' });
  });
});

describe('staged rollout: the stored percentile decides', async () => {
  const s = await makeStore({ signed: false });
  await addRelease(s, { version: '1.0.0', files: { 'hello/bin.txt': '1.0.0' } });
  await addRelease(s, { version: '1.1.0', rollout: { stable: 30 }, files: { 'hello/bin.txt': '1.1.0' } });
  await build(s);

  it.each([
    [29, '1.1.0'],
    [30, '1.0.0'],
    [75, '1.0.0'],
  ])('a client at percentile %i gets %s', async (p, version) => {
    const root = clientRoot(p);
    const r = await install(s, root, 'hello');
    expect(r.code).toBe(0);
    expect(state(root).apps.hello.version).toBe(version);
    expect(state(root).percentile).toBe(p);
    expect(codes(r.stderr)).toEqual(['W_INSTALL_UNVERIFIED']);
  });

  it("install --percentile N sets the root's percentile, kept for updates", async () => {
    const root = clientRoot(75);
    expect((await install(s, root, 'hello', '--percentile', '5')).stderr).toContain('installed hello 1.1.0');
    expect(state(root).percentile).toBe(5);
    expect((await install(s, tmpDir('appshelf-root-'), 'hello', '--percentile', '100')).stderr).toBe(
      '--percentile must be a whole number from 0 to 99 (got "100"). See `appshelf install --help`.\n',
    );
  });

  it('a new client draws its percentile once and keeps it', async () => {
    const root = tmpDir('appshelf-root-');
    expect((await install(s, root, 'hello')).code).toBe(0);
    const p = state(root).percentile;
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(100);
    await client(root, ['update']);
    expect(state(root).percentile).toBe(p);
  });

  it('a client above the rollout stays on 1.0.0 until the rollout reaches it', async () => {
    const root = clientRoot(60);
    await install(s, root, 'hello');
    expect((await client(root, ['update'])).stdout).toBe('hello 1.0.0 is up to date\n');
    await addRelease(s, { version: '1.1.0', rollout: { stable: 100 }, files: { 'hello/bin.txt': '1.1.0' } });
    await build(s);
    expect((await client(root, ['update'])).stdout).toBe('hello 1.0.0 -> 1.1.0\n');
  });
});

describe('without a public key (unsigned store)', async () => {
  const s = await makeStore({ signed: false });
  await addRelease(s, { version: '1.0.0', files: { 'hello/bin.txt': '1.0.0' } });
  await addRelease(s, { version: '1.1.0', osversion: '>=7', files: { 'hello/bin.txt': '1.1.0' } });
  await addRelease(s, {
    app: 'notes',
    version: '2.0.0',
    opaque: { format: 'zip', name: 'notes-2.0.0.zip', bytes: 'PK\u0003\u0004 not really a zip' },
  });
  await build(s);

  it('keeps an opaque archive as the downloaded file', async () => {
    const root = clientRoot(1);
    const r = await install(s, root, 'notes', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({
      code: 0,
      message: 'installed notes 2.0.0 (stable)',
      data: { app: 'notes', version: '2.0.0', changed: true },
    });
    expect(readFileSync(path.join(root, 'notes/current/notes-2.0.0.zip'), 'utf8')).toBe('PK\u0003\u0004 not really a zip');
    expect(state(root).apps.notes).toMatchObject({ format: 'zip', file: 'notes-2.0.0.zip' });
  });

  it('picks the newest release whose osversion range admits this OS', async () => {
    const root = clientRoot(1);
    await install(s, root, 'hello');
    expect(state(root).apps.hello.version).toBe('1.0.0');
    const newer = clientRoot(1);
    await install(s, newer, 'hello', '--os-version', '7.0');
    expect(state(newer).apps.hello.version).toBe('1.1.0');
  });

  it('installs an exact older --version from the API, and may go back with it', async () => {
    await addRelease(s, { version: '1.2.0', files: { 'hello/bin.txt': '1.2.0' } });
    await build(s);
    const root = clientRoot(1);
    await install(s, root, 'hello');
    expect(state(root).apps.hello.version).toBe('1.2.0');
    const r = await install(s, root, 'hello', '--version', '1.0.0');
    expect(r).toMatchObject({ code: 0, stderr: expect.stringContaining('installed hello 1.0.0 (stable), replacing 1.2.0 in ') });
    expect(current(root, 'hello')).toBe('1.0.0');
    expect((await install(s, root, 'hello', '--version', '9.9.9')).stderr).toContain(
      'error E_INSTALL_VERSION_NOT_FOUND: hello has no release 9.9.9',
    );
  });

  it('refuses an archive with a symbolic link or a .. path, installing nothing', async () => {
    await addRelease(s, { app: 'notes', version: '2.1.0', files: { 'notes/a.txt': 'a' }, links: { 'notes/passwd': '/etc/passwd' } });
    await build(s);
    const root = clientRoot(1);
    const r = await install(s, root, 'notes');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error E_INSTALL_UNSAFE_ARCHIVE: ${s.url}files/notes/2.1.0/notes-2.1.0.tar.gz holds "notes/passwd", which is a symbolic link; the archive was refused.`,
    );
    expect(existsSync(path.join(root, 'notes'))).toBe(false);
    expect(state(root).apps).toEqual({});
    await addRelease(s, { app: 'notes', version: '2.2.0', files: { 'notes/a.txt': 'a', '../evil.txt': 'x' } });
    await build(s);
    const dotdot = await install(s, root, 'notes');
    expect(dotdot.stderr).toContain('holds "../evil.txt", which points outside the install folder (..)');
    expect(existsSync(path.join(root, '..', 'evil.txt'))).toBe(false);
    expect(readdirSync(root).sort()).toEqual(['state.json']);
  });
});

describe('store and network problems', async () => {
  const s = await makeStore({ signed: false });
  await addRelease(s, { version: '1.0.0', files: { 'hello/bin.txt': '1.0.0' } });
  await build(s);
  const root = clientRoot(3);

  it('unknown app: E_INSTALL_UNKNOWN_APP with a suggestion', async () => {
    const r = await install(s, root, 'helo');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error E_INSTALL_UNKNOWN_APP: The store ${s.url} has no app "helo". Did you mean "hello"?`);
  });

  it('no manifest for this platform (404): E_INSTALL_NO_MANIFEST', async () => {
    const r = await client(root, ['install', 'hello', '--store-url', s.url, '--os', 'linux', '--arch', 'arm64']);
    expect(r.stderr).toContain(
      'error E_INSTALL_NO_MANIFEST: The store has no update manifest for hello on channel stable for linux/arm64: ' +
        'the app is not published for this platform (its releases have files for linux/x86-64).',
    );
  });

  it('unknown channel: E_INSTALL_UNKNOWN_CHANNEL', async () => {
    expect((await install(s, root, 'hello', '--channel', 'edge')).stderr).toContain(
      'error E_INSTALL_UNKNOWN_CHANNEL: The store has no channel "edge" (it has stable, beta).',
    );
    expect((await install(s, root, 'hello', '--channel', 'betta')).stderr).toContain(
      'The store has no channel "betta"; did you mean "beta"? (it has stable, beta).',
    );
  });

  it('the network fails: E_INSTALL_NETWORK, exit 1, no stack', async () => {
    const closed = createServer();
    const port = await new Promise<number>((resolve) =>
      closed.listen(0, '127.0.0.1', () => resolve((closed.address() as AddressInfo).port)),
    );
    await new Promise((resolve) => closed.close(resolve));
    const r = await client(root, ['install', 'hello', '--store-url', `http://127.0.0.1:${port}/`, ...platform]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error E_INSTALL_NETWORK: Could not fetch http://127.0.0.1:${port}/api/v1/apps.json: ECONNREFUSED.
  hint: Check the store URL and the network connection, then run the command again; nothing was changed.\n`);
  });

  it('no store URL at all: E_INSTALL_NO_STORE_URL', async () => {
    const r = await runCli(['install', 'hello', '--dir', tmpDir()], undefined, { APPSHELF_STORE_URL: '' });
    expect(codes(r.stderr)).toEqual(['E_INSTALL_NO_STORE_URL']);
    expect(r.stderr).toContain('and no app is installed yet whose store could be the default.');
    const two = clientRoot(1);
    const st = state(two);
    for (const [app, store] of [
      ['a', 'https://one.example/'],
      ['b', 'https://two.example/'],
    ] as const)
      st.apps[app] = {
        uid: '00000000-0000-4000-8000-000000000000',
        version: '1.0.0',
        channel: 'stable',
        store,
        os: 'linux',
        arch: 'x86-64',
        format: 'gz',
        url: `${store}f.tar.gz`,
        sha256: '0'.repeat(64),
        size: 1,
        installedAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
      };
    writeFileSync(path.join(two, 'state.json'), JSON.stringify(st));
    const many = await runCli(['install', 'hello', '--dir', two], undefined, { APPSHELF_STORE_URL: '' });
    expect(many.stderr).toContain(
      'the installed apps come from 2 stores (https://one.example/, https://two.example/), so none is the default.',
    );
  });

  it('a URL that is not a store: E_INSTALL_BAD_RESPONSE', async () => {
    const r = await client(root, ['install', 'hello', '--store-url', `${s.url}nothing/`, ...platform]);
    expect(r.stderr).toContain(
      `error E_INSTALL_BAD_RESPONSE: ${s.url}nothing/api/v1/apps.json is not what an appshelf store publishes: it does not exist (HTTP 404).`,
    );
  });

  it('a broken state file: E_INSTALL_STATE_INVALID, the file is left alone', async () => {
    const broken = tmpDir();
    write(broken, 'state.json', '{"specVersion":1}');
    const r = await install(s, broken, 'hello');
    expect(r.stderr).toContain(
      `error E_INSTALL_STATE_INVALID: ${path.join(broken, 'state.json')} is not a readable appshelf client state: / must have required property 'percentile'.`,
    );
    expect(readFileSync(path.join(broken, 'state.json'), 'utf8')).toBe('{"specVersion":1}');
  });

  it('a lock held by a running process: E_INSTALL_LOCKED; a stale lock is taken over', async () => {
    const locked = clientRoot(3);
    write(locked, '.lock', `${process.pid}\n`);
    expect(codes((await install(s, locked, 'hello')).stderr)).toEqual(['E_INSTALL_LOCKED']);
    write(locked, '.lock', '999999999\n');
    expect((await install(s, locked, 'hello')).code).toBe(0);
    expect(existsSync(path.join(locked, '.lock'))).toBe(false);
  });

  it('APPSHELF_STORE_URL and APPSHELF_HOME stand in for --store-url and --dir', async () => {
    const home = clientRoot(3);
    const r = await runCli(['install', 'hello', ...platform], undefined, { APPSHELF_STORE_URL: s.url, APPSHELF_HOME: home });
    expect(r.code).toBe(0);
    expect(state(home).apps.hello.store).toBe(s.url);
  });

  it('an install root that cannot be created: E_INSTALL_DISK', async () => {
    const notADir = path.join(tmpDir(), 'file');
    writeFileSync(notADir, 'x');
    const r = await install(s, notADir, 'hello');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error E_INSTALL_DISK: Could not create ${notADir}: EEXIST`));
  });

  it('puts a root interrupted between the switch and the state write back in order', async () => {
    const crashed = clientRoot(3);
    expect((await install(s, crashed, 'hello')).code).toBe(0);
    // As if killed mid-update: a staged folder, a half-written state and current on an unrecorded version.
    write(crashed, '.tmp/stage-abc/download', 'partial');
    write(crashed, `state.json.tmp-123-abcd`, '{');
    write(crashed, 'hello/1.1.0/hello/bin.txt', 'half');
    symlinkSync('1.1.0', path.join(crashed, 'hello/current.new'));
    renameSync(path.join(crashed, 'hello/current.new'), path.join(crashed, 'hello/current'));
    const r = await client(crashed, ['update']);
    expect(r).toMatchObject({ code: 0, stdout: 'hello 1.0.0 is up to date\n' });
    expect(current(crashed, 'hello')).toBe('1.0.0');
    expect(readdirSync(crashed).sort()).toEqual(['hello', 'state.json']);
  });
});
