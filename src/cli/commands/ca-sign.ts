import { signAppCertificate, writeEdits } from '../../author/index.js';
import { UsageError } from '../../errors/index.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';
import { givenFile } from './app-register.js';
import { positiveInt } from './sign.js';

export const command: Command = {
  name: 'ca sign',
  usage: `Usage: appshelf ca sign CSR --key CA_KEY [--store DIR] [--days N] [--force]

For the store admin. Checks the request (self-signature, RSA key, CN is a valid app id),
issues the app certificate with the store CA (random serial) and writes it to
  store/apps/<CN>/<CN>.crt
Commit it; the developer then registers the app, which writes \`certificate: <CN>.crt\`
and the signature over the app id into app.yaml:
  appshelf app register <CN> --cert store/apps/<CN>/<CN>.crt --key <CN>.key

Replacing an existing certificate (a new key) needs --force: every release of the app
must then be re-signed with the new key (\`appshelf sign\`), or yanked
(\`appshelf yank APP VERSION --reason …\`; released versions are never deleted), in the same change.

Options:
  --key CA_KEY   the store CA private key (from \`appshelf ca init\`)
  --store DIR    the store folder (default: store)
  --days N       validity in days (default: 3650)
  --force        replace an existing certificate of the app
  -h, --help     show this help

The openssl way:
  openssl x509 -req -in APP.csr -CA store/trust/ca.crt -CAkey ~/.appshelf/keys/ca.key \\
    -set_serial 0x$(openssl rand -hex 16) -days 3650 -sha512 -out store/apps/APP/APP.crt`,
  options: { key: { type: 'string' }, store: { type: 'string' }, days: { type: 'string' }, force: { type: 'boolean' } },
  positionals: [1, 1],
  async run(args) {
    const csrFile = args.positionals[0]!;
    const caKeyFile = str(args, 'key');
    if (!caKeyFile) throw new UsageError('--key CA_KEY is required (the key `appshelf ca init` wrote).');
    const days = positiveInt(args, 'days', 3650);
    const { edits, result } = signAppCertificate(storeConfig(args), {
      csr: givenFile(csrFile),
      caKey: givenFile(caKeyFile),
      days,
      force: args.values.force === true,
    });
    writeEdits(edits);
    args.io.out(
      `certificate: ${result.file}\n` +
        `  CN=${result.app}, serial ${result.serial}, valid until ${result.validTo}\n` +
        `Next, the developer registers the app (certificate and signature in app.yaml):\n` +
        `  appshelf app register ${result.app} --cert ${result.file} --key ${result.app}.key\n`,
    );
    return 0;
  },
};
