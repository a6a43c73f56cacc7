import { existsSync, readFileSync } from 'node:fs';
import { diag, Errors, StoreError, UsageError } from '../../errors/index.js';
import { displayPath } from '../../util/paths.js';
import { loadPrivateKey, signData } from '../../verify/crypto.js';
import type { Command, CommandArgs } from '../command.js';
import { fileOrText, str } from '../command.js';

export const command: Command = {
  name: 'sign',
  usage: `Usage: appshelf sign FILE --key KEY
       appshelf sign --text APP_ID --key KEY

Prints the base64 RSA-SHA512 (PKCS#1 v1.5) signature of FILE's bytes, or of the text
APP_ID (UTF-8, no newline) — the registration signature for \`signature:\` in app.yaml.
The output goes into \`signature:\` of the release entry (or app.yaml) as it is.

Options:
  --key KEY        the app's private key (PEM, from \`appshelf cert request\` or openssl)
  --text APP_ID    sign this text instead of a file
  -h, --help       show this help

The openssl way (same signature; openssl wraps it over several lines, which is fine):
  openssl dgst -sha512 -sign APP.key FILE | openssl base64
  echo -n "APP_ID" | openssl dgst -sha512 -sign APP.key | openssl base64`,
  options: { key: { type: 'string' }, text: { type: 'string' } },
  positionals: [0, 1],
  async run(args) {
    const { file, text } = fileOrText(args);
    const key = readPrivateKey(args);
    if (file !== undefined && !existsSync(file)) throw new StoreError(diag(Errors.ReadFailed, [file, 'no such file']));
    args.io.out(`${signData(file !== undefined ? readFileSync(file) : text!, key)}\n`);
    return 0;
  },
};

/** Reads `--key` (required) as an RSA private key, with a precise error for a bad file. */
export function readPrivateKey(args: CommandArgs, option = 'key'): ReturnType<typeof loadPrivateKey> {
  const file = str(args, option);
  if (!file) throw new UsageError(`--${option} KEY is required.`);
  if (!existsSync(file)) throw new StoreError(diag(Errors.ReadFailed, [file, 'no such file']));
  return loadPrivateKey(readFileSync(file, 'utf8'), displayPath(file));
}

/** A positive integer option, or its default. */
export function positiveInt(args: CommandArgs, name: string, fallback: number): number {
  const raw = str(args, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive whole number (got "${raw}").`);
  return n;
}
