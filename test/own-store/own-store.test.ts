import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStore } from '../../src/index.js';
import { siteNotes } from '../../src/cli/commands/serve.js';
import { fixture, repoRoot, runCli, tmpDir, tmpStore } from '../helpers.js';

const env = { APPSHELF_SIGNING_KEY: readFileSync(path.join(repoRoot, 'demo-keys/manifest-signing.key'), 'utf8') };
const epoch = (iso: string) => Date.parse(iso) / 1000;

/** Commits everything with this committer date (as a rebase or a wrong clock would leave it). */
function commit(dir: string, message: string, date: string): void {
  const run = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, stdio: 'ignore', env: { ...process.env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date } });
  if (!existsSync(path.join(dir, '.git'))) {
    run('init', '-q', '-b', 'main');
    run('config', 'user.name', 'Store Admin');
    run('config', 'user.email', 'admin@example.com');
    run('config', 'commit.gpgsign', 'false');
  }
  run('add', '-A');
  run('commit', '-q', '-m', message);
}

const json = (files: Map<string, unknown>, rel: string) => JSON.parse(Buffer.from(files.get(rel) as Uint8Array).toString('utf8'));

describe('serials, release dates and the published site', () => {
  const dir = tmpStore({ '.gitignore': '.appshelf-cache/\ndist*\n' }, fixture('manifest-basic/store'));
  const storeDir = path.join(dir, 'store');
  const build = (now: string, more: object = {}, extraEnv: object = {}) =>
    buildStore({
      storeDir,
      write: false,
      now: new Date(now),
      env: { ...env, ...extraEnv },
      cacheDir: path.join(dir, '.appshelf-cache'),
      ...more,
    });
  const first = '2030-01-05T12:00:00Z';

  it('never lowers a serial when a commit is dated in the past, and dates releases by their landing commit', async () => {
    commit(dir, 'A store', first);
    const a = await build('2030-01-05T13:00:00Z');
    expect(a.ok).toBe(true);
    expect(json(a.files, 'api/v1/signing.json').serial).toBe(epoch(first));
    // The next commit carries a date a month before the one already published.
    const rel = path.join(storeDir, 'apps/tool/releases/1.0.0.yaml');
    writeFileSync(rel, readFileSync(rel, 'utf8').replace('date: 2026-01-01T00:00:00Z\n', ''));
    commit(dir, 'No date of its own', '2029-12-01T00:00:00Z');
    const b = await build('2030-01-05T14:00:00Z');
    expect(json(b.files, 'api/v1/signing.json').serial).toBe(epoch(first) + 1);
    expect(json(b.files, 'update/tool/stable/linux/x86-64/99.json').signed.serial).toBe(epoch(first) + 1);
    // 1.0.0 landed with the first commit: every output shows that date.
    const api = json(b.files, 'api/v1/apps/tool.json');
    expect(api.releases.find((r: { version: string }) => r.version === '1.0.0').date).toBe('2030-01-05T12:00:00Z');
    expect(Buffer.from(b.files.get('api/v1/update-index.json') as Uint8Array).toString()).toContain('"date":"2030-01-05T12:00:00.000Z"');
  });

  it('takes APPSHELF_SERIAL_FLOOR as the lowest serial, and refuses a bad one', async () => {
    const floor = epoch(first) + 1000;
    expect(
      json((await build('2030-01-05T14:00:00Z', {}, { APPSHELF_SERIAL_FLOOR: String(floor) })).files, 'api/v1/signing.json').serial,
    ).toBe(floor);
    const bad = await build('2030-01-05T14:00:00Z', {}, { APPSHELF_SERIAL_FLOOR: 'soon' });
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics.map((d) => d.code)).toEqual(['E_SERIAL_FLOOR']);
  });

  it('compares with the published site over HTTP or from a folder: a higher serial fails, a feed near expiry warns', async () => {
    let published: object | undefined;
    const server = createServer((req, res) => {
      if (req.url !== '/site/api/v1/signing.json' || !published) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(published));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/site/`;
    try {
      const now = '2030-01-05T14:00:00Z';
      published = { keyid: 'k', serial: epoch(first) + 5000, expires: '2030-01-12T00:00:00.000Z' };
      const down = await build(now, { published: url });
      expect(down.ok).toBe(false);
      expect(down.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['E_SERIAL_WENT_DOWN']);
      expect(down.diagnostics.find((d) => d.code === 'E_SERIAL_WENT_DOWN')!.hint).toContain(`APPSHELF_SERIAL_FLOOR=${epoch(first) + 5001}`);
      published = { keyid: 'k', serial: epoch(first), expires: '2030-01-06T00:00:00.000Z' };
      const stale = await build(now, { published: url });
      expect(stale.ok).toBe(true);
      expect(stale.diagnostics.map((d) => d.code)).toContain('W_PUBLISHED_EXPIRES_SOON');
      published = undefined;
      expect((await build(now, { published: url })).diagnostics.map((d) => d.code)).toContain('W_PUBLISHED_UNREADABLE');
    } finally {
      server.close();
    }
    const site = path.join(dir, 'site/api/v1');
    mkdirSync(site, { recursive: true });
    writeFileSync(
      path.join(site, 'signing.json'),
      JSON.stringify({ keyid: 'k', serial: epoch(first), expires: '2030-01-12T00:00:00.000Z' }),
    );
    const fine = await build('2030-01-05T14:00:00Z', { published: path.join(dir, 'site') });
    expect(fine.diagnostics.filter((d) => /PUBLISHED|SERIAL/.test(d.code))).toEqual([]);
  });

  it('build --base-url makes the URLs point at another origin, and serve says when they do not match', async () => {
    const out = path.join(dir, 'preview');
    const r = await runCli(['build', '--store', storeDir, '--out', out, '--base-url', 'http://127.0.0.1:9000/'], dir, env);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'update/tool/stable/linux/x86-64/0.json'), 'utf8'));
    expect(manifest.signed.candidates[0].files[0].url).toMatch(/^http:\/\/127\.0\.0\.1:9000\/files\/tool\//);
    expect(siteNotes(out, 'http://127.0.0.1:9000/')).toEqual([]);
    expect(siteNotes(out, 'http://localhost:8080/')[0]).toContain(
      "the site's URLs point at http://127.0.0.1:9000, but it is served at http://localhost:8080",
    );
    expect((await runCli(['build', '--store', storeDir, '--out', out, '--base-url', 'ftp://x/'], dir, env)).code).toBe(2);
    expect((await runCli(['build', '--store', storeDir, '--out', out, '--unsigned'], dir, {})).code).toBe(0);
    expect(siteNotes(out, 'https://apps.example.com/')).toEqual([expect.stringContaining('built with --unsigned')]);
  });
});

describe('keygen, yank, unyank, init', () => {
  it('yank withdraws a version with a reason, refuses a pinned one, and unyank undoes it', async () => {
    const cwd = tmpStore({}, fixture('manifest-basic/store'));
    const rel = path.join(cwd, 'store/apps/tool/releases/1.0.0.yaml');
    expect((await runCli(['yank', 'tool', '1.0.0'], cwd)).code).toBe(2);
    const r = await runCli(['yank', 'tool', '1.0.0', '--reason', 'Loses data on exit.'], cwd);
    expect(r.code).toBe(0);
    expect(readFileSync(rel, 'utf8')).toMatch(
      /^version: 1\.0\.0\nchannels: \[stable, beta\]\ndate: .*\nyanked: true\nyankReason: Loses data on exit\.\n/,
    );
    expect((await runCli(['check'], cwd)).code).toBe(0);
    const pinned = await runCli(['yank', 'tool', '1.1.0', '--reason', 'x'], cwd);
    expect(pinned.code).toBe(1);
    expect(pinned.stderr).toContain('E_AUTHOR_YANK_PINNED: 1.1.0 is pinned on beta');
    expect((await runCli(['yank', 'tool', '9.9.9', '--reason', 'x'], cwd)).stderr).toContain('E_AUTHOR_VERSION_UNKNOWN');
    expect((await runCli(['unyank', 'tool', '1.0.0'], cwd)).code).toBe(0);
    expect(readFileSync(rel, 'utf8')).not.toContain('yank');
    expect((await runCli(['unyank', 'tool', '1.0.0'], cwd)).stdout).toContain('is not yanked; nothing to do');
  });

  it('keygen writes the private key 0600 outside the repository (or prints it once) and the public key into store.yaml', async () => {
    const cwd = tmpStore({}, fixture('minimal/store'));
    const home = tmpDir();
    const inside = await runCli(['keygen', '--key-out', 'my.key'], cwd, { HOME: home });
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain('E_KEYGEN_KEY_INSIDE');
    const r = await runCli(['keygen'], cwd, { HOME: home });
    expect(r.code).toBe(0);
    const key = path.join(home, '.appshelf/keys/manifest-signing.key');
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(cwd, 'store/store.yaml'), 'utf8')).toMatch(
      /signing:\n {2}publicKey: \|\n {4}-----BEGIN PUBLIC KEY-----\n/,
    );
    expect((await runCli(['build', '--out', 'dist'], cwd, {})).stderr).toContain('E_SIGNING_KEY_REQUIRED');
    expect((await runCli(['build', '--out', 'dist'], cwd, { APPSHELF_SIGNING_KEY_FILE: key })).code).toBe(0);
    expect((await runCli(['keygen', '--print'], cwd, { HOME: home })).stderr).toContain('E_KEYGEN_EXISTS');
    const printed = await runCli(['keygen', '--print', '--force'], cwd, { HOME: home });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
    expect((await runCli(['build', '--out', 'dist'], cwd, { APPSHELF_SIGNING_KEY: printed.stdout })).code).toBe(0);
  });

  it('init makes a store that checks and builds at once, with its CA key outside, and refuses to overwrite', async () => {
    const home = tmpDir();
    const target = path.join(tmpDir(), 'shop');
    const args = ['init', target, '--base-url', 'https://me.github.io/shop/', '--admin', 'me', '--ca-bits', '2048'];
    // Never a bare "appshelf": where it comes from is said by package.json or --appshelf.
    expect((await runCli(args, repoRoot, { HOME: home })).stderr).toContain('package.json must say where appshelf comes from');
    mkdirSync(target);
    writeFileSync(
      path.join(target, 'package.json'),
      '{"devDependencies":{"appshelf":"file:../appshelf-0.1.0.tgz"},"scripts":{"start":"mine"}}\n',
    );
    const r = await runCli(args, repoRoot, { HOME: home });
    expect(r.code).toBe(0);
    for (const f of [
      'store/store.yaml',
      'store/trust/ca.crt',
      'store/trust/revoked.yaml',
      'package.json',
      '.gitignore',
      '.github/workflows/check.yml',
      '.github/workflows/publish.yml',
      '.github/CODEOWNERS',
      'README.md',
    ]) {
      expect(existsSync(path.join(target, f)), f).toBe(true);
    }
    expect(statSync(path.join(home, '.appshelf/keys/shop/ca.key')).mode & 0o777).toBe(0o600);
    // Keys live apart from the client's install state, in a private folder.
    expect(statSync(path.join(home, '.appshelf/keys/shop')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(path.join(target, 'package.json'), 'utf8'))).toEqual({
      devDependencies: { appshelf: 'file:../appshelf-0.1.0.tgz' },
      scripts: { check: 'appshelf check', build: 'appshelf build', start: 'mine' },
    });
    expect(readFileSync(path.join(target, '.github/CODEOWNERS'), 'utf8')).toContain('/store/trust/ @me');
    expect(readFileSync(path.join(target, '.gitignore'), 'utf8')).toMatch(/^\.appshelf-cache\/$/m);
    expect((await runCli(['check'], target)).code).toBe(0);
    expect((await runCli(['build'], target, {})).code).toBe(0);
    const again = await runCli(['init', target], repoRoot, { HOME: home });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('E_INIT_EXISTS');
  });
});
