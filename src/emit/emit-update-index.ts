import type { ResolvedApp, ResolvedEntry, ResolvedRelease, ResolvedStore } from '../resolve/index.js';
import { UPDATE_INDEX_FORMAT, UPDATE_INDEX_PATH, type UpdateIndex, type UpdateIndexApp, type UpdateIndexEntry } from '../schema/index.js';
import { contentKey } from './content-key.js';
import { once, utf8, type SiteFiles } from './site-files.js';
import { archivePath, entryUrl } from './urls.js';

export { UPDATE_INDEX_FORMAT, UPDATE_INDEX_PATH, type UpdateIndex, type UpdateIndexApp, type UpdateIndexEntry };

// Every object below is built with its keys in sorted order (and rollout/pins sorted), so that
// JSON.stringify already gives the canonical bytes: canonicalJson's generic deep sort took ~1 s for
// a 1,000-app store, on every build that changes a release. test/emit checks both agree.

function indexEntry(store: ResolvedStore, r: ResolvedRelease, e: ResolvedEntry): UpdateIndexEntry {
  return {
    appversion: e.appversion,
    architectures: [...e.architectures],
    fileName: e.fileName,
    format: e.format,
    os: e.os,
    osversion: e.osversion,
    path: e.file ? archivePath(r, e) : undefined,
    sha256: e.sha256,
    size: e.size,
    url: entryUrl(store.baseUrl, r, e),
  };
}

const sortedRecord = <T>(o: Readonly<Record<string, T>>): Record<string, T> =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const isoDate = (date: string | undefined): string | undefined => {
  const t = date === undefined ? NaN : Date.parse(date);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
};

/** The update index's entry for one app, with its keys in sorted order. Pure. */
export function updateIndexApp(store: ResolvedStore, app: ResolvedApp): UpdateIndexApp {
  return {
    id: app.id,
    name: app.updateName ?? app.id,
    pins: sortedRecord(app.pins),
    releases: app.releases
      .filter((r) => !r.yanked)
      .map((r) => ({
        channels: [...r.channels],
        date: isoDate(r.date),
        entries: r.entries.map((e) => indexEntry(store, r, e)),
        platformRollout: r.platformRollout?.map((o) => ({
          appversion: o.appversion,
          arch: o.arch,
          channel: o.channel,
          format: o.format,
          os: o.os,
          osversion: o.osversion,
          percent: o.percent,
        })),
        rollout: sortedRecord(r.rollout),
        updateVersion: r.updateVersion,
        version: r.version,
      })),
  };
}

/** Builds the update index of a store. Pure. */
export function updateIndexOf(store: ResolvedStore): UpdateIndex {
  return { ...indexHead(store), apps: store.apps.map((app) => updateIndexApp(store, app)) };
}

/** One app's part of the update index: a key of the inputs it was made from, and its canonical JSON (asked for only when the index is made). */
export interface UpdateIndexPart {
  key: string;
  json: () => Uint8Array;
}

/** {@link updateIndexApp} as canonical JSON, keyed by `sourceKey` (a hash of the app's files) or the app itself. */
export function updateIndexPart(store: ResolvedStore, app: ResolvedApp, sourceKey?: string): UpdateIndexPart {
  return { key: sourceKey ?? contentKey('update-index-app', app), json: once(() => utf8(JSON.stringify(updateIndexApp(store, app)))) };
}

/**
 * The canonical JSON of the update index (sorted keys, no spaces): the same as
 * `canonicalJson(updateIndexOf(store))`.
 */
export const updateIndexJson = (store: ResolvedStore): string =>
  Buffer.concat(
    updateIndexChunks(
      store,
      store.apps.map((a) => utf8(JSON.stringify(updateIndexApp(store, a)))),
    ),
  ).toString('utf8');

/**
 * The update index's bytes from the parts of every app in store order, as pieces: a 30 MB index
 * of a large store is neither serialized again, nor decoded, encoded or even joined for one changed app.
 */
function updateIndexChunks(store: ResolvedStore, parts: readonly Uint8Array[]): Uint8Array[] {
  // "apps" sorts first among the index's keys, so the parts go right after the opening brace.
  const rest = JSON.stringify({ ...indexHead(store), apps: undefined }).slice(1);
  const comma = utf8(',');
  const chunks: Uint8Array[] = [utf8('{"apps":[')];
  parts.forEach((p, i) => chunks.push(...(i ? [comma, p] : [p])));
  chunks.push(utf8(rest === '}' ? ']}' : `],${rest}`));
  return chunks;
}

/**
 * `api/v1/update-index.json`: the index `appshelf serve` answers `/update` and `/update.json` from,
 * assembled from one part per app (in store order). Lazy, keyed by the store and the parts' keys.
 */
export function emitUpdateIndex(store: ResolvedStore, parts: readonly UpdateIndexPart[], files: SiteFiles): void {
  const inputs = {
    store: { name: store.name, baseUrl: store.baseUrl, channels: store.channels, includeMoreMature: store.includeMoreMature },
    apps: parts.map((p) => p.key),
  };
  const chunks = once(() =>
    updateIndexChunks(
      store,
      parts.map((p) => p.json()),
    ),
  );
  files.set(UPDATE_INDEX_PATH, { key: contentKey('update-index', inputs), make: () => Buffer.concat(chunks()), chunks });
}

// --- internal ---

/** Everything of the index but its apps, keys in sorted order. */
function indexHead(store: ResolvedStore): Omit<UpdateIndex, 'apps'> {
  return {
    baseUrl: store.baseUrl,
    channels: store.channels.map((c) => c.name),
    format: UPDATE_INDEX_FORMAT,
    includeMoreMature: store.includeMoreMature,
    store: store.name,
  };
}
