import { createSigningKey, writeEdits } from '../../author/index.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';

export const command: Command = {
  name: 'keygen',
  usage: `Usage: appshelf keygen [--store DIR] [--key-out PATH | --print] [--force]

For the store admin, once per store. Makes the Ed25519 key that signs the update
manifests, and writes its public key into store.yaml (signing.publicKey), so every
build must then be signed and clients verify the manifests with it.

The private key is written OUTSIDE the repository (default
~/.appshelf/keys/manifest-signing.key, mode 0600), or with --print written once to
stdout and nowhere else: paste it into the APPSHELF_SIGNING_KEY secret of the
"publish" deployment environment (GitHub: Settings → Environments → publish).
Builds read it from APPSHELF_SIGNING_KEY (PEM) or APPSHELF_SIGNING_KEY_FILE (path).

Options:
  --store DIR      the store folder (default: store)
  --key-out PATH   where to write the private key; must be outside the repository
  --print          print the private key to stdout instead of writing a file
  --force          replace an existing signing.publicKey or key file (rotation: every
                   client must learn the new public key)
  -h, --help       show this help

The openssl way (same key):
  openssl genpkey -algorithm ed25519 -out ~/.appshelf/keys/manifest-signing.key
  openssl pkey -in ~/.appshelf/keys/manifest-signing.key -pubout   # → signing.publicKey`,
  options: { store: { type: 'string' }, 'key-out': { type: 'string' }, print: { type: 'boolean' }, force: { type: 'boolean' } },
  async run(args) {
    const print = args.values.print === true;
    const { edits, result } = createSigningKey(storeConfig(args), {
      keyOut: str(args, 'key-out'),
      print,
      force: args.values.force === true,
    });
    writeEdits(edits);
    const id = `key id ${result.keyid.slice(0, 16)}…`;
    if (print) {
      args.io.out(result.privateKey);
      args.io.err(
        `↑ the private key, shown once: store it as the secret APPSHELF_SIGNING_KEY now; it was written nowhere.\n` +
          `✓ signing.publicKey set in ${result.storeFile} (${id}); commit it\n`,
      );
    } else {
      args.io.out(
        `private key:  ${result.keyOut}  (secret, mode 0600: keep it outside the repository, backed up)\n` +
          `public key:   signing.publicKey in ${result.storeFile} (${id}); commit it\n` +
          `\nBuild signed: APPSHELF_SIGNING_KEY_FILE=${result.keyOut} npx appshelf build\n` +
          `CI: store the file's text as the secret APPSHELF_SIGNING_KEY of the "publish" environment.\n`,
      );
    }
    return 0;
  },
};
