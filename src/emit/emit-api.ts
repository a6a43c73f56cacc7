import type { ResolvedApp, ResolvedRelease, ResolvedStore } from '../resolve/index.js';
import { stableJson } from '../util/stable-json.js';
import { utf8, type SiteFiles } from './site-files.js';
import { archivePath, entryUrl } from './urls.js';

/** Extra facts other stages found about a release (archive metadata, signature state). */
export interface ReleaseFacts {
  /** Changelog taken from the bundle's CHANGELOG.md when the release file has none. */
  changelog?: string;
  /** Metadata read from the bundle's appinfo/info.xml. */
  info?: unknown;
  /** Whether every entry carries a verified signature. */
  signed?: boolean;
}

/** Lookup of {@link ReleaseFacts} by `<app>@<version>`. */
export type FactsLookup = (app: string, version: string) => ReleaseFacts | undefined;

function releaseJson(store: ResolvedStore, app: ResolvedApp, r: ResolvedRelease, facts: ReleaseFacts | undefined) {
  return {
    version: r.version,
    name: `v${r.version}`,
    channels: r.channels,
    rollout: r.rollout,
    date: r.date ?? null,
    changelog: r.changelog ?? facts?.changelog ?? '',
    nightly: r.nightly,
    yanked: r.yanked,
    yankReason: r.yankReason,
    signed: facts?.signed ?? null,
    docker: r.docker && app.docker ? { image: app.docker.image, tag: r.docker.tag, digest: r.docker.digest, ref: `${app.docker.image}:${r.docker.tag}` } : undefined,
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

/** The version each channel currently serves at full rollout: the pin, or the newest live release. */
export function liveVersions(store: ResolvedStore, app: ResolvedApp): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const c of store.channels) {
    const pinned = app.pins[c.name];
    const live = pinned ?? app.releases.find((r) => !r.yanked && r.channels.includes(c.name) && (r.rollout[c.name] ?? 100) >= 100)?.version;
    out[c.name] = live ?? null;
  }
  return out;
}

function appSummary(store: ResolvedStore, app: ResolvedApp) {
  return {
    id: app.id,
    name: app.name,
    summary: app.summary ?? '',
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

/** `api/v1/apps.json` and `api/v1/apps/<id>.json`. */
export function emitApi(store: ResolvedStore, facts: FactsLookup, files: SiteFiles): void {
  const channels = store.channels.map((c) => ({ name: c.name, maturity: c.maturity, description: c.description, nightly: c.nightly, order: c.order }));
  files.set('api/v1/apps.json', utf8(stableJson({
    store: { name: store.name, description: store.description, baseUrl: store.baseUrl },
    channels,
    apps: store.apps.map((a) => appSummary(store, a)),
  })));
  for (const app of store.apps) {
    files.set(`api/v1/apps/${app.id}.json`, utf8(stableJson({
      ...appSummary(store, app),
      description: app.description ?? '',
      channels,
      releases: app.releases.map((r) => releaseJson(store, app, r, facts(app.id, r.version))),
    })));
  }
}

/** The committed archives, copied under `files/<app>/<version>/`. */
export function emitArchives(store: ResolvedStore, files: SiteFiles, abs: (rel: string) => string): void {
  for (const app of store.apps) {
    for (const r of app.releases) {
      for (const e of r.entries) if (e.file) files.set(archivePath(r, e), { copyFrom: abs(e.file) });
    }
  }
}
