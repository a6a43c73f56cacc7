import type { ErrorSpec } from './diagnostic.js';

/** `appshelf export aus`: a store written back as an auto-update-server `updates/` folder. */
export const exportErrors = {
  ExportRemoteArchive: {
    code: 'W_EXPORT_REMOTE_ARCHIVE',
    severity: 'warning',
    message: (version: string, url: string) =>
      `Not exported: this ${version} file lives at ${url}; auto-update-server serves only files inside its updates/ folder.`,
    hint: 'Commit the archive into the store (file: instead of url:) to export it, or add it to the exported folder by hand.',
  },
  ExportMissingArchive: {
    code: 'W_EXPORT_MISSING_ARCHIVE',
    severity: 'warning',
    message: (version: string, file: string) => `Not exported: the ${version} archive ${file} is not a file inside the store.`,
    hint: 'Run `appshelf check` and restore the archive.',
  },
  ExportVersionTie: {
    code: 'W_EXPORT_VERSION_TIE',
    severity: 'warning',
    message: (version: string, other: string) =>
      `${version} and ${other} are equal on major.minor.patch: auto-update-server ignores prerelease and build, so a client there may get either (whichever file it loaded first), where appshelf offers ${other}.`,
    hint: 'Keep one release per major.minor.patch in the exported folder (remove the other file) if clients must get a defined one.',
  },
  ExportTargetExists: {
    code: 'E_EXPORT_TARGET_EXISTS',
    message: (dir: string) => `${dir} already exists and is not empty.`,
    hint: 'Export into a new or empty folder.',
  },
  ExportNothing: {
    code: 'E_EXPORT_NOTHING',
    message: (store: string) => `${store} has no release auto-update-server could serve (no committed archive on any channel).`,
    hint: 'Releases with only remote (url:) archives, docker images or halted rollouts are not exported.',
  },
} as const satisfies Record<string, ErrorSpec>;
