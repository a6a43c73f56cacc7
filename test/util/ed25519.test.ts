import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ed25519PrivateKey, ed25519PrivateKeyFromSeed, ed25519PublicKey } from '../../src/util/ed25519.js';

describe('the Ed25519 key loader', () => {
  const ed = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const pem = (k: import('node:crypto').KeyObject) => k.export({ type: k.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();

  it('loads Ed25519 PEM keys, public from a private one too', () => {
    expect(ed25519PrivateKey(pem(ed.privateKey)).asymmetricKeyType).toBe('ed25519');
    expect(ed25519PublicKey(pem(ed.publicKey)).type).toBe('public');
    expect(ed25519PublicKey(pem(ed.privateKey)).type).toBe('public');
  });

  it('refuses other keys with one message shape', () => {
    expect(() => ed25519PrivateKey(pem(rsa.privateKey))).toThrow('it is a rsa key, not Ed25519');
    expect(() => ed25519PublicKey(pem(rsa.publicKey))).toThrow('it is a rsa key, not Ed25519');
  });

  it('makes the same key from its raw seed', () => {
    const seed = ed.privateKey.export({ format: 'jwk' }).d!;
    const key = ed25519PrivateKeyFromSeed(Buffer.from(seed, 'base64url'));
    expect(key.export({ format: 'jwk' }).x).toBe(ed.privateKey.export({ format: 'jwk' }).x);
    expect(() => ed25519PrivateKeyFromSeed(new Uint8Array(31))).toThrow('it holds 31 bytes, not a 32-byte Ed25519 seed');
  });
});
