import { requestAppCertificate, writeEdits } from '../../author/index.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';
import { positiveInt } from './sign.js';

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
    const bits = positiveInt(args, 'bits', 4096);
    const { edits, result } = requestAppCertificate(storeConfig(args), {
      app,
      bits,
      out: str(args, 'out'),
      force: args.values.force === true,
    });
    writeEdits(edits);
    args.io.out(
      `private key: ${result.keyFile}  (${bits}-bit RSA; secret, never commit it)\n` +
        `request:     ${result.csrFile}  (CN=${app}; send it to the store admin)\n`,
    );
    return 0;
  },
};
