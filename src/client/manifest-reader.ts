import { createPublicKey, type KeyObject } from 'node:crypto';
import semver from 'semver';
import { compileValidator } from '../schema/ajv.js';
import { platformIndexSchema, updateManifestSchema, type ManifestCandidate, type PlatformIndex, type PlatformIndexFile, type UpdateManifest, type UpdateManifestFile } from '../schema/manifest.js';
import { openEnvelope, type EnvelopeProblem } from '../util/signed-json.js';

/** Why a client refused a manifest or index. */
export type ManifestProblem = EnvelopeProblem | 'schema' | 'expired' | 'rollback' | 'wrong-target' | 'no-freshness';

/** What the client expects the document to be about and how strict to be. */
export interface ReadOptions {
  /** The store's Ed25519 public key (PEM or KeyObject); without it the document is only parsed (tests, tooling). */
  publicKey?: string | KeyObject;
  /** The app, channel and platform the client asked for: a document for another one is refused (mix-and-match). */
  expect?: Partial<Record<'app' | 'channel' | 'os' | 'arch', string>>;
  /** The highest serial this client saw for this path; a lower one is a rollback. */
  lastSerial?: number;
  /** The time to check expiry against. @default now */
  now?: Date;
}

/** A document the client accepted, or the reason it did not. */
export type ReadResult<T> = { ok: true; doc: T } | { ok: false; problem: ManifestProblem; detail: string };

const validateManifest = compileValidator<UpdateManifestFile>(updateManifestSchema);
const validateIndex = compileValidator<PlatformIndexFile>(platformIndexSchema);

/**
 * Reads `update/<app>/<channel>/<os>/<arch>/<p>.json` as a client must: exact canonical bytes,
 * an Ed25519 signature by the store key, not expired, serial not below the last one seen, and
 * about the app, channel and platform asked for.
 */
export function readUpdateManifest(bytes: Uint8Array, opts: ReadOptions = {}): ReadResult<UpdateManifest> {
  return read(bytes, opts, (doc) => validateManifest(doc));
}

/** Reads the per-platform `index.json` with the same checks as {@link readUpdateManifest}. */
export function readPlatformIndex(bytes: Uint8Array, opts: ReadOptions = {}): ReadResult<PlatformIndex> {
  return read(bytes, opts, (doc) => validateIndex(doc));
}

/** What a client with an installed version, OS version and format should install, if anything. */
export interface Pick {
  candidate: ManifestCandidate;
  file: ManifestCandidate['files'][number];
}

/**
 * The update a client takes from a manifest: the first (newest) candidate newer than the installed
 * version with a file of the client's format whose appversion and osversion ranges admit it.
 */
export function pickUpdate(manifest: UpdateManifest, client: { appversion: string; osversion?: string; format?: string }): Pick | undefined {
  for (const candidate of manifest.candidates) {
    if (!semver.gt(candidate.version, client.appversion)) continue;
    const file = candidate.files.find((f) =>
      (client.format === undefined || f.format === client.format)
      && semver.satisfies(client.appversion, f.appversion, { includePrerelease: true })
      && (client.osversion === undefined || f.osversion === '*' || satisfiesLoose(client.osversion, f.osversion)));
    if (file) return { candidate, file };
  }
  return undefined;
}

// --- internal ---

function satisfiesLoose(version: string, range: string): boolean {
  const v = semver.coerce(version, { includePrerelease: false });
  return v !== null && semver.satisfies(v, range, { includePrerelease: true });
}

type Freshness = { app: string; channel: string; os: string; arch: string; serial?: number; expires?: string };

function read<T extends Freshness>(bytes: Uint8Array, opts: ReadOptions, valid: (doc: unknown) => boolean): ReadResult<T> {
  const key = typeof opts.publicKey === 'string' ? createPublicKey(opts.publicKey) : opts.publicKey;
  const opened = openEnvelope<T>(bytes, key);
  if ('problem' in opened) return fail(opened.problem, describe(opened.problem));
  if (!valid(JSON.parse(Buffer.from(bytes).toString('utf8')))) return fail('schema', 'the document does not match its schema');
  const doc = opened.signed;
  for (const [k, want] of Object.entries(opts.expect ?? {})) {
    if (want !== undefined && doc[k as keyof Freshness] !== want) return fail('wrong-target', `the document is for ${k} "${String(doc[k as keyof Freshness])}", not "${want}"`);
  }
  if (key) {
    if (doc.serial === undefined || doc.expires === undefined) return fail('no-freshness', 'a signed document must carry serial and expires');
    const now = opts.now ?? new Date();
    if (Date.parse(doc.expires) <= now.getTime()) return fail('expired', `the document expired at ${doc.expires}`);
    if (opts.lastSerial !== undefined && doc.serial < opts.lastSerial) return fail('rollback', `serial ${doc.serial} is lower than ${opts.lastSerial}, seen before`);
  }
  return { ok: true, doc };
}

const fail = <T>(problem: ManifestProblem, detail: string): ReadResult<T> => ({ ok: false, problem, detail });

function describe(p: EnvelopeProblem): string {
  switch (p) {
    case 'not-json': return 'the document is not JSON';
    case 'not-canonical': return 'the document is not in canonical form (changed after signing?)';
    case 'unsigned': return 'the document carries no signature';
    case 'unknown-key': return 'no signature by the store key';
    case 'bad-signature': return 'the signature does not match the document';
  }
}
