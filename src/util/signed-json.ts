import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './stable-json.js';

/** One signature of a signed document: the key id and base64 Ed25519 over the canonical `signed` bytes. */
export type EnvelopeSignature = { keyid: string; sig: string };

/** A signed document as published: `{"signatures":[…],"signed":{…}}` in canonical JSON. */
export type Envelope<T> = { signatures: EnvelopeSignature[]; signed: T };

/** Signs canonical bytes with the store's Ed25519 key. */
export type Signer = Readonly<{ keyid: string; sign: (data: Uint8Array) => string }>;

/** Key id of a public key: hex SHA-256 of its DER SubjectPublicKeyInfo (as TUF derives key ids). */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
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

/** Why {@link openEnvelope} refused a document. */
export type EnvelopeProblem = 'not-json' | 'not-canonical' | 'unsigned' | 'unknown-key' | 'bad-signature';

/**
 * Parses published bytes and checks them against a public key: canonical spelling, a signature
 * by that key over the canonical `signed` part. Gives the document or the problem.
 */
export function openEnvelope<T>(bytes: Uint8Array, publicKey: KeyObject | undefined): { signed: T; keyid?: string } | { problem: EnvelopeProblem } {
  const text = Buffer.from(bytes).toString('utf8');
  let doc: Envelope<T>;
  try {
    doc = JSON.parse(text) as Envelope<T>;
  } catch {
    return { problem: 'not-json' };
  }
  if (!isEnvelope(doc) || `${canonicalJson(doc)}\n` !== text) return { problem: 'not-canonical' };
  if (!publicKey) return { signed: doc.signed };
  if (!doc.signatures.length) return { problem: 'unsigned' };
  const keyid = keyIdOf(publicKey);
  const mine = (doc.signatures as EnvelopeSignature[]).find((s) => s.keyid === keyid);
  if (!mine) return { problem: 'unknown-key' };
  const ok = verify(null, encoder.encode(canonicalJson(doc.signed)), publicKey, Buffer.from(mine.sig, 'base64'));
  return ok && Buffer.from(mine.sig, 'base64').toString('base64') === mine.sig ? { signed: doc.signed, keyid } : { problem: 'bad-signature' };
}

// --- internal ---

function isEnvelope(doc: unknown): doc is Envelope<unknown> {
  if (!doc || typeof doc !== 'object' || Object.keys(doc).join() !== 'signatures,signed') return false;
  const { signatures, signed } = doc as Envelope<unknown>;
  const isSig = (s: unknown) => !!s && typeof s === 'object' && Object.keys(s).join() === 'keyid,sig'
    && typeof (s as EnvelopeSignature).keyid === 'string' && typeof (s as EnvelopeSignature).sig === 'string';
  return Array.isArray(signatures) && signatures.every(isSig) && !!signed && typeof signed === 'object' && !Array.isArray(signed);
}
