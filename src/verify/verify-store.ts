import type { Cache } from '../cache/index.js';
import { X509Certificate, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { diag, Errors, StoreError, type Diagnostic, type Position } from '../errors/index.js';
import { listAppFolders, parseProblemDiagnostic, parseSource, readStoreText, storeFileDiagnostic } from '../load/index.js';
import type { ResolvedApp, ResolvedEntry, ResolvedRelease, ResolvedStore } from '../resolve/index.js';
import { compileValidator, revokedSchema, type RevokedFile } from '../schema/index.js';
import { displayPath } from '../util/paths.js';
import {
  isStoreFileProblem,
  readRegularFile,
  statStoreFile,
  storeRelative,
  type FolderMemo,
  type StoreFileStat,
} from '../util/store-files.js';
import { schemaDiagnostics } from '../validate/index.js';
import { VerifyCache } from './_cache.js';
import type { ArchiveResult, ArchiveTask } from './_check-archive.js';
import { checkArchives, type PoolOptions } from './_pool.js';
import {
  checkSignature,
  commonName,
  commonNames,
  decodeBase64,
  normalizeSerial,
  parseCertificates,
  sha512Hex,
  type SignatureCheck,
} from './crypto.js';

/** What verification found: problems, and which releases are fully signed. */
export interface TrustReport {
  diagnostics: Diagnostic[];
  /**
   * Whether every entry of the release carries a signature that verified with a trusted app
   * certificate: false for unsigned releases of a store with optional signatures; undefined
   * when not checked (a remote archive that was not fetched, or a release without archives).
   */
  signed: (app: string, version: string) => boolean | undefined;
  /**
   * The earliest time (ms since the epoch, later than `now`) at which this app's verification
   * could give another result by the passing of time alone, so a result kept for an unchanged
   * app must be redone from then on: its certificate's notBefore when still to come, and the
   * first millisecond after the notAfter of its certificate and of the store CAs (a certificate
   * is still valid during its notAfter). Undefined when none applies: the app has no certificate
   * that could be read and parsed, or every such time has passed.
   */
  changesAt: (app: string) => number | undefined;
  /** The certificate file the app's verification read, when its certificate is kept in a file (absolute path). */
  certificateFile: (app: string) => string | undefined;
  /** The app's certificate as PEM, when it could be read and parsed (the Nextcloud feed publishes it). */
  certificate: (app: string) => string | undefined;
  /** Base64 SHA-512 of an entry's archive whose size and sha256 matched (electron-updater's checksum); undefined when not checked. */
  sha512: (app: string, version: string, entry: number) => string | undefined;
}

/** Options of {@link verifyStore}. */
export interface VerifyOptions extends PoolOptions {
  /** Absolute path of an entry's archive bytes: the committed file, or the verified download; undefined when not available. */
  archivePath: (entry: ResolvedEntry) => string | undefined;
  /** The run's cache (src/cache), or its folder; nothing is cached when neither is given. */
  cache?: Cache;
  cacheDir?: string;
  /** The time certificates are checked against. @default now */
  now?: Date;
}

/**
 * Checks the store CA, every app certificate (chain, CN, revocation, validity), the registration
 * signatures, and every archive's size, sha256 and RSA-SHA512 signature. Reports every problem;
 * signatures that verified before are taken from the cache, the rest are checked in parallel.
 */
export async function verifyStore(store: ResolvedStore, opts: VerifyOptions): Promise<TrustReport> {
  const now = opts.now ?? new Date();
  const out: Diagnostic[] = [];
  const texts = new SourceLines(store.limits.storeFileSize);
  const cas = loadCa(store, now, texts, out);
  const revoked = loadRevocations(store, texts, out);
  const trusts = store.apps.map((app) => checkApp(app, store, cas, revoked, now, texts, out));

  const cache = new VerifyCache(opts.cache ?? opts.cacheDir);
  const folders: FolderMemo = new Map();
  const states = new Map<string, ReleaseState>();
  const jobs: EntryJob[] = [];
  for (const trust of trusts) {
    for (const release of trust.app.releases) {
      checkReleaseDate(trust, release, texts, out);
      const state: ReleaseState = { entries: release.entries.length, unsigned: !trust.trusted, unchecked: false };
      states.set(releaseKey(trust.app.id, release.version), state);
      for (const entry of release.entries) {
        const job = planEntry(trust, release, entry, store, opts, cache, folders, out);
        if (job) jobs.push({ ...job, state });
        else state.unchecked = true;
      }
    }
  }

  const pending = jobs.filter((j) => j.task);
  const certs = Object.fromEntries(trusts.flatMap((t) => (t.cert && t.fingerprint ? [[t.fingerprint, t.cert.toString()]] : [])));
  const results = await checkArchives(
    pending.map((j) => j.task!),
    certs,
    opts,
  );
  pending.forEach((j, i) => (j.result = results[i]));

  const wrongKey = new Map<AppTrust, Set<string>>();
  const sha512 = new Map<string, string>();
  for (const job of jobs) {
    const r = job.result;
    if (r?.sha512 && r.size === job.entry.size && r.sha256 === job.entry.sha256)
      sha512.set(`${releaseKey(job.trust.app.id, job.release.version)}\u0000${job.entry.index}`, r.sha512);
    if (!concludeEntry(job, cache, out, wrongKey)) job.state!.unsigned = true;
    if (job.otherKey) addTo(wrongKey, job.trust, job.release.version);
  }
  for (const [trust, versions] of wrongKey) {
    const changed = changedByCertificate(trust, versions, states);
    if (changed.length) out.push(diag(Errors.CertChanged, [trust.app.id, changed.join(', ')], trust.certAt));
  }
  // Every app checked keeps only what it used (one whose archives are all gone, nothing). Shards of
  // apps with no folder left are deleted whether or not this run covered the whole store.
  for (const trust of trusts) cache.touch(trust.app.id);
  if (opts.cache ?? opts.cacheDir) cache.save({ apps: store.apps.map((a) => a.id), folders: listAppFolders(store.root) });
  const changes = new Map<string, number>();
  for (const trust of trusts) {
    const at = trust.cert ? changeTime(trust.cert, cas ?? [], now) : undefined;
    const known = changes.get(trust.app.id);
    if (at !== undefined && (known === undefined || at < known)) changes.set(trust.app.id, at);
  }
  const signed = (app: string, version: string): boolean | undefined => {
    const state = states.get(releaseKey(app, version));
    if (!state?.entries) return undefined;
    return state.unsigned ? false : state.unchecked ? undefined : true;
  };
  const certFiles = new Map(trusts.flatMap((t) => (t.certFile ? [[t.app.id, t.certFile] as const] : [])));
  const pems = new Map(trusts.flatMap((t) => (t.cert ? [[t.app.id, t.cert.toString()] as const] : [])));
  return {
    diagnostics: out,
    signed,
    changesAt: (app) => changes.get(app),
    certificateFile: (app) => certFiles.get(app),
    certificate: (app) => pems.get(app),
    sha512: (app, version, entry) => sha512.get(`${releaseKey(app, version)}\u0000${entry}`),
  };
}

// --- internal ---

/**
 * The first time after `now` at which the app certificate becomes valid or one of the
 * certificates expires. notBefore is compared with `>` and notAfter with `<` (checkApp, loadCa),
 * so a result changes at notBefore itself and one millisecond after notAfter. A CA's notBefore
 * is not checked, so it changes nothing.
 */
function changeTime(cert: X509Certificate, cas: readonly X509Certificate[], now: Date): number | undefined {
  const expiry = (c: X509Certificate) => new Date(c.validTo).getTime() + 1;
  const times = [new Date(cert.validFrom).getTime(), expiry(cert), ...cas.map(expiry)].filter((t) => t > now.getTime());
  return times.length ? Math.min(...times) : undefined;
}

const releaseKey = (app: string, version: string) => `${app}\u0000${version}`;

/** Whether a release is fully signed, as its entries are checked. */
interface ReleaseState {
  entries: number;
  /** An entry has no verified signature, or the certificate is not trusted. */
  unsigned: boolean;
  /** An entry's bytes were not available (remote, not fetched). */
  unchecked: boolean;
}

/** Reads source files once and finds the line of a top-level key, for precise positions. */
class SourceLines {
  readonly #texts = new Map<string, string[]>();

  constructor(readonly limit: number) {}

  at(abs: string, shown: string, key?: string): Position {
    if (!key) return { file: shown };
    let lines = this.#texts.get(abs);
    if (!lines) {
      // Only store files that loading already read as regular files get here; the read is still confined.
      const read = readRegularFile(abs, this.limit);
      lines = isStoreFileProblem(read) ? [] : read.bytes.toString('utf8').split('\n');
      this.#texts.set(abs, lines);
    }
    const i = lines.findIndex((l) => l.startsWith(`${key}:`));
    return i < 0 ? { file: shown } : { file: shown, line: i + 1, column: 1 };
  }
}

/** Diagnostics of a StoreError thrown while reading PEM, moved to where the PEM is. */
function placed(e: unknown, at: Position): Diagnostic[] {
  if (!(e instanceof StoreError)) throw e;
  return e.diagnostics.map((d) => ({ ...d, ...at }));
}

function loadCa(store: ResolvedStore, now: Date, texts: SourceLines, out: Diagnostic[]): X509Certificate[] | undefined {
  const storeYaml = path.join(store.root, store.storeFile);
  const needed = store.trust.signaturesRequired || store.apps.some((a) => a.certificate || a.signature);
  if (!store.trust.ca) {
    if (needed) out.push(diag(Errors.CaNotConfigured, [], texts.at(storeYaml, displayPath(storeYaml), 'trust')));
    return undefined;
  }
  const at = texts.at(storeYaml, displayPath(storeYaml), 'trust');
  const rel = storeRelative('', store.trust.ca);
  if (rel === undefined) {
    out.push(diag(Errors.PathOutsideStore, ['trust.ca', store.trust.ca], at));
    return undefined;
  }
  const shown = displayPath(path.join(store.root, rel));
  const pem = readStoreText(store.root, rel, store.limits.storeFileSize, out, {
    at,
    what: 'a certificate',
    missing: () => diag(Errors.CaNotFound, [shown], at),
  });
  if (pem === undefined) return undefined;
  let cas: X509Certificate[];
  try {
    cas = parseCertificates(pem, shown);
  } catch (e) {
    out.push(...placed(e, { file: shown }));
    return undefined;
  }
  for (const ca of cas) {
    if (!ca.ca) out.push(diag(Errors.CaNotCa, [shown, oneLine(ca.subject)], { file: shown }));
    else if (new Date(ca.validTo) < now) out.push(diag(Errors.CaExpired, [shown, isoDay(ca.validTo)], { file: shown }));
  }
  const usable = cas.filter((c) => c.ca);
  return usable.length ? usable : undefined;
}

interface Revocation {
  reason: string;
  date: string;
}

const validateRevoked = compileValidator<RevokedFile>(revokedSchema);

function loadRevocations(store: ResolvedStore, texts: SourceLines, out: Diagnostic[]): Map<string, Revocation> {
  const map = new Map<string, Revocation>();
  if (!store.trust.revoked) return map;
  const storeYaml = path.join(store.root, store.storeFile);
  const at = texts.at(storeYaml, displayPath(storeYaml), 'trust');
  const rel = storeRelative('', store.trust.revoked);
  if (rel === undefined) {
    out.push(diag(Errors.PathOutsideStore, ['trust.revoked', store.trust.revoked], at));
    return map;
  }
  const abs = path.join(store.root, rel);
  const shown = displayPath(abs);
  const text = readStoreText(store.root, rel, store.limits.storeFileSize, out, {
    at,
    missing: () => diag(Errors.RevokedNotFound, [shown], at),
  });
  if (text === undefined) return map;
  // Serials are hex: an unquoted 1234 must stay the text it is.
  const parsed = parseSource(text, false, { allText: true });
  if (parsed.problems.length) {
    for (const p of parsed.problems) out.push(parseProblemDiagnostic(p, shown));
    return map;
  }
  const source = {
    kind: 'store' as const,
    file: shown,
    rel,
    abs,
    text,
    data: parsed.data,
    doc: parsed.doc,
    lineCounter: parsed.lineCounter,
  };
  // An empty file (only comments) means nothing is revoked.
  if (parsed.data === null || parsed.data === undefined) return map;
  if (!validateRevoked(parsed.data)) {
    out.push(...schemaDiagnostics(source, validateRevoked.errors ?? []));
    return map;
  }
  for (const r of parsed.data.revoked) map.set(normalizeSerial(r.serial), { reason: r.reason, date: r.date.slice(0, 10) });
  return map;
}

/** An app's certificate as far as it could be checked. */
interface AppTrust {
  app: ResolvedApp;
  /** Absolute store folder. */
  root: string;
  /** Absolute path of the certificate, when it is kept in a file. */
  certFile?: string;
  cert?: X509Certificate;
  key?: KeyObject;
  /** sha256 fingerprint: the certificate's id in the cache and the worker table. */
  fingerprint?: string;
  /** How messages name the certificate: its file, or app.yaml for inline PEM. */
  certLabel: string;
  certAt: Position;
  /** Chains to the store CA, CN = id, not revoked, currently valid or merely expired. */
  trusted: boolean;
  /** notAfter, when the certificate has expired. */
  expired?: Date;
  /** sha512 → archive (display path), to name the file another signature really signed. */
  digests?: Map<string, string>;
}

function checkApp(
  app: ResolvedApp,
  store: ResolvedStore,
  cas: X509Certificate[] | undefined,
  revoked: Map<string, Revocation>,
  now: Date,
  texts: SourceLines,
  out: Diagnostic[],
): AppTrust {
  const appAbs = path.join(store.root, app.rel);
  const certAt = texts.at(appAbs, app.at.file, 'certificate');
  const trust: AppTrust = { app, root: store.root, certLabel: app.at.file, certAt, trusted: false };
  const hasSignatures = !!app.signature || app.releases.some((r) => r.entries.some((e) => e.signature));
  if (!app.certificate) {
    if (store.trust.signaturesRequired)
      out.push(diag(Errors.CertMissing, [app.id, 'and store.yaml requires signatures'], texts.at(appAbs, app.at.file, 'id')));
    else if (hasSignatures)
      out.push(diag(Errors.CertMissing, [app.id, 'so its signatures cannot be checked'], texts.at(appAbs, app.at.file, 'id')));
    return trust;
  }
  let pem = app.certificate;
  if (!/-----BEGIN/.test(pem)) {
    const rel = storeRelative(path.posix.dirname(app.rel), pem);
    if (rel === undefined) {
      out.push(diag(Errors.PathOutsideStore, ['certificate', pem], certAt));
      return trust;
    }
    const abs = path.join(store.root, rel);
    trust.certFile = abs;
    trust.certLabel = displayPath(abs);
    const text = readStoreText(store.root, rel, store.limits.storeFileSize, out, {
      at: certAt,
      what: 'a certificate',
      missing: () => diag(Errors.CertNotFound, [app.id, trust.certLabel], certAt),
    });
    if (text === undefined) return trust;
    pem = text;
    trust.certAt = { file: trust.certLabel };
  }
  const problems: Diagnostic[] = [];
  try {
    trust.cert = parseCertificates(pem, trust.certLabel)[0]!;
  } catch (e) {
    out.push(...placed(e, trust.certAt));
    return trust;
  }
  const cert = trust.cert;
  trust.key = cert.publicKey;
  trust.fingerprint = cert.fingerprint256;
  const at = trust.certAt;
  if (trust.key.asymmetricKeyType !== 'rsa')
    problems.push(diag(Errors.KeyNotRsa, [trust.certLabel, trust.key.asymmetricKeyType ?? 'unknown'], at));
  if (cert.subject === cert.issuer && cert.verify(cert.publicKey)) {
    problems.push(diag(Errors.CertSelfSigned, [app.id, oneLine(cert.subject)], at));
  } else if (cas && !cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) {
    problems.push(
      diag(Errors.CertUntrusted, [app.id, cnOf(cert.issuer), cas.map((c) => commonName(c) ?? oneLine(c.subject)).join('" or "')], at),
    );
  }
  const cns = commonNames(cert);
  if (cns.length !== 1 || cns[0] !== app.id)
    problems.push(diag(Errors.CertCnMismatch, [app.id, cns.length ? cns.join('", "') : '(none)'], at));
  const revocation = revoked.get(normalizeSerial(cert.serialNumber));
  if (revocation)
    problems.push(diag(Errors.CertRevoked, [app.id, normalizeSerial(cert.serialNumber), revocation.date, revocation.reason], at));
  if (new Date(cert.validFrom) > now) problems.push(diag(Errors.CertNotYetValid, [app.id, isoDay(cert.validFrom)], at));
  if (new Date(cert.validTo) < now) {
    trust.expired = new Date(cert.validTo);
    out.push(diag(Errors.CertExpired, [app.id, isoDay(cert.validTo)], at));
  }
  out.push(...problems);
  trust.trusted = !problems.length && !!cas;
  checkRegistration(trust, store, texts, out);
  return trust;
}

function checkRegistration(trust: AppTrust, store: ResolvedStore, texts: SourceLines, out: Diagnostic[]): void {
  const { app } = trust;
  const appAbs = path.join(store.root, app.rel);
  if (!app.signature) {
    if (store.trust.signaturesRequired)
      out.push(diag(Errors.SignatureMissing, [`The registration of "${app.id}" (app.yaml)`], texts.at(appAbs, app.at.file, 'certificate')));
    return;
  }
  if (!trust.key) return;
  const at = texts.at(appAbs, app.at.file, 'signature');
  const check = checkSignature(app.id, app.signature, trust.key);
  if (check.ok) return;
  out.push(
    signatureProblem(check, `the app id "${app.id}" (registration)`, trust, at, (sha512) => {
      if (sha512 === sha512Hex(`${app.id}\n`))
        return `it signs "${app.id}" followed by a newline; sign the id without one (\`echo -n ${app.id}\` or \`appshelf sign --text ${app.id}\`)`;
      const file = archiveDigests(trust).get(sha512);
      return file
        ? `it is the signature of the archive ${file}, not of the app id`
        : `it signs something other than the app id "${app.id}"`;
    }),
  );
  if (check.kind === 'wrong-key') trust.trusted = false;
}

function checkReleaseDate(trust: AppTrust, release: ResolvedRelease, texts: SourceLines, out: Diagnostic[]): void {
  if (!trust.expired || !release.date || !release.entries.length) return;
  const date = new Date(release.date);
  if (Number.isNaN(date.getTime()) || date <= trust.expired) return;
  const abs = path.join(trust.root, release.rel);
  out.push(
    diag(
      Errors.CertExpiredForRelease,
      [trust.app.id, release.version, release.date, isoDay(trust.expired.toISOString())],
      texts.at(abs, release.at.file, 'date'),
    ),
  );
}

/** One archive to check and, after the pool ran, what was found. */
interface EntryJob {
  trust: AppTrust;
  release: ResolvedRelease;
  entry: ResolvedEntry;
  abs: string;
  shown: string;
  /** Signature to verify (valid base64 of the right length, certificate usable). */
  signature?: string;
  /** Undefined when the cache already answered. */
  task?: ArchiveTask;
  result?: ArchiveResult;
  /** The release carries no usable signature for this entry (missing, malformed, or no certificate). */
  unsigned: boolean;
  /** The signature has the length of another key size: counted as a certificate change. */
  otherKey?: boolean;
  state?: ReleaseState;
}

function planEntry(
  trust: AppTrust,
  release: ResolvedRelease,
  entry: ResolvedEntry,
  store: ResolvedStore,
  opts: VerifyOptions,
  cache: VerifyCache,
  folders: FolderMemo,
  out: Diagnostic[],
): EntryJob | undefined {
  const abs = opts.archivePath(entry);
  if (!abs) {
    if (entry.url) out.push(diag(Errors.ArchiveNotFetched, [entry.url], entry.at));
    return undefined;
  }
  const shown = entry.file ? displayPath(path.join(store.root, entry.file)) : (entry.url ?? displayPath(abs));
  const what = `${shown} (${trust.app.id} ${release.version})`;
  const job: EntryJob = { trust, release, entry, abs, shown, unsigned: true };
  if (!entry.signature) {
    if (store.trust.signaturesRequired) out.push(forRelease(release, diag(Errors.SignatureMissing, [what], entry.at)));
  } else if (trust.key) {
    const decoded = decodeBase64(entry.signature);
    const expected = Math.ceil((trust.key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
    if ('reason' in decoded)
      out.push(forRelease(release, diag(Errors.SignatureNotBase64, [what, decoded.reason], entry.fieldAt.signature)));
    else if (decoded.bytes.length !== expected) {
      out.push(forRelease(release, diag(Errors.SignatureLength, [what, decoded.bytes.length, expected], entry.fieldAt.signature)));
      // A whole signature of another key size (2048/3072/4096 bits) means another key made it.
      job.otherKey = !release.yanked && decoded.bytes.length % 128 === 0;
    } else {
      job.signature = entry.signature;
      job.unsigned = false;
    }
  }
  let seen: StoreFileStat | undefined;
  if (entry.file) {
    // Resolve confined entry.file to the app folder; here the disk is looked at without following links.
    const st = statStoreFile(store.root, entry.file, folders);
    if (isStoreFileProblem(st)) {
      out.push(
        storeFileDiagnostic(st, store.root, entry.file, entry.at, 'an archive', () => diag(Errors.ArchiveNotFound, [shown], entry.at)),
      );
      return undefined;
    }
    if (st.size > store.limits.archiveSize) {
      out.push(diag(Errors.ArchiveTooLarge, [shown, st.size, store.limits.archiveSize], entry.at));
      return undefined;
    }
    seen = st;
  }
  const app = trust.app.id;
  const known = cache.knownSha256(app, abs, seen);
  const fp = trust.fingerprint ?? '';
  if (
    known &&
    known.size === entry.size &&
    known.sha256 === entry.sha256 &&
    (!job.signature || cache.isVerified(app, known.sha256, fp, job.signature))
  ) {
    job.result = { size: known.size, sha256: known.sha256, sha512: known.sha512, signatureOk: job.signature ? true : undefined };
  } else {
    job.task = {
      path: abs,
      size: entry.size,
      sha256: entry.sha256,
      signature: job.signature,
      cert: job.signature ? fp : undefined,
      limit: store.limits.archiveSize,
    };
  }
  return job;
}

/** Turns one archive's result into diagnostics; true when the entry is fully verified and signed. */
function concludeEntry(job: EntryJob, cache: VerifyCache, out: Diagnostic[], wrongKey: Map<AppTrust, Set<string>>): boolean {
  const { entry, result, shown, trust } = job;
  if (!result) return false;
  if (result.problem) {
    out.push(
      entry.file
        ? storeFileDiagnostic(result.problem, trust.root, entry.file, entry.at, 'an archive', () =>
            diag(Errors.ArchiveNotFound, [shown], entry.at),
          )
        : result.problem.kind === 'missing'
          ? diag(Errors.ArchiveNotFound, [shown], entry.at)
          : diag(Errors.ReadFailed, [shown, result.problem.kind], entry.at),
    );
    return false;
  }
  cache.rememberFile(trust.app.id, job.abs, result.sha256!, result.sha512!);
  if (result.size !== entry.size) {
    out.push(diag(Errors.ArchiveSize, [shown, result.size!, entry.size], entry.fieldAt.size));
    return false;
  }
  if (result.sha256 !== entry.sha256) {
    out.push(diag(Errors.ArchiveSha256, [shown, result.sha256!, entry.sha256], entry.fieldAt.sha256));
    return false;
  }
  if (!job.signature || job.unsigned) return false;
  if (result.signatureOk) {
    cache.rememberVerified(trust.app.id, entry.sha256, trust.fingerprint!, job.signature);
    return true;
  }
  const bytes = readRegularFile(job.abs, Number.MAX_SAFE_INTEGER);
  if (isStoreFileProblem(bytes)) return false;
  const check = checkSignature(bytes.bytes, job.signature, trust.key!);
  if (check.ok) return true;
  const what = `${shown} (${trust.app.id} ${job.release.version})`;
  const problem = signatureProblem(check, what, trust, entry.fieldAt.signature, (sha512) => {
    if (sha512 === sha512Hex(trust.app.id)) return 'it is the registration signature (over the app id), not a signature of the archive';
    const other = archiveDigests(trust).get(sha512);
    // A signature of this very archive cannot fail, so a match is always another file.
    return other ? `it is the signature of ${other}` : 'it was made for a different file (or another build of this one)';
  });
  out.push(forRelease(job.release, problem));
  if (check.kind === 'wrong-key' && !job.release.yanked) addTo(wrongKey, trust, job.release.version);
  return false;
}

/**
 * A signature problem of a yanked release is only a warning: it is served to no one, and a
 * released version may never be deleted, so after a certificate change yanking is the way out
 * for a release that cannot be re-signed.
 */
function forRelease(release: ResolvedRelease, d: Diagnostic): Diagnostic {
  return release.yanked ? { ...d, severity: 'warning' } : d;
}

function signatureProblem(
  check: Exclude<SignatureCheck, { ok: true }>,
  what: string,
  trust: AppTrust,
  at: Position,
  otherData: (sha512: string) => string,
): Diagnostic {
  switch (check.kind) {
    case 'not-base64':
      return diag(Errors.SignatureNotBase64, [what, check.reason], at);
    case 'length':
      return diag(Errors.SignatureLength, [what, check.bytes, check.expected], at);
    case 'wrong-key':
      return diag(Errors.SignatureWrongKey, [what, trust.certLabel], at);
    case 'digest':
      return diag(Errors.SignatureDigest, [what, check.digest], at);
    case 'other-data':
      return diag(Errors.SignatureOtherData, [what, otherData(check.signedSha512)], at);
  }
}

/** sha512 → archive of the app's committed archives, computed only to explain a failed signature. */
function archiveDigests(trust: AppTrust): Map<string, string> {
  if (trust.digests) return trust.digests;
  trust.digests = new Map();
  for (const release of trust.app.releases) {
    for (const e of release.entries) {
      if (!e.file || isStoreFileProblem(statStoreFile(trust.root, e.file))) continue;
      const read = readRegularFile(path.join(trust.root, e.file), Number.MAX_SAFE_INTEGER);
      if (!isStoreFileProblem(read)) trust.digests.set(sha512Hex(read.bytes), displayPath(path.join(trust.root, e.file)));
    }
  }
  return trust.digests;
}

/**
 * The wrong-key releases that a certificate change explains: those older than every release that
 * verifies with the current certificate (all of them when none does). A release newer than one
 * that verifies was simply signed with another key: its own E_SIGNATURE_WRONG_KEY says so, and
 * claiming a certificate change that did not happen would send its author the wrong way.
 */
function changedByCertificate(trust: AppTrust, versions: ReadonlySet<string>, states: ReadonlyMap<string, ReleaseState>): string[] {
  const verified = trust.app.releases.filter((r) => {
    const state = states.get(releaseKey(trust.app.id, r.version));
    return state && state.entries > 0 && !state.unsigned && !state.unchecked;
  });
  const oldest = verified.reduce<ResolvedRelease | undefined>((a, r) => (!a || r.semver.compare(a.semver) < 0 ? r : a), undefined);
  return trust.app.releases
    .filter((r) => versions.has(r.version) && (!oldest || r.semver.compare(oldest.semver) < 0))
    .map((r) => r.version);
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key) ?? new Set<V>();
  set.add(value);
  map.set(key, set);
}

const isoDay = (date: string): string => new Date(date).toISOString().slice(0, 10);

/** A distinguished name on one line (X509Certificate puts one attribute per line). */
const oneLine = (dn: string): string => dn.replace(/\n/g, ', ');

const cnOf = (dn: string): string =>
  dn
    .split('\n')
    .find((l) => l.startsWith('CN='))
    ?.slice(3) ?? oneLine(dn);
