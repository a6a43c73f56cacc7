import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a script without types
import { makeFreshVectors, makeVectors } from '../../scripts/gen-test-vectors.mjs';
import { verifyFreshDoc, verifyManifest, verifyPlatformIndex } from '../../src/client/index.js';
import { repoRoot } from '../helpers.js';

const dir = path.join(repoRoot, 'test-vectors/manifests');
const index = JSON.parse(readFileSync(path.join(dir, 'vectors.json'), 'utf8')) as {
  now: string;
  publicKey: string;
  keyid: string;
  vectors: { file: string; valid: boolean; problem?: string }[];
};
const publicKeyPem = readFileSync(path.join(dir, index.publicKey), 'utf8');

/**
 * A verifier written from docs/manifests.md alone, with nothing of appshelf: what a Python, Go
 * or Swift client does. RFC 8785 for these documents (no array-index keys, no non-integer
 * numbers) is: object keys sorted by UTF-16 code units, no whitespace, ECMAScript string escapes.
 */
function verifyFromSpec(bytes: Buffer, pem: string, now: Date): string {
  const doc = openFromSpec(bytes, pem);
  if (typeof doc === 'string') return doc;
  if (!(now.getTime() < Date.parse(doc.expires as string))) return 'expired';
  return 'valid';
}

/** Steps 1–5 of the spec: the `signed` part, or the problem. */
function openFromSpec(bytes: Buffer, pem: string): Record<string, unknown> | string {
  const jcs = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
    if (v && typeof v === 'object')
      return `{${Object.keys(v)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${jcs((v as Record<string, unknown>)[k])}`)
        .join(',')}}`;
    return JSON.stringify(v);
  };
  let doc: { signatures: { keyid: string; sig: string }[]; signed: Record<string, unknown> };
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'not-json';
  }
  if (Object.keys(doc).sort().join() !== 'signatures,signed' || bytes.toString('utf8') !== `${jcs(doc)}\n`) return 'not-canonical';
  const key = createPublicKey(pem);
  const keyid = createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  const mine = doc.signatures.find((s) => s.keyid === keyid);
  if (!mine) return 'unknown-key';
  if (!verify(null, Buffer.from(jcs(doc.signed), 'utf8'), key, Buffer.from(mine.sig, 'base64'))) return 'bad-signature';
  return doc.signed;
}

type Pin = { sha256: string; length: number };
type FreshSigned = {
  expires: string;
  platforms: { channel: string; os: string; arch: string; index: Pin; bands: (Pin & { from: number; to: number })[] }[];
};

/** The fresh-document steps of the spec, from docs/manifests.md alone: the fresh document, then the manifest or index it must pin. */
function verifyPairFromSpec(fresh: Buffer | undefined, bytes: Buffer, pem: string, now: Date): string {
  let pins: FreshSigned | undefined;
  if (fresh) {
    const f = openFromSpec(fresh, pem);
    if (typeof f === 'string') return f;
    if (f.type !== 'appshelf-fresh') return 'schema';
    if (!(now.getTime() < Date.parse(f.expires as string))) return 'expired';
    pins = f as unknown as FreshSigned;
  }
  const doc = openFromSpec(bytes, pem);
  if (typeof doc === 'string') return doc;
  if (!pins) return doc.expires === undefined ? 'no-freshness' : now.getTime() < Date.parse(doc.expires as string) ? 'valid' : 'expired';
  const platform = pins.platforms.find((p) => p.channel === doc.channel && p.os === doc.os && p.arch === doc.arch);
  const band = doc.percentiles as { from: number; to: number } | undefined;
  const pin = band ? platform?.bands.find((b) => b.from === band.from && b.to === band.to) : platform?.index;
  const sha = createHash('sha256').update(bytes).digest('hex');
  return pin && pin.sha256 === sha && pin.length === bytes.byteLength ? 'valid' : 'not-pinned';
}

describe('test-vectors/manifests', () => {
  it('are what scripts/gen-test-vectors.mjs makes (byte for byte)', () => {
    for (const [name, bytes] of makeVectors() as Map<string, Buffer>)
      expect(readFileSync(path.join(dir, name)).equals(bytes), name).toBe(true);
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

describe('test-vectors/fresh', () => {
  const freshDir = path.join(repoRoot, 'test-vectors/fresh');
  const freshIndex = JSON.parse(readFileSync(path.join(freshDir, 'vectors.json'), 'utf8')) as {
    now: string;
    publicKey: string;
    vectors: { fresh: string | null; document: string; valid: boolean; problem?: string }[];
  };
  const pem = readFileSync(path.join(freshDir, freshIndex.publicKey), 'utf8');

  it('are what scripts/gen-test-vectors.mjs makes (byte for byte)', () => {
    for (const [name, bytes] of makeFreshVectors() as Map<string, Buffer>)
      expect(readFileSync(path.join(freshDir, name)).equals(bytes), name).toBe(true);
  });

  for (const v of freshIndex.vectors) {
    it(`${v.fresh ?? 'no fresh document'} + ${v.document}: ${v.valid ? 'accepted' : `refused (${v.problem})`} by the appshelf client and by a verifier written from the spec`, async () => {
      const now = new Date(freshIndex.now);
      const fresh = v.fresh === null ? undefined : readFileSync(path.join(freshDir, v.fresh));
      const bytes = readFileSync(path.join(freshDir, v.document));
      const ours = async (): Promise<string> => {
        let doc;
        if (fresh) {
          const f = await verifyFreshDoc(fresh, { publicKey: pem, now });
          if (!f.ok) return f.problem;
          doc = f.doc;
        }
        const check = v.document.startsWith('index') ? verifyPlatformIndex : verifyManifest;
        const r = await check(bytes, { publicKey: pem, now, fresh: doc });
        return r.ok ? 'valid' : r.problem;
      };
      expect(await ours()).toBe(v.valid ? 'valid' : v.problem);
      expect(verifyPairFromSpec(fresh, bytes, pem, now)).toBe(v.valid ? 'valid' : v.problem);
    });
  }
});
