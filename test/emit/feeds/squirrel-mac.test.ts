// The Squirrel.Mac feed, the format added through the list of feed formats: what Electron's
// built-in autoUpdater (serverType json) is offered per channel and architecture, read the way
// Squirrel.Mac reads the file, over HTTP from a built and served site.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStore } from '../../../src/index.js';
import { createStoreServer, type StoreServer } from '../../../src/serve/index.js';
import { apiAppSchema, compileValidator, squirrelMacFeedSchema, type SquirrelMacFeed } from '../../../src/schema/index.js';
import { fixture, tmpStore } from '../../helpers.js';

const now = new Date('2026-12-01T00:00:00Z');
let cwd: string;
let server: StoreServer;
let origin: string;

async function build(): Promise<void> {
  const built = await buildStore({
    storeDir: path.join(cwd, 'store'),
    outDir: path.join(cwd, 'dist'),
    cacheDir: path.join(cwd, 'cache'),
    now,
  });
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
}

beforeAll(async () => {
  cwd = tmpStore({}, fixture('squirrel-mac/store'));
  await build();
  server = await createStoreServer(path.join(cwd, 'dist'));
  origin = `http://127.0.0.1:${await server.listen(0)}`;
});
afterAll(() => server?.close());

const get = async (rel: string) => fetch(`${origin}/${rel}`);
const feed = async (name: string): Promise<SquirrelMacFeed> =>
  (await (await get(`feeds/squirrel-mac/desk/${name}.json`)).json()) as SquirrelMacFeed;

/**
 * Squirrel.Mac's decision, as its README gives it: read `currentRelease`, do nothing unless it is
 * above the running version (a numeric comparison), else install the `updateTo` of the release
 * whose `version` equals it.
 */
function squirrelPick(file: SquirrelMacFeed, running: string): string | undefined {
  if (file.currentRelease.localeCompare(running, 'en', { numeric: true }) <= 0) return undefined;
  return file.releases.find((r) => r.version === file.currentRelease)?.updateTo.url;
}

describe('Squirrel.Mac feed', () => {
  it('offers per channel and architecture the newest ZIP every client gets', async () => {
    const valid = compileValidator(squirrelMacFeedSchema);
    const files = Object.fromEntries(
      await Promise.all(['stable-x64', 'stable-arm64', 'beta-x64', 'beta-arm64'].map(async (n) => [n, await feed(n)] as const)),
    );
    for (const f of Object.values(files)) expect(valid(f), JSON.stringify(valid.errors)).toBe(true);
    // 1.1.0 is staged at 30 % on stable and Squirrel has no staged rollout: stable stays on the universal 1.0.0.
    expect(squirrelPick(files['stable-x64']!, '0.9.0')).toBe('https://apps.example.com/files/desk/1.0.0/desk-1.0.0-mac.zip');
    expect(squirrelPick(files['stable-arm64']!, '1.0.0')).toBeUndefined();
    // 1.2.0-beta.1 has no ZIP: beta offers 1.1.0, each architecture its own archive.
    expect(squirrelPick(files['beta-x64']!, '1.0.0')).toBe('https://apps.example.com/files/desk/1.1.0/desk-1.1.0-mac-x64.zip');
    expect(squirrelPick(files['beta-arm64']!, '1.0.0')).toBe('https://apps.example.com/files/desk/1.1.0/desk-1.1.0-mac-arm64.zip');
    expect(files['beta-arm64']!.releases[0]!.updateTo).toMatchObject({
      name: '1.1.0',
      notes: 'Separate builds per architecture.',
      pub_date: '2026-02-10T09:00:00.000Z',
    });
    // The URLs it names are served.
    const zip = await get('files/desk/1.1.0/desk-1.1.0-mac-arm64.zip');
    expect(zip.status).toBe(200);
    expect(await zip.text()).toBe('desk 1.1.0 arm64\n');
  });

  it('is listed in the API document and on the app page', async () => {
    const doc = (await (await get('api/v1/apps/desk.json')).json()) as { feeds: Record<string, unknown> };
    expect(compileValidator(apiAppSchema)(doc)).toBe(true);
    expect(doc.feeds.squirrelMac).toEqual({
      'beta-arm64': 'https://apps.example.com/feeds/squirrel-mac/desk/beta-arm64.json',
      'beta-x64': 'https://apps.example.com/feeds/squirrel-mac/desk/beta-x64.json',
      'stable-arm64': 'https://apps.example.com/feeds/squirrel-mac/desk/stable-arm64.json',
      'stable-x64': 'https://apps.example.com/feeds/squirrel-mac/desk/stable-x64.json',
    });
    const page = await (await get('apps/desk/')).text();
    expect(page).toContain(
      'Electron autoUpdater on macOS, serverType json (stable-arm64): <a href="https://apps.example.com/feeds/squirrel-mac/desk/stable-arm64.json">',
    );
  });

  it('moves stable on once the rollout completes, and rebuilds nothing else of the app', async () => {
    const before = readFileSync(path.join(cwd, 'dist/feeds/electron/desk/beta-mac.yml'));
    const rel = path.join(cwd, 'store/apps/desk/releases/1.1.0.yaml');
    writeFileSync(rel, readFileSync(rel, 'utf8').replace('stable: 30', 'stable: 100'));
    await build();
    const stable = JSON.parse(readFileSync(path.join(cwd, 'dist/feeds/squirrel-mac/desk/stable-x64.json'), 'utf8')) as SquirrelMacFeed;
    expect(squirrelPick(stable, '1.0.0')).toBe('https://apps.example.com/files/desk/1.1.0/desk-1.1.0-mac-x64.zip');
    // The beta electron file did not change (the same bytes).
    expect(readFileSync(path.join(cwd, 'dist/feeds/electron/desk/beta-mac.yml')).equals(before)).toBe(true);
  });

  it('is not made for an app without a macOS ZIP', async () => {
    const doc = JSON.parse(readFileSync(path.join(cwd, 'dist/api/v1/apps/desk.json'), 'utf8')) as { feeds: Record<string, unknown> };
    expect(Object.keys(doc.feeds)).toContain('squirrelMac');
    const other = tmpStore({}, fixture('signed-desktop/store'));
    const built = await buildStore({
      storeDir: path.join(other, 'store'),
      outDir: path.join(other, 'dist'),
      write: false,
      unsigned: true,
      now,
    });
    const api = JSON.parse(Buffer.from(built.files.get('api/v1/apps/shelfnotes.json') as Uint8Array).toString('utf8')) as {
      feeds: Record<string, unknown>;
    };
    // shelfnotes ships macOS tar.gz archives only: electron-updater and Sparkle feeds, no Squirrel.Mac file.
    expect(Object.keys(api.feeds)).toEqual(expect.arrayContaining(['electron', 'sparkle']));
    expect(api.feeds.squirrelMac).toBeUndefined();
    expect([...built.files.keys()].some((k) => k.startsWith('feeds/squirrel-mac/'))).toBe(false);
  });
});
