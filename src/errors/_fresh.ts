import type { ErrorSpec } from './diagnostic.js';

/** The client and the app's fresh document (`fresh/<app>.json`, docs/manifests.md). */
export const freshErrors = {
  InstallManifestNotPinned: {
    code: 'E_INSTALL_MANIFEST_NOT_PINNED',
    message: (url: string, fresh: string) =>
      `${url} is not the manifest the app's fresh document ${fresh} pins (another build's, or mixed from other sites); it was refused and nothing was changed.`,
    hint: "A mirror or cache may be serving documents of different builds; try again later or use the store's own URL.",
  },
  InstallFreshMissing: {
    code: 'E_INSTALL_FRESH_MISSING',
    message: (url: string, fresh: string) =>
      `${url} carries no expiry and the store publishes no fresh document for the app at ${fresh}, so a frozen feed could not be told apart; it was refused.`,
    hint: 'Serve the whole built site (fresh/ included); a store built before fresh documents needs a rebuild with this appshelf.',
  },
} as const satisfies Record<string, ErrorSpec>;
