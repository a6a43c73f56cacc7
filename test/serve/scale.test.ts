import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPDATE_INDEX_FORMAT, type UpdateIndex, type UpdateIndexApp } from '../../src/emit/emit-update-index.js';
import {
  ausDefaults,
  compileUpdateIndex,
  createStoreServer,
  mapUpdateIndex,
  matchUpdate,
  parseQuery,
  type StoreServer,
} from '../../src/serve/index.js';
import { tmpDir } from '../helpers.js';
import { request } from './_http.js';

// Names and versions with the characters a byte scanner could trip on: quotes, backslashes,
// brackets and braces inside strings, and non-ASCII text.
const tricky = ['plain', 'q"uo}te', 'back\\slash]', '{[brace]}', 'ünï"\\"cödé'];
const app = (id: string, name: string, version: string): UpdateIndexApp => ({
  id,
  name,
  pins: {},
  releases: [
    {
      channels: ['stable'],
      rollout: { stable: 100 },
      version,
      entries: [
        {
          appversion: '*',
          architectures: ['x86-64'],
          fileName: `${id}.tar.gz`,
          format: 'gz',
          os: 'osx',
          osversion: '*',
          path: `files/${id}/a.tar.gz`,
          sha256: '0'.repeat(64),
          size: 1,
          url: `/files/${id}/a.tar.gz`,
        },
      ],
    },
  ],
});
const index: UpdateIndex = {
  format: UPDATE_INDEX_FORMAT,
  store: 'scan "test"',
  channels: ['stable'],
  includeMoreMature: false,
  apps: [...tricky.map((name, i) => app(`app${i}`, name, `1.${i}.0`)), app('twin', 'plain', '2.0.0')],
};
// As the build writes it: "apps" first, then the other keys.
const written = (i: UpdateIndex) =>
  JSON.stringify({ apps: i.apps, channels: i.channels, format: i.format, includeMoreMature: i.includeMoreMature, store: i.store });

describe('the mapped update index', () => {
  it('answers every query as the index read whole does, reading only the apps asked for', async () => {
    const file = path.join(tmpDir(), 'update-index.json');
    writeFileSync(file, written(index));
    const source = await mapUpdateIndex(file);
    expect([source.apps, source.head.store, source.positions('plain')]).toEqual([6, 'scan "test"', [0, 5]]);
    const mapped = compileUpdateIndex(source, { cacheBytes: 1 }); // one compiled app at a time
    const whole = compileUpdateIndex(index);
    for (const name of [...tricky, 'missing']) {
      const info = ausDefaults(parseQuery(`app=${encodeURIComponent(name)}&os=osx&channel=stable`));
      const answer = matchUpdate(mapped, info)?.json.toString();
      expect(answer).toBe(matchUpdate(whole, info)?.json.toString());
      expect(answer === undefined).toBe(name === 'missing');
    }
    expect(matchUpdate(mapped, ausDefaults(parseQuery('app=plain&os=osx&channel=stable')))?.release.version).toBe('2.0.0');
    expect(mapped.heldBytes).toBeLessThan(written(index).length / 2);
    mapped.close();
  });

  it('refuses a file that is not an update index as the build writes it', async () => {
    const dir = tmpDir();
    const bad: [string, string][] = [
      ['a', '{ not json'],
      ['b', '{"apps":[{"id":"x"'],
      ['c', `{"apps":[],"format":"other"}`],
      ['d', JSON.stringify(index)],
    ];
    for (const [name, text] of bad) {
      writeFileSync(path.join(dir, name), text);
      await expect(mapUpdateIndex(path.join(dir, name))).rejects.toThrow();
    }
  });
});

describe('the small-file cache', () => {
  let site: string;
  let server: StoreServer;
  let port: number;
  beforeAll(async () => {
    site = tmpDir();
    mkdirSync(path.join(site, 'api'));
    for (let i = 0; i < 10; i++) writeFileSync(path.join(site, 'api', `${i}.json`), `{"n":${i},"pad":"${'x'.repeat(1000)}"}`);
    writeFileSync(path.join(site, 'api', '0.json.gz'), 'not really gzip, but the copy the build wrote');
    server = await createStoreServer(site, { cacheBytes: 4096 });
    port = await server.listen(0);
  });
  afterAll(() => server?.close());

  it('stays within its bytes and answers the same from disk and memory', async () => {
    const first = await request(port, '/api/0.json', { headers: { 'accept-encoding': 'gzip' } });
    expect([first.status, first.headers['content-encoding'], first.text]).toEqual([
      200,
      'gzip',
      'not really gzip, but the copy the build wrote',
    ]);
    for (let i = 0; i < 10; i++) expect((await request(port, `/api/${i}.json`)).status).toBe(200);
    expect(server.cache.bytes).toBeLessThanOrEqual(4096);
    expect(server.cache.size).toBeGreaterThan(0);
    expect(server.cache.size).toBeLessThanOrEqual(4);
    const cold = await request(port, '/api/0.json');
    const hot = await request(port, '/api/0.json');
    expect(hot.headers).toMatchObject({
      etag: cold.headers.etag,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': cold.headers['cache-control'],
    });
    expect(hot.body.equals(cold.body)).toBe(true);
  });

  it('keeps the files a reload finds unchanged and drops the changed ones', async () => {
    await request(port, '/api/1.json');
    await request(port, '/api/2.json');
    writeFileSync(path.join(site, 'api', '2.json'), '{"n":"two"}');
    await server.reload();
    expect(server.cache.size).toBeGreaterThanOrEqual(1);
    expect((await request(port, '/api/2.json')).text).toBe('{"n":"two"}');
    expect(JSON.parse((await request(port, '/api/1.json')).text).n).toBe(1);
  });
});
