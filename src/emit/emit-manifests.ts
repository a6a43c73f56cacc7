import {
  candidateBands,
  type Candidate,
  type CandidateFile,
  type ResolvedApp,
  type ResolvedRelease,
  type ResolvedStore,
} from '../resolve/index.js';
import type { ManifestCandidate, PlatformIndex, UpdateManifest } from '../schema/manifest.js';
import { sha256Hex } from '../util/hash.js';
import { encodeEnvelope, type Signer } from '../util/signed-json.js';
import type { FactsLookup } from './emit-api.js';
import type { SiteFiles } from './site-files.js';
import { entryUrl } from './urls.js';

/** How the manifests of one build are signed and numbered. */
export interface ManifestContext {
  /** Changelogs found in bundles, for releases whose file has none. */
  facts: FactsLookup;
  /** Release number of a version (1, 2, 3 … per app in landing order). */
  releaseNumber: (app: string, version: string) => number;
  /** The store's signing key; without it the output is unsigned and carries no serial. */
  signer?: Signer;
  /**
   * The serial of an app's documents (signed builds only): its change clock. Manifests carry no
   * expiry: the app's fresh document (emit-fresh.ts) pins them and expires instead.
   */
  serial: (app: string) => number;
}

/**
 * `update/<app>/<channel>/<os>/<arch>/<p>.json` for p = 0..99 and the `index.json` beside them.
 * Every percentile of a band gets the very same bytes object, so the document is signed once and
 * {@link writeOutput} stores it once (the other names are hardlinks).
 */
export function emitManifests(store: ResolvedStore, app: ResolvedApp, ctx: ManifestContext, files: SiteFiles): void {
  const freshness = ctx.signer ? { serial: ctx.serial(app.id) } : {};
  const byPlatform = new Map<string, PlatformIndex>();
  for (const band of candidateBands(store, app)) {
    const where = { app: app.id, channel: band.channel.name, os: band.platform.os, arch: band.platform.arch };
    const dir = `update/${where.app}/${where.channel}/${where.os}/${where.arch}`;
    const manifest: UpdateManifest = {
      type: 'appshelf-update',
      specVersion: 1,
      ...where,
      percentiles: { from: band.from, to: band.to },
      ...freshness,
      candidates: band.candidates.map((c) => candidateJson(store, app, c, ctx, app.pins[where.channel])),
    };
    const bytes = encodeEnvelope(manifest, ctx.signer);
    for (let p = band.from; p <= band.to; p++) files.set(`${dir}/${p}.json`, bytes);
    let index = byPlatform.get(dir);
    if (!index) byPlatform.set(dir, (index = { type: 'appshelf-update-index', specVersion: 1, ...where, ...freshness, bands: [] }));
    index.bands.push({
      from: band.from,
      to: band.to,
      version: band.candidates[0]?.release.version ?? null,
      sha256: sha256Hex(bytes),
      length: bytes.byteLength,
    });
  }
  for (const [dir, index] of byPlatform) files.set(`${dir}/index.json`, encodeEnvelope(index, ctx.signer));
}

// --- internal ---

// `pin` is the version the band's channel is pinned to, if it is: clients above it roll back to it.
function candidateJson(
  store: ResolvedStore,
  app: ResolvedApp,
  c: Candidate,
  ctx: ManifestContext,
  pin: string | undefined,
): ManifestCandidate {
  const r = c.release;
  return {
    version: r.version,
    name: `v${r.version}`,
    release: ctx.releaseNumber(app.id, r.version),
    date: r.date ?? null,
    changelog: r.changelog ?? ctx.facts(app.id, r.version)?.changelog ?? '',
    ...(r.version === pin ? { rollback: true as const } : {}),
    files: c.files.map((f) => fileJson(store, app, r, f)),
  };
}

function fileJson(store: ResolvedStore, app: ResolvedApp, r: ResolvedRelease, f: CandidateFile): ManifestCandidate['files'][number] {
  const ranges = { format: f.format, osversion: f.osversion, appversion: f.appversion };
  if (!f.entry) {
    const image = app.docker?.image ?? '';
    const tag = r.docker?.tag ?? '';
    return { ...ranges, image, tag, digest: r.docker?.digest, ref: `${image}:${tag}` };
  }
  const e = f.entry;
  return { ...ranges, url: entryUrl(store.baseUrl, r, e), size: e.size, sha256: e.sha256, signature: e.signature };
}
