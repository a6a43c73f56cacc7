import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The one Ed25519 key loader of the build, the authoring verbs and the CLI client (the
 * embeddable client in src/client has its own, since it may not import node:crypto). Each
 * function throws a plain Error whose message reads well after "…: " in a catalog message
 * ("it is a rsa key, not Ed25519"); callers turn it into their own error code.
 */

/** An Ed25519 public key from PEM (SPKI, or a private key whose public half is meant). */
export function ed25519PublicKey(pem: string): KeyObject {
  return asEd25519(createPublicKey(pem));
}

/** An Ed25519 private key from PEM (PKCS#8). */
export function ed25519PrivateKey(pem: string): KeyObject {
  return asEd25519(createPrivateKey(pem));
}

/** An Ed25519 private key from its raw 32-byte seed (RFC 8410), as Sparkle's `generate_keys -x` exports it. */
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new Error(`it holds ${seed.length} bytes, not a 32-byte Ed25519 seed`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** PEM text given either inline (it holds `-----BEGIN`) or as the path of a PEM file. */
export function pemTextOrFile(value: string): string {
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}

/** The reason of a loader error, without a final full stop, for a catalog message. */
export function keyProblem(e: unknown): string {
  return e instanceof Error ? e.message.replace(/\.$/, '') : String(e);
}

// --- internal ---

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function asEd25519(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`it is a ${key.asymmetricKeyType ?? 'symmetric'} key, not Ed25519`);
  return key;
}
