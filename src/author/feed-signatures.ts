import { sign, type KeyObject } from 'node:crypto';
import { diag, Errors, StoreError } from '../errors/index.js';
import { ed25519PrivateKey, ed25519PrivateKeyFromSeed, keyProblem } from '../util/ed25519.js';

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
    throw new StoreError(
      diag(Errors.MinisignSignature, [source, 'it is not a minisign signature (no "untrusted comment:" and "trusted comment:" lines)']),
    );
  }
  return Buffer.from(decoded, 'utf8').toString('base64');
}

// --- internal ---

function sparkleKey(text: string, source: string): KeyObject {
  try {
    if (text.includes('-----BEGIN')) return ed25519PrivateKey(text);
    const raw = Buffer.from(text.trim(), 'base64');
    // Older versions of generate_keys wrote the seed followed by the public key (64 bytes).
    return ed25519PrivateKeyFromSeed(raw.length === 64 ? raw.subarray(0, 32) : raw);
  } catch (e) {
    throw new StoreError(diag(Errors.SparkleKey, [source, keyProblem(e)]));
  }
}
