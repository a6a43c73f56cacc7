import type { ErrorSpec } from './diagnostic.js';

/** The client: `appshelf install`, `update`, `uninstall` and `list`. */
export const installErrors = {
  // --- configuration ---
  InstallNoStoreUrl: {
    code: 'E_INSTALL_NO_STORE_URL',
    message: (stores: readonly string[]) =>
      'No store URL: neither --store-url nor APPSHELF_STORE_URL is set, and ' +
      (stores.length
        ? `the installed apps come from ${stores.length} stores (${stores.join(', ')}), so none is the default.`
        : 'no app is installed yet whose store could be the default.'),
    hint: 'Pass the URL of the published store, e.g. `appshelf install APP --store-url https://apps.example.com/`.',
  },
  InstallStoreUrl: {
    code: 'E_INSTALL_STORE_URL',
    message: (value: string) => `"${value}" is not an http(s) URL of a store.`,
    hint: 'Give the address the store is published at, e.g. https://apps.example.com/.',
  },
  InstallOsVersion: {
    code: 'E_INSTALL_OS_VERSION',
    message: (value: string) => `The OS version "${value}" is not a version.`,
    hint: 'Give it as major.minor.patch, e.g. --os-version 10.15.7 ("10" and "10.15" are completed).',
  },
  InstallPublicKey: {
    code: 'E_INSTALL_PUBLIC_KEY',
    message: (source: string, why: string) => `The manifest public key from ${source} cannot be used: ${why}.`,
    hint: "Pass the store's signing.publicKey (an Ed25519 public key in PEM) as text or as the path of a .pem file.",
  },
  InstallStateInvalid: {
    code: 'E_INSTALL_STATE_INVALID',
    message: (file: string, why: string) => `${file} is not a readable appshelf client state: ${why}.`,
    hint: 'Restore it from a backup, or move it away to start over (the installed folders stay where they are).',
  },
  InstallLocked: {
    code: 'E_INSTALL_LOCKED',
    message: (file: string, pid: string) => `Another appshelf client (process ${pid}) is changing this install folder (${file} exists).`,
    hint: 'Wait for it to finish. If no such process runs any more, delete the lock file.',
  },
  // --- the store over HTTP ---
  InstallNetwork: {
    code: 'E_INSTALL_NETWORK',
    message: (url: string, why: string) => `Could not fetch ${url}: ${why}.`,
    hint: 'Check the store URL and the network connection, then run the command again; nothing was changed.',
  },
  InstallHttpStatus: {
    code: 'E_INSTALL_HTTP_STATUS',
    message: (url: string, status: number) => `${url} answered HTTP ${status}.`,
    hint: 'Run the command again later; nothing was changed.',
  },
  InstallBadResponse: {
    code: 'E_INSTALL_BAD_RESPONSE',
    message: (url: string, why: string) => `${url} is not what an appshelf store publishes: ${why}.`,
    hint: 'Check that the store URL points at a site built by `appshelf build`.',
  },
  InstallUnknownApp: {
    code: 'E_INSTALL_UNKNOWN_APP',
    message: (app: string, store: string, suggestion?: string) =>
      `The store ${store} has no app "${app}".${suggestion ? ` Did you mean "${suggestion}"?` : ''}`,
    hint: 'See the apps it offers with `appshelf list --available`.',
  },
  InstallUnknownChannel: {
    code: 'E_INSTALL_UNKNOWN_CHANNEL',
    message: (channel: string, known: string, suggestion?: string) =>
      `The store has no channel "${channel}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (it has ${known}).`,
    hint: 'Pass one of the listed channels with --channel.',
  },
  InstallNoManifest: {
    code: 'E_INSTALL_NO_MANIFEST',
    message: (app: string, channel: string, platform: string, offered?: string) =>
      `The store has no update manifest for ${app} on channel ${channel} for ${platform}: the app is not published for this platform` +
      (offered ? ` (its releases have files for ${offered}).` : '.'),
    hint: 'Pick another channel with --channel, or another platform with --os/--arch if this machine can run it.',
  },
  // --- manifest verification ---
  InstallManifestUnverified: {
    code: 'W_INSTALL_UNVERIFIED',
    severity: 'warning',
    message: (url: string) => `${url} was used WITHOUT signature verification: this client has no manifest public key.`,
    hint: "Pass the store's public key once with --public-key; it is kept in the state for later runs.",
  },
  InstallManifestUnsigned: {
    code: 'E_INSTALL_MANIFEST_UNSIGNED',
    message: (url: string) => `${url} is not signed, but this client verifies manifests with a public key.`,
    hint: 'The store was built without its signing key; ask its maintainers to build with APPSHELF_SIGNING_KEY set.',
  },
  InstallManifestSignature: {
    code: 'E_INSTALL_MANIFEST_SIGNATURE',
    message: (url: string, why: string) => `${url} failed verification: ${why}. It was refused and nothing was changed.`,
    hint: 'The manifest was changed after signing or signed with another key. If the store rotated its key, pass the new one with --public-key.',
  },
  InstallManifestExpired: {
    code: 'E_INSTALL_MANIFEST_EXPIRED',
    message: (url: string, expires: string) => `${url} expired at ${expires}; a frozen or replayed feed is refused.`,
    hint: "The store must be rebuilt (and re-signed) at least every signing.expiresDays days; check this machine's clock too.",
  },
  InstallManifestRollback: {
    code: 'E_INSTALL_MANIFEST_ROLLBACK',
    message: (url: string, serial: number, seen: number) =>
      `${url} has serial ${serial}, older than serial ${seen} this client already saw: a rollback to an old manifest is refused.`,
    hint: "A mirror or cache may be serving an old copy; try again later or use the store's own URL.",
  },
  InstallManifestMismatch: {
    code: 'E_INSTALL_MANIFEST_MISMATCH',
    message: (url: string, why: string) => `${url} was refused: ${why}.`,
    hint: 'The server answered with another document than the one asked for; check the store URL and any proxy in between.',
  },
  // --- choosing a release ---
  InstallNoCandidate: {
    code: 'E_INSTALL_NO_CANDIDATE',
    message: (app: string, where: string, why: string) => `No release of ${app} fits this client (${where}): ${why}.`,
    hint: 'Try another channel with --channel, or set the OS version with --os-version if it was detected wrongly.',
  },
  InstallVersionNotFound: {
    code: 'E_INSTALL_VERSION_NOT_FOUND',
    message: (app: string, version: string, where: string) => `${app} has no release ${version} for ${where}.`,
    hint: "See the versions of the app in the store's api/v1/apps/<app>.json, or leave out --version to get the newest.",
  },
  InstallVersionUnverifiable: {
    code: 'E_INSTALL_VERSION_UNVERIFIABLE',
    message: (app: string, version: string) =>
      `${app} ${version} is not in the signed manifest of this channel, so its checksum cannot be verified.`,
    hint: 'Install a version the channel serves (leave out --version), or install from a client without a public key at your own risk.',
  },
  InstallVersionYanked: {
    code: 'E_INSTALL_VERSION_YANKED',
    message: (app: string, version: string, reason: string) =>
      `${app} ${version} was yanked from the store${reason ? ` (${reason})` : ''}.`,
    hint: 'Install another version.',
  },
  // --- download and unpack ---
  InstallArchiveUrl: {
    code: 'E_INSTALL_ARCHIVE_URL',
    message: (url: string) => `The archive URL "${url}" is not an http(s) URL.`,
    hint: 'The store publishes a broken archive URL: tell its admins (its baseUrl in store.yaml must be an http(s) URL).',
  },
  InstallDownloadTooLarge: {
    code: 'E_INSTALL_DOWNLOAD_TOO_LARGE',
    message: (url: string, size: number) => `${url} is larger than the ${size} bytes the manifest announces; the download was stopped.`,
    hint: 'The archive on the server is not the one the store published; nothing was changed.',
  },
  InstallSizeMismatch: {
    code: 'E_INSTALL_SIZE_MISMATCH',
    message: (url: string, expected: number, got: number) =>
      `${url} has ${got} bytes, but the manifest announces ${expected}; it was refused.`,
    hint: 'The download was cut short or the file was replaced; run the command again. Nothing was changed.',
  },
  InstallSha256Mismatch: {
    code: 'E_INSTALL_SHA256_MISMATCH',
    message: (url: string, expected: string, got: string) =>
      `${url} has SHA-256 ${got}, but the manifest says ${expected}; the archive was refused.`,
    hint: 'The archive was changed or damaged on the way; nothing was installed and the previous install is untouched.',
  },
  InstallUnsafeArchive: {
    code: 'E_INSTALL_UNSAFE_ARCHIVE',
    message: (url: string, entry: string, why: string) => `${url} holds "${entry}", which ${why}; the archive was refused.`,
    hint: 'Archives may only hold plain files and folders below the install folder.',
  },
  InstallArchiveCorrupt: {
    code: 'E_INSTALL_ARCHIVE_CORRUPT',
    message: (url: string, why: string) => `${url} could not be unpacked: ${why}.`,
    hint: 'The download is not a valid .tar.gz: try again, and tell the store admins if it keeps failing.',
  },
  InstallDisk: {
    code: 'E_INSTALL_DISK',
    message: (action: string, file: string, why: string) => `Could not ${action} ${file}: ${why}.`,
    hint: 'Check free space and permissions of the install folder (--dir); the previous install is untouched.',
  },
  // --- installed apps ---
  InstallNotInstalled: {
    code: 'E_INSTALL_NOT_INSTALLED',
    message: (app: string, installed: string) => `${app} is not installed (installed: ${installed || 'nothing'}).`,
    hint: 'See what is installed with `appshelf list`.',
  },
} as const satisfies Record<string, ErrorSpec>;
