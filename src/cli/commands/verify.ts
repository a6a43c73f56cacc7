import { existsSync, readFileSync } from 'node:fs';
import { diag, Errors, StoreError, UsageError } from '../../errors/index.js';
import { displayPath } from '../../util/paths.js';
import { checkSignature, commonName, decodeBase64, loadPublicKey, parseCertificates, sha512Hex } from '../../verify/crypto.js';
import type { Command } from '../command.js';
import { str } from '../command.js';

export const command: Command = {
  name: 'verify',
  usage: `Usage: appshelf verify FILE --cert CERT --signature SIG
       appshelf verify --text APP_ID --cert CERT --signature SIG

A debugging aid: verifies the RSA-SHA512 signature of FILE's bytes (or of the text APP_ID,
the registration signature) with the key of CERT, and when it fails says why:
the signature is not base64, is cut off, was made by a different key, was made over
other bytes (another file, or the app id with a trailing newline), or used another digest.

Options:
  --cert CERT        the app certificate (or a public key) in PEM
  --signature SIG    a file holding the signature (base64, or the raw bytes of
                     \`openssl dgst -sign\`), or the base64 text itself
  --text APP_ID      verify a signature over this text instead of a file
  -h, --help         show this help

Exit codes: 0 the signature is valid, 1 it is not (the reason is printed), 2 wrong usage.

The openssl way:
  openssl x509 -in CERT -pubkey -noout > pub.pem
  openssl base64 -d -in SIG.b64 > SIG.bin
  openssl dgst -sha512 -verify pub.pem -signature SIG.bin FILE`,
  options: { cert: { type: 'string' }, signature: { type: 'string' }, text: { type: 'string' } },
  positionals: [0, 1],
  async run(args) {
    const text = str(args, 'text');
    const [file] = args.positionals;
    if ((text === undefined) === (file === undefined))
      throw new UsageError(text === undefined ? 'Give a FILE or --text APP_ID.' : 'Give either a FILE or --text, not both.');
    const certFile = str(args, 'cert');
    const sig = str(args, 'signature');
    if (!certFile || !sig) throw new UsageError(`--${certFile ? 'signature SIG' : 'cert CERT'} is required.`);
    for (const f of [certFile, ...(file !== undefined ? [file] : [])])
      if (!existsSync(f)) throw new StoreError(diag(Errors.ReadFailed, [f, 'no such file']));
    const certPem = readFileSync(certFile, 'utf8');
    const key = loadPublicKey(certPem, displayPath(certFile));
    const data = file !== undefined ? readFileSync(file) : Buffer.from(text!, 'utf8');
    const signature = readSignature(sig, Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8));
    const what = file !== undefined ? displayPath(file) : `the text "${text}"`;
    const check = checkSignature(data, signature, key);
    const signer = /-----BEGIN CERTIFICATE-----/.test(certPem)
      ? `CN=${commonName(parseCertificates(certPem)[0]!) ?? '?'}`
      : displayPath(certFile);
    if (check.ok) {
      args.io.out(`✓ valid: ${what} was signed (RSA-SHA512) by the key of ${signer}\n`);
      return 0;
    }
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
            : `the signed bytes have sha512 ${check.signedSha512.slice(0, 16)}…, ${file !== undefined ? 'the file' : 'the text'} has ${sha512Hex(data).slice(0, 16)}… (a different file or text was signed)`;
        throw new StoreError(diag(Errors.SignatureOtherData, [what, detail], at));
      }
    }
  },
};

// --- internal ---

/** The signature as base64: from a file (base64 text, or the raw bytes openssl writes) or the argument itself. */
function readSignature(sig: string, keyBytes: number): string {
  if (sig.length >= 1024 || !existsSync(sig)) return sig;
  const bytes = readFileSync(sig);
  const asText = bytes.toString('latin1');
  if ('bytes' in decodeBase64(asText)) return asText;
  // `openssl dgst -sign KEY -out SIG.bin` writes raw bytes: exactly one key length of them.
  return bytes.length === keyBytes ? bytes.toString('base64') : asText;
}
