import type { FreshDoc } from '../schema/fresh.js';
import type { PlatformIndex, UpdateManifest } from '../schema/manifest.js';
import { canonicalJson } from '../util/stable-json.js';
import { decodeBase64, importEd25519, sha256Hex, type Ed25519Key } from './crypto.js';

/** Why a client refused a manifest or index. */
export type ManifestProblem =
  | 'not-json'
  | 'not-canonical'
  | 'unsigned'
  | 'unknown-key'
  | 'bad-signature'
  | 'schema'
  | 'expired'
  | 'rollback'
  | 'wrong-target'
  | 'no-freshness'
  | 'not-pinned';

/** What the client expects a document to be, and how strict to be. */
export interface VerifyOptions {
  /** The store's Ed25519 public key (PEM, or one imported with {@link importEd25519}); without it the document is only parsed. */
  publicKey?: string | Ed25519Key;
  /** The app, channel and platform asked for (and the client's percentile): a document for another one is refused (mix-and-match). */
  expect?: Partial<Record<'app' | 'channel' | 'os' | 'arch', string>> & { percentile?: number };
  /** The highest serial this client saw for this document's path; a lower one is a rollback. */
  lastSerial?: number;
  /** The time to check expiry against. @default now */
  now?: Date;
  /**
   * The app's fresh document, already accepted by {@link verifyFreshDoc}: the document must be one
   * it pins (its exact SHA-256 and length), and is fresh because the fresh document is. Without
   * it, a signed manifest or index must carry an `expires` of its own (builds before fresh
   * documents), else it is refused (`no-freshness`): nothing would stop a frozen feed.
   */
  fresh?: FreshDoc;
}

/** A document the client accepted, or the reason it did not. */
export type VerifyResult<T> = { ok: true; doc: T } | { ok: false; problem: ManifestProblem; detail: string };

/**
 * Reads `update/<app>/<channel>/<os>/<arch>/<p>.json` as a client must: exactly the canonical
 * bytes, an Ed25519 signature by the store key over the canonical `signed` part, the manifest's
 * shape, not expired, serial not below the last one seen, and about what was asked for.
 */
export function verifyManifest(bytes: Uint8Array, opts: VerifyOptions = {}): Promise<VerifyResult<UpdateManifest>> {
  return verifyDocument(bytes, opts, 'appshelf-update', isManifest);
}

/** Reads a per-platform `index.json` with the same checks as {@link verifyManifest}. */
export function verifyPlatformIndex(bytes: Uint8Array, opts: VerifyOptions = {}): Promise<VerifyResult<PlatformIndex>> {
  return verifyDocument(bytes, opts, 'appshelf-update-index', isIndex);
}

/**
 * Reads `fresh/<app>.json`, the short-lived document that pins an app's manifests: canonical
 * bytes, the store's signature, its shape, the app asked for (`expect.app`), not expired, serial
 * not below the last one seen for it. Pass the result as `fresh` to {@link verifyManifest}.
 */
export function verifyFreshDoc(
  bytes: Uint8Array,
  opts: Omit<VerifyOptions, 'fresh' | 'expect'> & { expect?: { app?: string } } = {},
): Promise<VerifyResult<FreshDoc>> {
  return verifyDocument(bytes, { ...opts, fresh: undefined }, 'appshelf-fresh', isFresh);
}

/** A manifest (with `percentiles`) or platform index, as far as a fresh document pins it. */
export type PinTarget = { app: string; channel: string; os: string; arch: string; percentiles?: { from: number; to: number } };

/** Whether a fresh document pins these bytes as the manifest or index `doc` of a channel × platform. */
export async function isPinned(fresh: FreshDoc, doc: PinTarget, bytes: Uint8Array): Promise<boolean> {
  if (fresh.app !== doc.app) return false;
  const platform = fresh.platforms.find((p) => p.channel === doc.channel && p.os === doc.os && p.arch === doc.arch);
  const band = doc.percentiles;
  const pin = band ? platform?.bands.find((b) => b.from === band.from && b.to === band.to) : platform?.index;
  return pin !== undefined && pin.length === bytes.byteLength && pin.sha256 === (await sha256Hex(bytes));
}

// --- internal ---

type Signed = {
  app: string;
  channel?: string;
  os?: string;
  arch?: string;
  serial?: number;
  expires?: string;
  percentiles?: { from: number; to: number };
};

async function verifyDocument<T extends Signed>(
  bytes: Uint8Array,
  opts: VerifyOptions,
  type: string,
  shape: (d: Record<string, unknown>) => boolean,
): Promise<VerifyResult<T>> {
  let text: string;
  let doc: { signatures: { keyid: string; sig: string }[]; signed: Record<string, unknown> };
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    doc = JSON.parse(text);
  } catch {
    return fail('not-json', 'the document is not JSON');
  }
  if (!isEnvelope(doc) || `${canonicalJson(doc)}\n` !== text)
    return fail('not-canonical', 'the document is not in canonical form (changed after signing?)');
  const key = typeof opts.publicKey === 'string' ? await importEd25519(opts.publicKey) : opts.publicKey;
  if (key) {
    if (!doc.signatures.length) return fail('unsigned', 'the document carries no signature');
    const mine = doc.signatures.find((s) => s.keyid === key.keyid);
    if (!mine) return fail('unknown-key', 'no signature by the store key');
    const sig = decodeBase64(mine.sig);
    const ok = sig !== undefined && (await key.verify(new TextEncoder().encode(canonicalJson(doc.signed)), sig));
    if (!ok) return fail('bad-signature', 'the signature does not match the document');
  }
  if (doc.signed.type !== type || doc.signed.specVersion !== 1 || !shape(doc.signed))
    return fail('schema', 'the document does not match its schema');
  const signed = doc.signed as unknown as T;
  const { percentile, ...where } = opts.expect ?? {};
  for (const [k, want] of Object.entries(where)) {
    const got = signed[k as keyof Signed];
    if (want !== undefined && got !== want) return fail('wrong-target', `the document is for ${k} "${String(got)}", not "${want}"`);
  }
  if (percentile !== undefined && signed.percentiles && (percentile < signed.percentiles.from || percentile > signed.percentiles.to)) {
    return fail(
      'wrong-target',
      `it covers percentiles ${signed.percentiles.from}..${signed.percentiles.to}, and this client is at ${percentile}`,
    );
  }
  // Only manifests and indexes get here with `fresh` (verifyFreshDoc drops it), and their shape has the target.
  if (opts.fresh && !(await isPinned(opts.fresh, signed as PinTarget, bytes))) {
    return fail(
      'not-pinned',
      `the app's fresh document (serial ${opts.fresh.serial}) does not pin these bytes: a document of another build`,
    );
  }
  if (key) {
    if (signed.serial === undefined) return fail('no-freshness', 'a signed document must carry a serial');
    if (signed.expires === undefined && !opts.fresh)
      return fail('no-freshness', "the document carries no expiry, so it must be pinned by the app's fresh document (fresh/<app>.json)");
    if (signed.expires !== undefined && Date.parse(signed.expires) <= (opts.now ?? new Date()).getTime())
      return fail('expired', `the document expired at ${signed.expires}`);
    if (opts.lastSerial !== undefined && signed.serial < opts.lastSerial)
      return fail('rollback', `serial ${signed.serial} is lower than ${opts.lastSerial}, seen before`);
  }
  return { ok: true, doc: signed };
}

const fail = <T>(problem: ManifestProblem, detail: string): VerifyResult<T> => ({ ok: false, problem, detail });

const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
const isString = (x: unknown): x is string => typeof x === 'string';
const isInt = (x: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): boolean =>
  Number.isInteger(x) && (x as number) >= min && (x as number) <= max;
const optional = (x: unknown, test: (y: unknown) => boolean) => x === undefined || test(x);

function isEnvelope(doc: unknown): doc is { signatures: { keyid: string; sig: string }[]; signed: Record<string, unknown> } {
  if (!isObject(doc) || Object.keys(doc).join() !== 'signatures,signed' || !isObject(doc.signed) || !Array.isArray(doc.signatures))
    return false;
  return doc.signatures.every((s) => isObject(s) && Object.keys(s).join() === 'keyid,sig' && isString(s.keyid) && isString(s.sig));
}

// The published JSON Schemas (schemas/update-manifest.schema.json) say the same; checked by hand
// here so the client needs no validator.
function isTarget(d: Record<string, unknown>): boolean {
  return (
    ['app', 'channel', 'os', 'arch'].every((k) => isString(d[k])) &&
    optional(d.serial, (x) => isInt(x)) &&
    optional(d.expires, (x) => isString(x) && !Number.isNaN(Date.parse(x)))
  );
}

function isManifest(d: Record<string, unknown>): boolean {
  const p = d.percentiles;
  return (
    isTarget(d) &&
    isObject(p) &&
    isInt(p.from, 0, 99) &&
    isInt(p.to, 0, 99) &&
    Array.isArray(d.candidates) &&
    d.candidates.every(
      (c) =>
        isObject(c) &&
        isString(c.version) &&
        isString(c.changelog) &&
        Array.isArray(c.files) &&
        c.files.every(
          (f) =>
            isObject(f) &&
            isString(f.format) &&
            isString(f.osversion) &&
            isString(f.appversion) &&
            optional(f.url, isString) &&
            optional(f.size, (x) => isInt(x)) &&
            optional(f.sha256, (x) => isString(x) && /^[0-9a-f]{64}$/.test(x)),
        ),
    )
  );
}

function isIndex(d: Record<string, unknown>): boolean {
  return (
    isTarget(d) &&
    Array.isArray(d.bands) &&
    d.bands.every((b) => isObject(b) && isInt(b.from, 0, 99) && isInt(b.to, 0, 99) && isString(b.sha256) && isInt(b.length))
  );
}

const isPin = (p: unknown): p is Record<string, unknown> =>
  isObject(p) && isString(p.sha256) && /^[0-9a-f]{64}$/.test(p.sha256) && isInt(p.length, 1);

// schemas/fresh.schema.json says the same.
function isFresh(d: Record<string, unknown>): boolean {
  return (
    isString(d.app) &&
    isInt(d.serial) &&
    isString(d.expires) &&
    !Number.isNaN(Date.parse(d.expires)) &&
    Array.isArray(d.platforms) &&
    d.platforms.every(
      (p) =>
        isObject(p) &&
        isString(p.channel) &&
        isString(p.os) &&
        isString(p.arch) &&
        isPin(p.index) &&
        Array.isArray(p.bands) &&
        p.bands.every((b) => isPin(b) && isInt(b.from, 0, 99) && isInt(b.to, 0, 99)),
    )
  );
}
