import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStore } from '../../src/index.js';
import { fixture, runCli, tmpDir, tmpStore } from '../helpers.js';
import { git } from './_git.js';

const now = new Date('2027-01-15T12:00:00Z');
const signingKey = readFileSync(new URL('../../demo-keys/manifest-signing.key', import.meta.url), 'utf8');
const env = { APPSHELF_SIGNING_KEY: signingKey };

/** Three signed apps of three kinds: shelfnotes (desktop, staged rollout), news (bundle), cockpit (docker). */
const scenario = fixture('signed-desktop-bundle-docker/store');

/** A copy of the scenario committed to a fresh git repository. */
function repo(): string {
  const cwd = tmpStore({}, scenario);
  git(cwd, 'init', '-q', '-b', 'main');
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '-m', 'Initial store');
  return cwd;
}

/** Every file of a built site as the web sees it (symlinks followed): path → bytes. */
function siteOf(out: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs, `${rel}${name}/`);
      else files.set(`${rel}${name}`, readFileSync(abs).toString('base64'));
    }
  };
  walk(out, '');
  return files;
}

const build = (cwd: string, out = 'dist', cache = '.appshelf-cache') =>
  buildStore({ storeDir: path.join(cwd, 'store'), outDir: path.join(cwd, out), cacheDir: path.join(cwd, cache), now, env });

/** The same store built from nothing (fresh cache, fresh output) into `<cwd>/<name>`. */
const cold = (cwd: string, name: string) => build(cwd, name, `${name}-cache`);

const widen = (cwd: string, pct: number) => {
  const rel = path.join(cwd, 'store/apps/shelfnotes/releases/1.5.0.yaml');
  writeFileSync(rel, readFileSync(rel, 'utf8').replace(/stable: \d+/, `stable: ${pct}`));
};

describe('incremental builds', () => {
  it('takes unchanged apps from the last build and gives the same site as a build from nothing', async () => {
    const cwd = repo();
    const first = await build(cwd);
    expect(first.ok).toBe(true);
    expect(first.reused).toEqual([]);
    const warnings = first.diagnostics.map((d) => d.code);

    const again = await build(cwd);
    expect(again.ok).toBe(true);
    expect(again.reused.sort()).toEqual(['cockpit', 'news', 'shelfnotes']);
    expect(again.store!.apps).toEqual([]);
    expect(again.written!.written).toBe(0);
    // The warnings of apps taken from records are reported as before.
    expect(again.diagnostics.map((d) => d.code)).toEqual(warnings);

    widen(cwd, 60);
    git(cwd, 'commit', '-qam', 'Widen the rollout of shelfnotes 1.5.0 (#2)');
    const one = await build(cwd);
    expect(one.ok).toBe(true);
    expect(one.store!.apps.map((a) => a.id)).toEqual(['shelfnotes']);
    expect(one.reused.sort()).toEqual(['cockpit', 'news']);
    expect((await cold(cwd, 'dist-cold')).ok).toBe(true);
    expect(siteOf(path.join(cwd, 'dist'))).toEqual(siteOf(path.join(cwd, 'dist-cold')));
    const manifest = (p: number) => JSON.parse(readFileSync(path.join(cwd, `dist/update/shelfnotes/stable/osx/arm64/${p}.json`), 'utf8'));
    expect(manifest(59).signed.candidates[0].version).toBe('1.5.0');
    expect(manifest(60).signed.candidates[0].version).toBe('1.4.0');
  });

  it('checks an app again when its files change without a commit, and when an archive changes behind its release file', async () => {
    const cwd = repo();
    expect((await build(cwd)).ok).toBe(true);
    widen(cwd, 70);
    const edited = await build(cwd);
    expect(edited.ok).toBe(true);
    expect(edited.store!.apps.map((a) => a.id)).toEqual(['shelfnotes']);
    git(cwd, 'checkout', '-q', '--', '.');

    const files = path.join(cwd, 'store/apps/news/files');
    writeFileSync(path.join(files, readdirSync(files)[0]!), 'tampered');
    const tampered = await build(cwd);
    expect(tampered.ok).toBe(false);
    expect(tampered.diagnostics.some((d) => d.severity === 'error' && d.file?.includes('apps/news/'))).toBe(true);
  });

  it('drops a removed app and adds a new one', async () => {
    const cwd = repo();
    expect((await build(cwd)).ok).toBe(true);
    git(cwd, 'rm', '-rq', 'store/apps/cockpit');
    git(cwd, 'commit', '-qm', 'Remove cockpit');
    const removed = await build(cwd);
    expect(removed.ok).toBe(true);
    expect(removed.reused.sort()).toEqual(['news', 'shelfnotes']);
    const catalog = JSON.parse(readFileSync(path.join(cwd, 'dist/api/v1/apps.json'), 'utf8'));
    expect(catalog.apps.map((a: { id: string }) => a.id)).toEqual(['news', 'shelfnotes']);
    expect(() => readlinkSync(path.join(cwd, 'dist/update/cockpit'))).toThrow();
    expect((await cold(cwd, 'dist-cold')).ok).toBe(true);
    expect(siteOf(path.join(cwd, 'dist'))).toEqual(siteOf(path.join(cwd, 'dist-cold')));
  });

  it('uses file stamps outside git, and builds everything again when the output was removed', async () => {
    const cwd = tmpStore({}, scenario);
    expect((await build(cwd)).ok).toBe(true);
    const again = await build(cwd);
    expect(again.reused).toHaveLength(3);
    widen(cwd, 80);
    const one = await build(cwd);
    expect(one.store!.apps.map((a) => a.id)).toEqual(['shelfnotes']);
    rmSync(path.join(cwd, 'dist.objects'), { recursive: true });
    rmSync(path.join(cwd, 'dist'), { recursive: true });
    const rebuilt = await build(cwd);
    expect(rebuilt.ok).toBe(true);
    expect(rebuilt.reused).toEqual([]);
    expect(statSync(path.join(cwd, 'dist/update/news')).isDirectory()).toBe(true);
  });

  it('checks every app again when store.yaml changes, and keeps no records from a failed build', async () => {
    const cwd = repo();
    expect((await build(cwd)).ok).toBe(true);
    const storeYaml = path.join(cwd, 'store/store.yaml');
    writeFileSync(storeYaml, `${readFileSync(storeYaml, 'utf8')}\n# a comment changes the file\n`);
    const all = await build(cwd);
    expect(all.reused).toEqual([]);
    const dir = tmpDir();
    const failing = await buildStore({
      storeDir: path.join(cwd, 'store'),
      outDir: path.join(dir, 'out'),
      cacheDir: path.join(dir, 'cache'),
      now,
      env: { APPSHELF_SIGNING_KEY: 'not a key' },
    });
    expect(failing.ok).toBe(false);
    expect(() => readdirSync(path.join(dir, 'cache/build-records'))).toThrow();
  });

  it('says from the command line how many apps were unchanged', async () => {
    const cwd = repo();
    const first = await runCli(['build'], cwd, env);
    expect(first.code).toBe(0);
    expect(first.stderr).not.toContain('unchanged since the last build');
    widen(cwd, 90);
    const second = await runCli(['build'], cwd, env);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/1 app checked, 2 unchanged since the last build/);
  });

  it('checks an app again once its certificate check can change by time alone', async () => {
    const cwd = repo();
    const at = (iso: string) =>
      buildStore({
        storeDir: path.join(cwd, 'store'),
        outDir: path.join(cwd, 'dist'),
        cacheDir: path.join(cwd, '.appshelf-cache'),
        now: new Date(iso),
        env: {},
        unsigned: true,
      });
    // The scenario's certificates and CA (the example store's) expire on 2046-11-22.
    expect((await at('2046-11-21T00:00:00Z')).ok).toBe(true);
    expect((await at('2046-11-21T12:00:00Z')).reused).toHaveLength(3);
    const later = await at('2046-11-23T00:00:00Z');
    expect(later.reused).toEqual([]);
    expect(later.diagnostics.map((d) => d.code)).toContain('W_CERT_EXPIRED');
  });

  it('checks an app again when a certificate it keeps outside its folder changes', async () => {
    const cwd = repo();
    const certs = path.join(cwd, 'store/certs');
    execFileSync('mkdir', ['-p', certs]);
    git(cwd, 'mv', 'store/apps/news/news.crt', 'store/certs/news.crt');
    const appYaml = path.join(cwd, 'store/apps/news/app.yaml');
    writeFileSync(appYaml, readFileSync(appYaml, 'utf8').replace('certificate: news.crt', 'certificate: ../../certs/news.crt'));
    git(cwd, 'commit', '-qam', 'Keep certificates together');
    expect((await build(cwd)).ok).toBe(true);
    expect((await build(cwd)).reused).toHaveLength(3);
    // Another app's certificate in its place: the CN no longer matches, though apps/news/ did not change.
    writeFileSync(path.join(certs, 'news.crt'), readFileSync(path.join(cwd, 'store/apps/shelfnotes/shelfnotes.crt')));
    git(cwd, 'commit', '-qam', 'Replace the certificate');
    const replaced = await build(cwd);
    expect(replaced.ok).toBe(false);
    expect(replaced.reused).not.toContain('news');
  });
});
