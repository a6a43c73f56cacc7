import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a script without types
import { makeVectors } from '../../scripts/gen-test-vectors.mjs';
import { verifyManifest } from '../../src/client/index.js';
import { repoRoot } from '../helpers.js';

const dir = path.join(repoRoot, 'test-vectors/manifests');
const index = JSON.parse(readFileSync(path.join(dir, 'vectors.json'), 'utf8')) as {
  now: string; publicKey: string; keyid: string; vectors: { file: string; valid: boolean; problem?: string }[];
};
const publicKeyPem = readFileSync(path.join(dir, index.publicKey), 'utf8');

/**
 * A verifier written from docs/manifests.md alone, with nothing of appshelf: what a Python, Go
 * or Swift client does. RFC 8785 for these documents (no array-index keys, no non-integer
 * numbers) is: object keys sorted by UTF-16 code units, no whitespace, ECMAScript string escapes.
 */
function verifyFromSpec(bytes: Buffer, pem: string, now: Date): string {
  const jcs = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
    if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${jcs((v as Record<string, unknown>)[k])}`).join(',')}}`;
    return JSON.stringify(v);
  };
  let doc: { signatures: { keyid: string; sig: string }[]; signed: { expires: string } };
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'not-json';
  }
  if (Object.keys(doc).sort().join() !== 'signatures,signed' || bytes.toString('utf8') !== `${jcs(doc)}\n`) return 'not-canonical';
  const key = createPublicKey(pem);
  const keyid = createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
  const mine = doc.signatures.find((s) => s.keyid === keyid);
  if (!mine) return 'unknown-key';
  if (!verify(null, Buffer.from(jcs(doc.signed), 'utf8'), key, Buffer.from(mine.sig, 'base64'))) return 'bad-signature';
  if (!(now.getTime() < Date.parse(doc.signed.expires))) return 'expired';
  return 'valid';
}

describe('test-vectors/manifests', () => {
  it('are what scripts/gen-test-vectors.mjs makes (byte for byte)', () => {
    for (const [name, bytes] of makeVectors() as Map<string, Buffer>) expect(readFileSync(path.join(dir, name)).equals(bytes), name).toBe(true);
  });

  it('name the key id of the public key: SHA-256 of its DER SubjectPublicKeyInfo', () => {
    const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(index.keyid).toBe(createHash('sha256').update(der).digest('hex'));
  });

  for (const v of index.vectors) {
    it(`${v.file}: ${v.valid ? 'accepted' : `refused (${v.problem})`} by the appshelf client and by a verifier written from the spec`, async () => {
      const bytes = readFileSync(path.join(dir, v.file));
      const now = new Date(index.now);
      const ours = await verifyManifest(bytes, { publicKey: publicKeyPem, now });
      expect(ours.ok ? 'valid' : ours.problem).toBe(v.valid ? 'valid' : v.problem);
      expect(verifyFromSpec(bytes, publicKeyPem, now)).toBe(v.valid ? 'valid' : v.problem);
    });
  }
});
