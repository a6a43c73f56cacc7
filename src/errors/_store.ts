import type { ErrorSpec } from './diagnostic.js';

/** Loading, schema and cross-file rules of the store files. */
export const storeErrors = {
  StoreNotFound: {
    code: 'E_STORE_NOT_FOUND',
    message: (dir: string) => `No store found at ${dir}: ${dir}/store.yaml does not exist.`,
    hint: 'Run the command from the repository root, or pass --store DIR.',
  },
  ReadFailed: {
    code: 'E_READ_FAILED',
    message: (file: string, reason: string) => `Cannot read ${file}: ${reason}.`,
    hint: 'Check that the file exists and that this user may read it (EACCES: file permissions; EIO: the disk).',
  },
  YamlSyntax: {
    code: 'E_YAML_SYNTAX',
    message: (reason: string) => `YAML syntax error: ${reason}`,
    hint: 'Fix the indentation or quoting at this position; a YAML linter or your editor shows the exact spot.',
  },
  JsonSyntax: {
    code: 'E_JSON_SYNTAX',
    message: (reason: string) => `JSON syntax error: ${reason}`,
    hint: 'Fix the JSON at this position (a missing comma or quote, or a trailing comma); or write the file as YAML.',
  },
  UnexpectedFile: {
    code: 'W_UNEXPECTED_FILE',
    severity: 'warning',
    message: (file: string) => `${file} is not part of the store layout and is ignored.`,
    hint: 'Store files are store.yaml, apps/<id>/app.yaml and apps/<id>/releases/<version>.yaml (or .json).',
  },
  MissingAppFile: {
    code: 'E_APP_FILE_MISSING',
    message: (dir: string) => `Folder ${dir} has releases but no app.yaml.`,
    hint: 'Create app.yaml with at least id and name, or move the releases to the right app folder.',
  },
  SchemaUnknownKey: {
    code: 'E_SCHEMA_UNKNOWN_KEY',
    message: (key: string, where: string, suggestion: string | undefined, _known: string) =>
      `Unknown key "${key}"${where ? ` in ${where}` : ''}.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`,
    hint: (_key: string, _where: string, _suggestion: string | undefined, known: string) =>
      known ? `Known keys here: ${known}.` : 'Remove the key.',
  },
  SchemaMissingKey: {
    code: 'E_SCHEMA_REQUIRED',
    message: (key: string, where: string) => `Missing required key "${key}"${where ? ` in ${where}` : ''}.`,
    hint: (key: string) => `Add "${key}:"; the published JSON Schemas (public/schemas/) list every key and what it holds.`,
  },
  SchemaType: {
    code: 'E_SCHEMA_TYPE',
    message: (where: string, expected: string, _unquotedNumber?: boolean) => `${where} must be ${expected}.`,
    hint: (_where: string, expected: string, unquotedNumber?: boolean) =>
      unquotedNumber
        ? 'YAML reads an unquoted 1.0 or 10 as a number: put the value in quotes ("1.0.0"); a version is a full semantic version, MAJOR.MINOR.PATCH.'
        : `Write ${expected} here; the published JSON Schemas (public/schemas/) describe each key.`,
  },
  SchemaValue: {
    code: 'E_SCHEMA_VALUE',
    message: (where: string, detail: string) => `${where} ${detail}.`,
    hint: 'Change the value to one the key allows; the published JSON Schemas (public/schemas/) describe each key.',
  },
  AppIdMismatch: {
    code: 'E_APP_ID_FOLDER',
    message: (id: string, folder: string) => `App id "${id}" does not match its folder name "${folder}".`,
    hint: (id: string, folder: string) => `Rename the folder to apps/${id}/ or set id: ${folder}.`,
  },
  VersionFileMismatch: {
    code: 'E_VERSION_FILE',
    message: (version: string, fileName: string) => `Release version "${version}" does not match its file name "${fileName}".`,
    hint: (version: string) => `Name the file releases/${version}.yaml.`,
  },
  InvalidSemver: {
    code: 'E_SEMVER',
    message: (version: string, _canonical?: string) => `"${version}" is not a valid semantic version.`,
    hint: (_version: string, canonical?: string) =>
      canonical
        ? `Write ${canonical} (semver has no "v" or "=" prefix), and name the file releases/${canonical}.yaml.`
        : 'Use MAJOR.MINOR.PATCH with an optional -prerelease and +build suffix, e.g. 1.5.0 or 1.5.0-300.',
  },
  InvalidRange: {
    code: 'E_RANGE',
    message: (field: string, range: string) => `${field} "${range}" is not a valid semver range.`,
    hint: 'Use a range such as ">=10.6", "^1.2.0", "1.0.0 - 2.0.0" or "*".',
  },
  UnknownChannel: {
    code: 'E_CHANNEL_UNKNOWN',
    message: (channel: string, known: string, suggestion?: string) =>
      `Channel "${channel}" is not defined in store.yaml${suggestion ? `; did you mean "${suggestion}"?` : ''} (defined: ${known}).`,
    hint: 'Add the channel to store.yaml `channels`, or use one of the defined channels.',
  },
  DuplicateChannel: {
    code: 'E_CHANNEL_DUPLICATE',
    message: (channel: string) => `Channel "${channel}" is defined twice.`,
    hint: 'Remove one of the two entries from `channels:` in store.yaml (names must be unique).',
  },
  DuplicateVersion: {
    code: 'E_VERSION_DUPLICATE',
    message: (version: string, other: string) => `Version ${version} is already defined by ${other}.`,
    hint: 'Each version may be released once; remove one of the files.',
  },
  PinUnknownVersion: {
    code: 'E_PIN_UNKNOWN',
    message: (channel: string, version: string) => `Channel "${channel}" is pinned to ${version}, which is not a release of this app.`,
    hint: 'Pin a version that has a release file in this app folder, or remove the pin (`appshelf unpin`).',
  },
  PinNotInChannel: {
    code: 'E_PIN_CHANNEL',
    message: (channel: string, version: string) =>
      `Channel "${channel}" is pinned to ${version}, but that release is not in channel "${channel}".`,
    hint: 'Add the channel to the release, or pin a release of that channel.',
  },
  RolloutUnknownChannel: {
    code: 'E_ROLLOUT_CHANNEL',
    message: (channel: string) => `Rollout for channel "${channel}", which the release is not in.`,
    hint: 'Add the channel to `channels`, or remove its rollout.',
  },
  FileOutsideApp: {
    code: 'E_FILE_OUTSIDE',
    message: (file: string) => `Release file ${file} points outside the app folder.`,
    hint: 'Keep archives under apps/<id>/ (e.g. apps/<id>/files/).',
  },
  PlatformAlias: {
    code: 'E_PLATFORM_ALIAS',
    message: (field: string, name: string, canonical: string) =>
      `${field} "${name}" is another tool's name for "${canonical}"; clients ask for "${canonical}", so no client would receive this file.`,
    hint: (_field: string, _name: string, canonical: string) => `Write "${canonical}" (the names are listed in docs/store-format.md).`,
  },
  PlatformUnknown: {
    code: 'E_PLATFORM_UNKNOWN',
    message: (field: string, name: string, known: string) => `${field} "${name}" is not a name this store knows (known: ${known}).`,
    hint: (field: string) =>
      `Use one of the known names, or declare the name in store.yaml under platforms.${field === 'os' ? 'os' : 'architectures'} if clients really send it.`,
  },
  DuplicateEntry: {
    code: 'E_ENTRY_DUPLICATE',
    message: (os: string, arch: string, format: string, first: number, second: number, ranges: string) =>
      `Entries ${first + 1} and ${second + 1} both serve ${os}/${arch} in format ${format} to the same clients (${ranges}).`,
    hint: 'Several files of one format need osversion or appversion ranges that do not overlap; or merge them, or give them different formats or architectures.',
  },
  NightlyOutsideChannel: {
    code: 'E_NIGHTLY_CHANNEL',
    message: (channel: string) => `Nightly release listed in channel "${channel}", which is not marked for nightlies.`,
    hint: 'Set `nightly: true` on the channel in store.yaml, or list the release only in a nightly channel.',
  },
  YankWithoutReason: {
    code: 'E_YANK_REASON',
    message: () => 'A yanked release needs a yankReason.',
    hint: 'Say why the release was withdrawn, e.g. yankReason: "corrupts settings on upgrade".',
  },
  EntrySource: {
    code: 'E_ENTRY_SOURCE',
    message: (what: string) => `An entry needs exactly one of "file" and "url" (${what}).`,
    hint: 'Use file: for an archive committed with the app, url: for one hosted elsewhere (https).',
  },
  InvalidDate: {
    code: 'E_DATE',
    message: (date: string) => `"${date}" is not a valid date.`,
    hint: 'Use ISO 8601, e.g. 2026-03-01 or 2026-03-01T12:00:00Z.',
  },
  OutDirUnsafe: {
    code: 'E_OUT_DIR',
    message: (dir: string, why: string) => `Refusing to write the site to ${dir}: ${why}.`,
    hint: 'Pass --out with a dedicated folder such as dist/.',
  },
  WriteFailed: {
    code: 'E_WRITE_FAILED',
    message: (dir: string, reason: string) => `Cannot write ${dir}: ${reason}. The previous site is unchanged.`,
    hint: 'Free disk space or fix the permissions of the output folder, then build again.',
  },
} as const satisfies Record<string, ErrorSpec>;
