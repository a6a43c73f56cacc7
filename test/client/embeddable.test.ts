import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppUpdater } from 'electron-updater/out/AppUpdater.js';
import { GenericProvider } from 'electron-updater/out/providers/GenericProvider.js';
import {
  checkForUpdate,
  downloadUpdate,
  importEd25519,
  loadManifest,
  memorySerialStore,
  UpdateError,
  verifyArchive,
} from '../../src/client/index.js';
import { buildStore } from '../../src/index.js';
import { compileValidator, nextcloudAppsSchema } from '../../src/schema/index.js';
import { createStoreServer, type StoreServer } from '../../src/serve/index.js';
import { fixture, repoRoot, tmpDir, tmpStore } from '../helpers.js';

const run = promisify(execFile);
const keyFile = path.join(repoRoot, 'demo-keys/manifest-signing.key');
let server: StoreServer;
let storeUrl: string;
let publicKey: string;

// A desktop app, a Nextcloud bundle and a docker image, signed, without the store's baseUrl (archive
// URLs are then taken below the URL it is served at), built once and served by `appshelf serve` on port 0.
beforeAll(async () => {
  const cwd = tmpStore({}, fixture('signed-desktop-bundle-docker/store'));
  const storeYaml = path.join(cwd, 'store/store.yaml');
  writeFileSync(storeYaml, readFileSync(storeYaml, 'utf8').replace(/^baseUrl:.*\n/m, ''));
  const dist = path.join(cwd, 'dist');
  const built = await buildStore({ storeDir: path.join(cwd, 'store'), outDir: dist, env: { APPSHELF_SIGNING_KEY_FILE: keyFile } });
  expect(built.ok).toBe(true);
  publicKey = built.store!.signing.publicKey!;
  server = await createStoreServer(dist);
  storeUrl = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}/`;
});
afterAll(async () => server?.close());

const target = (over: Partial<Parameters<typeof checkForUpdate>[0]> = {}) => ({
  storeUrl,
  app: 'shelfnotes',
  channel: 'stable',
  os: 'linux',
  arch: 'x86-64',
  percentile: 42,
  osversion: '6.8',
  ...over,
});
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('the embeddable client against appshelf serve', () => {
  it('runs the ten-line script of docs/feeds.md: installs shelfnotes', async () => {
    const doc = readFileSync(path.join(repoRoot, 'docs/feeds.md'), 'utf8');
    const script = /```js\n(\/\/ install-shelfnotes\.mjs\n[\s\S]*?)```/.exec(doc)![1]!;
    expect(script.split('\n').filter((l) => l.trim() && !l.startsWith('//')).length).toBeLessThanOrEqual(10);
    const dir = tmpDir();
    const file = path.join(dir, 'install-shelfnotes.mjs');
    writeFileSync(
      file,
      script
        .replace("'appshelf/client'", `'${pathToFileURL(path.join(repoRoot, 'lib/client/index.js')).href}'`)
        .replace('http://127.0.0.1:8080/', storeUrl),
    );
    const { stdout } = await run(process.execPath, [file], { cwd: dir });
    expect(stdout).toBe('installed shelfnotes 1.4.0: shelfnotes-1.4.0-linux-x86_64.tar.gz\n');
    const got = readFileSync(path.join(dir, 'shelfnotes-1.4.0-linux-x86_64.tar.gz'));
    expect(sha256(got)).toBe('25e6e3348a45d5a8777aac1fd79f1d78709e424b9ff29906f02bb4e63a242047');
  });

  it('resolves as the manifests do: the staged 1.5.0 below 25, 1.4.0 above, by format and ranges', async () => {
    expect((await checkForUpdate(target({ percentile: 10 }), { publicKey })).update?.version).toBe('1.5.0');
    expect((await checkForUpdate(target({ percentile: 42 }), { publicKey })).update?.url).toBe(
      `${storeUrl}files/shelfnotes/1.4.0/shelfnotes-1.4.0-linux-x86_64.tar.gz`,
    );
    expect((await checkForUpdate(target({ percentile: 10, appversion: '1.5.0' }), { publicKey })).update).toBeUndefined();
    expect((await checkForUpdate(target({ percentile: 10, appversion: '1.4.0' }), { publicKey })).update?.version).toBe('1.5.0');
    const win = await checkForUpdate(
      target({ os: 'windows', percentile: 3, osversion: '10.0.19045', format: 'msi', appversion: '1.4.0' }),
      { publicKey },
    );
    expect(win.update?.url).toBe(`${storeUrl}files/shelfnotes/1.5.0/shelfnotes-1.5.0-windows-x64.msi`);
    expect(
      (await checkForUpdate(target({ os: 'windows', percentile: 3, osversion: '6.1', format: 'msi' }), { publicKey })).update,
    ).toBeUndefined();
    expect(
      (await checkForUpdate(target({ channel: 'beta', os: 'osx', arch: 'arm64', osversion: '14.4' }), { publicKey })).update?.version,
    ).toBe('1.6.0-beta.1');
  });

  it('keeps serials in the given store and refuses a rollback, another key, a missing manifest', async () => {
    const serials = memorySerialStore();
    const first = await loadManifest(target(), { publicKey, serials });
    // The serial kept is the app's fresh document's, which pins the manifest.
    const key = `${storeUrl}${first.fresh!.path}`;
    expect(serials.entries).toEqual({ [key]: first.fresh!.doc.serial });
    serials.entries[key] = first.fresh!.doc.serial + 1;
    await expect(loadManifest(target(), { publicKey, serials })).rejects.toMatchObject({ problem: 'rollback' });
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect(loadManifest(target(), { publicKey: other })).rejects.toMatchObject({ problem: 'unknown-key' });
    await expect(loadManifest(target({ app: 'nosuchapp' }), { publicKey })).rejects.toBeInstanceOf(UpdateError);
    expect((await loadManifest(target())).verified).toBe(false);
  });

  it('checks a download against the manifest', async () => {
    const { update } = await checkForUpdate(target(), { publicKey });
    const bytes = await downloadUpdate(update!);
    expect(await verifyArchive(bytes, update!.file)).toBe(true);
    await expect(downloadUpdate({ ...update!, file: { ...update!.file, sha256: '0'.repeat(64) } })).rejects.toThrow(/SHA-256/);
  });

  it('verifies with node:crypto where Web Crypto is missing', async () => {
    vi.stubGlobal('crypto', undefined);
    try {
      const key = await importEd25519(publicKey);
      expect((await loadManifest(target(), { publicKey: key })).verified).toBe(true);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('has no runtime dependency: lib/client imports only itself and util/stable-json (node:crypto lazily, where Web Crypto lacks Ed25519)', async () => {
    const seen = new Set<string>();
    const specifiers = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
        specifiers.add(m[1]!);
        if (m[1]!.startsWith('.')) walk(path.resolve(path.dirname(file), m[1]!));
      }
    };
    walk(path.join(repoRoot, 'lib/client/index.js'));
    expect([...specifiers].filter((s) => !s.startsWith('.'))).toEqual([]);
    expect([...seen].map((f) => path.relative(path.join(repoRoot, 'lib'), f)).sort()).toEqual([
      'client/check.js',
      'client/crypto.js',
      'client/index.js',
      'client/pick.js',
      'client/semver.js',
      'client/verify.js',
      'util/stable-json.js',
    ]);
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('appshelf/client'); console.log(typeof m.checkForUpdate, typeof m.verifyManifest)",
      ],
      { cwd: repoRoot },
    );
    expect(stdout).toBe('function function\n');
  });
});

describe('feeds served by appshelf serve', () => {
  const fetchText = async (rel: string) => {
    const res = await fetch(new URL(rel, storeUrl));
    expect(res.status, rel).toBe(200);
    return res.text();
  };

  /** electron-updater's generic provider, as an app on `platform` with `channel` configured would run it (no Electron needed). */
  const electron = (platform: 'win32' | 'darwin' | 'linux', channel?: string) => {
    const executor = {
      request: async (o: { protocol?: string; hostname?: string; port?: string | number; path?: string }) =>
        fetchText(`${o.protocol}//${o.hostname}:${o.port}${o.path}`),
    };
    return new GenericProvider(
      { provider: 'generic', url: `${storeUrl}feeds/electron/shelfnotes/` },
      { channel, isAddNoCacheQuery: false } as never,
      { executor, platform, isUseMultipleRangeRequest: false } as never,
    );
  };
  /** electron-updater's staging decision for a client whose stagingUserId puts it at percentile p. */
  const staged = (info: unknown, p: number) => {
    const tail = Math.floor(((p + 0.5) / 100) * 0xffffffff)
      .toString(16)
      .padStart(8, '0');
    const self = {
      stagingUserIdPromise: { value: Promise.resolve(`00000000-0000-4000-8000-0000${tail}`) },
      _logger: { info() {}, warn() {} },
    };
    return (AppUpdater.prototype as unknown as { isStagingMatch: (this: unknown, i: unknown) => Promise<boolean> }).isStagingMatch.call(
      self,
      info,
    );
  };

  it('electron-updater reads the channel files, resolves the archive and stages 1.5.0 to 25 %', async () => {
    for (const [platform, file] of [
      ['linux', 'shelfnotes-1.5.0-linux-x86_64.tar.gz'],
      ['darwin', 'shelfnotes-1.5.0-osx.tar.gz'],
      ['win32', 'shelfnotes-1.5.0-windows.zip'],
    ] as const) {
      for (const channel of ['stable', undefined]) {
        const provider = electron(platform, channel);
        const info = await provider.getLatestVersion();
        expect(info.version).toBe('1.5.0');
        expect(info.releaseDate).toBe('2026-03-10T10:00:00.000Z');
        const urls = provider.resolveFiles(info).map((f) => f.url.href);
        expect(urls).toContain(`${storeUrl}files/shelfnotes/1.5.0/${file}`);
        for (const p of [0, 10, 24]) expect(await staged(info, p), `${platform} ${p}`).toBe(true);
        for (const p of [25, 50, 99]) expect(await staged(info, p), `${platform} ${p}`).toBe(false);
      }
    }
    const msi = electron('win32', 'stable');
    expect(msi.resolveFiles(await msi.getLatestVersion()).map((f) => f.url.pathname)).toEqual([
      '/files/shelfnotes/1.5.0/shelfnotes-1.5.0-windows.zip',
      '/files/shelfnotes/1.5.0/shelfnotes-1.5.0-windows-x64.msi',
    ]);
    const beta = await electron('linux', 'beta').getLatestVersion();
    expect([beta.version, beta.stagingPercentage, await staged(beta, 99)]).toEqual(['1.6.0-beta.1', undefined, true]);
    // The downloaded bytes have the SHA-512 the feed announces, as electron-updater checks.
    const { files } = await electron('linux', 'stable').getLatestVersion();
    const res = await fetch(`${storeUrl}files/shelfnotes/1.5.0/shelfnotes-1.5.0-linux-x86_64.tar.gz`);
    expect(
      createHash('sha512')
        .update(Buffer.from(await res.arrayBuffer()))
        .digest('base64'),
    ).toBe(files[0]!.sha512);
  });

  it("the Sparkle appcast is valid XML with Sparkle's elements", async () => {
    const xml = await fetchText('feeds/sparkle/shelfnotes.xml');
    expect(XMLValidator.validate(xml)).toBe(true);
    const rss = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml).rss;
    expect(rss['@xmlns:sparkle']).toBe('http://www.andymatuschak.org/xml-namespaces/sparkle');
    const items = rss.channel.item as Record<string, unknown>[];
    expect(items.map((i) => [i['sparkle:version'], i['sparkle:channel'], i['sparkle:phasedRolloutInterval']])).toEqual([
      ['1.6.0-beta.1', 'beta', undefined],
      ['1.5.0', undefined, 86400],
      ['1.4.0', undefined, undefined],
    ]);
    expect(items[1]).toMatchObject({
      'sparkle:shortVersionString': '1.5.0',
      'sparkle:minimumSystemVersion': '10.13.0',
      pubDate: 'Tue, 10 Mar 2026 10:00:00 GMT',
      enclosure: { '@url': '/files/shelfnotes/1.5.0/shelfnotes-1.5.0-osx.tar.gz', '@length': '277', '@type': 'application/octet-stream' },
    });
  });

  it("the Nextcloud list has every bundle release of news in the app store's field types, and the API lists the feeds", async () => {
    const apps = JSON.parse(await fetchText('feeds/nextcloud/apps.json')) as Record<string, unknown>[];
    expect(apps.map((a) => a.id)).toEqual(['news']);
    const valid = compileValidator(nextcloudAppsSchema);
    expect(valid(apps), JSON.stringify(valid.errors)).toBe(true);
    const news = apps[0]!;
    for (const k of [
      'userDocs',
      'adminDocs',
      'developerDocs',
      'issueTracker',
      'website',
      'discussion',
      'certificate',
      'created',
      'lastModified',
    ])
      expect(typeof news[k], k).toBe('string');
    expect(news).toMatchObject({
      categories: ['multimedia'],
      isFeatured: false,
      translations: { en: { name: 'News' }, de: { name: 'Nachrichten' } },
    });
    expect(String(news.certificate)).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const releases = news.releases as Record<string, unknown>[];
    expect(releases.map((r) => [r.version, r.isNightly])).toEqual([
      ['1.2.0-nightly.20260320', true],
      ['1.1.0', false],
      ['1.0.0', false],
    ]);
    for (const r of releases) {
      expect(r).toMatchObject({
        platformVersionSpec: expect.stringMatching(/^(\*|>=\d+\.\d+\.\d+( <\d+\.\d+\.\d+)?)$/),
        signatureDigest: 'sha512',
        minIntSize: 32,
        licenses: ['agpl'],
      });
      expect(String(r.download)).toMatch(/^\/files\/news\/.*\.tar\.gz$/);
      expect(String(r.signature)).toMatch(/^[A-Za-z0-9+/]+=*$/);
      for (const k of ['phpExtensions', 'databases', 'shellCommands']) expect(Array.isArray(r[k])).toBe(true);
    }
    expect(releases[1]).toMatchObject({
      platformVersionSpec: '>=30.0.0 <33.0.0',
      rawPlatformVersionSpec: '>=30 <=32',
      phpVersionSpec: '>=8.1.0',
      rawPhpVersionSpec: '>=8.1',
    });
    expect(JSON.parse(await fetchText('feeds/nextcloud/categories.json'))).toEqual([
      { id: 'multimedia', translations: { en: { name: 'Multimedia', description: '' } } },
    ]);
    const api = JSON.parse(await fetchText('api/v1/apps/shelfnotes.json'));
    expect(api.feeds).toMatchObject({ electron: { url: '/feeds/electron/shelfnotes/' }, sparkle: '/feeds/sparkle/shelfnotes.xml' });
    expect(api.feeds.electron.files).toContain('latest-mac.yml');
    expect(JSON.parse(await fetchText('api/v1/apps/news.json')).feeds).toEqual({ nextcloud: '/feeds/nextcloud' });
    expect(JSON.parse(await fetchText('api/v1/apps/cockpit.json')).feeds).toEqual({});
  });
});
