import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { canonicalJson } from './stable-json.js';

/** Signs canonical bytes with the store's Ed25519 key. */
export type Signer = Readonly<{ keyid: string; sign: (data: Uint8Array) => string }>;

/** Key id of a public key: hex SHA-256 of its DER SubjectPublicKeyInfo (as TUF derives key ids). */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** A {@link Signer} for an Ed25519 private key. */
export function ed25519Signer(privateKey: KeyObject): Signer {
  return { keyid: keyIdOf(privateKey), sign: (data) => sign(null, data, privateKey).toString('base64') };
}

const encoder = new TextEncoder();

/**
 * The published bytes of a document: canonical JSON (sorted keys, no spaces) and a newline.
 * Clients refuse any other spelling, so a changed byte anywhere in the file is always detected.
 */
export function encodeEnvelope<T>(signed: T, signer?: Signer): Uint8Array {
  const body = canonicalJson(signed);
  const signatures = signer ? [{ keyid: signer.keyid, sig: signer.sign(encoder.encode(body)) }] : [];
  return encoder.encode(`{"signatures":${canonicalJson(signatures)},"signed":${body}}\n`);
}
