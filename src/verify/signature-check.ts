// `appshelf verify` as a library call: a signature checked, and a failure explained.
import { existsSync, readFileSync } from 'node:fs';
import { diag, Errors, StoreError } from '../errors/index.js';
import { displayPath } from '../util/paths.js';
import { checkSignature, commonName, decodeBase64, loadPublicKey, parseCertificates, sha512Hex } from './crypto.js';

/**
 * `appshelf verify`: checks an RSA-SHA512 signature of some bytes (a file, or the text of an app
 * id) with the key of a certificate (or public key), and when it fails throws the error that says
 * why: not base64, cut off, another key, other bytes (with the trailing-newline case named), another
 * digest. `signature` is base64 text or a file holding it (or the raw bytes openssl writes).
 * Gives who signed (`CN=<id>`, or the key file).
 */
export function verifySignatureOf(input: {
  data: Uint8Array;
  what: string;
  text?: string;
  certPem: string;
  certFile: string;
  signature: string;
}): string {
  const { data, what, text, certPem, certFile, signature: sig } = input;
  const key = loadPublicKey(certPem, displayPath(certFile));
  const signature = readSignature(sig, Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8));
  const check = checkSignature(data, signature, key);
  const signer = /-----BEGIN CERTIFICATE-----/.test(certPem)
    ? `CN=${commonName(parseCertificates(certPem)[0]!) ?? '?'}`
    : displayPath(certFile);
  if (check.ok) return signer;
  const label = displayPath(certFile);
  const at = { file: sig.length < 1024 && existsSync(sig) ? displayPath(sig) : label };
  switch (check.kind) {
    case 'not-base64':
      throw new StoreError(diag(Errors.SignatureNotBase64, [what, check.reason], at));
    case 'length':
      throw new StoreError(diag(Errors.SignatureLength, [what, check.bytes, check.expected], at));
    case 'wrong-key':
      throw new StoreError(diag(Errors.SignatureWrongKey, [what, label], at));
    case 'digest':
      throw new StoreError(diag(Errors.SignatureDigest, [what, check.digest], at));
    case 'other-data': {
      const detail =
        text !== undefined && check.signedSha512 === sha512Hex(`${text}\n`)
          ? `it signs "${text}" followed by a newline; sign without one (echo -n)`
          : `the signed bytes have sha512 ${check.signedSha512.slice(0, 16)}…, ${text === undefined ? 'the file' : 'the text'} has ${sha512Hex(data).slice(0, 16)}… (a different file or text was signed)`;
      throw new StoreError(diag(Errors.SignatureOtherData, [what, detail], at));
    }
  }
}

/** The signature as base64: from a file (base64 text, or the raw bytes openssl writes) or the argument itself. */
function readSignature(sig: string, keyBytes: number): string {
  if (sig.length >= 1024 || !existsSync(sig)) return sig;
  const bytes = readFileSync(sig);
  const asText = bytes.toString('latin1');
  if ('bytes' in decodeBase64(asText)) return asText;
  // `openssl dgst -sign KEY -out SIG.bin` writes raw bytes: exactly one key length of them.
  return bytes.length === keyBytes ? bytes.toString('base64') : asText;
}
