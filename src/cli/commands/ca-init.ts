import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writePrivateKey } from '../../util/keys-dir.js';
import { diag, Errors, StoreError, UsageError } from '../../errors/index.js';
import { displayPath, isInside } from '../../util/paths.js';
import { createCaCertificate, generateRsaKey } from '../../verify/ca.js';
import { configureTrust, ensureRevocationList, trustPaths } from '../../verify/trust-files.js';
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
    const config = storeConfig(args);
    const { storeDir } = config;
    const paths = trustPaths(config);
    const keyOut = path.resolve(str(args, 'key-out') ?? path.join(config.keysDir, 'ca.key'));
    if (isInside(path.resolve(storeDir), keyOut)) {
      throw new UsageError(
        `--key-out ${displayPath(keyOut)} is inside the store folder, which is published; keep the CA key outside the repository.`,
      );
    }
    const days = positiveInt(args, 'days', 7300);
    const bits = positiveInt(args, 'bits', 4096);
    const force = args.values.force === true;
    for (const file of [paths.ca, keyOut]) {
      if (existsSync(file) && !force) throw new StoreError(diag(Errors.TrustFileExists, [displayPath(file)]));
    }
    const cn = str(args, 'cn') ?? `${storeName(paths.storeYaml)} CA`;
    const key = generateRsaKey(bits);
    writePrivateKey(keyOut, key.privateKey);
    mkdirSync(path.dirname(paths.ca), { recursive: true });
    writeFileSync(paths.ca, createCaCertificate(key.privateKey, { cn, days }));
    const listed = ensureRevocationList(paths);
    const configured = configureTrust(paths);
    args.io.out(
      `CA key:         ${displayPath(keyOut)}  (secret: keep it outside the repository, backed up)\n` +
        `CA certificate: ${displayPath(paths.ca)}  (CN=${cn}, ${days} days; commit it)\n` +
        (listed ? `revocations:    ${displayPath(paths.revoked)}  (empty)\n` : '') +
        (configured ? `store.yaml:     trust.ca and trust.revoked set\n` : '') +
        `\nNext: a developer runs \`appshelf cert request APP\` and sends you APP.csr; you run\n` +
        `  appshelf ca sign APP.csr --key ${displayPath(keyOut)}\n`,
    );
    return 0;
  },
};

// --- internal ---

function storeName(storeYaml: string): string {
  // A store name is the obvious CA name; fall back quietly when store.yaml has none.
  const match = /^name:\s*(.+)$/m.exec(readFileSync(storeYaml, 'utf8'));
  return match?.[1]?.replace(/^["']|["']$/g, '').trim() || 'appshelf store';
}
