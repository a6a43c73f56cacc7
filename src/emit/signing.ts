import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { diag, Errors, type Diagnostic } from '../errors/index.js';
import type { ResolvedConfig } from '../config/index.js';
import type { ResolvedStore } from '../resolve/index.js';
import { ed25519PrivateKey, ed25519PublicKey } from '../util/ed25519.js';
import { displayPath } from '../util/paths.js';
import { ed25519Signer, keyIdOf, type Signer } from '../util/signed-json.js';

/** The manifest signing key of a build, if any, and what was wrong with it. */
export interface ManifestSigning {
  signer?: Signer;
  /** Built with `--unsigned`: a preview, marked as such in the site. */
  unsigned?: boolean;
  diagnostics: Diagnostic[];
}

/**
 * Reads the store's Ed25519 signing key from `APPSHELF_SIGNING_KEY` (PEM text) or
 * `APPSHELF_SIGNING_KEY_FILE` (a path) and checks it against `signing.publicKey`. Signed means
 * signed: when store.yaml publishes a public key, a missing private key is an error, since
 * every client would refuse the unsigned feed. `unsigned` builds a preview without any key
 * (with a warning); a store without a public key builds unsigned with a warning.
 */
export function loadManifestSigning(store: ResolvedStore, config: Pick<ResolvedConfig, 'signingKey' | 'unsigned'>): ManifestSigning {
  const diagnostics: Diagnostic[] = [];
  const storeFile = { file: displayStoreFile(store) };
  let publicKey: KeyObject | undefined;
  if (store.signing.publicKey !== undefined) {
    try {
      publicKey = ed25519PublicKey(store.signing.publicKey);
    } catch (e) {
      diagnostics.push(diag(Errors.SigningPublicKeyInvalid, [reason(e)], storeFile));
    }
  }
  if (config.unsigned) return { diagnostics: [...diagnostics, diag(Errors.SitePreviewUnsigned, [])], unsigned: true };
  const given = config.signingKey;
  if (given.kind === 'none') {
    diagnostics.push(
      store.signing.publicKey !== undefined ? diag(Errors.SigningKeyRequired, [], storeFile) : diag(Errors.ManifestsUnsigned, []),
    );
    return { diagnostics };
  }
  const source = given.label;
  let key: KeyObject;
  try {
    key = ed25519PrivateKey(given.kind === 'pem' ? given.pem : readFileSync(given.file, 'utf8'));
  } catch (e) {
    diagnostics.push(diag(Errors.SigningKeyInvalid, [source, reason(e)]));
    return { diagnostics };
  }
  if (!publicKey && store.signing.publicKey === undefined) diagnostics.push(diag(Errors.SigningPublicKeyMissing, [], storeFile));
  if (publicKey && keyIdOf(publicKey) !== keyIdOf(key)) diagnostics.push(diag(Errors.SigningKeyMismatch, [source], storeFile));
  return { signer: ed25519Signer(key), diagnostics };
}

// --- internal ---

const reason = (e: unknown) => (e instanceof Error ? e.message.replace(/\.$/, '') : String(e));

const displayStoreFile = (store: ResolvedStore) => displayPath(path.join(store.root, store.storeFile));
