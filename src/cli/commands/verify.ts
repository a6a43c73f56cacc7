import { existsSync, readFileSync } from 'node:fs';
import { diag, Errors, StoreError, UsageError } from '../../errors/index.js';
import { displayPath } from '../../util/paths.js';
import { verifySignatureOf } from '../../verify/index.js';
import type { Command } from '../command.js';
import { fileOrText, str } from '../command.js';

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
    const { file, text } = fileOrText(args);
    const certFile = str(args, 'cert');
    const sig = str(args, 'signature');
    if (!certFile || !sig) throw new UsageError(`--${certFile ? 'signature SIG' : 'cert CERT'} is required.`);
    for (const f of [certFile, ...(file !== undefined ? [file] : [])])
      if (!existsSync(f)) throw new StoreError(diag(Errors.ReadFailed, [f, 'no such file']));
    const signer = verifySignatureOf({
      data: file !== undefined ? readFileSync(file) : Buffer.from(text!, 'utf8'),
      what: file !== undefined ? displayPath(file) : `the text "${text}"`,
      text,
      certPem: readFileSync(certFile, 'utf8'),
      certFile,
      signature: sig,
    });
    args.io.out(
      `✓ valid: ${file !== undefined ? displayPath(file) : `the text "${text}"`} was signed (RSA-SHA512) by the key of ${signer}\n`,
    );
    return 0;
  },
};
