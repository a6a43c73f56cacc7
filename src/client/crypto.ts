// Ed25519 and SHA-256 for Node, Electron and browsers: Web Crypto where it has them,
// node:crypto otherwise (loaded only then, so a browser bundle never asks for it).

/** Verifies Ed25519 signatures by one public key. */
export interface Ed25519Key {
  /** Hex SHA-256 of the DER public key: the `keyid` the store signs with. */
  keyid: string;
  verify: (data: Uint8Array, signature: Uint8Array) => Promise<boolean>;
}

/** Reads an Ed25519 public key (PEM `-----BEGIN PUBLIC KEY-----`, SPKI). Throws on anything else. */
export async function importEd25519(pem: string): Promise<Ed25519Key> {
  const der = pemToDer(pem);
  // SPKI of an Ed25519 key: a fixed 12-byte prefix (OID 1.3.101.112) and the 32-byte key.
  if (der.length !== 44 || !ED25519_PREFIX.every((b, i) => der[i] === b)) throw new Error('not an Ed25519 public key (PEM, SPKI)');
  const keyid = await sha256Hex(der);
  const subtle = globalThis.crypto?.subtle;
  if (subtle) {
    try {
      const key = await subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
      return { keyid, verify: async (data, sig) => subtle.verify({ name: 'Ed25519' }, key, sig, data) };
    } catch {
      // A Web Crypto without Ed25519 (older browsers): node:crypto below, where there is one.
    }
  }
  const nodeCrypto = await loadNodeCrypto();
  const key = nodeCrypto.createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  return { keyid, verify: async (data, sig) => nodeCrypto.verify(null, data, key, sig) };
}

/** Hex SHA-256 of bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  const digest = subtle
    ? new Uint8Array(await subtle.digest('SHA-256', bytes))
    : (await loadNodeCrypto()).createHash('sha256').update(bytes).digest();
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Bytes of a base64 string; undefined when it is not canonical base64 (so one signature has one spelling). */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  const bin = atob(text);
  const out = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return btoa(bin) === text ? out : undefined;
}

// --- internal ---

const ED25519_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

function pemToDer(pem: string): Uint8Array {
  const m = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(pem);
  const der = m ? decodeBase64(m[1]!.replace(/\s+/g, '')) : undefined;
  if (!der) throw new Error('not a PEM public key');
  return der;
}

type NodeCrypto = typeof import('node:crypto');

async function loadNodeCrypto(): Promise<NodeCrypto> {
  // A variable specifier: bundlers for the browser leave it alone instead of failing on it.
  const name = 'node:crypto';
  try {
    return (await import(/* @vite-ignore */ name)) as NodeCrypto;
  } catch {
    throw new Error('no Ed25519 in this runtime (neither Web Crypto nor node:crypto)');
  }
}
