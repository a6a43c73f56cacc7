import { generateKeyPairSync, verify } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { parseVersion, satisfies } from '../../src/client/semver.js';
import { electronSuffix, tauriTarget, versionSpecs } from '../../src/emit/index.js';
import { buildStore } from '../../src/index.js';
import { compileValidator, tauriFeedSchema } from '../../src/schema/index.js';
import { fixture, repoRoot, runCli, tmpDir, tmpStore } from '../helpers.js';

const now = new Date('2027-01-15T12:00:00Z');
const env = { APPSHELF_SIGNING_KEY_FILE: path.join(repoRoot, 'demo-keys/manifest-signing.key') };

// A test key pair for Sparkle (its raw seed, as `generate_keys -x` exports it) and a minisign .sig as the Tauri signer writes it.
const sparkle = generateKeyPairSync('ed25519');
const seed = sparkle.privateKey.export({ type: 'pkcs8', format: 'der' }).subarray(16).toString('base64');
const sigFile = Buffer.from(
  'untrusted comment: signature from tauri secret key\nRUQ4bW9ja3NpZw==\ntrusted comment: timestamp:1767225600\tfile:shelfnotes.tar.gz\nZ2xvYmFsc2ln\n',
).toString('base64');

/** The signed desktop app shelfnotes, with 1.6.0 added by `release add` for macOS and Linux with both feed signatures. */
async function storeWithSignedRelease(): Promise<string> {
  const cwd = tmpStore({}, fixture('signed-desktop/store'));
  const dir = tmpDir();
  writeFileSync(path.join(dir, 'sparkle.key'), seed);
  writeFileSync(path.join(dir, 'app.tar.gz.sig'), sigFile);
  for (const [os, arch, name] of [
    ['osx', 'x86-64,arm64', 'shelfnotes-1.6.0-osx.tar.gz'],
    ['linux', 'x86-64', 'shelfnotes-1.6.0-linux.tar.gz'],
  ] as const) {
    writeFileSync(path.join(dir, name), `shelfnotes 1.6.0 for ${os}\n`);
    const r = await runCli(
      [
        'release',
        'add',
        'shelfnotes',
        '1.6.0',
        '--channel',
        'stable',
        '--file',
        path.join(dir, name),
        '--os',
        os,
        '--arch',
        arch,
        '--os-version',
        '>=11',
        '--key',
        path.join(repoRoot, 'demo-keys/shelfnotes.key'),
        '--sparkle-key',
        path.join(dir, 'sparkle.key'),
        '--minisign',
        path.join(dir, 'app.tar.gz.sig'),
        '--date',
        '2026-04-01T10:00:00Z',
      ],
      cwd,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }
  return cwd;
}

describe('feeds', () => {
  it('release add --sparkle-key and --minisign sign the entry; the appcast and the Tauri feed carry the signatures', async () => {
    const cwd = await storeWithSignedRelease();
    const text = readFileSync(path.join(cwd, 'store/apps/shelfnotes/releases/1.6.0.yaml'), 'utf8');
    expect(text).toMatch(/edSignature: \S+==/);
    expect(text).toContain(`minisign: ${sigFile}`);
    const out = path.join(cwd, 'dist');
    const built = await buildStore({ storeDir: path.join(cwd, 'store'), outDir: out, now, env });
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const file = (rel: string) => readFileSync(path.join(out, rel), 'utf8');
    const xml = file('feeds/sparkle/shelfnotes.xml');
    const sig = /shelfnotes-1\.6\.0-osx\.tar\.gz" length="(\d+)" type="application\/octet-stream" sparkle:edSignature="([^"]+)"/.exec(xml)!;
    const archive = readFileSync(path.join(cwd, 'store/apps/shelfnotes/files/shelfnotes-1.6.0-osx.tar.gz'));
    expect(verify(null, archive, sparkle.publicKey, Buffer.from(sig[2]!, 'base64'))).toBe(true);
    expect(xml).toContain('<sparkle:minimumSystemVersion>11.0.0</sparkle:minimumSystemVersion>');

    const tauri = JSON.parse(file('feeds/tauri/shelfnotes/stable.json'));
    expect(Object.keys(tauri).sort()).toEqual(['notes', 'platforms', 'pub_date', 'version']);
    const valid = compileValidator(tauriFeedSchema);
    expect(valid(tauri), JSON.stringify(valid.errors)).toBe(true);
    expect(tauri).toMatchObject({ version: '1.6.0', pub_date: '2026-04-01T10:00:00.000Z' });
    expect(Object.keys(tauri.platforms).sort()).toEqual(['darwin-aarch64', 'darwin-x86_64', 'linux-x86_64']);
    for (const p of Object.values(tauri.platforms) as { url: string; signature: string }[]) {
      expect(Object.keys(p).sort()).toEqual(['signature', 'url']);
      expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:8080\/files\/shelfnotes\/1\.6\.0\//);
      expect(Buffer.from(p.signature, 'base64').toString('utf8')).toMatch(/^untrusted comment: /);
    }
    // Only the releases added here carry a minisign signature: a Tauri feed for shelfnotes alone.
    expect(readdirSync(path.join(out, 'feeds/tauri'))).toEqual(['shelfnotes']);
    expect(readdirSync(path.join(out, 'feeds/tauri/shelfnotes')).sort()).toEqual(['beta.json', 'nightly.json', 'stable.json']);
    // 1.6.0 is fully rolled out: the electron feed offers it without staging.
    expect(file('feeds/electron/shelfnotes/latest-mac.yml')).not.toContain('stagingPercentage');
  });

  it('writes feeds only for apps with files of their kind, linked from per-app objects that an unchanged rebuild reuses', async () => {
    // Desktop files with and without macOS ones (shelfnotes, legacy_sync), a bundle (news), a docker image (cockpit).
    const cwd = tmpStore({}, fixture('signed-desktop-bundle-docker/store'));
    cpSync(fixture('locked-app/store/apps/legacy_sync'), path.join(cwd, 'store/apps/legacy_sync'), { recursive: true });
    const out = path.join(cwd, 'dist');
    const first = await buildStore({ storeDir: path.join(cwd, 'store'), outDir: out, now, env });
    expect(first.written!.objects.created).toBeGreaterThan(0);
    const ls = (dir: string) => readdirSync(path.join(out, dir)).sort();
    expect(ls('feeds')).toEqual(['electron', 'nextcloud', 'sparkle']);
    expect(ls('feeds/electron')).toEqual(['legacy_sync', 'shelfnotes']);
    expect(ls('feeds/sparkle')).toEqual(['shelfnotes.xml']);
    expect(ls('feeds/nextcloud')).toEqual(['apps.json', 'categories.json']);
    expect(ls('feeds/electron/legacy_sync')).toEqual([
      'beta-linux.yml',
      'beta.yml',
      'latest-linux.yml',
      'latest.yml',
      'nightly-linux.yml',
      'nightly.yml',
      'stable-linux.yml',
      'stable.yml',
    ]);
    expect(readlinkSync(path.join(out, 'feeds/sparkle/shelfnotes.xml'))).toMatch(
      /^\.\.\/\.\.\/\.\.\/dist\.objects\/[0-9a-f]{32}\/sparkle\.xml$/,
    );
    const before = readFileSync(path.join(out, 'feeds/electron/shelfnotes/latest.yml'));
    const second = await buildStore({ storeDir: path.join(cwd, 'store'), outDir: out, now, env });
    expect(second.written!.objects.created).toBe(0);
    expect(readFileSync(path.join(out, 'feeds/electron/shelfnotes/latest.yml'))).toEqual(before);
  });

  it('names platforms as electron-builder and Tauri do', () => {
    expect(
      [
        ['windows', 'x86'],
        ['windows', 'arm64'],
        ['osx', 'arm64'],
        ['linux', 'x86-64'],
        ['linux', 'arm64'],
        ['linux', 'x86'],
        ['linux', 'armv7'],
        ['android', 'arm64'],
      ].map(([os, arch]) => electronSuffix(os!, arch!)),
    ).toEqual(['', '', '-mac', '-linux', '-linux-arm64', '-linux-ia32', '-linux-armv7l', undefined]);
    expect(
      [
        ['osx', 'arm64'],
        ['osx', 'x86-64'],
        ['windows', 'x86'],
        ['linux', 'armv7'],
        ['freebsd', 'x86-64'],
        ['linux', 'any'],
      ].map(([os, arch]) => tauriTarget(os!, arch!)),
    ).toEqual(['darwin-aarch64', 'darwin-x86_64', 'windows-i686', 'linux-armv7', undefined, undefined]);
  });

  it('refuses a Sparkle key and a minisign signature it cannot use, changing nothing', async () => {
    const cwd = tmpStore({}, fixture('signed-desktop/store'));
    const dir = tmpDir();
    writeFileSync(path.join(dir, 'app.zip'), 'zip');
    writeFileSync(path.join(dir, 'bad.key'), 'c2hvcnQ=');
    writeFileSync(path.join(dir, 'bad.sig'), 'not a signature');
    const add = (...extra: string[]) =>
      runCli(
        [
          'release',
          'add',
          'shelfnotes',
          '1.7.0',
          '--channel',
          'stable',
          '--file',
          path.join(dir, 'app.zip'),
          '--os',
          'osx',
          '--arch',
          'arm64',
          '--key',
          path.join(repoRoot, 'demo-keys/shelfnotes.key'),
          ...extra,
        ],
        cwd,
      );
    const key = await add('--sparkle-key', path.join(dir, 'bad.key'));
    expect([key.code, key.stderr]).toEqual([1, expect.stringContaining('E_SPARKLE_KEY')]);
    const sig = await add('--minisign', path.join(dir, 'bad.sig'));
    expect([sig.code, sig.stderr]).toEqual([1, expect.stringContaining('E_MINISIGN_SIGNATURE')]);
    expect(readdirSync(path.join(cwd, 'store/apps/shelfnotes/releases'))).not.toContain('1.7.0.yaml');
  });

  it("turns info.xml bounds into the Nextcloud app store's version specs", () => {
    expect(versionSpecs('30', '32')).toEqual({ spec: '>=30.0.0 <33.0.0', raw: '>=30 <=32' });
    expect(versionSpecs('9', '9.1')).toEqual({ spec: '>=9.0.0 <9.2.0', raw: '>=9 <=9.1' });
    expect(versionSpecs(undefined, '8.1.2')).toEqual({ spec: '<8.1.3', raw: '<=8.1.2' });
    expect(versionSpecs('8.1', undefined)).toEqual({ spec: '>=8.1.0', raw: '>=8.1' });
    expect(versionSpecs()).toEqual({ spec: '*', raw: '*' });
  });
});

describe("the client's semver", () => {
  it('matches node-semver (includePrerelease) on the ranges stores use', () => {
    const ranges = [
      '*',
      '>=10.13',
      '>=6.1',
      '<2',
      '<=1.2',
      '>1.2',
      '>1.2.3',
      '^1.2.3',
      '^0.2.3',
      '^0.0.3',
      '^1.2',
      '~1.2.3',
      '~1.2',
      '~1',
      '1.x',
      '1.2.x',
      '1',
      '>=1.0.0 <2.0.0',
      '1.2.3 - 2.3.4',
      '1.2 - 2',
      '>=1.2.3-beta.1',
      '<1.6.0 || >=2.0.0',
      '=1.5.0',
      '1.5.0',
      '>= 10.15',
      '',
    ];
    const versions = [
      '0.0.1',
      '0.2.3',
      '0.2.9',
      '0.3.0',
      '1.0.0',
      '1.1.9',
      '1.2.0',
      '1.2.3',
      '1.2.3-beta.1',
      '1.2.3-beta.2',
      '1.2.4',
      '1.3.0-rc.1',
      '1.3.0',
      '1.5.0',
      '1.6.0-beta.1',
      '2.0.0-0',
      '2.0.0',
      '2.3.4',
      '2.3.5',
      '6.1.0',
      '10.0.0',
      '10.13.0',
      '10.15.7',
      '14.4.0',
    ];
    for (const r of ranges) {
      for (const v of versions) {
        expect(satisfies(parseVersion(v)!, r), `${v} in "${r}"`).toBe(semver.satisfies(v, r, { includePrerelease: true }));
      }
    }
  });
});
