import type { ErrorSpec } from './diagnostic.js';

const makeBundle = (id = 'APP_ID') =>
  `Create the bundle from the folder that holds the app: \`tar -czf ${id}.tar.gz ${id}\` (one top-level folder named as the app id, no links).`;

const megabytes = (n: number) => (n >= 1024 ** 2 ? `${+(n / 1024 ** 2).toFixed(1)} MiB` : `${n} bytes`);

/** Release archives, info.xml, changelogs and remote downloads. */
export const archiveErrors = {
  // --- the archive as a whole ---
  ArchiveTooLarge: {
    code: 'E_ARCHIVE_TOO_LARGE',
    message: (archive: string, size: number, limit: number) =>
      `${archive} is ${megabytes(size)}, larger than the ${megabytes(limit)} an app bundle may have.`,
    hint: 'Make the bundle smaller, or raise `limits.archiveSize` in store.yaml.',
  },
  ArchiveZip: {
    code: 'E_ARCHIVE_ZIP',
    message: (archive: string) => `${archive} is a zip archive; app bundles must be gzip-compressed tar archives (.tar.gz).`,
    hint: makeBundle(),
  },
  ArchivePlainTar: {
    code: 'E_ARCHIVE_PLAIN_TAR',
    message: (archive: string) => `${archive} is an uncompressed tar archive; app bundles must be gzip-compressed (.tar.gz).`,
    hint: makeBundle(),
  },
  ArchiveNotGzip: {
    code: 'E_ARCHIVE_NOT_GZIP',
    message: (archive: string, what: string) =>
      `${archive} is not gzip-compressed (it looks like ${what}); app bundles must be .tar.gz archives.`,
    hint: makeBundle(),
  },
  ArchiveTruncated: {
    code: 'E_ARCHIVE_TRUNCATED',
    message: (archive: string) => `${archive} is truncated: the compressed data ends before the archive does.`,
    hint: 'The file was cut off while uploading or copying; build and commit the bundle again.',
  },
  ArchiveCorrupt: {
    code: 'E_ARCHIVE_CORRUPT',
    message: (archive: string, reason: string) => `${archive} is damaged and cannot be read: ${reason}.`,
    hint: makeBundle(),
  },
  UncompressedTooLarge: {
    code: 'E_ARCHIVE_UNCOMPRESSED_TOO_LARGE',
    message: (archive: string, limit: number, member: string | undefined) =>
      `${archive} unpacks to more than ${megabytes(limit)}${member ? ` (at member ${member})` : ''}; reading stopped there.`,
    hint: 'This is either a very large app or a compression bomb. Raise `limits.uncompressedSize` in store.yaml only if the app really is that large.',
  },
  TooManyEntries: {
    code: 'E_ARCHIVE_TOO_MANY_ENTRIES',
    message: (archive: string, limit: number) => `${archive} has more than ${limit} entries; reading stopped there.`,
    hint: 'Leave build leftovers (node_modules, tests) out of the bundle, or raise `limits.entries` in store.yaml.',
  },
  // --- one member of the archive ---
  AbsolutePath: {
    code: 'E_ARCHIVE_ABSOLUTE_PATH',
    message: (archive: string, member: string) => `${archive} has a member with an absolute path: ${member}.`,
    hint: makeBundle(),
  },
  PathTraversal: {
    code: 'E_ARCHIVE_PATH_TRAVERSAL',
    message: (archive: string, member: string) => `${archive} has a member whose path climbs out of the archive with "..": ${member}.`,
    hint: makeBundle(),
  },
  Symlink: {
    code: 'E_ARCHIVE_SYMLINK',
    message: (archive: string, member: string, target: string) =>
      `${archive} has a symbolic link, which app bundles may not contain: ${member} → ${target}.`,
    hint: 'Replace the link by a copy of the file it points to (`tar -h` follows links), then build the bundle again.',
  },
  Hardlink: {
    code: 'E_ARCHIVE_HARDLINK',
    message: (archive: string, member: string, target: string) =>
      `${archive} has a hard link, which app bundles may not contain: ${member} → ${target}.`,
    hint: 'Store the file itself: GNU tar writes hard links as links unless given `--hard-dereference`.',
  },
  SpecialFile: {
    code: 'E_ARCHIVE_SPECIAL_FILE',
    message: (archive: string, member: string, type: string) =>
      `${archive} has a member of type ${type}, which app bundles may not contain: ${member}.`,
    hint: 'App bundles hold only regular files and folders.',
  },
  GitFolder: {
    code: 'E_ARCHIVE_GIT_FOLDER',
    message: (archive: string, member: string) => `${archive} contains a .git folder: ${member}.`,
    hint: 'Leave version control data out of the bundle (`tar --exclude-vcs`, or `git archive`).',
  },
  DuplicateMember: {
    code: 'E_ARCHIVE_DUPLICATE_MEMBER',
    message: (archive: string, member: string) =>
      `${archive} holds ${member} more than once; which copy is used would depend on the unpacking tool.`,
    hint: makeBundle(),
  },
  // --- app bundle layout ---
  BundleEmpty: {
    code: 'E_BUNDLE_EMPTY',
    message: (archive: string, id: string) => `${archive} is empty; an app bundle holds one folder named "${id}".`,
    hint: (_archive: string, id: string) => makeBundle(id),
  },
  TopLevelFile: {
    code: 'E_BUNDLE_TOP_LEVEL_FILE',
    message: (archive: string, member: string, id: string) =>
      `${archive} has a file at the top level: ${member}; everything must be inside the folder "${id}/".`,
    hint: (_archive: string, _member: string, id: string) => `${makeBundle(id)} macOS adds "._*" files unless COPYFILE_DISABLE=1 is set.`,
  },
  ExtraFolder: {
    code: 'E_BUNDLE_EXTRA_FOLDER',
    message: (archive: string, folder: string, appFolder: string) =>
      `${archive} has a second top-level folder "${folder}" besides "${appFolder}"; an app bundle has exactly one.`,
    hint: (_archive: string, _folder: string, appFolder: string) => makeBundle(appFolder),
  },
  FolderName: {
    code: 'E_BUNDLE_FOLDER_NAME',
    message: (archive: string, folder: string) =>
      `${archive} has the top-level folder "${folder}", which is not an app id (lower-case ASCII letters, digits and _, starting with a letter).`,
    hint: 'Name the folder exactly as the app id. Archives made with `tar -C DIR .` start with "./", and GitHub source archives add "-VERSION"; both are refused.',
  },
  FolderMismatch: {
    code: 'E_BUNDLE_FOLDER_ID',
    message: (archive: string, folder: string, id: string) => `${archive} holds the folder "${folder}", but the app id is "${id}".`,
    hint: (_archive: string, _folder: string, id: string) => `Rename the folder to "${id}" and build the bundle again.`,
  },
  MetadataTooLarge: {
    code: 'E_BUNDLE_METADATA_TOO_LARGE',
    message: (archive: string, member: string, size: number, limit: number) =>
      `${archive}: ${member} is ${megabytes(size)}, larger than the ${megabytes(limit)} allowed for metadata files; it was not read.`,
    hint: 'Keep info.xml and CHANGELOG.md small, or raise `limits.metadataFileSize` in store.yaml.',
  },
  // --- info.xml ---
  InfoXmlMissing: {
    code: 'E_INFO_XML_MISSING',
    message: (archive: string, member: string) => `${archive} has no ${member}; every app bundle needs one.`,
    hint: 'Add appinfo/info.xml (see https://apps.nextcloud.com/schema/apps/info.xsd) and build the bundle again.',
  },
  InfoXmlEntities: {
    code: 'E_INFO_XML_ENTITIES',
    message: (archive: string, member: string, what: string) =>
      `${archive}: ${member} contains ${what}; info.xml may not declare a DOCTYPE or entities.`,
    hint: 'Remove the <!DOCTYPE …> block and write the text out; only &amp; &lt; &gt; &quot; &apos; and &#…; references are allowed.',
  },
  InfoXmlMalformed: {
    code: 'E_INFO_XML_MALFORMED',
    message: (archive: string, member: string, line: number, reason: string) =>
      `${archive}: ${member} is not well-formed XML (line ${line}): ${reason}`,
    hint: 'Check the file with an XML validator, e.g. `xmllint --noout appinfo/info.xml`.',
  },
  InfoXmlInvalid: {
    code: 'E_INFO_XML_INVALID',
    message: (archive: string, member: string, element: string, detail: string) => `${archive}: ${member}: info.xml ${element} ${detail}.`,
    hint: "info.xml follows Nextcloud's info.xsd; see docs/archives.md for the elements appshelf checks.",
  },
  InfoXmlNoEnglish: {
    code: 'E_INFO_XML_NO_ENGLISH',
    message: (archive: string, member: string, element: string) =>
      `${archive}: ${member}: info.xml has no English ${element} (lang="en" or no lang attribute).`,
    hint: (_archive: string, _member: string, element: string) =>
      `Add ${element.replace('>', ' lang="en">')}…${element.replace('<', '</')} beside the translations.`,
  },
  InfoXmlId: {
    code: 'E_INFO_XML_ID',
    message: (archive: string, member: string, value: string, id: string) =>
      `${archive}: ${member}: info.xml <id> is "${value}", but the app id is "${id}".`,
    hint: 'The bundle folder, info.xml <id> and the app id in app.yaml must be the same.',
  },
  InfoXmlVersion: {
    code: 'E_INFO_XML_VERSION',
    message: (archive: string, member: string, value: string, version: string) =>
      `${archive}: ${member}: info.xml <version> is "${value}", but the release is ${version}.`,
    hint: 'Release the archive built for this version, or fix <version> (it carries no +build metadata; the release version without it must match).',
  },
  // --- changelog ---
  ChangelogNoSection: {
    code: 'W_CHANGELOG_NO_SECTION',
    severity: 'warning',
    message: (archive: string, member: string, heading: string) =>
      `${archive}: ${member} has no "${heading}" section and the release file has no changelog, so the release has no notes.`,
    hint: (_archive: string, member: string, heading: string) =>
      heading.includes('Unreleased')
        ? `Add a "${heading}" section to ${member} (nightlies and pre-releases take their notes from it), or set \`changelog:\` in the release file.`
        : `Add a "${heading}" section to ${member} ("${heading.replace('## ', '## [')}]" and "${heading.replace('## ', '## v')}" work too), or set \`changelog:\` in the release file.`,
  },
  // --- remote archives ---
  FetchNotHttps: {
    code: 'E_FETCH_NOT_HTTPS',
    message: (name: string) => `${name} could not be downloaded: its URL is not https.`,
    hint: 'Remote archives are downloaded over https only; host the archive on an https server.',
  },
  FetchBadUrl: {
    code: 'E_FETCH_BAD_URL',
    message: (name: string) =>
      `${name} could not be downloaded: the URL cannot be used (it carries a user name or password, or has no host).`,
    hint: 'Give a plain https://host/path URL without user name or password.',
  },
  FetchBlockedAddress: {
    code: 'E_FETCH_BLOCKED_ADDRESS',
    message: (name: string) => `${name} could not be downloaded: its host is a loopback, private or otherwise non-public address.`,
    hint: 'Remote archives must be on a public host. For tests only, store.yaml `fetch: { allowLoopback: true }` allows loopback and private addresses.',
  },
  FetchHttpStatus: {
    code: 'E_FETCH_HTTP_STATUS',
    message: (name: string, status: number) => `${name} could not be downloaded: the server answered HTTP ${status}.`,
    hint: 'Check that the URL points at the released file and is publicly readable.',
  },
  FetchTooLarge: {
    code: 'E_FETCH_TOO_LARGE',
    message: (name: string, limit: number) => `${name} could not be downloaded: it is larger than the ${megabytes(limit)} allowed.`,
    hint: 'Raise `fetch.maxSize` (or `limits.archiveSize`) in store.yaml if the archive really is that large.',
  },
  FetchFailed: {
    code: 'E_FETCH_FAILED',
    message: (name: string, _timeoutSeconds: number) => `${name} could not be downloaded.`,
    hint: (_name: string, timeoutSeconds: number) =>
      `Check that the URL answers over https from this machine within ${timeoutSeconds} s (fetch.timeoutSeconds) and at most 5 redirects.`,
  },
  FetchSizeMismatch: {
    code: 'E_FETCH_SIZE',
    message: (name: string, actual: string, expected: number) =>
      `${name} was downloaded, but it is ${actual} bytes and the release says ${expected}.`,
    hint: 'The file at the URL is not the released one; point the URL at the released file, or fix size, sha256 and signature together.',
  },
  FetchSha256Mismatch: {
    code: 'E_FETCH_SHA256',
    message: (name: string, actual: string, expected: string) =>
      `${name} was downloaded, but its sha256 is ${actual} and the release says ${expected}.`,
    hint: 'The file at the URL is not the released one; point the URL at the released file, or fix sha256 and signature.',
  },
} as const satisfies Record<string, ErrorSpec>;
