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

const A140 = 'MyApp-1.4.0/MyApp-1.4.0-osx.tar.gz';
const A150 = 'MyApp-1.5.0-300/MyApp-1.5.0-300-osx.tar.gz';
const W140 = 'MyApp-1.4.0/MyApp-1.4.0-windows.zip';
/** §4 GET /update: the Content-Type of the archive comes from its extension (mime 1.6). */
const MIME: Record<string, string> = { '.gz': 'application/gzip', '.zip': 'application/zip', '.deb': 'application/octet-stream' };

/**
 * The compat table: [rule of ../shared/compat/auto-update-server.md (section, rule), request,
 * status, version (or the 400's code, or the exact body), archive (relative to updates/)].
 * A request that is a query string is asked of both /update.json and /update; "METHOD /path"
 * is sent as it is. Statuses and choices are what the reference server answers, except that its
 * 500s are 400s here (SPEC: never a 500 for a bad query).
 */
const table: [string, string, number, string?, string?][] = [
  // §2 defaults(info)
  [
    '§2 channel absent → release; percentile absent → 100 hides the 25% rollout; osx → 10.6 / x86-64 / gz',
    'app=MyApp&os=osx',
    200,
    '1.4.0',
    A140,
  ],
  ['§2 appversion absent → 0.0.0', 'app=MyApp&os=osx&channel=beta&osversion=10.9', 200, '1.4.0', A140],
  ['§2 percentile "0" is a non-empty string: kept', 'app=MyApp&os=osx&percentile=0', 200, '1.5.0-300', A150],
  ['§2 percentile "" is falsy → 100', 'app=MyApp&os=osx&percentile=', 200, '1.4.0', A140],
  ['§2 channel "" is falsy → release', 'app=MyApp&os=osx&channel=', 200, '1.4.0', A140],
  ['§2 appversion "" is falsy → 0.0.0', 'app=MyApp&os=osx&appversion=', 200, '1.4.0', A140],
  ['§2 osversion "" on osx → 10.6', 'app=MyApp&os=osx&osversion=', 200, '1.4.0', A140],
  ['§2 architecture "" on osx → x86-64', 'app=MyApp&os=osx&architecture=', 200, '1.4.0', A140],
  ['§2 windows → architecture x86, format zip, osversion 5.1', 'app=MyApp&os=windows', 200, '1.4.0', W140],
  ['§2 windows osversion 5.1 satisfies "<6.1"', 'app=MyApp&os=windows&channel=dev&percentile=50', 200, '2.0.0', 'MyApp-2-xp.zip'],
  ['§2 os[]=osx gets the osx defaults (loose ==)', 'app=MyApp&os[]=osx', 200, '1.4.0', A140],
  ['§2 linux gets no format default: nothing matches', 'app=MyApp&os=linux&architecture=x86-64&osversion=5.15.0', 404],
  [
    '§2 linux without osversion: 500 there (§3.6 completeVer throws)',
    'app=MyApp&os=linux&architecture=x86-64&format=deb',
    400,
    'E_AUS_MISSING_OSVERSION',
  ],
  ['§2 app absent: 404, not 400', 'os=osx', 404],
  // §3.1 app
  ['§3.1 app is case-sensitive', 'app=myapp&os=osx', 404],
  ['§3.1 unknown app', 'app=Nope&os=osx', 404],
  ['§3.1 app[]=MyApp matches (loose ==)', 'app[]=MyApp&os=osx', 200, '1.4.0', A140],
  ['§3.1 app=MyApp&app=MyApp does not match', 'app=MyApp&app=MyApp&os=osx', 404],
  ["§1 an entry's own app is overwritten by the file's", 'app=Ignored&os=osx&channel=dev', 404],
  // §3.2 strictly newer on M.m.p
  ['§3.2 the same version is not newer', 'app=MyApp&os=osx&appversion=1.4.0', 404],
  ['§3.2 prerelease ignored: 1.5.0-299 gets no 1.5.0-300', 'app=MyApp&os=osx&appversion=1.5.0-299&percentile=10', 404],
  ['§3.2 newer on patch', 'app=MyApp&os=osx&appversion=1.4.9&percentile=10', 200, '1.5.0-300', A150],
  ['§3.2 build metadata (%2B) ignored', 'app=MyApp&os=osx&appversion=1.0.0%2Bbuild', 200, '1.4.0', A140],
  ['§3.2 completeVer: appversion "1" → 1.0.0', 'app=MyApp&os=osx&appversion=1', 200, '1.4.0', A140],
  [
    '§1 a leading BOM removed (Other.json); §3.2 a "v" prefix on the update version',
    'app=Other&os=linux&architecture=armv7&osversion=5.10&format=gz',
    200,
    'v2.3.0',
    'other/other-armv7.tar.gz',
  ],
  ['§3.2 invalid appversion with the app known: 500 there', 'app=MyApp&os=osx&appversion=abc', 400, 'E_AUS_INVALID_APPVERSION'],
  ['§3.2 invalid appversion with an unknown app: 404', 'app=Nope&os=osx&appversion=abc', 404],
  [
    '§5.9 "+" is a space: appversion=1.0.0+build is invalid, 500 there',
    'app=MyApp&os=osx&appversion=1.0.0+build',
    400,
    'E_AUS_INVALID_APPVERSION',
  ],
  ['§5.4 array-valued appversion: 500 there', 'app=MyApp&os=osx&appversion[]=1.0.0', 400, 'E_AUS_LIST_PARAM'],
  // §3.3 channel
  [
    '§3.3 channel membership: beta has 1.6.0',
    'app=MyApp&os=osx&channel=beta&osversion=10.9&appversion=1.4.0',
    200,
    '1.6.0',
    '1.6/osx.tar.gz',
  ],
  ['§3.3 a channel no file lists', 'app=MyApp&os=osx&channel=nightly', 404],
  ['§3.3 channel[]=release never matches (strict indexOf)', 'app=MyApp&os=osx&channel[]=release', 404],
  ['§3.3 before the os tests: a bad osversion is not reached', 'app=MyApp&os=osx&channel=nightly&osversion=abc', 404],
  [
    '§3.3/§5.5 channels written as text "beta-nightly": the whole text matches',
    'app=Text&os=osx&channel=beta-nightly',
    200,
    '1.0.0',
    'text/text-1.0.0.tar.gz',
  ],
  [
    '§3.3/§5.5 channels as text: a channel name that is part of it matches (substring)',
    'app=Text&os=osx&channel=beta',
    200,
    '1.0.0',
    'text/text-1.0.0.tar.gz',
  ],
  ['§3.3/§5.5 channels as text: release is not part of it', 'app=Text&os=osx', 404],
  // §3.4 architecture
  [
    '§3.4/§5.5 architectures written as text "x86-64": x86 is part of it (substring)',
    'app=Text&os=osx&channel=beta&architecture=x86',
    200,
    '1.0.0',
    'text/text-1.0.0.tar.gz',
  ],
  [
    '§3.4 architecture listed by the entry',
    'app=MyApp&os=osx&channel=beta&architecture=arm64&osversion=11.0&appversion=1.4.2',
    200,
    '1.6.0',
    '1.6/osx.tar.gz',
  ],
  ['§3.4 architecture not listed', 'app=MyApp&os=osx&architecture=arm64', 404],
  ['§3.4 one of several architectures', 'app=MyApp&os=windows&architecture=x86-64', 200, '1.4.0', W140],
  ['§3.4 architecture[]=x86-64 never matches (strict indexOf)', 'app=MyApp&os=osx&architecture[]=x86-64', 404],
  // §3.6 osversion
  ['§3.6 a range with spaces " >= 10.6 "', 'app=MyApp&os=osx&percentile=25', 200, '1.5.0-300', A150],
  ['§3.6 "<6.1" excludes 6.1 (completed to 6.1.0)', 'app=MyApp&os=windows&channel=dev&percentile=50&osversion=6.1', 404],
  ['§3.6 ">=10.9" excludes 10.8', 'app=MyApp&os=osx&channel=beta&osversion=10.8&appversion=1.4.0', 404],
  [
    '§3.6 ">=6.1" admits 6.1',
    'app=MyApp&os=windows&architecture=x86-64&channel=beta&osversion=6.1&appversion=1.4.0',
    200,
    '1.6.0',
    '1.6/windows.zip',
  ],
  ['§3.6 a prerelease OS version satisfies no plain range', 'app=MyApp&os=osx&osversion=10.9.0-beta', 404],
  ['§3.6 a prerelease linux kernel version', 'app=MyApp&os=linux&architecture=x86-64&osversion=5.15.0-91&format=deb', 404],
  ['§3.6 build metadata of the OS version is ignored', 'app=MyApp&os=osx&osversion=10.9.0%2Bb7', 200, '1.4.0', A140],
  ['§3.6 invalid osversion: 500 there', 'app=MyApp&os=osx&osversion=abc', 400, 'E_AUS_INVALID_OSVERSION'],
  ['§3.6 osversion with surrounding space: 500 there', 'app=MyApp&os=osx&osversion=%2010.9', 400, 'E_AUS_INVALID_OSVERSION'],
  ['§3.6 osversion with 4 parts: 500 there', 'app=MyApp&os=osx&osversion=10.9.1.2', 400, 'E_AUS_INVALID_OSVERSION'],
  ['§3.6 an invalid osversion is not reached when nothing is newer', 'app=MyApp&os=osx&appversion=9.0.0&osversion=abc', 404],
  ['§5.4 osversion given twice: 500 there', 'app=MyApp&os=osx&osversion=10.9&osversion=10.10', 400, 'E_AUS_LIST_PARAM'],
  // §3.7 appversion range, §5.8
  [
    '§3.7 the appversion range "<2.0.0" excludes 2.0.0',
    'app=Other&os=linux&architecture=armv7&osversion=5.10&format=gz&appversion=2.0.0',
    404,
  ],
  [
    '§5.8 an entry without an appversion range never matches',
    'app=MyApp&os=linux&architecture=x86-64&osversion=5.15.0&format=deb&channel=beta&appversion=1.4.0',
    404,
  ],
  // §3.8 percentile
  ['§3.8 inclusive: percentile 25 gets a 25% rollout', 'app=MyApp&os=osx&percentile=25', 200, '1.5.0-300', A150],
  ['§3.8 percentile 26 does not', 'app=MyApp&os=osx&percentile=26', 200, '1.4.0', A140],
  ['§3.8 parseFloat("25abc") = 25', 'app=MyApp&os=osx&percentile=25abc', 200, '1.5.0-300', A150],
  ['§3.8 -1 gets everything', 'app=MyApp&os=osx&percentile=-1', 200, '1.5.0-300', A150],
  ['§3.8 NaN gets nothing, not even 100% rollouts', 'app=MyApp&os=osx&percentile=abc', 404],
  ['§3.8 101 gets nothing', 'app=MyApp&os=osx&percentile=101', 404],
  ['§3.8 parseFloat("0x19") = 0', 'app=MyApp&os=osx&percentile=0x19', 200, '1.5.0-300', A150],
  ['§3.8 parseFloat("1e1") = 10', 'app=MyApp&os=osx&percentile=1e1', 200, '1.5.0-300', A150],
  ['§3.8 "+25" (a space after decoding) = 25', 'app=MyApp&os=osx&percentile=+25', 200, '1.5.0-300', A150],
  ['§3.8 "%2B26" = 26', 'app=MyApp&os=osx&percentile=%2B26', 200, '1.4.0', A140],
  ['§3.8 a list: parseFloat(String(list)) = its first', 'app=MyApp&os=osx&percentile[]=10&percentile[]=90', 200, '1.5.0-300', A150],
  ['§3.8 Infinity gets nothing', 'app=MyApp&os=osx&percentile=Infinity', 404],
  ['§3.8 -Infinity gets everything', 'app=MyApp&os=osx&percentile=-Infinity', 200, '1.5.0-300', A150],
  ['§3.8 entry percentage "50" (text) is 50: hidden from the default 100', 'app=MyApp&os=windows&channel=dev', 404],
  [
    '§3.8 entry percentage 0 means 100 (§5.7)',
    'app=MyApp&os=osx&channel=beta&osversion=10.9&appversion=1.4.0&percentile=100',
    200,
    '1.6.0',
    '1.6/osx.tar.gz',
  ],
  ['§3.8 a fractional percentile against a 10% entry', 'app=Split&os=windows&percentile=10.5', 404],
  // §3.9 format, §5.12
  ['§3.9 format from the extension ("a.tar.gz" → gz)', 'app=MyApp&os=osx&format=gz', 200, '1.4.0', A140],
  ['§3.9 another format', 'app=MyApp&os=windows&format=msi', 404],
  [
    '§3.9 linux with its format',
    'app=MyApp&os=linux&architecture=x86-64&osversion=5.15.0&format=deb',
    200,
    '1.4.0',
    'MyApp-1.4.0/myapp_1.4.0_amd64.deb',
  ],
  ['§5.12 format[]=gz matches (loose ==)', 'app=MyApp&os=osx&format[]=gz', 200, '1.4.0', A140],
  // latest selection
  [
    '§3 latest: a tie on M.m.p across files is undefined there; appshelf takes the higher precedence',
    'app=Tie&os=osx',
    200,
    '3.0.0-2',
    'ties/tie-3.0.0-2.tar.gz',
  ],
  // percentages per entry (§1 percentage), several entries of one format
  ['§1 each entry keeps its own percentage (10%)', 'app=Split&os=windows&percentile=10', 200, '2.0.0', 'split/split-2.0.0-win.zip'],
  ['§1 each entry keeps its own percentage (11 > 10)', 'app=Split&os=windows&percentile=11', 404],
  [
    '§1 two zips of one version by osversion range: >=6.1',
    'app=Split&os=windows&osversion=10.0&percentile=10',
    200,
    '2.0.0',
    'split/split-2.0.0-win10.zip',
  ],
  [
    '§1 two zips of one version by osversion range: <6.1',
    'app=Split&os=windows&osversion=6.0&percentile=10',
    200,
    '2.0.0',
    'split/split-2.0.0-win.zip',
  ],
  [
    '§1 two zips of one version, each with its own percentage: >=6.1 at 30%',
    'app=Split&os=windows&osversion=10.0&percentile=30',
    200,
    '2.0.0',
    'split/split-2.0.0-win10.zip',
  ],
  ['§1 two zips of one version, each with its own percentage: <6.1 at 10%', 'app=Split&os=windows&osversion=6.0&percentile=30', 404],
  ['§1 another entry of the file at 60%', 'app=Split&os=osx&percentile=60', 200, '2.0.0', 'split/split-2.0.0-osx.tar.gz'],
  ['§1 61 > 60', 'app=Split&os=osx&percentile=61', 404],
  ["§1 channels are the file's: osx is not on beta", 'app=Split&os=osx&channel=beta', 404],
  [
    '§1 a second file of the same version on beta',
    'app=Split&os=linux&architecture=x86-64&osversion=5.15.0&format=deb&channel=beta',
    200,
    '2.0.0',
    'split/split_2.0.0_amd64.deb',
  ],
  ['§1 ... and not on release', 'app=Split&os=linux&architecture=x86-64&osversion=5.15.0&format=deb', 404],
  ['§1 hidden, .JSON and malformed files are not loaded', 'app=MyApp&os=osx&appversion=1.6.0&channel=release', 404],
  // §4 routes and methods
  ['§4 routes are case-insensitive', 'GET /UPDATE.JSON?app=MyApp&os=osx', 200],
  ['§4 a trailing slash', 'GET /update.json/?app=MyApp&os=osx', 200],
  ['§4 two trailing slashes are another path', 'GET /update//?app=MyApp&os=osx', 404],
  ['§4 the deprecated path route', 'GET /update/x86-64/osx/10.6/MyApp/0.0.0/release', 200],
  ["§4 the path route's parameters are URL-decoded", 'GET /update/x86-64/osx/10.6/My%41pp/0.0.0/release', 200],
  ['§4 the path route ignores the query (percentile 100)', 'GET /update/x86-64/osx/10.6/MyApp/0.0.0/release?percentile=25', 200],
  ['§4 the path route: linux gets no format, never matches', 'GET /update/x86-64/linux/5.15.0/MyApp/0.0.0/release', 404, 'No updates.'],
  ['§4 GET / → 200', 'GET /', 200],
  ['§4 unknown methods: POST /update.json', 'POST /update.json?app=MyApp&os=osx', 404, '<pre>Cannot POST /update.json</pre>'],
  ['§4 unknown methods: PUT /update', 'PUT /Update/', 404, '<pre>Cannot PUT /Update/</pre>'],
  [
    '§4 unknown methods: DELETE on the path route',
    'DELETE /update/x86-64/osx/10.6/MyApp/0.0.0/release',
    404,
    '<pre>Cannot DELETE /update/x86-64/osx/10.6/MyApp/0.0.0/release</pre>',
  ],
  ['§4 unknown methods: POST /', 'POST /', 404, '<pre>Cannot POST /</pre>'],
  ['§4 POST /reload can never be authorised: 401, empty', 'POST /reload', 401, ''],
  ['§4 POST /upload can never be authorised: 401, empty', 'POST /upload', 401, ''],
];

describe('auto-update-server compatibility after import aus → build → serve', () => {
  it.each(table)('%s: %s → %i', async (_rule, req, status, expected, archive) => {
    const sent = /^([A-Z]+) (\/.*)$/.exec(req);
    if (sent) {
      const r = await request(port, sent[2]!, { method: sent[1] });
      expect(r.status).toBe(status);
      if (expected !== undefined) expect(r.text.includes(expected) && (expected !== '' || r.text === '')).toBe(true);
      if (status === 404 && sent[1] !== 'GET') {
        // Express's finalhandler page, with its headers.
        expect(r.text).toMatch(/^<!DOCTYPE html>\n<html lang="en">\n[\s\S]*<\/html>\n$/);
        expect([r.headers['content-type'], r.headers['content-security-policy'], r.headers['x-content-type-options']]).toEqual([
          'text/html; charset=utf-8',
          "default-src 'none'",
          'nosniff',
        ]);
      }
      return;
    }
    if (status === 400) {
      for (const route of ['/update', '/update.json']) {
        const r = await request(port, `${route}?${req}`);
        expect(r.status).toBe(400);
        expect(JSON.parse(r.text)).toMatchObject({ code: expected });
      }
      return;
    }
    const json = await request(port, `/update.json?${req}`);
    expect(json.status).toBe(status);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    const file = await request(port, `/update?${req}`);
    expect(file.status).toBe(status);
    if (status === 404) {
      expect(json.text).toBe('{"error":"No updates."}');
      expect([file.headers['content-type'], file.text]).toEqual(['text/html; charset=utf-8', 'No updates.']);
      return;
    }
    const body = JSON.parse(json.text);
    expect(body.version).toBe(expected);
    expect(decodeURIComponent(body.path.split('/').pop())).toBe(path.basename(archive!));
    expect(file.headers['content-disposition']).toContain(`attachment; filename="${path.basename(archive!)}"`);
    expect(file.headers['content-type']).toBe(MIME[path.extname(archive!)]);
    expect(file.body.equals(readFileSync(path.join(updates, archive!)))).toBe(true);
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
});
