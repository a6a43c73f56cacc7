import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { diag, Errors, StoreError } from '../errors/index.js';

/**
 * Sparkle's `sparkle:edSignature` of an archive: base64 Ed25519 over its bytes, as Sparkle's
 * `sign_update` prints it. The key is what `generate_keys -x` exports (base64 of the 32-byte
 * seed, or of seed and public key, 64 bytes, as older versions wrote) or an Ed25519 PEM key.
 */
export function sparkleSignature(archive: Uint8Array, keyText: string, source: string): string {
  return sign(null, archive, sparkleKey(keyText, source)).toString('base64');
}

/** The text of a minisign `.sig` file (what `tauri signer sign` writes) as the Tauri feed carries it: base64 of the whole file. */
export function minisignField(sigFile: Uint8Array, source: string): string {
  const text = Buffer.from(sigFile).toString('utf8');
  // The Tauri signer writes the .sig already base64-encoded; a plain minisign file is encoded here.
  const decoded = /^[A-Za-z0-9+/=\s]+$/.test(text) ? Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8') : text;
  if (!decoded.startsWith('untrusted comment:') || !decoded.includes('\ntrusted comment:')) {
    throw new StoreError(diag(Errors.MinisignSignature, [source, 'it is not a minisign signature (no "untrusted comment:" and "trusted comment:" lines)']));
  }
  return Buffer.from(decoded, 'utf8').toString('base64');
}

// --- internal ---

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function sparkleKey(text: string, source: string): KeyObject {
  try {
    if (text.includes('-----BEGIN')) {
      const key = createPrivateKey(text);
      if (key.asymmetricKeyType !== 'ed25519') throw new Error(`it is a ${key.asymmetricKeyType} key, not Ed25519`);
      return key;
    }
    const raw = Buffer.from(text.trim(), 'base64');
    if (raw.length !== 32 && raw.length !== 64) throw new Error(`it holds ${raw.length} bytes, not a 32-byte Ed25519 seed`);
    return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new StoreError(diag(Errors.SparkleKey, [source, (e as Error).message.replace(/\.$/, '')]));
  }
}
