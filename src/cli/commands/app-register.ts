import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { authorContext, registerApp } from '../../author/index.js';
import { diag, Errors, StoreError, UsageError } from '../../errors/index.js';
import { loadStore } from '../../load/index.js';
import { displayPath } from '../../util/paths.js';
import { loadPrivateKey, parseCertificates, signData } from '../../verify/crypto.js';
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

/** The first line of sibling files when it is the editor schema comment, to start new files the same way. */
export function schemaHeader(text: string | undefined): string | undefined {
  const first = text?.split('\n', 1)[0];
  return first?.startsWith('# yaml-language-server:') ? first.slice(1) : undefined;
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
    if (!APP_ID.test(id)) throw new UsageError(`"${id}" is not an app id: use lower-case ASCII letters, digits and _, starting with a letter.`);
    const certFile = str(args, 'cert');
    if (!certFile) throw new UsageError('--cert CERT is required.');
    const sigArg = str(args, 'signature');
    const keyFile = str(args, 'key');
    if ((sigArg === undefined) === (keyFile === undefined)) throw new UsageError('Give exactly one of --signature SIG and --key KEY.');
    const certPem = readInput(certFile).toString('utf8');
    parseCertificates(certPem, certFile);
    const signature = keyFile
      ? signData(id, loadPrivateKey(readInput(keyFile).toString('utf8'), keyFile))
      : existsSync(sigArg!) ? readInput(sigArg!).toString('utf8').replace(/\s+/g, '') : sigArg!.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/=]+$/.test(signature)) throw new UsageError('--signature must be a file holding base64 text, or the base64 text itself.');

    const config = storeConfig(args);
    const { storeDir } = config;
    const ctx = authorContext(loadStore(storeDir), displayPath(path.resolve(storeDir)));
    const appDir = path.join(ctx.loaded.root, 'apps', id);
    const existing = ctx.loaded.apps.find((a) => a.folder === id)?.app;
    const sibling = ctx.loaded.apps.find((a) => a.app)?.app?.text;
    const text = registerApp(existing, {
      id,
      name: str(args, 'name'),
      certificate: `${id}.crt`,
      signature,
      owners: (args.values.owner as string[] | undefined) ?? [],
      header: schemaHeader(sibling),
    });
    mkdirSync(appDir, { recursive: true });
    const certDest = path.join(appDir, `${id}.crt`);
    if (path.resolve(certFile) !== certDest) copyFileSync(certFile, certDest);
    const appFile = existing?.abs ?? path.join(appDir, 'app.yaml');
    writeFileSync(appFile, text);
    // An app.yaml written by hand before its first registration has no signature yet: that is still the first.
    const before = (existing?.data as { signature?: unknown } | undefined)?.signature;
    args.io.out(`✓ ${before ? 're-registered' : 'registered'} ${id}: ${displayPath(appFile)}, ${displayPath(certDest)}\n`);
    if (!existing && !(args.values.owner as string[] | undefined)?.length) {
      args.io.out('  note: no --owner given: only store admins may change this app until owners are listed in app.yaml.\n');
    }
    return 0;
  },
};
