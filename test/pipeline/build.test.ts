import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fg from 'fast-glob';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/hash.js';
import { buildStore, checkStore } from '../../src/index.js';
import { fixture, repoRoot, runBin, runCli, tmpDir, tmpStore, type CliRun } from '../helpers.js';

/** Every file of a folder → sha256, to compare whole sites; follows the symlinks to the per-app objects, as readers do. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fg.sync('**/*', { cwd: dir, dot: true, followSymbolicLinks: true }).sort())
    out[f] = sha256Hex(readFileSync(path.join(dir, f)));
  // Through the links: the percentile manifests and the archives must be part of what is compared.
  expect(Object.keys(out).filter((f) => /^update\/[^/]+\/[^/]+\/[^/]+\/[^/]+\/\d+\.json$/.test(f)).length).toBeGreaterThan(1000);
  expect(Object.keys(out).some((f) => f.startsWith('files/'))).toBe(true);
  return out;
}

/** Names under `<out>.objects/` that the site does not link: leftovers (its records, lock and site record aside). */
function unlinkedObjects(cwd: string, out = 'dist'): string[] {
  // Objects are linked as a whole (update/<app>, files/<app>, apps/<app>) or in parts (feeds/electron/<app> -> <key>/electron).
  const kinds = ['update', 'files', 'apps', 'feeds/electron', 'feeds/sparkle', 'feeds/tauri'].filter((k) =>
    existsSync(path.join(cwd, out, k)),
  );
  const linked = new Set(
    kinds.flatMap((kind) =>
      readdirSync(path.join(cwd, out, kind)).map((app) =>
        readlinkSync(path.join(cwd, out, kind, app))
          .split('/')
          .find((s) => /^[0-9a-f]{32}$/.test(s))!,
      ),
    ),
  );
  return readdirSync(path.join(cwd, `${out}.objects`)).filter((n) => n !== 'site.json' && !linked.has(n.replace(/\.json$/, '')));
}

describe('appshelf build', () => {
  // One build of the example store (the site `npm start` serves: its subject is that store), shared:
  // tests that only read the site (or put back what they change) use it, tests that change the store
  // work on a copy of it. Tests that need a build of their own start from a scenario folder.
  let built: string;
  let first: CliRun;
  beforeAll(async () => {
    built = tmpStore();
    first = await runCli(['build', '--unsigned'], built);
  });
  /** A copy of the shared working folder (store, site, objects and cache); `cp -a` keeps the relative links. */
  const copyOfBuilt = (): string => {
    const cwd = path.join(tmpDir(), 'work');
    execFileSync('cp', ['-a', built, cwd]);
    return cwd;
  };

  it('writes the API and schemas for the example store', () => {
    const cwd = built;
    expect(first.stderr).toMatch(/✓ built dist\/: \d+ files/);
    expect(first.code).toBe(0);
    const apps = JSON.parse(readFileSync(path.join(cwd, 'dist/api/v1/apps.json'), 'utf8'));
    expect(apps.apps.map((a: { id: string }) => a.id)).toEqual(['cockpit', 'legacy_sync', 'news', 'shelfnotes']);
    expect(existsSync(path.join(cwd, 'dist/api/v1/apps/news.json'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(cwd, 'dist/schemas/release.schema.json'), 'utf8')).title).toBe('appshelf release');
    expect(existsSync(path.join(cwd, 'dist/files/shelfnotes/1.5.0/shelfnotes-1.5.0-windows-x64.msi'))).toBe(true);
  });

  it('gives byte-identical output for the same store', async () => {
    const cwd = copyOfBuilt();
    // dist/ is the first build; b/ a second one, then dist/ is built again over the first.
    expect((await runCli(['build', '--unsigned', '--out', 'b'], cwd)).code).toBe(0);
    expect((await runCli(['build', '--unsigned', '--out', 'dist'], cwd)).code).toBe(0);
    expect(snapshot(path.join(cwd, 'dist'))).toEqual(snapshot(path.join(cwd, 'b')));
  });

  it('leaves the previous site untouched when the store has errors', async () => {
    const cwd = built;
    const before = snapshot(path.join(cwd, 'dist'));
    const release = path.join(cwd, 'store/apps/news/releases/1.1.0.yaml');
    const good = readFileSync(release);
    writeFileSync(release, 'version: 1.1.0\nchannels: [nope]\n');
    try {
      const r = await runCli(['build', '--unsigned'], cwd);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('dist/ was not changed');
      expect(snapshot(path.join(cwd, 'dist'))).toEqual(before);
    } finally {
      writeFileSync(release, good);
    }
  });

  it('leaves the previous site untouched when killed halfway, and recovers on the next build', async () => {
    const cwd = copyOfBuilt();
    const before = snapshot(path.join(cwd, 'dist'));
    // A new archive, so the build has a new object to write; the build kills itself once it has copied it.
    const archive = 'legacy_sync-2.3.0-linux.deb';
    const big = Buffer.alloc(256 * 1024, 7);
    writeFileSync(path.join(cwd, 'store/apps/legacy_sync/files', archive), big);
    const release = path.join(cwd, 'store/apps/legacy_sync/releases/2.3.0.yaml');
    const text = readFileSync(release, 'utf8')
      .replace(/size: 72\n/, `size: ${big.length}\n`)
      .replace('db65949db520d90baca7335cfbdad11556a9bdf708c5b5abfc7593c978f234aa', sha256Hex(big));
    writeFileSync(release, text.replace(/(file: files\/legacy_sync-2\.3\.0-linux\.deb[\s\S]*?)\n\s+signature: .*\n?/, '$1\n'));
    writeFileSync(
      path.join(cwd, 'store/store.yaml'),
      readFileSync(path.join(cwd, 'store/store.yaml'), 'utf8').replace('signatures: required', 'signatures: optional'),
    );
    const killer = path.join(repoRoot, 'test/pipeline/_kill-after-copying.mjs');
    const child = spawn(
      process.execPath,
      ['--import', pathToFileURL(killer).href, path.join(repoRoot, 'lib/cli/main.js'), 'build', '--unsigned'],
      {
        cwd,
        stdio: 'ignore',
        env: { ...process.env, KILL_AFTER_COPYING: archive },
      },
    );
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    // Killed mid-write: the new site was still a temporary folder.
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
    expect(readdirSync(cwd).some((n) => n.startsWith('dist.tmp-'))).toBe(true);
    expect(snapshot(path.join(cwd, 'dist'))).toEqual(before);
    const again = await runBin(['build', '--unsigned'], cwd);
    expect(again.code).toBe(0);
    expect(readdirSync(cwd).filter((n) => n.startsWith('dist.'))).toEqual(['dist.objects']);
    expect(unlinkedObjects(cwd)).toEqual([]);
    expect(readFileSync(path.join(cwd, 'dist/files/legacy_sync/2.3.0', archive))).toEqual(big);
  });

  it("links each app's manifests and archives as objects stored once, by relative symlinks that survive moving both folders", async () => {
    const cwd = built;
    for (const kind of ['update', 'files']) {
      expect(lstatSync(path.join(cwd, `dist/${kind}/shelfnotes`)).isSymbolicLink()).toBe(true);
      expect(readlinkSync(path.join(cwd, `dist/${kind}/shelfnotes`))).toMatch(/^\.\.\/\.\.\/dist\.objects\/[0-9a-f]{32}$/);
    }
    expect(lstatSync(path.join(cwd, 'dist/api/v1/apps.json')).isFile()).toBe(true);
    const before = snapshot(path.join(cwd, 'dist'));
    renameSync(cwd, `${cwd}-moved`);
    try {
      expect(snapshot(path.join(`${cwd}-moved`, 'dist'))).toEqual(before);
    } finally {
      renameSync(`${cwd}-moved`, cwd);
    }
  });

  it('rebuilds only the changed app: one new object, the old one removed, unchanged files not rewritten', async () => {
    const cwd = tmpStore({}, fixture('signed-desktop-bundle-docker/store'));
    const storeDir = path.join(cwd, 'store');
    const outDir = path.join(cwd, 'dist');
    // A fixed time: outside git, serials and expiry come from it, so unchanged apps keep their bytes.
    const now = new Date('2027-01-15T12:00:00Z');
    const build = () => buildStore({ storeDir, outDir, now, env: {}, unsigned: true });
    const first = await build();
    // 3 apps' manifests and pages, the archives of the 2 apps that commit any (cockpit is docker only), the feeds of the desktop app.
    expect(first.written?.objects).toEqual({ created: 9, reused: 0, removed: 0 });
    const link = (app: string) => readlinkSync(path.join(outDir, 'update', app));
    const ino = (rel: string) => statSync(path.join(outDir, rel)).ino;
    const [news, shelfnotes, cockpitApi, shelfnotesApi] = [
      link('news'),
      link('shelfnotes'),
      ino('api/v1/apps/cockpit.json'),
      ino('api/v1/apps/shelfnotes.json'),
    ];

    const same = await build();
    expect(same.written).toMatchObject({ written: 0, linked: 0, objects: { created: 0, reused: 9, removed: 0 } });
    expect(same.written!.files).toBe(first.written!.files);

    const release = path.join(storeDir, 'apps/shelfnotes/releases/1.5.0.yaml');
    writeFileSync(release, readFileSync(release, 'utf8').replace('stable: 25', 'stable: 60'));
    const changed = await build();
    // Its manifests, its feeds (the electron staging percentage changed) and its page (which shows the rollout).
    expect(changed.written?.objects).toEqual({ created: 3, reused: 6, removed: 3 });
    expect(link('news')).toBe(news);
    expect(link('shelfnotes')).not.toBe(shelfnotes);
    expect(existsSync(path.join(outDir, 'update', shelfnotes))).toBe(false);
    expect(ino('api/v1/apps/cockpit.json')).toBe(cockpitApi);
    expect(ino('api/v1/apps/shelfnotes.json')).not.toBe(shelfnotesApi);
    const m = JSON.parse(readFileSync(path.join(outDir, 'update/shelfnotes/stable/windows/x86-64/59.json'), 'utf8'));
    expect(m.signed.candidates[0].version).toBe('1.5.0');
    expect(unlinkedObjects(cwd)).toEqual([]);
    // The same site as a build from scratch.
    const fresh = tmpStore({}, fixture('signed-desktop-bundle-docker/store'));
    writeFileSync(path.join(fresh, 'store/apps/shelfnotes/releases/1.5.0.yaml'), readFileSync(release));
    await buildStore({ storeDir: path.join(fresh, 'store'), outDir: path.join(fresh, 'dist'), now, env: {}, unsigned: true });
    expect(snapshot(outDir)).toEqual(snapshot(path.join(fresh, 'dist')));
  });

  it('reports the same positions for files whose data came from the parse cache', async () => {
    const cwd = tmpStore({}, fixture('signed-desktop/store'));
    const storeDir = path.join(cwd, 'store');
    const now = new Date('2027-01-15T12:00:00Z');
    const storeYaml = path.join(storeDir, 'store.yaml');
    const cacheDir = path.join(cwd, 'cache');
    expect((await checkStore({ storeDir, cacheDir, now })).ok).toBe(true);
    expect(readdirSync(cacheDir)).toContain('parse-cache');
    // Every release listing "beta" now names an unknown channel; the release files themselves do not change.
    writeFileSync(storeYaml, readFileSync(storeYaml, 'utf8').replace('- name: beta', '- name: preview'));
    const cached = await checkStore({ storeDir, cacheDir, now });
    const fresh = await checkStore({ storeDir, cacheDir: path.join(cwd, 'no-cache'), now });
    const unknown = cached.diagnostics.filter((d) => d.code === 'E_CHANNEL_UNKNOWN' && d.file?.includes('/releases/'));
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.every((d) => d.line !== undefined && d.column !== undefined)).toBe(true);
    expect(cached.diagnostics).toEqual(fresh.diagnostics);
  });

  it('runs two builds into the same folder one after the other (a lock), leaving a complete site', async () => {
    const cwd = tmpStore({}, fixture('signed-desktop/store'));
    const [a, b] = await Promise.all([runBin(['build', '--unsigned'], cwd), runBin(['build', '--unsigned'], cwd)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(unlinkedObjects(cwd)).toEqual([]);
    expect(readdirSync(path.join(cwd, 'dist.objects'))).not.toContain('lock');
    expect(Object.keys(snapshot(path.join(cwd, 'dist'))).length).toBeGreaterThan(1600);
  });

  it('refuses to write the site over the store or the working directory', async () => {
    const cwd = tmpStore({}, fixture('minimal/store'));
    for (const out of ['store', 'store/dist', '.']) {
      const r = await runCli(['build', '--unsigned', '--out', out], cwd);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error E_OUT_DIR: Refusing to write the site to');
    }
  });
});
