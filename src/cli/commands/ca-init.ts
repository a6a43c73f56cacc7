import { CA_DEFAULTS, createStoreCa, writeEdits, type StoreCaResult } from '../../author/index.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';
import { positiveInt } from './sign.js';

export const command: Command = {
  name: 'ca init',
  usage: `Usage: appshelf ca init [--store DIR] [--key-out PATH] [--days N] [--cn NAME] [--bits N] [--force]

For the store admin, once per store. Creates:
  - the CA private key (RSA), written OUTSIDE the repository (default ~/.appshelf/keys/ca.key,
    mode 0600). Keep it secret and backed up: it issues every app certificate.
  - the self-signed root certificate, at trust.ca of store.yaml (default store/trust/ca.crt).
    Commit it: \`appshelf check\` verifies every app certificate against it.
  - an empty revocation list (default store/trust/revoked.yaml), and trust.ca / trust.revoked
    in store.yaml when they are not set yet.

Options:
  --store DIR      the store folder (default: store)
  --key-out PATH   where to write the CA key (default: ~/.appshelf/keys/ca.key); must be outside the store
  --days N         validity of the root certificate in days (default: 7300, 20 years)
  --cn NAME        subject CN of the root (default: "<store name> CA")
  --bits N         RSA key size (default: 4096)
  --force          replace an existing CA certificate and key (every app certificate must then be issued again)
  -h, --help       show this help

The openssl way (same result):
  openssl req -x509 -nodes -newkey rsa:4096 -sha512 -days 7300 -subj "/CN=My Store CA" \\
    -keyout ~/.appshelf/keys/ca.key -out store/trust/ca.crt`,
  options: {
    store: { type: 'string' },
    'key-out': { type: 'string' },
    days: { type: 'string' },
    cn: { type: 'string' },
    bits: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run(args) {
    const days = positiveInt(args, 'days', CA_DEFAULTS.days);
    const { edits, result } = createStoreCa(storeConfig(args), {
      keyOut: str(args, 'key-out'),
      cn: str(args, 'cn'),
      days,
      bits: positiveInt(args, 'bits', CA_DEFAULTS.bits),
      force: args.values.force === true,
    });
    writeEdits(edits);
    args.io.out(caInitReport(result, days));
    return 0;
  },
};

/** What `ca init` (and `init`, which makes the CA the same way) tells the admin. */
export function caInitReport(result: StoreCaResult, days: number): string {
  return (
    `CA key:         ${result.keyOut}  (secret: keep it outside the repository, backed up)\n` +
    `CA certificate: ${result.ca}  (CN=${result.cn}, ${days} days; commit it)\n` +
    (result.revoked ? `revocations:    ${result.revoked}  (empty)\n` : '') +
    (result.configured ? `store.yaml:     trust.ca and trust.revoked set\n` : '') +
    `\nNext: a developer runs \`appshelf cert request APP\` and sends you APP.csr; you run\n` +
    `  appshelf ca sign APP.csr --key ${result.keyOut}\n`
  );
}
