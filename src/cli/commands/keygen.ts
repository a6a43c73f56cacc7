import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writePrivateKey } from '../../util/keys-dir.js';
import { generateSigningKey, repositoryOf, setSigningPublicKey } from '../../author/index.js';
import { diag, Errors, StoreError } from '../../errors/index.js';
import { displayPath, isInside } from '../../util/paths.js';
import { keyIdOf } from '../../util/signed-json.js';
import { createPublicKey } from 'node:crypto';
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
    const config = storeConfig(args);
    const { storeDir } = config;
    const storeYaml = path.join(storeDir, config.storeFile);
    if (!existsSync(storeYaml)) throw new StoreError(diag(Errors.StoreNotFound, [displayPath(path.resolve(storeDir))]));
    const print = args.values.print === true;
    const force = args.values.force === true;
    const keyOut = path.resolve(str(args, 'key-out') ?? path.join(config.keysDir, 'manifest-signing.key'));
    if (!print) {
      if (isInside(repositoryOf(storeDir), keyOut)) throw new StoreError(diag(Errors.KeygenInsideStore, [displayPath(keyOut)]));
      if (existsSync(keyOut) && !force) throw new StoreError(diag(Errors.KeygenExists, [displayPath(keyOut)]));
    }
    const key = generateSigningKey();
    // store.yaml is checked (an existing key refused) before the private key is written anywhere.
    const text = setSigningPublicKey(
      { file: displayPath(path.resolve(storeYaml)), text: readFileSync(storeYaml, 'utf8') },
      key.publicKey,
      force,
    );
    if (!print) {
      writePrivateKey(keyOut, key.privateKey);
    }
    writeFileSync(storeYaml, text);
    const keyid = keyIdOf(createPublicKey(key.publicKey));
    if (print) {
      args.io.out(key.privateKey);
      args.io.err(
        `↑ the private key, shown once: store it as the secret APPSHELF_SIGNING_KEY now; it was written nowhere.\n` +
          `✓ signing.publicKey set in ${displayPath(path.resolve(storeYaml))} (key id ${keyid.slice(0, 16)}…); commit it\n`,
      );
    } else {
      args.io.out(
        `private key:  ${displayPath(keyOut)}  (secret, mode 0600: keep it outside the repository, backed up)\n` +
          `public key:   signing.publicKey in ${displayPath(path.resolve(storeYaml))} (key id ${keyid.slice(0, 16)}…); commit it\n` +
          `\nBuild signed: APPSHELF_SIGNING_KEY_FILE=${displayPath(keyOut)} npx appshelf build\n` +
          `CI: store the file's text as the secret APPSHELF_SIGNING_KEY of the "publish" environment.\n`,
      );
    }
    return 0;
  },
};
