import type { ResolvedApp, ResolvedEntry, ResolvedRelease, ResolvedStore } from '../resolve/index.js';
import { contentKey } from './content-key.js';
import { utf8, type SiteFiles } from './site-files.js';
import { archivePath, entryUrl } from './urls.js';

/** Where the update index is published in the site. */
export const UPDATE_INDEX_PATH = 'api/v1/update-index.json';

/** Format tag of {@link UpdateIndex}; a reader refuses any other. */
export const UPDATE_INDEX_FORMAT = 'appshelf-update-index/1';

/** One downloadable file of a release, as `/update` and `/update.json` need it. */
export interface UpdateIndexEntry {
  os: string;
  architectures: string[];
  /** Semver range of OS versions. */
  osversion: string;
  /** Semver range of installed app versions. */
  appversion: string;
  format: string;
  /** File name for `Content-Disposition`. */
  fileName: string;
  /** Path of the archive inside the site (`files/<app>/<version>/<name>`); absent for remote archives. */
  path?: string;
  /** Public URL of the archive: under the store's baseUrl, site-relative, or the remote URL. */
  url: string;
  size: number;
  sha256: string;
}

/** A release that can be offered (yanked releases are left out). */
export interface UpdateIndexRelease {
  version: string;
  channels: string[];
  /** Percentage per channel. */
  rollout: Record<string, number>;
  /** ISO 8601 with milliseconds, as auto-update-server prints dates. */
  date?: string;
  entries: UpdateIndexEntry[];
}

/** An app, its `/update` name and its releases newest first. */
export interface UpdateIndexApp {
  id: string;
  /** The name clients send as `app=`: `updateName`, else the id. */
  name: string;
  /** Channel → the only version that channel offers. */
  pins: Record<string, string>;
  releases: UpdateIndexRelease[];
}

/**
 * Everything the server needs to answer `/update` and `/update.json` without reading another
 * file: loaded once when the server starts or reloads.
 */
export interface UpdateIndex {
  format: typeof UPDATE_INDEX_FORMAT;
  store: string;
  /** The store's public URL, when store.yaml gives one. */
  baseUrl?: string;
  /** Channel names, most mature first. */
  channels: string[];
  /** A client also receives releases of more mature channels. */
  includeMoreMature: boolean;
  apps: UpdateIndexApp[];
}

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

const sortedRecord = <T>(o: Readonly<Record<string, T>>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const isoDate = (date: string | undefined): string | undefined => {
  const t = date === undefined ? NaN : Date.parse(date);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
};

/** Builds the update index of a store. Pure. */
export function updateIndexOf(store: ResolvedStore): UpdateIndex {
  return {
    apps: store.apps.map((app) => ({
      id: app.id,
      name: app.updateName ?? app.id,
      pins: sortedRecord(app.pins),
      releases: app.releases
        .filter((r) => !r.yanked)
        .map((r) => ({
          channels: [...r.channels],
          date: isoDate(r.date),
          entries: r.entries.map((e) => indexEntry(store, r, e)),
          rollout: sortedRecord(r.rollout),
          version: r.version,
        })),
    })),
    baseUrl: store.baseUrl,
    channels: store.channels.map((c) => c.name),
    format: UPDATE_INDEX_FORMAT,
    includeMoreMature: store.includeMoreMature,
    store: store.name,
  };
}

/** The canonical bytes of the update index (sorted keys, no spaces), the same as `canonicalJson(updateIndexOf(store))`. */
export const updateIndexJson = (store: ResolvedStore): string => JSON.stringify(updateIndexOf(store));

/**
 * `api/v1/update-index.json`: the index `appshelf serve` answers `/update` and `/update.json` from.
 * Lazy, keyed by the store and every app (or `sourceKey` of each app, a hash of its files).
 */
export function emitUpdateIndex(store: ResolvedStore, files: SiteFiles, sourceKey?: (app: ResolvedApp) => string | undefined): void {
  const inputs = {
    store: { name: store.name, baseUrl: store.baseUrl, channels: store.channels, includeMoreMature: store.includeMoreMature },
    apps: store.apps.map((app) => sourceKey?.(app) ?? app),
  };
  files.set(UPDATE_INDEX_PATH, { key: contentKey('update-index', inputs), make: () => utf8(updateIndexJson(store)) });
}
