import { describe, expect, it } from 'vitest';
import { UPDATE_INDEX_FORMAT, type UpdateIndex, type UpdateIndexEntry } from '../../src/emit/emit-update-index.js';
import { AusQueryError, ausDefaults, compileUpdateIndex, matchUpdate, parseQuery } from '../../src/serve/index.js';

const entry = (os: string, architectures: string[], format: string, osversion = '*', appversion = '*'): UpdateIndexEntry => ({
  os,
  architectures,
  osversion,
  appversion,
  format,
  fileName: `${os}.${format}`,
  path: `files/x/${os}.${format}`,
  url: `/files/x/${os}.${format}`,
  size: 1,
  sha256: '0'.repeat(64),
});

const index: UpdateIndex = {
  format: UPDATE_INDEX_FORMAT,
  store: 'test',
  channels: ['stable', 'beta'],
  includeMoreMature: true,
  apps: [
    {
      id: 'myapp',
      name: 'MyApp',
      pins: {},
      releases: [
        { version: '2.0.0-beta.1', channels: ['beta'], rollout: { beta: 100 }, entries: [entry('osx', ['x86-64'], 'gz', '>=10.9')] },
        {
          version: '1.5.0',
          channels: ['stable'],
          rollout: { stable: 25 },
          entries: [entry('osx', ['x86-64'], 'gz', '>=10.9'), entry('linux', ['x86-64'], 'deb', '>=4.0')],
        },
        {
          version: '1.4.0',
          channels: ['stable'],
          rollout: { stable: 100 },
          entries: [entry('osx', ['x86-64'], 'gz', '>=10.9'), entry('windows', ['x86'], 'zip', '>=5.1')],
        },
        { version: '1.3.0', channels: ['stable'], rollout: { stable: 0 }, entries: [entry('windows', ['x86'], 'msi')] },
      ],
    },
    {
      id: 'pinned',
      name: 'pinned',
      pins: { stable: '1.0.0' },
      releases: [
        { version: '1.1.0', channels: ['stable'], rollout: { stable: 100 }, entries: [entry('osx', ['x86-64'], 'gz')] },
        { version: '1.0.0', channels: ['stable'], rollout: { stable: 100 }, entries: [entry('osx', ['x86-64'], 'gz')] },
      ],
    },
  ],
};
const compiled = compileUpdateIndex(index);
const match = (query: string) => matchUpdate(compiled, ausDefaults(parseQuery(query)));
const version = (query: string) => match(query)?.release.version;
const failure = (query: string) => {
  try {
    match(query);
  } catch (e) {
    if (e instanceof AusQueryError) return e.diagnostic.code;
    throw e;
  }
  return undefined;
};

describe('parseQuery (Express extended parser)', () => {
  it('decodes + as a space and keeps broken escapes as they are', () => {
    expect(parseQuery('appversion=1.0.0+build&app=My%20App&os=%zz')).toEqual({ appversion: '1.0.0 build', app: 'My App', os: '%zz' });
  });
  it('turns k[]=v, k[0]=v and repeated keys into lists, k[x]=v into an object', () => {
    expect(parseQuery('app[]=MyApp&channel=a&channel=b&os[0]=osx&format[x]=gz')).toEqual({
      app: ['MyApp'],
      channel: ['a', 'b'],
      os: ['osx'],
      format: { x: 'gz' },
    });
  });
  it('drops keys /update does not read and keys that shadow Object.prototype', () => {
    expect(parseQuery('foo=1&percentile[toString]=x&app=A')).toEqual({ app: 'A' });
  });
});

describe('ausDefaults', () => {
  it('fills percentile 100, channel release, appversion 0.0.0 and the osx defaults', () => {
    expect(ausDefaults(parseQuery('app=A&os=osx&channel='))).toEqual({
      app: 'A',
      os: 'osx',
      appversion: '0.0.0',
      channel: 'release',
      percentile: 100,
      osversion: '10.6',
      architecture: 'x86-64',
      format: 'gz',
    });
  });
  it('gives windows 5.1/x86/zip, linux nothing, and keeps percentile "0"', () => {
    expect(ausDefaults(parseQuery('os=windows&percentile=0'))).toMatchObject({
      osversion: '5.1',
      architecture: 'x86',
      format: 'zip',
      percentile: '0',
    });
    const linux = ausDefaults(parseQuery('os=linux'));
    expect([linux.osversion, linux.architecture, linux.format]).toEqual([undefined, undefined, undefined]);
  });
  it('gives os[]=osx the osx defaults too (loose ==)', () => {
    expect(ausDefaults(parseQuery('os[]=osx'))).toMatchObject({ osversion: '10.6', architecture: 'x86-64', format: 'gz' });
  });
});

describe('matchUpdate', () => {
  it('takes the newest release whose rollout covers the percentile (percentage >= percentile)', () => {
    expect(version('app=MyApp&os=osx&osversion=10.15&channel=stable')).toBe('1.4.0');
    expect(version('app=MyApp&os=osx&osversion=10.15&channel=stable&percentile=25')).toBe('1.5.0');
    expect(version('app=MyApp&os=osx&osversion=10.15&channel=stable&percentile=25.5')).toBe('1.4.0');
    expect(version('app=MyApp&os=osx&osversion=10.15&channel=stable&percentile=abc')).toBeUndefined();
  });
  it('offers a halted rollout (0) to no one, not even percentile 0', () => {
    expect(version('app=MyApp&os=windows&channel=stable&format=msi&percentile=0')).toBeUndefined();
  });
  it('offers more mature channels to a beta client when the store says so', () => {
    expect(version('app=MyApp&os=osx&osversion=10.15&channel=beta&appversion=2.0.0')).toBeUndefined();
    expect(version('app=MyApp&os=osx&osversion=10.15&channel=beta')).toBe('2.0.0-beta.1');
    expect(version('app=MyApp&os=windows&channel=beta')).toBe('1.4.0');
  });
  it('serves only the pinned version on a pinned channel', () => {
    expect(version('app=pinned&os=osx&channel=stable')).toBe('1.0.0');
    expect(version('app=pinned&os=osx&channel=stable&appversion=1.0.0')).toBeUndefined();
  });
  it('compares major.minor.patch only: 2.0.0-beta.0 gets no 2.0.0-beta.1', () => {
    expect(version('app=MyApp&os=osx&osversion=10.15&channel=beta&appversion=2.0.0-beta.0')).toBeUndefined();
    expect(version('app=MyApp&os=osx&osversion=10.15&channel=beta&appversion=1.9')).toBe('2.0.0-beta.1');
  });
  it('reports a malformed appversion only when the app exists (where the reference server crashed)', () => {
    expect(failure('app=MyApp&os=osx&appversion=abc')).toBe('E_AUS_INVALID_APPVERSION');
    expect(failure('app=Unknown&os=osx&appversion=abc')).toBeUndefined();
    expect(failure('app=MyApp&os=osx&appversion=1&appversion=2')).toBe('E_AUS_LIST_PARAM');
  });
  it('reports a malformed or missing osversion only when an entry reaches the os test', () => {
    expect(failure('app=MyApp&os=osx&channel=stable&osversion=abc')).toBe('E_AUS_INVALID_OSVERSION');
    expect(failure('app=MyApp&os=osx&channel=nope&osversion=abc')).toBeUndefined();
    expect(failure('app=MyApp&os=linux&architecture=x86-64&channel=stable&percentile=1&format=deb')).toBe('E_AUS_MISSING_OSVERSION');
    expect(failure('app=MyApp&os=linux&channel=stable')).toBeUndefined(); // no architecture: stops before the os test
    expect(version('app=MyApp&os=linux&architecture=x86-64&channel=stable&percentile=1&format=deb&osversion=')).toBeUndefined();
  });
  it('does not let a prerelease OS version satisfy a plain range', () => {
    expect(version('app=MyApp&os=linux&architecture=x86-64&channel=stable&percentile=1&format=deb&osversion=5.15.0-91')).toBeUndefined();
    expect(version('app=MyApp&os=linux&architecture=x86-64&channel=stable&percentile=1&format=deb&osversion=5.15')).toBe('1.5.0');
  });
  it('writes the /update.json body with the reference key order and public URLs', () => {
    const m = match('app=MyApp&os=osx&osversion=10.15&channel=stable&percentile=3')!;
    expect(m.json.toString()).toBe(
      '{"app":"MyApp","version":"1.5.0","channels":["stable"],"compatible":{"os":"osx","osversion":">=10.9","architectures":["x86-64"],"appversion":"*"},' +
        '"percentage":25,"path":"/files/x/osx.gz","format":"gz","jsonpath":"/api/v1/apps/myapp.json"}',
    );
  });
});
