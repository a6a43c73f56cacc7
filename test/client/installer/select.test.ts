import { describe, expect, it } from 'vitest';
import {
  detectOsVersion,
  normalizeOsVersion,
  normalizeStoreUrl,
  resolveClientConfig,
  selectRelease,
  storeArch,
  storeFileUrl,
  storeOs,
  type Offer,
} from '../../../src/client/installer/index.js';
import { StoreError } from '../../../src/errors/index.js';
import { checkForUpdate, pickRollback, pickUpdate } from '../../../src/client/index.js';
import { encodeEnvelope } from '../../../src/util/signed-json.js';

const file = (over: Partial<Offer['files'][number]> = {}): Offer['files'][number] => ({
  format: 'gz',
  osversion: '*',
  appversion: '*',
  url: 'https://s/x.tar.gz',
  size: 1,
  sha256: 'a'.repeat(64),
  ...over,
});
const offers: Offer[] = [
  { version: '1.5.0', files: [file({ osversion: '>=11' })] },
  { version: '2.0.0-beta.1', files: [file({ appversion: '>=1.4.0' })] },
  { version: '1.4.0', files: [file({ format: 'msi' }), file({ format: 'zip' })] },
  { version: '1.0.0', files: [file()] },
];

describe('selectRelease', () => {
  it('takes the newest release (semver order, prereleases included) whose ranges admit the client', () => {
    expect(selectRelease(offers, { osVersion: '12.0.0', installed: '1.4.0' }).selected?.version).toBe('2.0.0-beta.1');
    expect(selectRelease(offers, { osVersion: '10.0.0', installed: '1.0.0' }).selected?.version).toBe('1.4.0');
  });

  it('ignores appversion on a fresh install', () => {
    expect(selectRelease(offers, { osVersion: '10.0.0' }).selected?.version).toBe('2.0.0-beta.1');
  });

  it('takes the first fitting file of a release, or the requested format', () => {
    expect(selectRelease(offers, { osVersion: '10.0.0', version: '1.4.0' }).selected?.file.format).toBe('msi');
    expect(selectRelease(offers, { osVersion: '10.0.0', version: '1.4.0', format: 'zip' }).selected?.file.format).toBe('zip');
  });

  it('says why nothing fits, newest first', () => {
    expect(selectRelease(offers, { osVersion: '10.0.0', installed: '0.9.0', format: 'deb' })).toEqual({
      reasons: [
        '2.0.0-beta.1: format gz, not deb',
        '1.5.0: format gz, not deb',
        '1.4.0: format msi, not deb; format zip, not deb',
        '1.0.0: format gz, not deb',
      ],
    });
    expect(selectRelease([offers[0]!], { osVersion: '10.15.7' })).toEqual({ reasons: ['1.5.0: needs OS >=11 (this is 10.15.7)'] });
    expect(
      selectRelease([{ version: '2.0.0', files: [{ format: 'docker', osversion: '*', appversion: '*', ref: 'img:2' }] }], {
        osVersion: '1.0.0',
      }),
    ).toEqual({ reasons: ['2.0.0: a docker image (img:2), not installed by this client'] });
  });

  it('never matches an invalid range (as auto-update-server)', () => {
    expect(
      selectRelease([{ version: '1.0.0', files: [file({ osversion: 'not a range' })] }], { osVersion: '1.0.0' }).selected,
    ).toBeUndefined();
  });
});

describe('client configuration', () => {
  const linux = { platform: 'linux', arch: 'x64', release: '6.8.0-45-generic', homedir: '/home/u' };

  it('maps Node.js platforms and architectures to the store names', () => {
    expect(['darwin', 'win32', 'linux', 'freebsd'].map(storeOs)).toEqual(['osx', 'windows', 'linux', 'freebsd']);
    expect(['x64', 'arm64', 'ia32', 'riscv64'].map(storeArch)).toEqual(['x86-64', 'arm64', 'x86', 'riscv64']);
  });

  it('reads the OS version from the kernel release (Darwin mapped to macOS)', () => {
    expect(detectOsVersion('linux', '6.8.0-45-generic')).toBe('6.8.0');
    expect(detectOsVersion('win32', '10.0.19045')).toBe('10.0.19045');
    expect(detectOsVersion('darwin', '23.4.0')).toBe('14.4.0');
    expect(detectOsVersion('darwin', '19.6.0')).toBe('10.15.6');
    expect(normalizeOsVersion('10')).toBe('10.0.0');
    expect(normalizeOsVersion('10.15')).toBe('10.15.0');
    expect(normalizeOsVersion('ten')).toBeUndefined();
  });

  it('fills in the defaults from flags, then the environment, then the machine', () => {
    expect(resolveClientConfig({}, {}, linux)).toEqual({ root: '/home/u/.appshelf/apps', os: 'linux', arch: 'x86-64', osVersion: '6.8.0' });
    expect(resolveClientConfig({}, { APPSHELF_HOME: '/opt/apps', APPSHELF_STORE_URL: 'https://s.example/store' }, linux)).toMatchObject({
      root: '/opt/apps',
      storeUrl: 'https://s.example/store/',
    });
    expect(
      resolveClientConfig(
        { dir: '/x', storeUrl: 'http://a/', os: 'osx', arch: 'arm64', osVersion: '14' },
        { APPSHELF_HOME: '/opt' },
        linux,
      ),
    ).toEqual({ root: '/x', storeUrl: 'http://a/', os: 'osx', arch: 'arm64', osVersion: '14.0.0' });
    expect(() => resolveClientConfig({ osVersion: 'ten' }, {}, linux)).toThrow(StoreError);
    expect(() => resolveClientConfig({ storeUrl: 'ftp://x/' }, {}, linux)).toThrow('"ftp://x/" is not an http(s) URL of a store.');
  });

  it('resolves archive URLs: absolute as they are, site paths below the store URL', () => {
    expect(normalizeStoreUrl('https://u.github.io/shop?x=1')).toBe('https://u.github.io/shop/');
    expect(storeFileUrl('https://u.github.io/shop/', '/files/a/1.0.0/a.zip')).toBe('https://u.github.io/shop/files/a/1.0.0/a.zip');
    expect(storeFileUrl('https://u.github.io/shop/', 'https://cdn.example/a.zip')).toBe('https://cdn.example/a.zip');
  });
});

describe('pickUpdate and a channel pinned back', () => {
  const candidate = {
    version: '1.4.0',
    name: 'v1.4.0',
    release: 4,
    date: null,
    changelog: '',
    rollback: true as const,
    files: [file({ appversion: '<1.4.0' })],
  };
  const manifest = {
    type: 'appshelf-update' as const,
    specVersion: 1 as const,
    app: 'a',
    channel: 'stable',
    os: 'linux',
    arch: 'x86-64',
    percentiles: { from: 0, to: 99 },
    candidates: [candidate],
  };

  it('offers the pin to a client above it, marked rollback (appversion ranges do not hold a rollback back)', () => {
    expect(pickUpdate(manifest, { appversion: '1.5.0' })).toMatchObject({ candidate: { version: '1.4.0' }, rollback: true });
    expect(pickRollback(manifest, { appversion: '1.5.0', format: 'zip' })).toBeUndefined();
  });

  it('not with downgrade: false, nor to a client at or below the pin', () => {
    expect(pickUpdate(manifest, { appversion: '1.5.0', downgrade: false })).toBeUndefined();
    expect(pickUpdate(manifest, { appversion: '1.4.0' })).toBeUndefined();
    expect(pickUpdate(manifest, { appversion: '1.3.0' })).toMatchObject({ candidate: { version: '1.4.0' } });
    expect(pickUpdate(manifest, { appversion: '1.3.0' })?.rollback).toBeUndefined();
  });
});

describe('checkForUpdate and a channel pinned back', () => {
  it('gives the pin as update.rollback to a client above it; downgrade: false gives no update', async () => {
    const manifest = {
      type: 'appshelf-update' as const,
      specVersion: 1 as const,
      app: 'a',
      channel: 'stable',
      os: 'linux',
      arch: 'x86-64',
      percentiles: { from: 0, to: 99 },
      candidates: [
        {
          version: '1.4.0',
          name: 'v1.4.0',
          release: 4,
          date: null,
          changelog: '',
          rollback: true as const,
          files: [file({ url: '/files/a/1.4.0/a.tar.gz' })],
        },
      ],
    };
    const fetchBytes = async () => encodeEnvelope(manifest);
    const target = {
      storeUrl: 'https://s.example/',
      app: 'a',
      channel: 'stable',
      os: 'linux',
      arch: 'x86-64',
      percentile: 5,
      appversion: '1.5.0',
    };
    const found = await checkForUpdate(target, { fetchBytes });
    expect(found.update).toMatchObject({ version: '1.4.0', rollback: true, url: 'https://s.example/files/a/1.4.0/a.tar.gz' });
    expect((await checkForUpdate({ ...target, downgrade: false }, { fetchBytes })).update).toBeUndefined();
  });
});
