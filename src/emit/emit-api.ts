import {
  admittedReleases,
  type ReleaseLanding,
  type ReleaseLogEntry,
  type ResolvedApp,
  type ResolvedRelease,
  type ResolvedStore,
} from '../resolve/index.js';
import type { ApiApp } from '../schema/index.js';
import { stableJson } from '../util/stable-json.js';
import { contentKey } from './content-key.js';
import { feedUrls } from './feeds/index.js';
import { once, utf8, type SiteFiles } from './site-files.js';
import { archivePath, entryUrl } from './urls.js';

/** Extra facts other stages found about a release (archive metadata, signature state). */
interface ReleaseFacts {
  /** Changelog taken from the bundle's CHANGELOG.md when the release file has none. */
  changelog?: string;
  /** Metadata read from the bundle's appinfo/info.xml. */
  info?: unknown;
  /** Whether every entry carries a verified signature. */
  signed?: boolean;
}

/** Lookup of {@link ReleaseFacts} by `<app>@<version>`. */
export type FactsLookup = (app: string, version: string) => ReleaseFacts | undefined;

/** Release numbers, landing times and the release log of each app (from git history, see resolve/release-log). */
export interface ApiHistory {
  landings: (app: ResolvedApp) => ReadonlyMap<string, ReleaseLanding>;
  log: (app: ResolvedApp) => readonly ReleaseLogEntry[];
}

/** Without history: numbered by version order, dated by the release files. */
const versionOrderHistory: ApiHistory = {
  landings: (app) =>
    new Map(
      [...app.releases].reverse().map((r, i) => [r.version, { number: i + 1, createdAt: r.date ?? null, updatedAt: r.date ?? null }]),
    ),
  log: (app) => [...app.releases].reverse().map((r) => ({ kind: 'released', version: r.version, date: r.date ?? null })),
};

function releaseJson(
  store: ResolvedStore,
  app: ResolvedApp,
  r: ResolvedRelease,
  facts: ReleaseFacts | undefined,
  landing: ReleaseLanding | undefined,
) {
  return {
    version: r.version,
    name: `v${r.version}`,
    release: landing?.number ?? null,
    createdAt: landing?.createdAt ?? r.date ?? null,
    updatedAt: landing?.updatedAt ?? r.date ?? null,
    commit: landing?.sha,
    pullRequest: landing?.pr,
    dockerTag: r.docker?.tag,
    live: store.channels.filter((c) => liveOn(store, app, c.name) === r.version).map((c) => c.name),
    channels: [...r.channels],
    rollout: r.rollout,
    platformRollout: r.platformRollout?.map((o) => ({
      channel: o.channel,
      os: o.os,
      architecture: o.arch,
      format: o.format,
      osversion: o.osversion,
      appversion: o.appversion,
      percent: o.percent,
    })),
    date: r.date ?? null,
    changelog: r.changelog ?? facts?.changelog ?? '',
    nightly: r.nightly,
    yanked: r.yanked,
    yankReason: r.yankReason,
    signed: facts?.signed ?? null,
    docker:
      r.docker && app.docker
        ? { image: app.docker.image, tag: r.docker.tag, digest: r.docker.digest, ref: `${app.docker.image}:${r.docker.tag}` }
        : undefined,
    info: facts?.info,
    files: r.entries.map((e) => ({
      os: e.os,
      architectures: e.architectures,
      osversion: e.osversion,
      appversion: e.appversion,
      format: e.format,
      url: entryUrl(store.baseUrl, r, e),
      path: e.file ? archivePath(r, e) : undefined,
      size: e.size,
      sha256: e.sha256,
      signature: e.signature,
    })),
  };
}

/**
 * The version each channel serves to every client (the last percentile, 99): the pin, or the
 * newest release fully rolled out on the channel or (with includeMoreMature) a more mature one.
 */
function liveVersions(store: ResolvedStore, app: ResolvedApp): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const c of store.channels) out[c.name] = liveOn(store, app, c.name);
  return out;
}

function liveOn(store: ResolvedStore, app: ResolvedApp, channel: string): string | null {
  const c = store.channels.find((x) => x.name === channel)!;
  return admittedReleases(store, app, c, 99)[0]?.version ?? null;
}

function appSummary(store: ResolvedStore, app: ResolvedApp, landings: ReadonlyMap<string, ReleaseLanding>) {
  const dates = [...landings.values()]
    .flatMap((l) => [l.createdAt, l.updatedAt])
    .filter((d): d is string => d !== null)
    .sort();
  return {
    id: app.id,
    name: app.name,
    summary: app.summary ?? '',
    author: app.owners[0] ?? app.authors[0]?.name ?? null,
    createdAt: dates[0] ?? null,
    updatedAt: dates[dates.length - 1] ?? null,
    authors: app.authors,
    owners: app.owners,
    categories: app.categories,
    license: app.license,
    homepage: app.homepage,
    dockerImage: app.docker?.image,
    locked: app.locked,
    pins: app.pins,
    live: liveVersions(store, app),
    latest: app.releases.find((r) => !r.yanked)?.version ?? null,
    releases: app.releases.length,
  };
}

/** What one app adds to the API: its own document (lazy, by key) and its entry in the catalog. */
export interface ApiPart {
  id: string;
  /** Key of `api/v1/apps/<id>.json`: a hash of every input of the document. */
  key: string;
  /** The app's entry in `api/v1/apps.json` (plain JSON data). */
  catalog: unknown;
  /** The app's document as data (made once; the store front renders the app page from it). */
  doc: () => ApiApp;
  /** Makes the app's document's bytes (canonical JSON of {@link doc}). */
  make: () => Uint8Array;
}

/** The store-level inputs of the API documents (part of every key). */
const apiStoreInputs = (store: ResolvedStore) => ({
  name: store.name,
  description: store.description,
  baseUrl: store.baseUrl,
  channels: store.channels,
  includeMoreMature: store.includeMoreMature,
});

const apiChannels = (store: ResolvedStore) =>
  store.channels.map((c) => ({ name: c.name, maturity: c.maturity, description: c.description, nightly: c.nightly, order: c.order }));

/**
 * `api/v1/apps/<id>.json` of one app and its catalog entry. `sourceKey` (a hash of the files the
 * app was resolved from) spares hashing the resolved app itself.
 */
export function apiPart(
  store: ResolvedStore,
  app: ResolvedApp,
  facts: FactsLookup,
  history: ApiHistory = versionOrderHistory,
  sourceKey?: string,
): ApiPart {
  const landings = history.landings(app);
  const log = history.log(app);
  const appFacts = app.releases.map((r) => facts(app.id, r.version) ?? null);
  const key = contentKey('api-app', { store: apiStoreInputs(store), app: sourceKey ?? app, landings: [...landings], log, facts: appFacts });
  const doc = once(() => appDocument(store, app, facts, landings, log, apiChannels(store)));
  return { id: app.id, key, catalog: appSummary(store, app, landings), doc, make: () => utf8(stableJson(doc())) };
}

/**
 * `api/v1/apps.json` from the parts of every app, in store order: the catalog with what the Sicon
 * and release-candidate store APIs offer (field mapping in docs/manifests.md). Lazy, keyed by the
 * parts' keys, so a build whose apps all kept their documents does not make it again.
 */
export function emitCatalog(store: ResolvedStore, parts: readonly Pick<ApiPart, 'id' | 'key' | 'catalog'>[], files: SiteFiles): void {
  const storeInputs = apiStoreInputs(store);
  files.set('api/v1/apps.json', {
    key: contentKey('api-catalog', { store: storeInputs, apps: parts.map((p) => p.key) }),
    make: () =>
      utf8(
        stableJson({
          store: { name: store.name, description: store.description, baseUrl: store.baseUrl },
          channels: apiChannels(store),
          apps: parts.map((p) => p.catalog),
        }),
      ),
  });
}

function appDocument(
  store: ResolvedStore,
  app: ResolvedApp,
  facts: FactsLookup,
  landings: ReadonlyMap<string, ReleaseLanding>,
  log: readonly ReleaseLogEntry[],
  channels: ApiApp['channels'],
): ApiApp {
  return {
    ...appSummary(store, app, landings),
    description: app.description ?? '',
    channels,
    feeds: feedUrls(store, app),
    releases: app.releases.map((r) => releaseJson(store, app, r, facts(app.id, r.version), landings.get(r.version))),
    releaseLog: [...log],
  };
}
