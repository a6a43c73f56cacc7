#!/usr/bin/env node
// Writes test-vectors/manifests/ and test-vectors/fresh/: signed update manifests and fresh
// documents a third-party verifier must accept or refuse (docs/manifests.md, "Verifying manifests
// elsewhere"). Ed25519 signatures are
// deterministic, so the files are the same on every run; test/own-store/test-vectors.test.ts
// makes them again and compares. The keys come from fixed seeds: TEST KEYS, never for a store.
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ed25519Signer, encodeEnvelope, keyIdOf } from '../lib/util/signed-json.js';

/** An Ed25519 private key from a 32-byte seed (PKCS#8 DER: a fixed prefix, then the seed). */
const keyFromSeed = (label) =>
  createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), createHash('sha256').update(label).digest()]),
    format: 'der',
    type: 'pkcs8',
  });

/** The vectors: file name → bytes, plus `vectors.json` saying what a verifier must conclude. */
export function makeVectors() {
  const storeKey = keyFromSeed('appshelf test vector store key');
  const otherKey = keyFromSeed('appshelf test vector other key');
  const now = '2026-06-01T00:00:00Z';
  const signed = (expires) => ({
    type: 'appshelf-update',
    specVersion: 1,
    app: 'hello',
    channel: 'stable',
    os: 'linux',
    arch: 'x86-64',
    percentiles: { from: 0, to: 99 },
    serial: 1780000000,
    expires,
    candidates: [
      {
        version: '1.2.0',
        name: 'v1.2.0',
        release: 3,
        date: '2026-05-20T09:30:00Z',
        changelog: '## 1.2.0\n\n- Says "hello" in Ünicode ✓\n',
        files: [
          {
            format: 'gz',
            osversion: '>=5.4',
            appversion: '*',
            url: '/files/hello/1.2.0/hello-1.2.0-linux.tar.gz',
            size: 1234,
            sha256: 'a'.repeat(64),
            signature: 'c2lnbmF0dXJlIG9mIHRoZSBhcmNoaXZl',
          },
        ],
      },
    ],
  });
  const valid = encodeEnvelope(signed('2026-06-08T00:00:00.000Z'), ed25519Signer(storeKey));
  const tampered = Buffer.from(valid);
  const at = tampered.indexOf('"size":1234');
  tampered.write('"size":1235', at);
  const expired = encodeEnvelope(signed(now.replace('Z', '.000Z')), ed25519Signer(storeKey));
  const wrongKey = encodeEnvelope(signed('2026-06-08T00:00:00.000Z'), ed25519Signer(otherKey));
  // The same document and signature, spelled with spaces and another key order: not the signed bytes.
  const doc = JSON.parse(Buffer.from(valid).toString('utf8'));
  const nonCanonical = Buffer.from(`${JSON.stringify({ signed: doc.signed, signatures: doc.signatures }, null, 1)}\n`);
  const files = new Map([
    ['valid.json', valid],
    ['tampered.json', tampered],
    ['expired.json', expired],
    ['wrong-key.json', wrongKey],
    ['non-canonical.json', nonCanonical],
    ['store-key.pub.pem', Buffer.from(createPublicKey(storeKey).export({ type: 'spki', format: 'pem' }))],
  ]);
  const index = {
    description: 'appshelf update-manifest test vectors (docs/manifests.md). Verify each file with store-key.pub.pem at time `now`.',
    now,
    publicKey: 'store-key.pub.pem',
    keyid: keyIdOf(storeKey),
    vectors: [
      { file: 'valid.json', valid: true },
      {
        file: 'tampered.json',
        valid: false,
        problem: 'bad-signature',
        why: 'one byte of `signed` changed after signing (size 1234 → 1235)',
      },
      {
        file: 'expired.json',
        valid: false,
        problem: 'expired',
        why: '`expires` equals `now`: expiry is exclusive, a document is valid only strictly before it',
      },
      { file: 'wrong-key.json', valid: false, problem: 'unknown-key', why: 'signed by another key; no signature carries the store key id' },
      {
        file: 'non-canonical.json',
        valid: false,
        problem: 'not-canonical',
        why: 'the signature is right, but the bytes are not the canonical encoding',
      },
    ],
  };
  files.set('vectors.json', Buffer.from(`${JSON.stringify(index, null, 2)}\n`));
  return files;
}

/**
 * The fresh-document vectors: a manifest and an index without expiry, the app's fresh document
 * pinning them, and the ways a verifier must refuse the pair. Each vector names the fresh
 * document (or null) and the document to check with it.
 */
export function makeFreshVectors() {
  const storeKey = keyFromSeed('appshelf test vector store key');
  const signer = ed25519Signer(storeKey);
  const now = '2026-06-01T00:00:00Z';
  const platform = { channel: 'stable', os: 'linux', arch: 'x86-64' };
  const where = { app: 'hello', ...platform };
  const manifest = (size) =>
    encodeEnvelope(
      {
        type: 'appshelf-update',
        specVersion: 1,
        ...where,
        percentiles: { from: 0, to: 99 },
        serial: 1779000000,
        candidates: [
          {
            version: '1.2.0',
            name: 'v1.2.0',
            release: 3,
            date: '2026-05-20T09:30:00Z',
            changelog: '## 1.2.0\n\n- Says "hello"\n',
            files: [
              {
                format: 'gz',
                osversion: '>=5.4',
                appversion: '*',
                url: '/files/hello/1.2.0/hello-1.2.0-linux.tar.gz',
                size,
                sha256: 'a'.repeat(64),
              },
            ],
          },
        ],
      },
      signer,
    );
  const valid = manifest(1234);
  const sha = (b) => createHash('sha256').update(b).digest('hex');
  const index = encodeEnvelope(
    {
      type: 'appshelf-update-index',
      specVersion: 1,
      ...where,
      serial: 1779000000,
      bands: [{ from: 0, to: 99, version: '1.2.0', sha256: sha(valid), length: valid.byteLength }],
    },
    signer,
  );
  const fresh = (expires) =>
    encodeEnvelope(
      {
        type: 'appshelf-fresh',
        specVersion: 1,
        app: 'hello',
        serial: 1780272000,
        expires,
        platforms: [
          {
            ...platform,
            index: { sha256: sha(index), length: index.byteLength },
            bands: [{ from: 0, to: 99, sha256: sha(valid), length: valid.byteLength }],
          },
        ],
      },
      signer,
    );
  const good = fresh('2026-06-09T00:00:00.000Z');
  const tampered = Buffer.from(good);
  // One hex digit of the manifest's pin: still canonical JSON, no longer what was signed.
  const at = tampered.indexOf(sha(valid)) + 10;
  tampered.write(tampered[at] === 0x30 ? '1' : '0', at);
  const files = new Map([
    ['manifest.json', valid],
    ['index.json', index],
    ['fresh.json', good],
    ['fresh-expired.json', fresh(now.replace('Z', '.000Z'))],
    ['fresh-tampered.json', tampered],
    ['manifest-not-pinned.json', manifest(1235)],
    ['store-key.pub.pem', Buffer.from(createPublicKey(storeKey).export({ type: 'spki', format: 'pem' }))],
  ]);
  const vectors = {
    description:
      'appshelf fresh-document test vectors (docs/manifests.md). Verify `fresh` with store-key.pub.pem at time `now`, then `document` against it.',
    now,
    publicKey: 'store-key.pub.pem',
    keyid: keyIdOf(storeKey),
    vectors: [
      { fresh: 'fresh.json', document: 'manifest.json', valid: true },
      { fresh: 'fresh.json', document: 'index.json', valid: true },
      {
        fresh: 'fresh-expired.json',
        document: 'manifest.json',
        valid: false,
        problem: 'expired',
        why: "the fresh document's `expires` equals `now`: the feed is frozen",
      },
      {
        fresh: 'fresh-tampered.json',
        document: 'manifest.json',
        valid: false,
        problem: 'bad-signature',
        why: 'one hex digit of a pin changed after signing',
      },
      {
        fresh: 'fresh.json',
        document: 'manifest-not-pinned.json',
        valid: false,
        problem: 'not-pinned',
        why: "validly signed, but its SHA-256 is not the one the fresh document pins for its band (another build's manifest)",
      },
      {
        fresh: null,
        document: 'manifest.json',
        valid: false,
        problem: 'no-freshness',
        why: 'the manifest carries no `expires`; without a fresh document pinning it nothing bounds its age',
      },
    ],
  };
  files.set('vectors.json', Buffer.from(`${JSON.stringify(vectors, null, 2)}\n`));
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [folder, make] of [
    ['manifests', makeVectors],
    ['fresh', makeFreshVectors],
  ]) {
    const dir = new URL(`../test-vectors/${folder}/`, import.meta.url);
    mkdirSync(dir, { recursive: true });
    for (const [name, bytes] of make()) {
      writeFileSync(new URL(name, dir), bytes);
      console.log(`wrote test-vectors/${folder}/${name}`);
    }
  }
}
