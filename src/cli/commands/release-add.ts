import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { addToRelease, authorContext, writeEdits, changelogSection, createRelease, minisignField, requireApp, requireChannel, requirePlatform, setDockerImage, sparkleSignature, type EntryInput, type ReleaseInput } from '../../author/index.js';
import { diag, Errors, StoreError, UsageError } from '../../errors/index.js';
import { loadStore, positionOf } from '../../load/index.js';
import { sha256Hex } from '../../util/hash.js';
import { displayPath } from '../../util/paths.js';
import { loadPrivateKey, signData } from '../../verify/crypto.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';
import { readInput, schemaHeader } from './app-register.js';

const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Values of a repeatable option, with comma lists split: `--arch x86 --arch x86-64` = `--arch x86,x86-64`. */
const list = (v: unknown): string[] => ((v as string[] | undefined) ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);

export const command: Command = {
  name: 'release add',
  usage: `Usage: appshelf release add APP VERSION --channel C... [--file F --os OS --arch ARCH...]
                           [--archive-format FMT] [--os-version RANGE] [--app-version RANGE]
                           [--notes FILE | --changelog-from CHANGELOG.md] [--key KEY]
                           [--sparkle-key KEY] [--minisign FILE.sig]
                           [--docker-tag TAG [--docker-image IMAGE]] [--date ISO] [--store DIR]

Writes apps/APP/releases/VERSION.yaml. With --file, copies the archive into
apps/APP/files/, and records its size, sha256 and (with --key) its RSA-SHA512
signature as one entry per --os. Run it once per platform: when VERSION exists but
is not yet merged, the new file is added to it (a file for the same os, architecture
and format is refused). Merged versions are immutable: the pull-request check
refuses any change to their files.

Release notes come from --notes (e.g. the notes semantic-release generated) or from
the section of VERSION in a CHANGELOG.md (Keep a Changelog or semantic-release style).

Options:
  --channel C          channel(s) of the release (repeatable or comma list; required for a new release)
  --file F             the archive to publish
  --os OS              operating system of the file: linux, osx, windows … (repeatable)
  --arch ARCH          architectures: x86, x86-64, arm64 … (repeatable or comma list)
  --archive-format FMT zip, gz, msi, dmg … (default: the file extension)
  --os-version RANGE   OS versions the file runs on, e.g. ">=10.13" (default: any)
  --app-version RANGE  installed versions that may update to it, e.g. ">=1.2.0" (default: any)
  --notes FILE         markdown release notes
  --changelog-from MD  take the notes from VERSION's section of this CHANGELOG.md
  --key KEY            sign the archive with the app's private key (PEM; keep it out of git)
  --sparkle-key KEY    also sign it for Sparkle (EdDSA key from generate_keys -x, or Ed25519 PEM):
                       the appcast then carries sparkle:edSignature (docs/feeds.md)
  --minisign FILE.sig  the Tauri signer's signature of the file, for the Tauri feed
  --docker-tag TAG     docker tag of the release (docker-image apps)
  --docker-image IMG   the app's docker image; set in app.yaml when it has none yet
  --date ISO           release date (default: when the release lands in git)
  --store DIR          the store folder (default: store)
  -h, --help           show this help

Old spellings, accepted until the next release with a warning: --format (now
--archive-format), --osversion (--os-version), --appversion (--app-version).

Examples:
  appshelf release add shelfnotes 1.6.0 --channel beta --file dist/shelfnotes.zip \\
      --os windows --arch x86,x86-64 --key shelfnotes.key --changelog-from CHANGELOG.md
  appshelf release add cockpit 2.2.0 --channel stable --docker-tag v2.2.0 --notes notes.md`,
  options: {
    channel: { type: 'string', multiple: true },
    file: { type: 'string' },
    os: { type: 'string', multiple: true },
    arch: { type: 'string', multiple: true },
    'archive-format': { type: 'string' },
    'os-version': { type: 'string' },
    'app-version': { type: 'string' },
    format: { type: 'string' },
    osversion: { type: 'string' },
    appversion: { type: 'string' },
    notes: { type: 'string' },
    'changelog-from': { type: 'string' },
    key: { type: 'string' },
    'sparkle-key': { type: 'string' },
    minisign: { type: 'string' },
    'docker-tag': { type: 'string' },
    'docker-image': { type: 'string' },
    date: { type: 'string' },
    store: { type: 'string' },
  },
  renamed: { format: 'archive-format', osversion: 'os-version', appversion: 'app-version' },
  positionals: [2, 2],
  async run(args) {
    const [id, version] = args.positionals as [string, string];
    const channels = list(args.values.channel);
    const oses = list(args.values.os);
    const archs = list(args.values.arch);
    const file = str(args, 'file');
    const dockerTag = str(args, 'docker-tag');
    const notesFile = str(args, 'notes');
    const changelogFile = str(args, 'changelog-from');
    if (file && (!oses.length || !archs.length)) throw new UsageError('--file needs --os and --arch.');
    if (!file && (oses.length || archs.length || str(args, 'key') || str(args, 'sparkle-key') || str(args, 'minisign'))) throw new UsageError('--os, --arch, --key, --sparkle-key and --minisign describe a --file; give the file too.');
    if (notesFile && changelogFile) throw new UsageError('Give --notes or --changelog-from, not both.');
    if (semver.valid(version) !== version) throw new StoreError(diag(Errors.InvalidSemver, [version, semver.valid(version) ?? undefined]));
    const date = str(args, 'date');
    if (date !== undefined && (!DATE.test(date) || Number.isNaN(Date.parse(date)))) throw new StoreError(diag(Errors.InvalidDate, [date]));
    for (const [field, flag] of [['osversion', 'os-version'], ['appversion', 'app-version']] as const) {
      const r = str(args, flag);
      if (r !== undefined && semver.validRange(r) === null) throw new StoreError(diag(Errors.InvalidRange, [field, r]));
    }

    const config = storeConfig(args);
    const { storeDir } = config;
    const ctx = authorContext(loadStore(storeDir), displayPath(path.resolve(storeDir)));
    const target = requireApp(ctx, id);
    for (const c of channels) requireChannel(ctx, c);
    for (const os of oses) requirePlatform(ctx, 'os', os);
    for (const arch of archs) requirePlatform(ctx, 'arch', arch);
    if (file && !str(args, 'key') && ctx.store.trust.signaturesRequired) {
      throw new StoreError(diag(Errors.AuthorSignatureRequired, [id, version], { file: ctx.loaded.store?.file ?? `${ctx.display}/store.yaml` }));
    }
    if (target.app.locked) throw new StoreError(diag(Errors.AppLocked, [id, version], { file: target.source.file, ...positionOf(target.source, ['locked']) }));
    const loadedApp = ctx.loaded.apps.find((a) => a.folder === id)!;
    const existing = target.app.releases.find((r) => semver.eq(r.semver, version));
    const existingSource = existing && loadedApp.releases.find((r) => r.rel === existing.rel);
    const broken = !existing && loadedApp.releases.find((r) => path.posix.basename(r.rel).replace(/\.(ya?ml|json)$/, '') === version);
    if (broken) throw new StoreError(ctx.diagnostics.filter((d) => d.file === broken.file && d.severity === 'error'));
    if (!existing && !channels.length) throw new UsageError('--channel is required for a new release.');

    const image = str(args, 'docker-image');
    if (image && target.app.docker && target.app.docker.image !== image) {
      throw new StoreError(diag(Errors.AuthorDockerImage, [image, target.app.docker.image], { file: target.source.file, ...positionOf(target.source, ['docker', 'image']) }));
    }

    let changelog: string | undefined;
    if (notesFile) changelog = readInput(notesFile).toString('utf8').trim() || undefined;
    if (changelogFile) {
      changelog = changelogSection(readInput(changelogFile).toString('utf8'), version);
      if (!changelog) throw new StoreError(diag(Errors.AuthorChangelogSection, [changelogFile, version], { file: changelogFile }));
    }

    const appDir = path.join(ctx.loaded.root, 'apps', id);
    const entries: EntryInput[] = [];
    let copy: { from: string; to: string } | undefined;
    if (file) {
      const bytes = readInput(file);
      const keyFile = str(args, 'key');
      const signature = keyFile ? signData(bytes, loadPrivateKey(readInput(keyFile).toString('utf8'), keyFile)) : undefined;
      const sparkleKey = str(args, 'sparkle-key');
      const edSignature = sparkleKey ? sparkleSignature(bytes, readInput(sparkleKey).toString('utf8'), sparkleKey) : undefined;
      const sigFile = str(args, 'minisign');
      const minisign = sigFile ? minisignField(readInput(sigFile), sigFile) : undefined;
      const dest = path.join(appDir, 'files', path.basename(file));
      if (path.resolve(file) !== dest) {
        if (existsSync(dest)) {
          if (sha256Hex(readFileSync(dest)) !== sha256Hex(bytes)) throw new StoreError(diag(Errors.AuthorFileExists, [displayPath(dest)], { file: displayPath(dest) }));
        } else copy = { from: file, to: dest };
      }
      for (const os of oses) {
        entries.push({
          os,
          architectures: archs,
          osversion: str(args, 'os-version'),
          appversion: str(args, 'app-version'),
          format: str(args, 'archive-format'),
          file: `files/${path.basename(file)}`,
          size: bytes.length,
          sha256: sha256Hex(bytes),
          signature,
          edSignature,
          minisign,
        });
      }
    }

    const input = (entry?: EntryInput): ReleaseInput => ({ version, channels, date, changelog, dockerTag, entry });
    let releaseFile: string;
    let text: string;
    if (existingSource) {
      releaseFile = existingSource.abs;
      text = existingSource.text;
      for (const e of entries.length ? entries : [undefined]) text = addToRelease({ file: existingSource.file, text }, input(e));
    } else {
      releaseFile = path.join(appDir, 'releases', `${version}.yaml`);
      const header = schemaHeader(loadedApp.releases[0]?.text);
      text = createRelease(input(entries[0]), header);
      for (const e of entries.slice(1)) text = addToRelease({ file: displayPath(releaseFile), text }, input(e));
    }
    // Files are written only once every check passed, and then together, so a refused or failed
    // command leaves the store as it was.
    writeEdits([
      ...(copy ? [{ path: copy.to, file: displayPath(copy.to), copyFrom: copy.from }] : []),
      ...(image && !target.app.docker ? [{ path: target.source.abs, file: target.source.file, text: setDockerImage(target.source, image) }] : []),
      { path: releaseFile, file: displayPath(releaseFile), text },
    ]);
    const what = entries.map((e) => `${e.os} ${e.architectures.join('+')}`).join(', ');
    args.io.out(`✓ ${existingSource ? 'updated' : 'added'} ${id} ${version}${what ? ` (${what})` : ''}: ${displayPath(releaseFile)}${copy ? `, ${displayPath(copy.to)}` : ''}\n`);
    args.io.out('  next: commit, push and open a pull request; `appshelf check --base origin/main --summary summary.md` shows what reviewers will see.\n');
    return 0;
  },
};
