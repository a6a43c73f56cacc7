import type { ErrorSpec } from './diagnostic.js';

/** The server, the auto-update-server compatible routes, and `appshelf import aus`. */
export const serveErrors = {
  // --- serve ---
  ServeDirMissing: {
    code: 'E_SERVE_DIR_MISSING',
    message: (dir: string) => `${dir} does not exist or is not a folder.`,
    hint: 'Run `appshelf build` first, or pass the built site with --dir.',
  },
  ServeIndexMissing: {
    code: 'W_SERVE_NO_UPDATE_INDEX',
    severity: 'warning',
    message: (dir: string) => `${dir} has no api/v1/update-index.json, so /update and /update.json answer "No updates.".`,
    hint: 'Rebuild the site with this version of appshelf (`appshelf build`).',
  },
  ServeIndexInvalid: {
    code: 'E_SERVE_UPDATE_INDEX_INVALID',
    message: (file: string, why: string) => `${file} is not a usable update index: ${why}.`,
    hint: 'Rebuild the site with this version of appshelf (`appshelf build`).',
  },
  ServeListen: {
    code: 'E_SERVE_LISTEN',
    message: (address: string, why: string) => `Cannot listen on ${address}: ${why}.`,
    hint: 'Choose another --port (0 picks a free one) or --host, or stop what is using it.',
  },
  ServeReloadFailed: {
    code: 'E_SERVE_RELOAD_FAILED',
    message: (dir: string, why: string) => `Could not load the new build in ${dir} (${why}); still serving the previous one.`,
    hint: 'Fix the build and run it again; the server picks it up on the next swap or SIGHUP.',
  },
  // --- /update and /update.json queries (answered as 400 with this message) ---
  AusInvalidAppversion: {
    code: 'E_AUS_INVALID_APPVERSION',
    message: (value: string) =>
      `Query parameter appversion=${value} is not a version (expected major.minor.patch such as 1.4.2; "1" and "1.4" are completed).`,
    hint: 'Send the installed version as major.minor.patch, e.g. appversion=1.4.2.',
  },
  AusInvalidOsversion: {
    code: 'E_AUS_INVALID_OSVERSION',
    message: (value: string) =>
      `Query parameter osversion=${value} is not a version (expected major.minor.patch such as 10.15.7; "10" and "10.15" are completed).`,
    hint: 'Send the OS version as major.minor.patch, e.g. osversion=10.15.7.',
  },
  AusMissingOsversion: {
    code: 'E_AUS_MISSING_OSVERSION',
    message: (os: string) => `Query parameter osversion is required for os=${os} (only windows and osx have a default).`,
    hint: 'Add osversion=MAJOR.MINOR.PATCH to the query (e.g. osversion=5.15.0 for a Linux kernel).',
  },
  AusListParam: {
    code: 'E_AUS_LIST_PARAM',
    message: (name: string) => `Query parameter ${name} was given as a list (repeated, or written ${name}[]=…); give it once.`,
    hint: 'Send the parameter once, as name=value.',
  },
  // --- appshelf import aus ---
  AusDirMissing: {
    code: 'E_AUS_DIR_MISSING',
    message: (dir: string) => `${dir} does not exist or is not a folder.`,
    hint: 'Pass the auto-update-server updates/ folder.',
  },
  AusTargetExists: {
    code: 'E_AUS_TARGET_EXISTS',
    message: (dir: string) => `${dir} already exists and is not empty; import writes a new store.`,
    hint: 'Choose another folder with --store, or move the existing one away.',
  },
  AusNothingImported: {
    code: 'E_AUS_NOTHING_IMPORTED',
    message: (dir: string) => `No update in ${dir} could be imported.`,
    hint: 'See the warnings above for why each file was skipped.',
  },
  AusHidden: {
    code: 'W_AUS_HIDDEN',
    severity: 'warning',
    message: (what: string) => `Skipped the hidden ${what}, as auto-update-server does.`,
    hint: 'Rename the file or folder without the leading dot if it should be imported.',
  },
  AusNotJson: {
    code: 'W_AUS_NOT_JSON',
    severity: 'warning',
    message: (name: string) => `Skipped ${name}: auto-update-server reads only files ending in ".json" (lower case).`,
    hint: 'Rename the file to end in .json if auto-update-server served it; otherwise nothing is lost.',
  },
  AusMalformedJson: {
    code: 'W_AUS_MALFORMED_JSON',
    severity: 'warning',
    message: (why: string) => `Skipped: ${why}.`,
    hint: 'auto-update-server skips (or crashes on) this file too; fix it and import again.',
  },
  AusMissingField: {
    code: 'W_AUS_MISSING_FIELD',
    severity: 'warning',
    message: (field: string, effect: string) =>
      `Skipped ${field === 'entry' ? 'an entry' : 'the update'}: \`${field}\` is missing or not ${field === 'channels' || field === 'architectures' ? 'a list' : 'text'} (${effect}).`,
    hint: 'Add the field to the update file and import again, or add the release afterwards with `appshelf release add`.',
  },
  AusInvalidVersion: {
    code: 'W_AUS_INVALID_VERSION',
    severity: 'warning',
    message: (version: string) =>
      `Skipped: version "${version}" is not a semantic version (auto-update-server answers 500 to every request for this app).`,
    hint: 'Use major.minor.patch, optionally with a -prerelease or +build suffix, e.g. 1.5.0-300.',
  },
  AusNeverMatches: {
    code: 'W_AUS_NEVER_MATCHES',
    severity: 'warning',
    message: (entry: number, field: string, value: string) =>
      `Skipped entry ${entry}: its ${field} range ${value === '' ? 'is missing' : `"${value}" is not a valid semver range`}, so auto-update-server never offers it.`,
    hint: (_e: number, field: string) => `Give the entry an ${field} range such as "*" or ">=10.6" to offer it.`,
  },
  AusMissingArchive: {
    code: 'W_AUS_MISSING_ARCHIVE',
    severity: 'warning',
    message: (entry: number, file: string) => `Skipped entry ${entry}: its archive ${file} does not exist.`,
    hint: 'Copy the archive next to the .json file (auto-update-server answers 404 to /update for it).',
  },
  AusUnsupportedValue: {
    code: 'W_AUS_UNSUPPORTED_VALUE',
    severity: 'warning',
    message: (entry: number, field: string, value: string, rule: string) =>
      `Skipped entry ${entry}: ${field} "${value}" cannot be stored in appshelf (${rule}).`,
    hint: 'Correct the value in the update file and import again, or add the entry afterwards with `appshelf release add`.',
  },
  AusStringList: {
    code: 'W_AUS_STRING_LIST',
    severity: 'warning',
    message: (field: string, value: string, list: readonly string[]) =>
      `\`${field}\` is the text "${value}", not a list; imported as [${list.map((n) => `"${n}"`).join(', ')}]: the names clients send that auto-update-server matched as part of the text. Other fragments of it (e.g. "${value.slice(0, Math.max(1, value.length - 1))}") matched there and get nothing now.`,
    hint: 'Check the imported list; write the names as a list in the update file to silence this warning.',
  },
  AusMerged: {
    code: 'W_AUS_MERGED',
    severity: 'warning',
    message: (app: string, version: string, detail: string) => `${app} ${version}: ${detail}.`,
    hint: 'Two spellings of one version become one release; check the imported release file.',
  },
  AusDuplicatePlatform: {
    code: 'W_AUS_DUPLICATE_PLATFORM',
    severity: 'warning',
    message: (entry: number, key: string, version: string, first: string) =>
      `Skipped entry ${entry}: ${version} already has a ${key} file (from ${first}) whose osversion and appversion ranges overlap this one's; appshelf keeps several files of one format per platform only when no client fits two of them.`,
    hint: 'Give the entries osversion or appversion ranges that do not overlap, or keep the one file that serves every client of that platform.',
  },
  AusPercentage: {
    code: 'W_AUS_PERCENTAGE',
    severity: 'warning',
    message: (entry: number, value: number, used: number) => `Entry ${entry}: percentage ${value} is outside 0–100; imported as ${used}.`,
    hint: 'Check the imported rollout percentage in the release file (`appshelf rollout` changes it).',
  },
} as const satisfies Record<string, ErrorSpec>;
