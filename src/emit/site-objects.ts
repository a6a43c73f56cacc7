import type { ResolvedApp, ResolvedStore } from '../resolve/index.js';
import { contentKey } from './content-key.js';
import { emitManifests, type ManifestContext } from './emit-manifests.js';
import { precompress } from './precompress.js';
import type { SiteFiles } from './site-files.js';
import { archivePath } from './urls.js';

/**
 * A subtree of the site that is stored once per content in `<out>.objects/<key>/` and
 * linked into the site at `<path>`: the manifests of one app (`update/<app>`) or its archives
 * (`files/<app>`). Equal keys mean equal content, so a build whose key already exists on disk
 * neither computes nor writes the subtree.
 */
export interface SiteObject {
  /** Where the subtree appears in the site: two segments, `update/<app>` or `files/<app>`. */
  path: string;
  /** 32 hex digits (128 bits of a SHA-256) over every input of the subtree and the code that makes it. */
  key: string;
  /** Makes the subtree's files, paths relative to `path`; called only when the object does not exist yet. */
  emit: () => SiteFiles;
  /** How many files the object holds, when known (spares reading its record to count a reused object). */
  files?: number;
  /**
   * Where parts of the object appear in the site instead of the whole at `path`: site path →
   * path inside the object (a folder or a file). The app's feeds are one object linked at
   * `feeds/electron/<app>`, `feeds/sparkle/<app>.xml` and `feeds/tauri/<app>`.
   */
  links?: Readonly<Record<string, string>>;
}

/**
 * `update/<app>`: every manifest and platform index of the app (and their precompressed
 * variants). The key covers all that {@link emitManifests} reads: the app's resolved data (or
 * `sourceKey`, a hash of the files it was resolved from), the store settings that shape manifests
 * (channels, includeMoreMature, baseUrl), the signing key id, the app's serial (no expiry: that is in its fresh document), release
 * numbers and bundle changelogs.
 */
export function manifestObject(store: ResolvedStore, app: ResolvedApp, ctx: ManifestContext, sourceKey?: string): SiteObject {
  const prefix = `update/${app.id}/`;
  const inputs = {
    store: { channels: store.channels, includeMoreMature: store.includeMoreMature, baseUrl: store.baseUrl ?? null },
    signer: ctx.signer?.keyid ?? null,
    freshness: ctx.signer ? { serial: ctx.serial(app.id) } : null,
    numbers: app.releases.map((r) => ctx.releaseNumber(app.id, r.version)),
    changelogs: app.releases.map((r) => (r.changelog === undefined ? (ctx.facts(app.id, r.version)?.changelog ?? null) : null)),
    app: sourceKey ?? app,
  };
  return {
    path: `update/${app.id}`,
    key: contentKey('update', inputs).slice(0, 32),
    emit: () => {
      const all: SiteFiles = new Map();
      emitManifests(store, app, ctx, all);
      precompress(all);
      return new Map([...all].map(([rel, content]) => [rel.slice(prefix.length), content]));
    },
  };
}

/**
 * `files/<app>`: the app's committed archives under `<version>/<name>`. Keyed by their site
 * paths, sizes and sha256 (verified against the bytes before a build writes anything).
 */
export function archiveObject(app: ResolvedApp, abs: (rel: string) => string): SiteObject | undefined {
  const list: { rel: string; from: string; size: number; sha256: string }[] = [];
  const prefix = `files/${app.id}/`;
  for (const r of app.releases) {
    for (const e of r.entries)
      if (e.file) list.push({ rel: archivePath(r, e).slice(prefix.length), from: e.file, size: e.size, sha256: e.sha256 });
  }
  if (!list.length) return undefined;
  list.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return {
    path: `files/${app.id}`,
    key: contentKey(
      'files',
      list.map(({ rel, size, sha256 }) => [rel, size, sha256]),
    ).slice(0, 32),
    emit: () => new Map(list.map((f) => [f.rel, { copyFrom: abs(f.from), sha256: f.sha256 }])),
  };
}
