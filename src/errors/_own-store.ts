import type { ErrorSpec } from './diagnostic.js';

/** A store repository of its own: `init`, `keygen`, `yank`, signed builds, serials and where the site lives. */
export const ownStoreErrors = {
  SigningKeyRequired: {
    code: 'E_SIGNING_KEY_REQUIRED',
    message: () =>
      'store.yaml publishes signing.publicKey, so clients refuse unsigned manifests, but neither APPSHELF_SIGNING_KEY nor APPSHELF_SIGNING_KEY_FILE is set.',
    hint: "Give the build the private key (APPSHELF_SIGNING_KEY in CI, from the deployment environment's secret), or pass --unsigned for a local preview that is marked as such.",
  },
  SitePreviewUnsigned: {
    code: 'W_SITE_UNSIGNED_PREVIEW',
    severity: 'warning',
    message: () => 'Built with --unsigned: this site is a preview, its manifests are not signed and clients of this store refuse them.',
    hint: 'Do not publish it; build with the signing key to publish.',
  },
  SerialWentDown: {
    code: 'E_SERIAL_WENT_DOWN',
    message: (published: number, built: number, where: string) =>
      `The published site (${where}) has serial ${published}, but this build's highest serial is ${built}: clients that saw the published feed would refuse the new one.`,
    hint: (published: number) =>
      `This happens after a rewrite of the main branch's history. Build once with APPSHELF_SERIAL_FLOOR=${published + 1} (every serial at least that).`,
  },
  PublishedUnreadable: {
    code: 'W_PUBLISHED_UNREADABLE',
    severity: 'warning',
    message: (where: string, why: string) =>
      `Could not read the published site's api/v1/signing.json from ${where} (${why}); serial and expiry were not compared with it.`,
    hint: 'On the first publish this is expected. Otherwise check the URL given with --published.',
  },
  PublishedExpiresSoon: {
    code: 'W_PUBLISHED_EXPIRES_SOON',
    severity: 'warning',
    message: (where: string, expires: string, days: number) =>
      `The published feed (${where}) expires at ${expires}, in less than ${days} day${days === 1 ? '' : 's'}: the daily re-sign has not run.`,
    hint: 'GitHub disables scheduled workflows of repositories without activity for 60 days: enable the publish workflow again (Actions tab) or push a commit; see docs/own-store.md.',
  },
  SerialFloorInvalid: {
    code: 'E_SERIAL_FLOOR',
    message: (value: string) => `APPSHELF_SERIAL_FLOOR must be a whole number of seconds (got "${value}").`,
    hint: 'Set it to one more than the serial of the published site (api/v1/signing.json), or unset it.',
  },
  InitExists: {
    code: 'E_INIT_EXISTS',
    message: (files: string) => `Refusing to overwrite an existing store: ${files} already exist${files.includes(',') ? '' : 's'}.`,
    hint: 'Run `appshelf init` in an empty folder (or a fresh clone of an empty repository).',
  },
  KeygenExists: {
    code: 'E_KEYGEN_EXISTS',
    message: (what: string) => `${what} already exists; refusing to replace the manifest-signing key.`,
    hint: 'Replacing the key makes every installed client refuse the store until it learns the new key. Pass --force only when rotating on purpose.',
  },
  KeygenInsideStore: {
    code: 'E_KEYGEN_KEY_INSIDE',
    message: (file: string) => `${file} is inside the repository, which is published; the private key must stay outside it.`,
    hint: 'Write it elsewhere (default ~/.appshelf/manifest-signing.key) or use --print to paste it into a CI secret.',
  },
  YankPinned: {
    code: 'E_AUTHOR_YANK_PINNED',
    message: (version: string, channels: string) =>
      `${version} is pinned on ${channels}; a yanked release cannot be served, so the pin would break.`,
    hint: 'Unpin the channel first (`appshelf unpin APP --channel CHANNEL`) or pin it to another version.',
  },
  YankReasonRequired: {
    code: 'E_AUTHOR_YANK_REASON',
    message: () => 'A yank needs a reason: users and the release log show why a version was withdrawn.',
    hint: 'Pass --reason TEXT, e.g. --reason "crashes on start on Windows 10".',
  },
  AdminFilesChanged: {
    code: 'W_POLICY_ADMIN_FILES',
    severity: 'warning',
    message: (files: string) =>
      `This change edits admin-only files: ${files}. The check judging it is the base branch's; these files take effect only once merged.`,
    hint: 'A store admin must review them (CODEOWNERS); workflows, dependencies, store.yaml and trust/ decide what every later check trusts.',
  },
} as const satisfies Record<string, ErrorSpec>;
