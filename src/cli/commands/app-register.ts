import { existsSync, readFileSync } from 'node:fs';
import { registerAppFiles, writeEdits, type GivenFile } from '../../author/index.js';
import { diag, Errors, StoreError, UsageError } from '../../errors/index.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';

const APP_ID = /^[a-z][a-z0-9_]*$/;

/** Reads a file given on the command line; a missing or unreadable one is a user error naming it. */
export function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new StoreError(diag(Errors.ReadFailed, [file, (e as NodeJS.ErrnoException).code ?? String(e)], { file }));
  }
}

/** A file given on the command line with its bytes (a missing one is a user error naming it). */
export function givenFile(file: string): GivenFile {
  let bytes: Buffer | undefined;
  // Read when the verb first needs it: after its checks of the store, as a refusal should come first.
  return {
    path: file,
    get bytes() {
      return (bytes ??= readInput(file));
    },
  };
}

export const command: Command = {
  name: 'app register',
  usage: `Usage: appshelf app register APP --cert CERT (--signature SIG | --key KEY)
                            [--name NAME] [--owner USER]... [--store DIR]

Copies the app certificate CERT (issued by the store CA, CN = APP) next to app.yaml
as apps/APP/APP.crt and sets \`certificate\` and \`signature\` in apps/APP/app.yaml,
creating the file when the app is new. The signature is the RSA-SHA512 signature
over the app id, given as a file or base64 text (--signature), or made here with
the app's private key (--key). Registering again with a new certificate is a
re-registration: every release must then be re-signed in the same pull request.

Options:
  --cert CERT        the app certificate (PEM)
  --signature SIG    the registration signature: a file, or the base64 text
                     (echo -n APP | openssl dgst -sha512 -sign APP.key | openssl base64)
  --key KEY          sign the app id with this private key instead (PEM, not committed)
  --name NAME        display name (for a new app: defaults to APP)
  --owner USER       a git host user allowed to change the app (repeatable)
  --store DIR        the store folder (default: store)
  -h, --help         show this help

Example:
  appshelf app register shelfnotes --cert shelfnotes.crt --key ~/.appshelf/keys/shelfnotes.key --owner octocat`,
  options: {
    cert: { type: 'string' },
    signature: { type: 'string' },
    key: { type: 'string' },
    name: { type: 'string' },
    owner: { type: 'string', multiple: true },
    store: { type: 'string' },
  },
  positionals: [1, 1],
  async run(args) {
    const [id] = args.positionals as [string];
    if (!APP_ID.test(id))
      throw new UsageError(`"${id}" is not an app id: use lower-case ASCII letters, digits and _, starting with a letter.`);
    const certFile = str(args, 'cert');
    if (!certFile) throw new UsageError('--cert CERT is required.');
    const sigArg = str(args, 'signature');
    const keyFile = str(args, 'key');
    if ((sigArg === undefined) === (keyFile === undefined)) throw new UsageError('Give exactly one of --signature SIG and --key KEY.');
    const owners = (args.values.owner as string[] | undefined) ?? [];
    const { edits, result } = registerAppFiles(storeConfig(args), {
      app: id,
      certificate: givenFile(certFile),
      signature: keyFile ? { key: givenFile(keyFile) } : { base64: existsSync(sigArg!) ? readInput(sigArg!).toString('utf8') : sigArg! },
      name: str(args, 'name'),
      owners,
    });
    writeEdits(edits);
    args.io.out(`✓ ${result.first ? 'registered' : 're-registered'} ${id}: ${result.appFile}, ${result.certificate}\n`);
    if (result.isNew && !owners.length) {
      args.io.out('  note: no --owner given: only store admins may change this app until owners are listed in app.yaml.\n');
    }
    return 0;
  },
};
