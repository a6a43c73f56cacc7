import type { ErrorSpec } from './diagnostic.js';

const immutable =
  'Released versions are immutable. To withdraw one, set `yanked: true` with a `yankReason`; to ship a fix, add a new version.';

/** The pull-request policy of `check --base`, and the authoring commands that edit the store. */
export const policyErrors = {
  BaseRefUnreadable: {
    code: 'E_POLICY_BASE_REF',
    message: (ref: string, reason: string) => `Cannot read the store at git ref "${ref}": ${reason}.`,
    hint: 'Run inside the git checkout of the store, and fetch the base branch with its history (in GitHub Actions: actions/checkout with fetch-depth: 0).',
  },
  ReleaseDeleted: {
    code: 'E_POLICY_RELEASE_DELETED',
    message: (app: string, version: string, file: string) => `Released version ${version} of "${app}" was deleted (${file}).`,
    hint: 'A released version can never be deleted. Restore the file; to withdraw the release, set `yanked: true` with a `yankReason` instead.',
  },
  AppDeleted: {
    code: 'E_POLICY_APP_DELETED',
    message: (app: string, versions: string) => `App "${app}" was deleted together with its released versions ${versions}.`,
    hint: 'Released versions can never be deleted. Restore the app; lock it (`locked: true`) and yank its releases to retire it.',
  },
  ReleaseChanged: {
    code: 'E_POLICY_RELEASE_CHANGED',
    message: (app: string, version: string, field: string, was: string, now: string) =>
      `Released version ${version} of "${app}" is immutable, but ${field} changed (was ${was}, now ${now}).`,
    hint: immutable,
  },
  ArchiveChanged: {
    code: 'E_POLICY_ARCHIVE_CHANGED',
    message: (app: string, version: string, file: string) =>
      `The archive ${file} of released version ${version} of "${app}" was changed in place.`,
    hint: `Restore the original bytes. ${immutable}`,
  },
  VersionExists: {
    code: 'E_POLICY_VERSION_EXISTS',
    message: (app: string, version: string, existing: string) =>
      `Version ${version} of "${app}" already exists (${existing}); a version cannot be added again.`,
    hint: 'Release the change under a new version number.',
  },
  AppLocked: {
    code: 'E_POLICY_APP_LOCKED',
    message: (app: string, version: string) => `App "${app}" is locked and accepts no new releases, but this change adds ${version}.`,
    hint: 'A store admin unlocks the app in a separate pull request (`appshelf unlock APP`); until then no release candidate can be merged.',
  },
  NotOwner: {
    code: 'E_POLICY_NOT_OWNER',
    message: (actor: string, app: string, owners: string) =>
      `${actor} changes app "${app}" but is neither one of its owners (${owners}) nor a store admin.`,
    hint: 'Ask an owner of the app to open the pull request, or a store admin to add you to `owners` in app.yaml.',
  },
  AdminOnly: {
    code: 'E_POLICY_ADMIN_ONLY',
    message: (actor: string, file: string, admins: string) => `${actor} changes ${file}, which only store admins (${admins}) may change.`,
    hint: 'Ask a store admin (`admins` in store.yaml) to make this change.',
  },
  UnlockAdminOnly: {
    code: 'E_POLICY_UNLOCK_ADMIN',
    message: (actor: string, app: string, admins: string) => `${actor} unlocks app "${app}", which only store admins (${admins}) may do.`,
    hint: "Locking is the store's decision: ask a store admin to open the unlock pull request.",
  },
  CertificateNotResigned: {
    code: 'E_POLICY_CERT_NOT_RESIGNED',
    message: (app: string, versions: string) =>
      `The certificate of "${app}" changed in this pull request, but these releases still carry signatures made for the old one: ${versions}.`,
    hint: 'Re-sign each archive with the new key (same bytes, new signature: `appshelf sign FILE --key APP.key`) and put the new signatures in this pull request. Released versions cannot be removed.',
  },
  AuthorAppUnknown: {
    code: 'E_AUTHOR_APP_UNKNOWN',
    message: (app: string, known: string, suggestion?: string) =>
      `App "${app}" does not exist in this store${suggestion ? `; did you mean "${suggestion}"?` : ''} (apps: ${known}).`,
    hint: 'Check the spelling, or register the app first with `appshelf app register APP --cert CERT --key KEY`.',
  },
  AuthorVersionUnknown: {
    code: 'E_AUTHOR_VERSION_UNKNOWN',
    message: (app: string, version: string, known: string) => `"${app}" has no release ${version} (releases: ${known}).`,
    hint: 'Add it first with `appshelf release add`.',
  },
  AuthorChannelNotInRelease: {
    code: 'E_AUTHOR_CHANNEL_NOT_IN_RELEASE',
    message: (version: string, channel: string, channels: string) =>
      `Release ${version} is not in channel "${channel}" (its channels: ${channels}).`,
    hint: (version: string, channel: string) => `Promote it first: \`appshelf promote APP ${version} --channel ${channel}\`.`,
  },
  AuthorEntryExists: {
    code: 'E_AUTHOR_ENTRY_EXISTS',
    message: (version: string, platform: string) => `Release ${version} already has a file for ${platform}.`,
    hint: 'A release holds one file per os, architecture and format; use another --format, or a new version.',
  },
  AuthorFileExists: {
    code: 'E_AUTHOR_FILE_EXISTS',
    message: (file: string) => `${file} already exists with different bytes.`,
    hint: 'Archives are never overwritten: give the new file another name (e.g. with its version in it).',
  },
  AuthorSignatureRequired: {
    code: 'E_AUTHOR_SIGNATURE_REQUIRED',
    message: (app: string, version: string) =>
      `The store requires signed releases, but no --key was given to sign the file of ${app} ${version}.`,
    hint: "Pass --key APP.key (the app's private key, from `appshelf cert request`); the store.yaml setting trust.signatures: required makes unsigned entries an error.",
  },
  AuthorChangelogSection: {
    code: 'E_AUTHOR_CHANGELOG_SECTION',
    message: (file: string, version: string) => `${file} has no section for version ${version}.`,
    hint: (_file: string, version: string) =>
      `Add a heading such as \`## [${version}] - YYYY-MM-DD\` (Keep a Changelog) or \`# [${version}](…) (YYYY-MM-DD)\` (semantic-release), or pass --notes FILE.`,
  },
  AuthorPinYanked: {
    code: 'E_AUTHOR_PIN_YANKED',
    message: (version: string) => `Release ${version} is yanked and cannot be pinned.`,
    hint: 'Pin a release that is not withdrawn.',
  },
  AuthorDockerImage: {
    code: 'E_AUTHOR_DOCKER_IMAGE',
    message: (given: string, image: string) => `--docker-image ${given} differs from the app's docker image ${image}.`,
    hint: 'A release carries only a tag; the image is set once in app.yaml (`docker.image`).',
  },
} as const satisfies Record<string, ErrorSpec>;
