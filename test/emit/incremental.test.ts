import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { updateIndexJson, updateIndexOf } from '../../src/emit/emit-update-index.js';
import { materialize, precompress, type SiteFiles } from '../../src/emit/index.js';
import { checkStore } from '../../src/index.js';
import { canonicalJson } from '../../src/util/stable-json.js';
import { fixture, tmpStore } from '../helpers.js';

const now = new Date('2027-01-15T12:00:00Z');

describe('incremental emit', () => {
  it('writes the update index in canonical form without the generic deep sort', async () => {
    for (const storeDir of [fixture('signed-desktop-bundle-docker/store'), fixture('manifest-basic/store')]) {
      const { store } = await checkStore({ storeDir, cacheDir: path.join(tmpStore({}, null), 'cache'), now });
      expect(updateIndexJson(store!)).toBe(canonicalJson(updateIndexOf(store!)));
    }
  });

  it('keys lazy files and their compressed variants, and makes them only when asked', () => {
    let made = 0;
    const big = new Uint8Array(4096).fill(65);
    const files: SiteFiles = new Map([
      ['api/v1/a.json', { key: 'k1', make: () => (made++, big) }],
      ['api/v1/small.json', { key: 'k2', make: () => new Uint8Array(10) }],
    ]);
    precompress(files);
    expect([...files].map(([rel, c]) => [rel, 'key' in c ? c.key : '-'])).toEqual([
      ['api/v1/a.json', 'k1'],
      ['api/v1/small.json', 'k2'],
      ['api/v1/a.json.br', 'br:k1'],
      ['api/v1/a.json.gz', 'gz:k1'],
      ['api/v1/small.json.br', 'br:k2'],
      ['api/v1/small.json.gz', 'gz:k2'],
    ]);
    expect(made).toBe(0);
    materialize(files);
    // One make for the file and both variants; a file under 1 KiB gets no variants.
    expect(made).toBe(1);
    expect([...files.keys()].sort()).toEqual(['api/v1/a.json', 'api/v1/a.json.br', 'api/v1/a.json.gz', 'api/v1/small.json']);
  });
});
