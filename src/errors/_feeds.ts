import type { ErrorSpec } from './diagnostic.js';

/** The feeds for other updaters (Sparkle, Tauri, electron-updater, Nextcloud) and their signatures. */
export const feedErrors = {
  SparkleKey: {
    code: 'E_SPARKLE_KEY',
    message: (source: string, why: string) => `The Sparkle key ${source} cannot be used: ${why}.`,
    hint: "Give the EdDSA private key Sparkle's `generate_keys -x FILE` exports (base64), or an Ed25519 private key in PEM.",
  },
  MinisignSignature: {
    code: 'E_MINISIGN_SIGNATURE',
    message: (source: string, why: string) => `The minisign signature ${source} cannot be used: ${why}.`,
    hint: 'Give the .sig file `tauri signer sign` wrote next to the archive (its text is stored as is).',
  },
} as const satisfies Record<string, ErrorSpec>;
