import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickUpdate, verifyFreshDoc, verifyManifest, verifyPlatformIndex, type FreshDoc } from '../../src/client/index.js';
import { buildStore } from '../../src/index.js';
import { isCopy } from '../../src/emit/index.js';
import {
  apiAppSchema,
  apiCatalogSchema,
  compileValidator,
  freshDocSchema,
  UPDATE_INDEX_PATH,
  updateIndexSchema,
} from '../../src/schema/index.js';
import { fixture, repoRoot, tmpStore } from '../helpers.js';

const now = new Date('2027-01-15T12:00:00Z');
const env = { APPSHELF_SIGNING_KEY: readFileSync(path.join(repoRoot, 'demo-keys/manifest-signing.key'), 'utf8') };
// A desktop app with a staged rollout, a Nextcloud bundle and a pinned docker image, all signed.
const cwd = tmpStore({}, fixture('signed-desktop-bundle-docker/store'));
const storeDir = path.join(cwd, 'store');
const built = await buildStore({ storeDir, write: false, now, env });
const publicKey = built.store!.signing.publicKey!;
const bytes = (rel: string) => {
  const c = built.files.get(rel);
  if (!(c instanceof Uint8Array)) throw new Error(`no generated file ${rel}`);
  return c;
};
// Manifests carry no expiry: each is fresh while its app's fresh document pins it.
const freshOf = async (rel: string): Promise<FreshDoc> => {
  const app = rel.split('/')[1]!;
  const r = await verifyFreshDoc(bytes(`fresh/${app}.json`), { publicKey, now, expect: { app } });
  if (!r.ok) throw new Error(`fresh/${app}.json: ${r.detail}`);
  return r.doc;
};
const manifest = async (rel: string) => {
  const r = await verifyManifest(bytes(rel), { publicKey, now, fresh: await freshOf(rel) });
  if (!r.ok) throw new Error(`${rel}: ${r.detail}`);
  return r.doc;
};
const newest = async (rel: string) => (await manifest(rel)).candidates[0]?.version ?? null;

describe('update manifests of a signed store of three app kinds', () => {
  it('builds without errors and writes 100 percentile files and an index per channel and platform', async () => {
    expect(built.ok).toBe(true);
    expect(built.diagnostics.filter((d) => d.code === 'W_MANIFEST_UNSIGNED')).toEqual([]);
    const dirs = new Set([...built.files.keys()].filter((f) => /^update\/.*\/\d+\.json$/.test(f)).map((f) => path.posix.dirname(f)));
    expect([...dirs].sort()).toEqual(
      [
        'cockpit/beta/docker/any',
        'cockpit/nightly/docker/any',
        'cockpit/stable/docker/any',
        'news/beta/nextcloud/any',
        'news/nightly/nextcloud/any',
        'news/stable/nextcloud/any',
        ...['stable', 'beta', 'nightly']
          .flatMap((c) => ['linux/x86-64', 'osx/arm64', 'osx/x86-64', 'windows/x86', 'windows/x86-64'].map((p) => `shelfnotes/${c}/${p}`))
          .sort(),
      ]
        .map((d) => `update/${d}`)
        .sort(),
    );
    for (const d of dirs) {
      for (let p = 0; p < 100; p++) expect(built.files.has(`${d}/${p}.json`)).toBe(true);
      expect((await verifyPlatformIndex(bytes(`${d}/index.json`), { publicKey, now, fresh: await freshOf(d) })).ok).toBe(true);
    }
  });

  it('shows the staged rollout: 1.5.0 below 25 on shelfnotes stable, 1.4.0 above', async () => {
    const d = 'update/shelfnotes/stable/windows/x86-64';
    for (let p = 0; p < 25; p++) expect(await newest(`${d}/${p}.json`)).toBe('1.5.0');
    for (let p = 25; p < 100; p++) expect(await newest(`${d}/${p}.json`)).toBe('1.4.0');
    expect(await (await manifest(`${d}/0.json`)).candidates.map((c) => c.version)).toEqual(['1.5.0']);
    expect(bytes(`${d}/0.json`)).toBe(bytes(`${d}/24.json`));
    const index = await verifyPlatformIndex(bytes(`${d}/index.json`), { publicKey, now, fresh: await freshOf(d) });
    expect(index.ok && index.doc.bands.map((b) => [b.from, b.to, b.version])).toEqual([
      [0, 24, '1.5.0'],
      [25, 99, '1.4.0'],
    ]);
    const low = await manifest(`${d}/3.json`);
    expect(pickUpdate(low, { appversion: '1.4.0', osversion: '10.0.19045', format: 'msi' })?.file.url).toBe(
      'http://127.0.0.1:8080/files/shelfnotes/1.5.0/shelfnotes-1.5.0-windows-x64.msi',
    );
    expect(pickUpdate(low, { appversion: '1.5.0', format: 'msi' })).toBeUndefined();
  });

  it('serves the pinned 2.0.1 on cockpit stable and 2.1.0 on beta', async () => {
    const stable = await manifest('update/cockpit/stable/docker/any/50.json');
    expect(stable.candidates.map((c) => c.version)).toEqual(['2.0.1']);
    expect(stable.candidates[0]!.files).toEqual([
      { format: 'docker', osversion: '*', appversion: '*', image: 'sicon/cockpit', tag: 'v2.0.1', ref: 'sicon/cockpit:v2.0.1' },
    ]);
    expect(await newest('update/cockpit/beta/docker/any/99.json')).toBe('2.1.0');
  });

  it('signs every manifest; each verifies with the key from store.yaml and fails after any one byte changes', async () => {
    const distinct = new Map(
      [...built.files].filter(([f]) => f.startsWith('update/') && f.endsWith('.json')).map(([f, c]) => [c as Uint8Array, f]),
    );
    for (const [b, f] of distinct) {
      const fresh = await freshOf(f);
      expect((await verifyManifest(b, { publicKey, now, fresh })).ok || (await verifyPlatformIndex(b, { publicKey, now, fresh })).ok).toBe(
        true,
      );
    }
    const rel = 'update/cockpit/stable/docker/any/0.json';
    const one = bytes(rel);
    const fresh = await freshOf(rel);
    for (let i = 0; i < one.length; i++) {
      const copy = Uint8Array.from(one);
      copy[i] = copy[i]! ^ 0x01;
      expect((await verifyManifest(copy, { publicKey, now, fresh })).ok, `byte ${i}`).toBe(false);
    }
    const doc = bytes('fresh/cockpit.json');
    // Every fourth byte keeps the test cheap; the manifest above is checked at every byte.
    for (let i = 0; i < doc.length; i += 4) {
      const copy = Uint8Array.from(doc);
      copy[i] = copy[i]! ^ 0x01;
      expect((await verifyFreshDoc(copy, { publicKey, now })).ok, `fresh byte ${i}`).toBe(false);
    }
  });

  it('refuses an expired fresh document, a manifest without one, a lower serial and a manifest of another platform', async () => {
    const rel = 'update/news/stable/nextcloud/any/0.json';
    const doc = await manifest(rel);
    const fresh = await freshOf(rel);
    expect(doc.expires).toBeUndefined();
    expect(fresh.expires).toBe('2027-01-22T12:00:00.000Z');
    expect(await verifyFreshDoc(bytes('fresh/news.json'), { publicKey, now: new Date('2027-01-23T00:00:00Z') })).toMatchObject({
      ok: false,
      problem: 'expired',
    });
    expect(await verifyFreshDoc(bytes('fresh/news.json'), { publicKey, now, expect: { app: 'cockpit' } })).toMatchObject({
      ok: false,
      problem: 'wrong-target',
    });
    expect(await verifyManifest(bytes(rel), { publicKey, now })).toMatchObject({ ok: false, problem: 'no-freshness' });
    expect(await verifyManifest(bytes(rel), { publicKey, now, fresh: await freshOf('update/cockpit') })).toMatchObject({
      ok: false,
      problem: 'not-pinned',
    });
    expect(await verifyManifest(bytes(rel), { publicKey, now, fresh, lastSerial: doc.serial! + 1 })).toMatchObject({
      ok: false,
      problem: 'rollback',
    });
    expect(await verifyManifest(bytes(rel), { publicKey, now, fresh, lastSerial: doc.serial! })).toMatchObject({ ok: true });
    expect(await verifyManifest(bytes(rel), { publicKey, now, fresh, expect: { channel: 'beta' } })).toMatchObject({
      ok: false,
      problem: 'wrong-target',
    });
  });

  it('is byte-identical for the same store and time, and precompresses the API and indexes', async () => {
    const again = await buildStore({ storeDir, write: false, now, env });
    const generated = (m: typeof built.files) =>
      [...m].filter(([, c]) => !isCopy(c)).map(([f, c]) => [f, Buffer.from(c as Uint8Array).toString('base64')]);
    expect(generated(again.files)).toEqual(generated(built.files));
    expect(built.files.has('api/v1/apps/news.json.br')).toBe(true);
    expect(built.files.has('api/v1/apps.json.gz')).toBe(true);
    expect(
      [...built.files.keys()].filter(
        (f) => /^update\/.*\.(br|gz)$/.test(f) && (built.files.get(f.slice(0, -3)) as Uint8Array).byteLength < 1024,
      ),
    ).toEqual([]);
    expect(built.files.has('update/news/stable/nextcloud/any/0.json.gz')).toBe(false);
  });

  it('fails without the key when store.yaml publishes one; --unsigned builds a preview marked as such', async () => {
    const missing = await buildStore({ storeDir, write: false, now, env: {} });
    expect(missing.ok).toBe(false);
    expect(missing.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'E_SIGNING_KEY_REQUIRED', file: expect.stringMatching(/store\/store\.yaml$/) }),
    ]);
    const r = await buildStore({ storeDir, write: false, now, env, unsigned: true });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.filter((d) => d.code.startsWith('W_SITE'))).toEqual([
      expect.objectContaining({ code: 'W_SITE_UNSIGNED_PREVIEW', severity: 'warning' }),
    ]);
    expect(JSON.parse(Buffer.from(r.files.get('api/v1/signing.json') as Uint8Array).toString())).toEqual({
      keyid: null,
      serial: null,
      expires: null,
      preview: 'unsigned',
    });
    const c = r.files.get('update/news/stable/nextcloud/any/0.json') as Uint8Array;
    expect(await verifyManifest(c, { publicKey, now })).toMatchObject({ ok: false, problem: 'unsigned' });
    expect((await verifyManifest(c)).ok).toBe(true);
  });

  it('refuses a signing key that does not match signing.publicKey', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const r = await buildStore({ storeDir, write: false, now, env: { APPSHELF_SIGNING_KEY: other } });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toContain('E_SIGNING_KEY_MISMATCH');
  });
});

describe('published formats of a signed store match their schemas (src/schema)', () => {
  const json = (rel: string) => JSON.parse(Buffer.from(bytes(rel)).toString('utf8'));
  const check = (schema: object, rel: string) => {
    const valid = compileValidator(schema);
    expect(valid(json(rel)), `${rel}: ${JSON.stringify(valid.errors?.slice(0, 3))}`).toBe(true);
  };

  it('the catalog API, every app document, the update index and the fresh documents', () => {
    check(apiCatalogSchema, 'api/v1/apps.json');
    const apps = [...built.files.keys()].filter((f) => /^api\/v1\/apps\/[^/]+\.json$/.test(f));
    expect(apps.length).toBe(built.store!.apps.length);
    for (const rel of apps) check(apiAppSchema, rel);
    check(updateIndexSchema, UPDATE_INDEX_PATH);
    for (const rel of [...built.files.keys()].filter((f) => /^fresh\/[^/]+\.json$/.test(f))) check(freshDocSchema, rel);
  });
});
