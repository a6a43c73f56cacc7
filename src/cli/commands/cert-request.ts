import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writePrivateKey } from '../../util/keys-dir.js';
import { diag, Errors, StoreError, UsageError } from '../../errors/index.js';
import { displayPath } from '../../util/paths.js';
import { createCsr, generateRsaKey } from '../../verify/ca.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';
import { positiveInt } from './sign.js';

const APP_ID = /^[a-z][a-z0-9_]*$/;

export const command: Command = {
  name: 'cert request',
  usage: `Usage: appshelf cert request APP [--out DIR] [--bits N] [--force]

For the app developer. Creates an RSA private key and a certificate signing request whose
subject is CN=APP (the app id):
  DIR/APP.key   the private key: keep it secret, never commit it
  DIR/APP.csr   the request: send it to the store admin, who runs \`appshelf ca sign APP.csr\`

Options:
  --out DIR      where to write the files (default: ~/.appshelf/keys)
  --bits N       RSA key size (default: 4096)
  --force        overwrite existing APP.key / APP.csr
  -h, --help     show this help

The openssl way (as Nextcloud documents it; appshelf accepts both):
  openssl req -nodes -newkey rsa:4096 -keyout APP.key -out APP.csr -subj "/CN=APP"`,
  options: { out: { type: 'string' }, bits: { type: 'string' }, force: { type: 'boolean' } },
  positionals: [1, 1],
  async run(args) {
    const app = args.positionals[0]!;
    if (!APP_ID.test(app))
      throw new UsageError(`"${app}" is not a valid app id: use lower-case letters, digits and _, starting with a letter.`);
    const bits = positiveInt(args, 'bits', 4096);
    if (bits < 2048) throw new UsageError(`--bits ${bits} is too small: use at least 2048 (4096 recommended).`);
    const out = path.resolve(str(args, 'out') ?? storeConfig(args).keysDir);
    const keyFile = path.join(out, `${app}.key`);
    const csrFile = path.join(out, `${app}.csr`);
    for (const file of [keyFile, csrFile]) {
      if (existsSync(file) && args.values.force !== true) throw new StoreError(diag(Errors.TrustFileExists, [displayPath(file)]));
    }
    const key = generateRsaKey(bits);
    writePrivateKey(keyFile, key.privateKey);
    writeFileSync(csrFile, createCsr(app, key.privateKey));
    args.io.out(
      `private key: ${displayPath(keyFile)}  (${bits}-bit RSA; secret, never commit it)\n` +
        `request:     ${displayPath(csrFile)}  (CN=${app}; send it to the store admin)\n`,
    );
    return 0;
  },
};
