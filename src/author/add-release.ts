// `release add` and `app register` as library verbs: the CLI reads the files the user names
// (archive, keys, notes, certificate) and hands their bytes in; the verb applies every rule
// and returns the edits, so a refused call changes nothing.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import type { ResolvedConfig } from '../config/index.js';
import { diag, Errors, StoreError, UsageError } from '../errors/index.js';
import { positionOf } from '../load/index.js';
import { sha256Hex } from '../util/hash.js';
import { displayPath } from '../util/paths.js';
import { loadPrivateKey, parseCertificates, signData } from '../verify/crypto.js';
import { registerApp, setDockerImage } from './app.js';
import { changelogSection } from './changelog.js';
import { requireApp, requireChannel, requirePlatform } from './context.js';
import { minisignField, sparkleSignature } from './feed-signatures.js';
import { addToRelease, createRelease, type EntryInput, type ReleaseInput } from './release.js';
import type { FileEdit, StoreEdit } from './store-edits.js';
import { openStore } from './verbs.js';

const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A file the user named, read by the caller: its path (as given) and bytes. */
export interface GivenFile {
  path: string;
  /** Its bytes (a caller may read them lazily, on first use). */
  readonly bytes: Uint8Array;
}

/** What `release add` is asked to write. */
export interface AddReleaseInput {
  app: string;
  version: string;
  /** Required for a new version; an existing (unmerged) one keeps its channels. */
  channels: string[];
  date?: string;
  dockerTag?: string;
  /** The app's docker image, set in app.yaml when it has none yet. */
  dockerImage?: string;
  /** Release notes as given (`--notes`). */
  notes?: GivenFile;
  /** A CHANGELOG.md to take the version's section from (`--changelog-from`). */
  changelog?: GivenFile;
  /** The archive to publish, with what describes it. */
  archive?: {
    file: GivenFile;
    oses: string[];
    archs: string[];
    format?: string;
    osversion?: string;
    appversion?: string;
    /** The app's private key (PEM): the archive gets its RSA-SHA512 signature. */
    key?: GivenFile;
    /** A Sparkle EdDSA key: the appcast gets `sparkle:edSignature`. */
    sparkleKey?: GivenFile;
    /** The Tauri signer's `.sig` of the archive. */
    minisign?: GivenFile;
  };
}

/** What `release add` did. */
export interface AddReleaseResult {
  /** The version was there already (not merged yet) and got another file. */
  updated: boolean;
  releaseFile: string;
  /** The archive's place in the store, when it was copied there. */
  copiedTo?: string;
  /** `os arch+arch` per new entry. */
  platforms: string[];
}

/**
 * `release add`: a new release file, or another file for a version not merged yet, with the
 * archive copied into the app folder and its size, sha256 and signatures recorded.
 */
export function addRelease(config: Pick<ResolvedConfig, 'root'>, input: AddReleaseInput): StoreEdit<AddReleaseResult> {
  const { app: id, version, channels, date, archive } = input;
  if (semver.valid(version) !== version) throw new StoreError(diag(Errors.InvalidSemver, [version, semver.valid(version) ?? undefined]));
  if (date !== undefined && (!DATE.test(date) || Number.isNaN(Date.parse(date)))) throw new StoreError(diag(Errors.InvalidDate, [date]));
  for (const [field, range] of [
    ['osversion', archive?.osversion],
    ['appversion', archive?.appversion],
  ] as const) {
    if (range !== undefined && semver.validRange(range) === null) throw new StoreError(diag(Errors.InvalidRange, [field, range]));
  }

  const ctx = openStore(config);
  const target = requireApp(ctx, id);
  for (const c of channels) requireChannel(ctx, c);
  for (const os of archive?.oses ?? []) requirePlatform(ctx, 'os', os);
  for (const arch of archive?.archs ?? []) requirePlatform(ctx, 'arch', arch);
  if (archive && !archive.key && ctx.store.trust.signaturesRequired) {
    throw new StoreError(
      diag(Errors.AuthorSignatureRequired, [id, version], { file: ctx.loaded.store?.file ?? `${ctx.display}/${ctx.store.storeFile}` }),
    );
  }
  if (target.app.locked)
    throw new StoreError(diag(Errors.AppLocked, [id, version], { file: target.source.file, ...positionOf(target.source, ['locked']) }));
  const loadedApp = ctx.loaded.apps.find((a) => a.folder === id)!;
  const existing = target.app.releases.find((r) => semver.eq(r.semver, version));
  const existingSource = existing && loadedApp.releases.find((r) => r.rel === existing.rel);
  const broken = !existing && loadedApp.releases.find((r) => path.posix.basename(r.rel).replace(/\.(ya?ml|json)$/, '') === version);
  if (broken) throw new StoreError(ctx.diagnostics.filter((d) => d.file === broken.file && d.severity === 'error'));
  if (!existing && !channels.length) throw new UsageError('--channel is required for a new release.');
  const image = input.dockerImage;
  if (image && target.app.docker && target.app.docker.image !== image) {
    throw new StoreError(
      diag(Errors.AuthorDockerImage, [image, target.app.docker.image], {
        file: target.source.file,
        ...positionOf(target.source, ['docker', 'image']),
      }),
    );
  }

  let changelog: string | undefined;
  if (input.notes) changelog = Buffer.from(input.notes.bytes).toString('utf8').trim() || undefined;
  if (input.changelog) {
    changelog = changelogSection(Buffer.from(input.changelog.bytes).toString('utf8'), version);
    if (!changelog)
      throw new StoreError(diag(Errors.AuthorChangelogSection, [input.changelog.path, version], { file: input.changelog.path }));
  }

  const appDir = path.join(ctx.loaded.root, 'apps', id);
  const entries: EntryInput[] = [];
  let copy: FileEdit | undefined;
  if (archive) {
    const { bytes } = archive.file;
    const text = (f: GivenFile) => Buffer.from(f.bytes).toString('utf8');
    const signature = archive.key ? signData(bytes, loadPrivateKey(text(archive.key), archive.key.path)) : undefined;
    const edSignature = archive.sparkleKey ? sparkleSignature(bytes, text(archive.sparkleKey), archive.sparkleKey.path) : undefined;
    const minisign = archive.minisign ? minisignField(archive.minisign.bytes, archive.minisign.path) : undefined;
    const name = path.basename(archive.file.path);
    const dest = path.join(appDir, 'files', name);
    const sha256 = sha256Hex(bytes);
    if (path.resolve(archive.file.path) !== dest) {
      if (existsSync(dest)) {
        if (sha256Hex(readFileSync(dest)) !== sha256)
          throw new StoreError(diag(Errors.AuthorFileExists, [displayPath(dest)], { file: displayPath(dest) }));
      } else copy = { path: dest, file: displayPath(dest), copyFrom: archive.file.path };
    }
    for (const os of archive.oses) {
      entries.push({
        os,
        architectures: archive.archs,
        osversion: archive.osversion,
        appversion: archive.appversion,
        format: archive.format,
        file: `files/${name}`,
        size: bytes.length,
        sha256,
        signature,
        edSignature,
        minisign,
      });
    }
  }

  const release = (entry?: EntryInput): ReleaseInput => ({ version, channels, date, changelog, dockerTag: input.dockerTag, entry });
  let releaseFile: string;
  let text: string;
  if (existingSource) {
    releaseFile = existingSource.abs;
    text = existingSource.text;
    for (const e of entries.length ? entries : [undefined]) text = addToRelease({ file: existingSource.file, text }, release(e));
  } else {
    releaseFile = path.join(appDir, 'releases', `${version}.yaml`);
    const header = schemaHeader(loadedApp.releases[0]?.text);
    text = createRelease(release(entries[0]), header);
    for (const e of entries.slice(1)) text = addToRelease({ file: displayPath(releaseFile), text }, release(e));
  }
  const edits: FileEdit[] = [
    ...(copy ? [copy] : []),
    ...(image && !target.app.docker
      ? [{ path: target.source.abs, file: target.source.file, text: setDockerImage(target.source, image) }]
      : []),
    { path: releaseFile, file: displayPath(releaseFile), text },
  ];
  return {
    edits,
    result: {
      updated: !!existingSource,
      releaseFile: displayPath(releaseFile),
      copiedTo: copy?.file,
      platforms: entries.map((e) => `${e.os} ${e.architectures.join('+')}`),
    },
  };
}

/** What `app register` is asked to write. */
export interface RegisterAppInput {
  app: string;
  /** The app certificate (PEM), issued by the store CA with CN = the app id. */
  certificate: GivenFile;
  /** The base64 RSA-SHA512 signature of the app id, or the app's key to make it. */
  signature: { base64: string } | { key: GivenFile };
  name?: string;
  owners: string[];
}

/** `app register`: the certificate beside app.yaml and `certificate` + `signature` in it (a new app.yaml when the app is new). */
export function registerAppFiles(
  config: Pick<ResolvedConfig, 'root'>,
  input: RegisterAppInput,
): StoreEdit<{ first: boolean; appFile: string; certificate: string; isNew: boolean }> {
  const { app: id } = input;
  parseCertificates(Buffer.from(input.certificate.bytes).toString('utf8'), input.certificate.path);
  const signature =
    'key' in input.signature
      ? signData(id, loadPrivateKey(Buffer.from(input.signature.key.bytes).toString('utf8'), input.signature.key.path))
      : input.signature.base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/=]+$/.test(signature))
    throw new UsageError('--signature must be a file holding base64 text, or the base64 text itself.');
  const ctx = openStore(config);
  const appDir = path.join(ctx.loaded.root, 'apps', id);
  const existing = ctx.loaded.apps.find((a) => a.folder === id)?.app;
  const sibling = ctx.loaded.apps.find((a) => a.app)?.app?.text;
  const text = registerApp(existing, {
    id,
    name: input.name,
    certificate: `${id}.crt`,
    signature,
    owners: input.owners,
    header: schemaHeader(sibling),
  });
  const certDest = path.join(appDir, `${id}.crt`);
  const appFile = existing?.abs ?? path.join(appDir, 'app.yaml');
  const edits: FileEdit[] = [
    ...(path.resolve(input.certificate.path) !== certDest
      ? [{ path: certDest, file: displayPath(certDest), copyFrom: input.certificate.path }]
      : []),
    { path: appFile, file: displayPath(appFile), text },
  ];
  // An app.yaml written by hand before its first registration has no signature yet: that is still the first.
  const before = (existing?.data as { signature?: unknown } | undefined)?.signature;
  return { edits, result: { first: !before, appFile: displayPath(appFile), certificate: displayPath(certDest), isNew: !existing } };
}

/** The first line of sibling files when it is the editor schema comment, to start new files the same way. */
function schemaHeader(text: string | undefined): string | undefined {
  const first = text?.split('\n', 1)[0];
  return first?.startsWith('# yaml-language-server:') ? first.slice(1) : undefined;
}
