// An auto-update-server updates/ folder → import aus → build → serve: every query gets the status
// and the update that auto-update-server (commit be21c33, see docs/server.md) gives. The expected
// values are worked out from that server's rules, one comment per case.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStore } from '../../src/index.js';
import { importAus } from '../../src/import/index.js';
import { createStoreServer, type StoreServer } from '../../src/serve/index.js';
import { fixture, tmpDir } from '../helpers.js';
import { request } from './_http.js';

const updates = path.join(fixture('aus-basic'), 'updates');
let server: StoreServer;
let port: number;

beforeAll(async () => {
  const dir = tmpDir();
  const imported = await importAus(updates, path.join(dir, 'store'));
  expect(imported.store).toBeDefined();
  const built = await buildStore({ storeDir: path.join(dir, 'store'), outDir: path.join(dir, 'dist'), cacheDir: path.join(dir, 'cache') });
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  server = await createStoreServer(path.join(dir, 'dist'));
  port = await server.listen(0);
});
afterAll(() => server?.close());

/** [query, status, version, archive (relative to updates/)] — status and choice as auto-update-server answers. */
const cases: [string, number, string?, string?][] = [
  // defaults: release channel, percentile 100, appversion 0.0.0, osx 10.6 / x86-64 / gz: the 25% rollout is invisible
  ['app=MyApp&os=osx', 200, '1.4.0', 'MyApp-1.4.0/MyApp-1.4.0-osx.tar.gz'],
  // inclusive percentile: 25 gets a 25% rollout, 26 does not; "0" is kept (not the default)
  ['app=MyApp&os=osx&percentile=25', 200, '1.5.0-300', 'MyApp-1.5.0-300/MyApp-1.5.0-300-osx.tar.gz'],
  ['app=MyApp&os=osx&percentile=26', 200, '1.4.0', 'MyApp-1.4.0/MyApp-1.4.0-osx.tar.gz'],
  ['app=MyApp&os=osx&percentile=0', 200, '1.5.0-300', 'MyApp-1.5.0-300/MyApp-1.5.0-300-osx.tar.gz'],
  ['app=MyApp&os=osx&percentile=25abc', 200, '1.5.0-300', 'MyApp-1.5.0-300/MyApp-1.5.0-300-osx.tar.gz'],
  ['app=MyApp&os=osx&percentile=-1', 200, '1.5.0-300', 'MyApp-1.5.0-300/MyApp-1.5.0-300-osx.tar.gz'],
  ['app=MyApp&os=osx&percentile=abc', 404],
  ['app=MyApp&os=osx&percentile=101', 404],
  // parseFloat of the percentile: "0x19" → 0, "1e1" → 10, "+25" (a space after decoding) and "%2B25" → 25, a list → its first
  ['app=MyApp&os=osx&percentile=0x19', 200, '1.5.0-300', 'MyApp-1.5.0-300/MyApp-1.5.0-300-osx.tar.gz'],
  ['app=MyApp&os=osx&percentile=1e1', 200, '1.5.0-300', 'MyApp-1.5.0-300/MyApp-1.5.0-300-osx.tar.gz'],
  ['app=MyApp&os=osx&percentile=+25', 200, '1.5.0-300', 'MyApp-1.5.0-300/MyApp-1.5.0-300-osx.tar.gz'],
  ['app=MyApp&os=osx&percentile=%2B26', 200, '1.4.0', 'MyApp-1.4.0/MyApp-1.4.0-osx.tar.gz'],
  ['app=MyApp&os=osx&percentile[]=10&percentile[]=90', 200, '1.5.0-300', 'MyApp-1.5.0-300/MyApp-1.5.0-300-osx.tar.gz'],
  ['app=MyApp&os=osx&percentile=Infinity', 404],
  ['app=MyApp&os=osx&percentile=-Infinity', 200, '1.5.0-300', 'MyApp-1.5.0-300/MyApp-1.5.0-300-osx.tar.gz'],
  // an empty value takes the default, as an absent one (percentile 100, channel release)
  ['app=MyApp&os=osx&percentile=', 200, '1.4.0', 'MyApp-1.4.0/MyApp-1.4.0-osx.tar.gz'],
  ['app=MyApp&os=osx&channel=', 200, '1.4.0', 'MyApp-1.4.0/MyApp-1.4.0-osx.tar.gz'],
  // loose == on format (a one-element list matches), strict indexOf on architecture (a list never does)
  ['app=MyApp&os=osx&format[]=gz', 200, '1.4.0', 'MyApp-1.4.0/MyApp-1.4.0-osx.tar.gz'],
  ['app=MyApp&os=osx&architecture[]=x86-64', 404],
  // channels: beta has 1.4.0 and 1.6.0 (whose own entry said dev/9.9.9/Ignored: overwritten by the top level)
  ['app=MyApp&os=osx&channel=beta&osversion=10.9', 200, '1.4.0', 'MyApp-1.4.0/MyApp-1.4.0-osx.tar.gz'],
  ['app=MyApp&os=osx&channel=beta&osversion=10.9&appversion=1.4.0', 200, '1.6.0', '1.6/osx.tar.gz'],
  ['app=Ignored&os=osx&channel=dev', 404],
  ['app=MyApp&os=osx&channel=nightly', 404],
  ['app=MyApp&os=osx&channel[]=release', 404],
  // architecture
  ['app=MyApp&os=osx&channel=beta&architecture=arm64&osversion=11.0&appversion=1.4.2', 200, '1.6.0', '1.6/osx.tar.gz'],
  ['app=MyApp&os=osx&architecture=arm64', 404],
  ['app=MyApp&os=windows&architecture=x86-64', 200, '1.4.0', 'MyApp-1.4.0/MyApp-1.4.0-windows.zip'],
  ['app=MyApp&os=windows&architecture=x86-64&channel=beta&osversion=6.1&appversion=1.4.0', 200, '1.6.0', '1.6/windows.zip'],
  // format: windows defaults to zip; linux has no default, so it must be given
  ['app=MyApp&os=windows', 200, '1.4.0', 'MyApp-1.4.0/MyApp-1.4.0-windows.zip'],
  ['app=MyApp&os=windows&format=msi', 404],
  ['app=MyApp&os=linux&architecture=x86-64&osversion=5.15.0&format=deb', 200, '1.4.0', 'MyApp-1.4.0/myapp_1.4.0_amd64.deb'],
  ['app=MyApp&os=linux&architecture=x86-64&osversion=5.15.0', 404],
  // the 1.6.0 linux entry has no appversion range: never offered
  ['app=MyApp&os=linux&architecture=x86-64&osversion=5.15.0&format=deb&channel=beta&appversion=1.4.0', 404],
  // osversion ranges: "<6.1" (6.1 completes to 6.1.0), ">=10.9"; prerelease OS versions satisfy no plain range
  ['app=MyApp&os=windows&channel=dev&percentile=50', 200, '2.0.0', 'MyApp-2-xp.zip'],
  ['app=MyApp&os=windows&channel=dev&percentile=50&osversion=6.1', 404],
  ['app=MyApp&os=windows&channel=dev', 404], // "50" % and the default percentile 100
  ['app=MyApp&os=osx&channel=beta&osversion=10.8&appversion=1.4.0', 404],
  ['app=MyApp&os=osx&osversion=10.9.0-beta', 404],
  ['app=MyApp&os=linux&architecture=x86-64&osversion=5.15.0-91&format=deb', 404],
  // appversion: strictly newer by major.minor.patch only
  ['app=MyApp&os=osx&appversion=1.4.0', 404],
  ['app=MyApp&os=osx&appversion=1.5.0-299&percentile=10', 404],
  ['app=MyApp&os=osx&appversion=1.4.9&percentile=10', 200, '1.5.0-300', 'MyApp-1.5.0-300/MyApp-1.5.0-300-osx.tar.gz'],
  ['app=MyApp&os=osx&appversion=1.0.0%2Bbuild', 200, '1.4.0', 'MyApp-1.4.0/MyApp-1.4.0-osx.tar.gz'],
  ['app=MyApp&os=osx&appversion=1', 200, '1.4.0', 'MyApp-1.4.0/MyApp-1.4.0-osx.tar.gz'],
  ['app=Other&os=linux&architecture=armv7&osversion=5.10&format=gz', 200, 'v2.3.0', 'other/other-armv7.tar.gz'],
  ['app=Other&os=linux&architecture=armv7&osversion=5.10&format=gz&appversion=2.0.0', 404],
  // app: exact and case-sensitive; a one-element list matches (loose ==), a repeated key does not
  ['app=myapp&os=osx', 404],
  ['app=Nope&os=osx', 404],
  ['os=osx', 404],
  ['app[]=MyApp&os=osx', 200, '1.4.0', 'MyApp-1.4.0/MyApp-1.4.0-osx.tar.gz'],
  ['app=MyApp&app=MyApp&os=osx', 404],
  ['app=MyApp&os[]=osx', 200, '1.4.0', 'MyApp-1.4.0/MyApp-1.4.0-osx.tar.gz'],
  // a tie on major.minor.patch across files is undefined there (walk order); appshelf takes the higher prerelease
  ['app=Tie&os=osx', 200, '3.0.0-2', 'ties/tie-3.0.0-2.tar.gz'],
  // Split 2.0.0 comes from two files: release (two windows zips at 10 %, osx 60 %) and beta (linux, no percentage = 100);
  // each entry keeps its own percentage and channels (no merge to the lowest, no union of channels)
  ['app=Split&os=windows&percentile=10', 200, '2.0.0', 'split/split-2.0.0-win.zip'],
  ['app=Split&os=windows&percentile=11', 404],
  ['app=Split&os=windows&percentile=10.5', 404],
  // two Windows zips of 2.0.0, told apart by osversion (<6.1 for XP, >=6.1): each client gets its own
  ['app=Split&os=windows&osversion=10.0&percentile=10', 200, '2.0.0', 'split/split-2.0.0-win10.zip'],
  ['app=Split&os=windows&osversion=6.0&percentile=10', 200, '2.0.0', 'split/split-2.0.0-win.zip'],
  ['app=Split&os=osx&percentile=60', 200, '2.0.0', 'split/split-2.0.0-osx.tar.gz'],
  ['app=Split&os=osx&percentile=61', 404],
  ['app=Split&os=osx&channel=beta', 404],
  ['app=Split&os=linux&architecture=x86-64&osversion=5.15.0&format=deb&channel=beta', 200, '2.0.0', 'split/split_2.0.0_amd64.deb'],
  ['app=Split&os=linux&architecture=x86-64&osversion=5.15.0&format=deb', 404],
  // skipped files (hidden, .JSON, malformed) are not served: MyApp 8.0.0 / 9.0.0 never appear
  ['app=MyApp&os=osx&appversion=1.6.0&channel=release', 404],
];

/** Queries the reference server answers with 500: here 400 and a JSON message with a code. */
const crashes: [string, string][] = [
  ['app=MyApp&os=osx&appversion=abc', 'E_AUS_INVALID_APPVERSION'],
  ['app=MyApp&os=osx&appversion=1.0.0+build', 'E_AUS_INVALID_APPVERSION'],
  ['app=MyApp&os=osx&osversion=abc', 'E_AUS_INVALID_OSVERSION'],
  ['app=MyApp&os=osx&osversion=%2010.9', 'E_AUS_INVALID_OSVERSION'],
  ['app=MyApp&os=linux&architecture=x86-64&format=deb', 'E_AUS_MISSING_OSVERSION'],
  ['app=MyApp&os=osx&appversion[]=1.0.0', 'E_AUS_LIST_PARAM'],
  ['app=MyApp&os=osx&osversion=10.9&osversion=10.10', 'E_AUS_LIST_PARAM'],
];

describe('auto-update-server compatibility after import aus → build → serve', () => {
  it.each(cases)('/update.json?%s → %i %s', async (query, status, version, archive) => {
    const r = await request(port, `/update.json?${query}`);
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    if (status === 404) return expect(r.text).toBe('{"error":"No updates."}');
    const body = JSON.parse(r.text);
    expect(body.version).toBe(version);
    expect(decodeURIComponent(body.path.split('/').pop())).toBe(path.basename(archive!));
  });

  it.each(cases)('/update?%s → %i with the archive', async (query, status, _version, archive) => {
    const r = await request(port, `/update?${query}`);
    expect(r.status).toBe(status);
    if (status === 404) {
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      return expect(r.text).toBe('No updates.');
    }
    expect(r.headers['content-disposition']).toContain(`attachment; filename="${path.basename(archive!)}"`);
    expect(r.body.equals(readFileSync(path.join(updates, archive!)))).toBe(true);
  });

  it.each(crashes)('answers 400 where the reference server crashes: %s', async (query, code) => {
    for (const route of ['/update', '/update.json']) {
      const r = await request(port, `${route}?${query}`);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text)).toMatchObject({ code });
    }
  });

  it('writes /update.json with the reference keys in order, public URLs and the release date', async () => {
    const r = await request(port, '/update.json?app=MyApp&os=osx&percentile=25');
    const body = JSON.parse(r.text);
    expect(Object.keys(body)).toEqual(['app', 'version', 'channels', 'compatible', 'percentage', 'path', 'format', 'jsonpath', 'date']);
    expect(body).toMatchObject({
      app: 'MyApp',
      channels: ['release'],
      compatible: { os: 'osx', osversion: ' >= 10.6 ', architectures: ['x86-64'], appversion: '*' },
      percentage: 25,
      path: '/files/myapp/1.5.0-300/MyApp-1.5.0-300-osx.tar.gz',
      format: 'gz',
      jsonpath: '/api/v1/apps/myapp.json',
    });
    expect(body.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('answers /update.json with the percentage of the entry, not of the release', async () => {
    const osx = JSON.parse((await request(port, '/update.json?app=Split&os=osx&percentile=60')).text);
    const win = JSON.parse((await request(port, '/update.json?app=Split&os=windows&percentile=5')).text);
    expect([osx.percentage, win.percentage]).toEqual([60, 10]);
  });

  it('routes like Express: case-insensitive, one trailing slash, and the deprecated path route', async () => {
    for (const route of ['/UPDATE.JSON', '/update.json/', '/Update.Json']) expect((await request(port, `${route}?app=MyApp&os=osx`)).status).toBe(200);
    expect((await request(port, '/update//?app=MyApp&os=osx')).status).toBe(404);
    const legacy = await request(port, '/update/x86-64/osx/10.6/MyApp/0.0.0/release');
    expect(legacy.status).toBe(200);
    expect(legacy.headers['content-disposition']).toContain('filename="MyApp-1.4.0-osx.tar.gz"');
    expect((await request(port, '/update/x86-64/osx/10.6/MyApp/0.0.0/release?percentile=25')).headers['content-disposition']).toContain('1.4.0');
    const linux = await request(port, '/update/x86-64/linux/5.15.0/MyApp/0.0.0/release');
    expect([linux.status, linux.text]).toEqual([404, 'No updates.']);
  });
});
