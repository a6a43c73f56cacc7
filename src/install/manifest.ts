import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readUpdateManifest, type ManifestProblem } from '../client/index.js';
import { diag, Errors, StoreError, type Diagnostic } from '../errors/index.js';
import type { UpdateManifest } from '../schema/manifest.js';
import { fetchDocument } from './http.js';

/** Which manifest a client reads: one app, channel, platform and percentile of one store. */
export type ManifestTarget = Readonly<{ storeUrl: string; app: string; channel: string; os: string; arch: string; percentile: number }>;

/** A manifest the client accepted. */
export interface FetchedManifest {
  manifest: UpdateManifest;
  /** Where it was fetched from. */
  url: string;
  /** Its path under the store, the key of the serial kept in the state. */
  path: string;
  /** False when the client has no public key (a W_INSTALL_UNVERIFIED warning was given). */
  verified: boolean;
}

/** `update/<app>/<channel>/<os>/<arch>/<p>.json`, each part URL-encoded. */
export const manifestPath = (t: ManifestTarget): string =>
  ['update', t.app, t.channel, t.os, t.arch, `${t.percentile}.json`].map(encodeURIComponent).join('/');

/**
 * A URL the store publishes, from a path below it. A manifest's archive URL may be absolute
 * (the store has a baseUrl) or site-absolute (`/files/…`, no baseUrl): the latter is taken
 * below the store URL, so a store published under a sub-path (GitHub Pages) still works.
 */
export function storeFileUrl(storeUrl: string, ref: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//')) return new URL(ref).href;
  return new URL(ref.replace(/^\/+/, ''), storeUrl).href;
}

/** A public key given as PEM text or as the path of a PEM file, checked to be Ed25519. */
export function loadPublicKey(value: string, source: string): { key: KeyObject; pem: string } {
  let text = value;
  try {
    if (!value.includes('-----BEGIN')) text = readFileSync(value, 'utf8');
    const key = createPublicKey(text);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`it is a ${key.asymmetricKeyType ?? 'symmetric'} key, not Ed25519`);
    return { key, pem: key.export({ type: 'spki', format: 'pem' }).toString() };
  } catch (e) {
    throw new StoreError(diag(Errors.InstallPublicKey, [source, (e as Error).message.replace(/\.$/, '')]));
  }
}

/**
 * Fetches and checks the manifest of a target with the client reader (src/client): canonical
 * bytes, Ed25519 signature by `publicKey`, expiry, serial not below `lastSerial`, the app,
 * channel and platform asked for, and a percentile band holding the client's percentile.
 * Without a key the manifest is only parsed, and `warn` gets W_INSTALL_UNVERIFIED.
 */
export async function fetchManifest(
  target: ManifestTarget,
  trust: { publicKey?: KeyObject; lastSerial?: number; now: Date },
  warn: (d: Diagnostic) => void,
): Promise<FetchedManifest> {
  const path = manifestPath(target);
  const url = storeFileUrl(target.storeUrl, path);
  const bytes = await fetchDocument(url);
  if (!bytes) throw new StoreError(diag(Errors.InstallNoManifest, [target.app, target.channel, `${target.os}/${target.arch}`]));
  const read = readUpdateManifest(bytes, {
    publicKey: trust.publicKey,
    expect: { app: target.app, channel: target.channel, os: target.os, arch: target.arch },
    lastSerial: trust.lastSerial,
    now: trust.now,
  });
  if (!read.ok) throw new StoreError(problemDiagnostic(url, bytes, read.problem, read.detail, trust.lastSerial));
  const { from, to } = read.doc.percentiles;
  if (target.percentile < from || target.percentile > to) {
    throw new StoreError(diag(Errors.InstallManifestMismatch, [url, `it covers percentiles ${from}..${to}, and this client is at ${target.percentile}`]));
  }
  if (!trust.publicKey) warn(diag(Errors.InstallManifestUnverified, [url]));
  return { manifest: read.doc, url, path, verified: trust.publicKey !== undefined };
}

// --- internal ---

function problemDiagnostic(url: string, bytes: Uint8Array, problem: ManifestProblem, detail: string, lastSerial: number | undefined): Diagnostic {
  switch (problem) {
    case 'not-json':
    case 'schema':
      return diag(Errors.InstallBadResponse, [url, detail]);
    case 'unsigned':
      return diag(Errors.InstallManifestUnsigned, [url]);
    case 'expired':
      return diag(Errors.InstallManifestExpired, [url, signedField(bytes, 'expires') ?? 'an earlier time']);
    case 'rollback':
      return diag(Errors.InstallManifestRollback, [url, Number(signedField(bytes, 'serial')), lastSerial ?? 0]);
    case 'wrong-target':
      return diag(Errors.InstallManifestMismatch, [url, detail]);
    default:
      return diag(Errors.InstallManifestSignature, [url, detail]);
  }
}

// Only called after the reader parsed the document, so the JSON is known to be valid.
function signedField(bytes: Uint8Array, field: 'expires' | 'serial'): string | undefined {
  const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as { signed?: Record<string, unknown> };
  const v = doc.signed?.[field];
  return v === undefined ? undefined : String(v);
}
