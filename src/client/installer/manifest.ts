import type { KeyObject } from 'node:crypto';
import { freshDocPath, loadManifest, storeFileUrl as fileUrl, UpdateError, type LoadedManifest, type ManifestProblem } from '../index.js';
import { diag, Errors, StoreError, type Diagnostic } from '../../errors/index.js';
import type { UpdateManifest } from '../../schema/manifest.js';
import { ed25519PublicKey, keyProblem, pemTextOrFile } from '../../util/ed25519.js';
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
  /** The app's fresh document that pinned the manifest; its serial is kept in the state under its path. */
  fresh?: LoadedManifest['fresh'];
}

export { storeFileUrl } from '../index.js';

/** A public key given as PEM text or as the path of a PEM file, checked to be Ed25519. */
export function loadPublicKey(value: string, source: string): { key: KeyObject; pem: string } {
  try {
    const key = ed25519PublicKey(pemTextOrFile(value));
    return { key, pem: key.export({ type: 'spki', format: 'pem' }).toString() };
  } catch (e) {
    throw new StoreError(diag(Errors.InstallPublicKey, [source, keyProblem(e)]));
  }
}

/**
 * Fetches and checks the manifest of a target with the client reader (src/client): canonical
 * bytes, Ed25519 signature by `publicKey`, the app's unexpired fresh document pinning it, serials
 * not below those in `serials` (by path: the manifest's and the fresh document's), the app,
 * channel and platform asked for, and a percentile band holding the client's percentile.
 * Without a key the manifest is only parsed (one request), and `warn` gets W_INSTALL_UNVERIFIED.
 */
export async function fetchManifest(
  target: ManifestTarget,
  trust: { publicKey?: KeyObject; serials?: Readonly<Record<string, number>>; now: Date },
  warn: (d: Diagnostic) => void,
): Promise<FetchedManifest> {
  // The state keeps serials and writes them at its commit point: nothing is remembered here.
  const prefix = target.storeUrl.replace(/\/?$/, '/');
  const serials = { get: (key: string) => trust.serials?.[key.slice(prefix.length)], set: () => {} };
  const publicKey = trust.publicKey?.export({ type: 'spki', format: 'pem' }).toString();
  const fetched = new Map<string, Uint8Array | undefined>();
  const fetchBytes = async (url: string) => {
    const bytes = await fetchDocument(url);
    fetched.set(url, bytes);
    return bytes;
  };
  try {
    const loaded = await loadManifest(target, { publicKey, serials, fetchBytes, now: trust.now });
    if (!loaded.verified) warn(diag(Errors.InstallManifestUnverified, [loaded.url]));
    return loaded;
  } catch (e) {
    if (!(e instanceof UpdateError)) throw e;
    if (e.problem === 'not-found')
      throw new StoreError(diag(Errors.InstallNoManifest, [target.app, target.channel, `${target.os}/${target.arch}`]));
    const freshUrl = fileUrl(target.storeUrl, freshDocPath(target.app));
    if (e.problem === 'not-pinned') throw new StoreError(diag(Errors.InstallManifestNotPinned, [e.url, freshUrl]));
    if (e.problem === 'no-freshness' && !fetched.get(freshUrl)) throw new StoreError(diag(Errors.InstallFreshMissing, [e.url, freshUrl]));
    const seen = trust.serials?.[e.url.slice(prefix.length)];
    throw new StoreError(problemDiagnostic(e.url, fetched.get(e.url)!, e.problem, e.message.slice(e.url.length + 2), seen));
  }
}

// --- internal ---

function problemDiagnostic(
  url: string,
  bytes: Uint8Array,
  problem: ManifestProblem,
  detail: string,
  lastSerial: number | undefined,
): Diagnostic {
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
