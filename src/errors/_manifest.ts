import type { ErrorSpec } from './diagnostic.js';

/** Resolution, rollouts and update manifests. */
export const manifestErrors = {
  ManifestsUnsigned: {
    code: 'W_MANIFEST_UNSIGNED',
    severity: 'warning',
    message: () =>
      'The update manifests are NOT signed: store.yaml has no signing.publicKey and neither APPSHELF_SIGNING_KEY nor APPSHELF_SIGNING_KEY_FILE is set, so clients cannot detect tampering, rollback or a frozen feed.',
    hint: 'Run `appshelf keygen` once (it writes signing.publicKey into store.yaml), then build with APPSHELF_SIGNING_KEY_FILE pointing at the private key it made.',
  },
  SigningKeyInvalid: {
    code: 'E_SIGNING_KEY',
    message: (source: string, why: string) => `The manifest signing key from ${source} cannot be used: ${why}.`,
    hint: 'Make one with `openssl genpkey -algorithm ed25519 -out manifest-signing.key` and pass its PEM text or path.',
  },
  SigningPublicKeyInvalid: {
    code: 'E_SIGNING_PUBLIC_KEY',
    message: (why: string) => `signing.publicKey in store.yaml is not an Ed25519 public key: ${why}.`,
    hint: 'Put the output of `openssl pkey -in manifest-signing.key -pubout` there.',
  },
  SigningKeyMismatch: {
    code: 'E_SIGNING_KEY_MISMATCH',
    message: (source: string) =>
      `The manifest signing key from ${source} does not belong to signing.publicKey in store.yaml; clients would reject every manifest.`,
    hint: 'Use the private key of the published public key, or publish the new public key (a key rotation every client must learn).',
  },
  SigningPublicKeyMissing: {
    code: 'W_SIGNING_NO_PUBLIC_KEY',
    severity: 'warning',
    message: () => 'The manifests are signed, but store.yaml has no signing.publicKey, so clients have nothing to verify them with.',
    hint: 'Add the public key (`openssl pkey -in manifest-signing.key -pubout`) as signing.publicKey in store.yaml.',
  },
  PinYanked: {
    code: 'E_PIN_YANKED',
    message: (channel: string, version: string) =>
      `Channel "${channel}" is pinned to ${version}, which is yanked: a yanked release is served to no one.`,
    hint: 'Pin the channel to a release that is not yanked, or remove the pin.',
  },
} as const satisfies Record<string, ErrorSpec>;
