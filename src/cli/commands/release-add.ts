import { addRelease, writeEdits } from '../../author/index.js';
import { UsageError } from '../../errors/index.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';
import { givenFile } from './app-register.js';

/** Values of a repeatable option, with comma lists split: `--arch x86 --arch x86-64` = `--arch x86,x86-64`. */
const list = (v: unknown): string[] =>
  ((v as string[] | undefined) ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);

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
    const [app, version] = args.positionals as [string, string];
    const channels = list(args.values.channel);
    const oses = list(args.values.os);
    const archs = list(args.values.arch);
    const file = str(args, 'file');
    const notesFile = str(args, 'notes');
    const changelogFile = str(args, 'changelog-from');
    const keyFile = str(args, 'key');
    const sparkleKey = str(args, 'sparkle-key');
    const minisign = str(args, 'minisign');
    if (file && (!oses.length || !archs.length)) throw new UsageError('--file needs --os and --arch.');
    if (!file && (oses.length || archs.length || keyFile || sparkleKey || minisign))
      throw new UsageError('--os, --arch, --key, --sparkle-key and --minisign describe a --file; give the file too.');
    if (notesFile && changelogFile) throw new UsageError('Give --notes or --changelog-from, not both.');
    const given = (f: string | undefined) => (f ? givenFile(f) : undefined);
    const { edits, result } = addRelease(storeConfig(args), {
      app,
      version,
      channels,
      date: str(args, 'date'),
      dockerTag: str(args, 'docker-tag'),
      dockerImage: str(args, 'docker-image'),
      notes: given(notesFile),
      changelog: given(changelogFile),
      archive: file
        ? {
            file: givenFile(file),
            oses,
            archs,
            format: str(args, 'archive-format'),
            osversion: str(args, 'os-version'),
            appversion: str(args, 'app-version'),
            key: given(keyFile),
            sparkleKey: given(sparkleKey),
            minisign: given(minisign),
          }
        : undefined,
    });
    writeEdits(edits);
    const what = result.platforms.join(', ');
    args.io.out(
      `✓ ${result.updated ? 'updated' : 'added'} ${app} ${version}${what ? ` (${what})` : ''}: ${result.releaseFile}${result.copiedTo ? `, ${result.copiedTo}` : ''}\n`,
    );
    args.io.out(
      '  next: commit, push and open a pull request; `appshelf check --base origin/main --summary summary.md` shows what reviewers will see.\n',
    );
    return 0;
  },
};
