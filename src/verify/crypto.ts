import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  publicDecrypt,
  sign,
  verify,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { diag, Errors, StoreError } from '../errors/index.js';

/** The digest of every appshelf signature: RSA PKCS#1 v1.5 over SHA-512, as `openssl dgst -sha512 -sign`. */
const SIGNATURE_DIGEST = 'sha512';

/** A PEM block: its label (`CERTIFICATE`, `PRIVATE KEY` …) and the whole armored text. */
interface PemBlock {
  label: string;
  text: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1]!, text: m[0] }));
}

/** Why a PEM text holds no block with one of the wanted labels, in words a user can act on. */
function missingPemReason(text: string, wanted: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'the file is empty';
  if (trimmed.startsWith('ssh-') || trimmed.includes('OPENSSH PRIVATE KEY'))
    return 'it is an OpenSSH key; appshelf needs a PEM RSA key (openssl req -nodes -newkey rsa:4096 …)';
  const begin = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(trimmed);
  if (!begin) return `no "-----BEGIN ${wanted}-----" line`;
  const end = trimmed.indexOf(`-----END ${begin[1]}-----`);
  if (end < 0) return `"-----BEGIN ${begin[1]}-----" has no matching "-----END ${begin[1]}-----" line (the text was cut off)`;
  return `it holds a ${begin[1]}, not a ${wanted}`;
}

const cryptoReason = (e: unknown): string => {
  const msg = (e as Error).message ?? String(e);
  return `the base64 data between the BEGIN and END lines is damaged (${msg.replace(/^error:[0-9A-F]+:/, '')})`;
};

/**
 * Reads an RSA private key (PKCS#1 or PKCS#8 PEM, as `openssl req -nodes` writes it).
 * Throws a StoreError saying exactly what is wrong with the text.
 */
export function loadPrivateKey(pem: string, source = 'the private key'): KeyObject {
  const block = pemBlocks(pem).find((b) => /PRIVATE KEY$/.test(b.label));
  if (!block) throw new StoreError(diag(Errors.PemMalformed, [source, 'private key', missingPemReason(pem, 'PRIVATE KEY')]));
  if (block.label === 'ENCRYPTED PRIVATE KEY') {
    throw new StoreError(
      diag(Errors.PemMalformed, [
        source,
        'private key',
        'it is encrypted with a passphrase; decrypt it first with `openssl pkey -in KEY -out KEY.plain`',
      ]),
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(block.text);
  } catch (e) {
    throw new StoreError(diag(Errors.PemMalformed, [source, 'private key', cryptoReason(e)]), { cause: e });
  }
  if (key.asymmetricKeyType !== 'rsa') throw new StoreError(diag(Errors.KeyNotRsa, [source, key.asymmetricKeyType ?? 'unknown']));
  return key;
}

/**
 * Reads every certificate of a PEM text (a single certificate, or a chain file). Throws a
 * StoreError naming `source` when there is none or one is damaged.
 */
export function parseCertificates(pem: string, source = 'the certificate'): X509Certificate[] {
  const blocks = pemBlocks(pem).filter((b) => b.label === 'CERTIFICATE');
  if (!blocks.length) throw new StoreError(diag(Errors.PemMalformed, [source, 'certificate', missingPemReason(pem, 'CERTIFICATE')]));
  return blocks.map((b) => {
    try {
      return new X509Certificate(b.text);
    } catch (e) {
      throw new StoreError(diag(Errors.PemMalformed, [source, 'certificate', cryptoReason(e)]), { cause: e });
    }
  });
}

/** The public key of a certificate, public key or private key PEM. */
export function loadPublicKey(pem: string, source = 'the certificate'): KeyObject {
  if (/-----BEGIN CERTIFICATE-----/.test(pem)) return parseCertificates(pem, source)[0]!.publicKey;
  const block = pemBlocks(pem).find((b) => /(PUBLIC|PRIVATE) KEY$/.test(b.label));
  if (!block) throw new StoreError(diag(Errors.PemMalformed, [source, 'certificate or public key', missingPemReason(pem, 'CERTIFICATE')]));
  if (block.label.endsWith('PRIVATE KEY')) return createPublicKey(loadPrivateKey(pem, source));
  try {
    return createPublicKey(block.text);
  } catch (e) {
    throw new StoreError(diag(Errors.PemMalformed, [source, 'public key', cryptoReason(e)]), { cause: e });
  }
}

/**
 * Every CN value of a certificate subject, in any RDN (several attributes or one multi-valued
 * one): a certificate is bound to an app only when this is exactly one value equal to its id.
 */
export function commonNames(cert: X509Certificate): string[] {
  const cn = (cert.toLegacyObject().subject as Record<string, string | string[] | undefined> | undefined)?.CN;
  return cn === undefined ? [] : Array.isArray(cn) ? cn : [cn];
}

/** The CN of a certificate subject when it has exactly one (`undefined` for none or several). */
export function commonName(cert: X509Certificate): string | undefined {
  const all = commonNames(cert);
  return all.length === 1 ? all[0] : undefined;
}

/** A certificate serial as lower-case hex without colons or leading zeros, so `00:AB` and `ab` compare equal. */
export const normalizeSerial = (serial: string): string =>
  serial
    .replace(/[:\s]/g, '')
    .toLowerCase()
    .replace(/^0+(?=.)/, '');

/** Base64 RSA-SHA512 (PKCS#1 v1.5) signature over the bytes, as `openssl dgst -sha512 -sign KEY | openssl base64` (unwrapped). */
export function signData(data: Uint8Array | string, privateKeyPem: string | KeyObject): string {
  const key = typeof privateKeyPem === 'string' ? loadPrivateKey(privateKeyPem) : privateKeyPem;
  return sign(SIGNATURE_DIGEST, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, key).toString('base64');
}

/** Outcome of {@link checkSignature}: valid, or the exact reason it is not. */
export type SignatureCheck =
  | { ok: true }
  | { ok: false; kind: 'not-base64'; reason: string }
  | { ok: false; kind: 'length'; bytes: number; expected: number }
  | { ok: false; kind: 'wrong-key' }
  /** Made with this key over other bytes; `signedSha512` is the hex digest that was signed. */
  | { ok: false; kind: 'other-data'; signedSha512: string }
  | { ok: false; kind: 'digest'; digest: string };

/** Decodes base64 strictly (whitespace ignored, as `openssl base64` wraps at 64 columns). */
export function decodeBase64(text: string): { bytes: Buffer } | { reason: string } {
  const s = text.replace(/\s+/g, '');
  if (!s) return { reason: 'it is empty' };
  const bad = /[^A-Za-z0-9+/=]/.exec(s);
  if (bad) return { reason: `it contains "${bad[0]}" at character ${bad.index + 1}, which is not a base64 character` };
  const pad = s.indexOf('=');
  if (pad >= 0 && !/^={1,2}$/.test(s.slice(pad)))
    return { reason: `"=" padding appears inside the text at character ${pad + 1}, not only at the end` };
  if (s.length % 4 !== 0)
    return { reason: `it has ${s.length} characters, which is not a multiple of 4 (characters are missing or were added)` };
  return { bytes: Buffer.from(s, 'base64') };
}

// DigestInfo prefixes (RFC 8017 §9.2 note 1): what a PKCS#1 v1.5 signature wraps its hash in.
const DIGEST_INFO: Record<string, string> = {
  '3051300d060960864801650304020305000440': 'SHA-512',
  '3031300d060960864801650304020105000420': 'SHA-256',
  '3041300d060960864801650304020205000430': 'SHA-384',
  '3021300906052b0e03021a05000414': 'SHA-1',
  '3020300c06082a864886f70d020505000410': 'MD5',
};

/**
 * Checks an RSA-SHA512 signature and, when it fails, finds out why: not base64, wrong length,
 * made by another key, made over other bytes (the signed digest is recovered from the signature,
 * so the caller can name the file that was really signed), or made with another digest.
 */
export function checkSignature(data: Uint8Array | string, signatureBase64: string, key: string | KeyObject): SignatureCheck {
  const publicKey = typeof key === 'string' ? loadPublicKey(key) : key;
  const decoded = decodeBase64(signatureBase64);
  if ('reason' in decoded) return { ok: false, kind: 'not-base64', reason: decoded.reason };
  const expected = Math.ceil((publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (expected && decoded.bytes.length !== expected) return { ok: false, kind: 'length', bytes: decoded.bytes.length, expected };
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (verify(SIGNATURE_DIGEST, bytes, publicKey, decoded.bytes)) return { ok: true };
  return diagnoseFailure(decoded.bytes, publicKey);
}

function diagnoseFailure(signature: Buffer, publicKey: KeyObject): SignatureCheck {
  let recovered: Buffer;
  try {
    // "Verify-recover": with the right key this yields the DigestInfo that was signed.
    recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return { ok: false, kind: 'wrong-key' };
  }
  const hex = recovered.toString('hex');
  for (const [prefix, name] of Object.entries(DIGEST_INFO)) {
    if (!hex.startsWith(prefix)) continue;
    return name === 'SHA-512'
      ? { ok: false, kind: 'other-data', signedSha512: hex.slice(prefix.length) }
      : { ok: false, kind: 'digest', digest: name };
  }
  return { ok: false, kind: 'wrong-key' };
}

/** Hex SHA-512, to compare with {@link SignatureCheck} `signedSha512`. */
export const sha512Hex = (data: Uint8Array | string): string => createHash('sha512').update(data).digest('hex');
