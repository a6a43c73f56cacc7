import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diag, Errors, StoreError, UsageError } from '../../errors/index.js';
import { displayPath } from '../../util/paths.js';
import { issueCertificate, readCsr } from '../../verify/ca.js';
import { normalizeSerial, parseCertificates } from '../../verify/crypto.js';
import { trustPaths } from '../../verify/trust-files.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';
import { positiveInt } from './sign.js';

const APP_ID = /^[a-z][a-z0-9_]*$/;

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
    const config = storeConfig(args);
    const { storeDir } = config;
    const days = positiveInt(args, 'days', 3650);
    const paths = trustPaths(config);
    for (const file of [csrFile, caKeyFile]) if (!existsSync(file)) throw new StoreError(diag(Errors.ReadFailed, [file, 'no such file']));
    if (!existsSync(paths.ca)) throw new StoreError(diag(Errors.CaNotFound, [displayPath(paths.ca)]));
    const csr = readCsr(readFileSync(csrFile, 'utf8'), displayPath(csrFile));
    if (!APP_ID.test(csr.cn)) {
      throw new StoreError(
        diag(Errors.CsrInvalid, [displayPath(csrFile), `its CN "${csr.cn}" is not a valid app id (lower-case letters, digits and _)`]),
      );
    }
    if (csr.bits < 2048)
      throw new StoreError(
        diag(Errors.CsrInvalid, [
          displayPath(csrFile),
          `its RSA key has only ${csr.bits} bits; at least 2048 are needed (4096 recommended)`,
        ]),
      );
    const out = path.join(storeDir, 'apps', csr.cn, `${csr.cn}.crt`);
    if (existsSync(out) && args.values.force !== true) throw new StoreError(diag(Errors.TrustFileExists, [displayPath(out)]));
    const pem = issueCertificate(csr, { caCertPem: readFileSync(paths.ca, 'utf8'), caKeyPem: readFileSync(caKeyFile, 'utf8'), days });
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, pem);
    const cert = parseCertificates(pem)[0]!;
    args.io.out(
      `certificate: ${displayPath(out)}\n` +
        `  CN=${csr.cn}, serial ${normalizeSerial(cert.serialNumber)}, valid until ${new Date(cert.validTo).toISOString().slice(0, 10)}\n` +
        `Next, the developer registers the app (certificate and signature in app.yaml):\n` +
        `  appshelf app register ${csr.cn} --cert ${displayPath(out)} --key ${csr.cn}.key\n`,
    );
    return 0;
  },
};
