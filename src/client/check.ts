import type { FreshDoc } from '../schema/fresh.js';
import type { ManifestCandidate, UpdateManifest } from '../schema/manifest.js';
import { importEd25519, sha256Hex, type Ed25519Key } from './crypto.js';
import { pickUpdate, selectUpdate, type DownloadableFile, type PickedUpdate, type SelectRequest } from './pick.js';
import { verifyFreshDoc, verifyManifest, type ManifestProblem } from './verify.js';

/** Where the client keeps the highest serial it saw per manifest path (rollback protection). */
export interface SerialStore {
  get(path: string): number | undefined | Promise<number | undefined>;
  set(path: string, serial: number): void | Promise<void>;
}

/** Fetches a URL's bytes; undefined for a 404 (nothing published there). */
export type FetchBytes = (url: string) => Promise<Uint8Array | undefined>;

/** Which manifest to read: one app, channel and platform of a published store, at the client's percentile. */
export interface ManifestTarget {
  /** The URL the store is published at (`https://apps.example.com/`, may have a path). */
  storeUrl: string;
  app: string;
  channel: string;
  /** The store's OS name: windows, osx, linux, … */
  os: string;
  /** The store's architecture name: x86-64, arm64, x86, … */
  arch: string;
  /** This installation's percentile, 0..99, drawn once and kept (its rollout cohort). */
  percentile: number;
}

/** Options of {@link loadManifest} and {@link checkForUpdate}. */
export interface LoadOptions {
  /** The store's Ed25519 public key (PEM); without it nothing is verified (`verified: false`). */
  publicKey?: string | Ed25519Key;
  /** Highest serials seen; a manifest below is refused, a higher one is remembered. @default kept in memory only */
  serials?: SerialStore;
  /** How bytes are fetched. @default globalThis.fetch, at most 32 MiB */
  fetchBytes?: FetchBytes;
  /** The time to check expiry against. @default now */
  now?: Date;
}

/** A manifest the client accepted. */
export interface LoadedManifest {
  manifest: UpdateManifest;
  /** Where it was fetched from. */
  url: string;
  /** Its path below the store URL (the key of its serial). */
  path: string;
  /** False without a public key: the manifest was only parsed. */
  verified: boolean;
  /** The app's fresh document that pins the manifest (verified builds of stores whose manifests carry no expiry). */
  fresh?: { doc: FreshDoc; url: string; path: string };
}

/** Why the client refused or could not read a manifest. */
export class UpdateError extends Error {
  constructor(
    readonly problem: ManifestProblem | 'not-found',
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'UpdateError';
  }
}

/** An update to install. */
export interface Update {
  version: string;
  candidate: ManifestCandidate;
  file: DownloadableFile;
  /** The absolute URL of the archive. */
  url: string;
  /** The channel is pinned back below the installed version: this update is a downgrade to the pin. */
  rollback?: true;
}

/** What {@link checkForUpdate} found: the manifest it read, and the update, if any. */
export interface UpdateCheck extends LoadedManifest {
  update?: Update;
}

/** `fresh/<app>.json`: the app's short-lived document pinning its manifests. */
export const freshDocPath = (app: string): string => `fresh/${encodeURIComponent(app)}.json`;

/** `update/<app>/<channel>/<os>/<arch>/<p>.json`, each part URL-encoded. */
export const manifestPath = (t: Omit<ManifestTarget, 'storeUrl'>): string =>
  ['update', t.app, t.channel, t.os, t.arch, `${t.percentile}.json`].map(encodeURIComponent).join('/');

/**
 * A URL the store publishes, from a reference in it. Absolute references are kept; site-absolute
 * ones (`/files/…`, a store without baseUrl) are taken below the store URL, so a store published
 * under a sub-path still works.
 */
export function storeFileUrl(storeUrl: string, ref: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//')) return new URL(ref).href;
  return new URL(ref.replace(/^\/+/, ''), storeUrl.endsWith('/') ? storeUrl : `${storeUrl}/`).href;
}

/**
 * Fetches and verifies the manifest of a target: canonical bytes, the store's Ed25519
 * signature, the app, channel, platform and percentile band asked for. A verifying client also
 * fetches the app's fresh document (`fresh/<app>.json`, in parallel): signed, unexpired, serial
 * not below the last one seen (then remembered), and pinning the manifest's exact bytes
 * (docs/manifests.md). A manifest of an older site with its own expiry and no fresh document is
 * judged by its expiry and its own serial. Without a public key it is one request.
 * Throws {@link UpdateError} otherwise.
 */
export async function loadManifest(target: ManifestTarget, opts: LoadOptions = {}): Promise<LoadedManifest> {
  const path = manifestPath(target);
  const url = storeFileUrl(target.storeUrl, path);
  const fetch = opts.fetchBytes ?? fetchBytes;
  const key = typeof opts.publicKey === 'string' ? await importEd25519(opts.publicKey) : opts.publicKey;
  const freshPath = freshDocPath(target.app);
  const freshUrl = storeFileUrl(target.storeUrl, freshPath);
  const [bytes, freshBytes] = await Promise.all([fetch(url), key ? fetch(freshUrl) : undefined]);
  if (!bytes)
    throw new UpdateError('not-found', `${url}: no manifest for ${target.app} ${target.channel} ${target.os}/${target.arch}`, url);
  const serials = opts.serials ?? memory;
  let fresh: LoadedManifest['fresh'];
  if (key && freshBytes) {
    const lastFresh = await serials.get(serialKey(target.storeUrl, freshPath));
    const read = await verifyFreshDoc(freshBytes, { publicKey: key, expect: { app: target.app }, lastSerial: lastFresh, now: opts.now });
    if (!read.ok) throw new UpdateError(read.problem, `${freshUrl}: ${read.detail}`, freshUrl);
    fresh = { doc: read.doc, url: freshUrl, path: freshPath };
  }
  // A pinned manifest is as new as the fresh document that pins it: rollback is judged on that
  // serial alone. (Manifest serials of builds before fresh documents grew daily; a client that
  // kept one would otherwise refuse every long-lived manifest after the upgrade.)
  const lastSerial = key && !fresh ? await serials.get(serialKey(target.storeUrl, path)) : undefined;
  const read = await verifyManifest(bytes, {
    publicKey: key,
    expect: { app: target.app, channel: target.channel, os: target.os, arch: target.arch, percentile: target.percentile },
    lastSerial,
    now: opts.now,
    fresh: fresh?.doc,
  });
  if (!read.ok) throw new UpdateError(read.problem, `${url}: ${read.detail}`, url);
  // Remembered only once both documents were accepted.
  if (fresh) await serials.set(serialKey(target.storeUrl, freshPath), fresh.doc.serial);
  else if (key && read.doc.serial !== undefined && read.doc.serial !== lastSerial)
    await serials.set(serialKey(target.storeUrl, path), read.doc.serial);
  return { manifest: read.doc, url, path, verified: key !== undefined, ...(fresh && { fresh }) };
}

/**
 * Checks for an update: {@link loadManifest}, then the newest candidate newer than `appversion`
 * whose file fits this OS version and format ({@link pickUpdate}), or the rollback to the
 * version the channel is pinned back to (`update.rollback`; not with `downgrade: false`).
 * Without `appversion` (a fresh install) the newest fitting release.
 */
export async function checkForUpdate(
  target: ManifestTarget & { appversion?: string; osversion?: string; format?: string; downgrade?: boolean },
  opts: LoadOptions = {},
): Promise<UpdateCheck> {
  const loaded = await loadManifest(target, opts);
  const { candidates } = loaded.manifest;
  // A fresh install takes any release: appversion ranges only limit which installed versions may update.
  const pick =
    target.appversion !== undefined
      ? pickUpdate(loaded.manifest, {
          appversion: target.appversion,
          osversion: target.osversion,
          format: target.format,
          downgrade: target.downgrade,
        })
      : pickFresh(candidates, { osVersion: target.osversion, format: target.format });
  if (!pick) return loaded;
  const rollback = pick.rollback ? { rollback: true as const } : {};
  return {
    ...loaded,
    update: {
      version: pick.candidate.version,
      candidate: pick.candidate,
      file: pick.file,
      url: storeFileUrl(target.storeUrl, pick.file.url),
      ...rollback,
    },
  };
}

/** Whether bytes are the file the manifest announced: its exact size and SHA-256. */
export async function verifyArchive(bytes: Uint8Array, file: Pick<DownloadableFile, 'size' | 'sha256'>): Promise<boolean> {
  return bytes.byteLength === file.size && (await sha256Hex(bytes)) === file.sha256;
}

/** Downloads an update's archive and verifies its size and SHA-256 (the signed manifest pins them); throws when they differ. */
export async function downloadUpdate(update: Update, opts: Pick<LoadOptions, 'fetchBytes'> = {}): Promise<Uint8Array> {
  const bytes = await (opts.fetchBytes ?? ((url) => fetchBytes(url, update.file.size)))(update.url);
  if (!bytes) throw new Error(`${update.url}: not found`);
  if (!(await verifyArchive(bytes, update.file)))
    throw new Error(`${update.url}: the download does not have the size and SHA-256 the manifest announced`);
  return bytes;
}

/** A {@link SerialStore} in memory (one process); persist it for real rollback protection. */
export function memorySerialStore(initial: Record<string, number> = {}): SerialStore & { entries: Record<string, number> } {
  const entries = { ...initial };
  return { entries, get: (p) => entries[p], set: (p, s) => void (entries[p] = s) };
}

// --- internal ---

function pickFresh(candidates: readonly ManifestCandidate[], req: SelectRequest): PickedUpdate | undefined {
  const r = selectUpdate(candidates, req);
  return r.selected && { candidate: candidates.find((c) => c.version === r.selected.version)!, file: r.selected.file };
}

const memory = memorySerialStore();

/** Serials are kept per store and path: two stores may publish the same paths. */
const serialKey = (storeUrl: string, path: string) => `${storeUrl.replace(/\/?$/, '/')}${path}`;

/** globalThis.fetch, refusing bodies over `limit` bytes. */
async function fetchBytes(url: string, limit = 32 * 1024 * 1024): Promise<Uint8Array | undefined> {
  const res = await fetch(url);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  if (Number(res.headers.get('content-length') ?? 0) > limit) throw new Error(`${url}: larger than ${limit} bytes`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.byteLength > limit) throw new Error(`${url}: larger than ${limit} bytes`);
  return body;
}
