// The CA's verbs as library calls (`ca init`, `ca sign`, `ca revoke`): each checks everything
// first and returns the files to write (the CA key as a secret edit), written together.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/index.js';
import { diag, Errors, StoreError, UsageError } from '../errors/index.js';
import { displayPath, isInside } from '../util/paths.js';
import { createCaCertificate, createCsr, generateRsaKey, issueCertificate, readCsr } from '../verify/ca.js';
import { commonName, normalizeSerial, parseCertificates } from '../verify/crypto.js';
import { appendRevocation, configureTrust, newRevocationList, storeCertificates, trustPaths } from '../verify/trust-files.js';
import type { FileEdit, StoreEdit } from './store-edits.js';
import type { GivenFile } from './add-release.js';

type StoreConfig = Pick<ResolvedConfig, 'storeDir' | 'storeFile' | 'keysDir'>;

const APP_ID = /^[a-z][a-z0-9_]*$/;

/** Defaults of `ca init` (and `init`): the CA certificate's validity in days and its RSA key size. */
export const CA_DEFAULTS = Object.freeze({ days: 7300, bits: 4096 });

/** What `ca init` made: where the key and certificate went, the CN, and which trust files it created or set. */
export interface StoreCaResult {
  keyOut: string;
  ca: string;
  cn: string;
  revoked?: string;
  configured: boolean;
}

/** `ca init`: a new CA key (outside the store) and self-signed certificate, an empty revocation list, the trust paths in store.yaml. */
export function createStoreCa(
  config: StoreConfig,
  input: { keyOut?: string; cn?: string; days: number; bits: number; force?: boolean },
): StoreEdit<StoreCaResult> {
  const paths = trustPaths(config);
  const keyOut = path.resolve(input.keyOut ?? path.join(config.keysDir, 'ca.key'));
  if (isInside(path.resolve(config.storeDir), keyOut)) {
    throw new UsageError(
      `--key-out ${displayPath(keyOut)} is inside the store folder, which is published; keep the CA key outside the repository.`,
    );
  }
  for (const file of [paths.ca, keyOut]) {
    if (existsSync(file) && !input.force) throw new StoreError(diag(Errors.TrustFileExists, [displayPath(file)]));
  }
  const cn = input.cn ?? `${storeName(paths.storeYaml)} CA`;
  const key = generateRsaKey(input.bits);
  const list = newRevocationList(paths);
  const trust = configureTrust(paths);
  const edits: FileEdit[] = [
    { path: keyOut, file: displayPath(keyOut), text: key.privateKey, secret: true },
    { path: paths.ca, file: displayPath(paths.ca), text: createCaCertificate(key.privateKey, { cn, days: input.days }) },
    ...(list ? [list] : []),
    ...(trust ? [trust] : []),
  ];
  return { edits, result: { keyOut: displayPath(keyOut), ca: displayPath(paths.ca), cn, revoked: list?.file, configured: !!trust } };
}

/** `ca sign`: the app certificate for a CSR (CN = the app id), issued by the store CA, at `apps/<id>/<id>.crt`. */
export function signAppCertificate(
  config: StoreConfig,
  input: { csr: GivenFile; caKey: GivenFile; days: number; force?: boolean },
): StoreEdit<{ app: string; file: string; serial: string; validTo: string }> {
  const paths = trustPaths(config);
  if (!existsSync(paths.ca)) throw new StoreError(diag(Errors.CaNotFound, [displayPath(paths.ca)]));
  const csrFile = displayPath(input.csr.path);
  const csr = readCsr(Buffer.from(input.csr.bytes).toString('utf8'), csrFile);
  if (!APP_ID.test(csr.cn)) {
    throw new StoreError(diag(Errors.CsrInvalid, [csrFile, `its CN "${csr.cn}" is not a valid app id (lower-case letters, digits and _)`]));
  }
  if (csr.bits < 2048) {
    throw new StoreError(
      diag(Errors.CsrInvalid, [csrFile, `its RSA key has only ${csr.bits} bits; at least 2048 are needed (4096 recommended)`]),
    );
  }
  const out = path.join(config.storeDir, 'apps', csr.cn, `${csr.cn}.crt`);
  if (existsSync(out) && !input.force) throw new StoreError(diag(Errors.TrustFileExists, [displayPath(out)]));
  const caKeyPem = Buffer.from(input.caKey.bytes).toString('utf8');
  const pem = issueCertificate(csr, { caCertPem: readFileSync(paths.ca, 'utf8'), caKeyPem, days: input.days });
  const cert = parseCertificates(pem)[0]!;
  return {
    edits: [{ path: out, file: displayPath(out), text: pem }],
    result: {
      app: csr.cn,
      file: displayPath(out),
      serial: normalizeSerial(cert.serialNumber),
      validTo: new Date(cert.validTo).toISOString().slice(0, 10),
    },
  };
}

/** `ca revoke`: a certificate (file) or serial into the revocation list. No edits when it is listed already. */
export function revokeCertificate(
  config: StoreConfig,
  input: { target: string; reason: string; date: string; app?: string },
): StoreEdit<{ serial: string; app?: string; list: string }> {
  const paths = trustPaths(config);
  let serial: string;
  let app = input.app;
  if (existsSync(input.target)) {
    const cert = parseCertificates(readFileSync(input.target, 'utf8'), displayPath(input.target))[0]!;
    serial = normalizeSerial(cert.serialNumber);
    app ??= commonName(cert);
  } else {
    if (!/^(?:[0-9A-Fa-f]{2}:)*[0-9A-Fa-f]+$/.test(input.target))
      throw new UsageError(`"${input.target}" is neither a certificate file nor a hex serial number.`);
    serial = normalizeSerial(input.target);
    app ??= storeCertificates(config.storeDir).find((c) => c.serial === serial)?.cn;
    if (!app) throw new StoreError(diag(Errors.RevokeUnknown, [serial]));
  }
  const listed = appendRevocation(paths, { serial, app, reason: input.reason, date: input.date });
  const trust = listed && configureTrust(paths);
  return { edits: [...(listed ? [listed] : []), ...(trust ? [trust] : [])], result: { serial, app, list: displayPath(paths.revoked) } };
}

/** `cert request`: a developer's app key (a secret, outside the store) and the CSR (CN = the app id) to send to the store admin. */
export function requestAppCertificate(
  config: Pick<ResolvedConfig, 'keysDir'>,
  input: { app: string; bits: number; out?: string; force?: boolean },
): StoreEdit<{ keyFile: string; csrFile: string }> {
  if (!APP_ID.test(input.app)) {
    throw new UsageError(`"${input.app}" is not a valid app id: use lower-case letters, digits and _, starting with a letter.`);
  }
  if (input.bits < 2048) throw new UsageError(`--bits ${input.bits} is too small: use at least 2048 (4096 recommended).`);
  const out = path.resolve(input.out ?? config.keysDir);
  const keyFile = path.join(out, `${input.app}.key`);
  const csrFile = path.join(out, `${input.app}.csr`);
  for (const file of [keyFile, csrFile]) {
    if (existsSync(file) && !input.force) throw new StoreError(diag(Errors.TrustFileExists, [displayPath(file)]));
  }
  const key = generateRsaKey(input.bits);
  return {
    edits: [
      { path: keyFile, file: displayPath(keyFile), text: key.privateKey, secret: true },
      { path: csrFile, file: displayPath(csrFile), text: createCsr(input.app, key.privateKey) },
    ],
    result: { keyFile: displayPath(keyFile), csrFile: displayPath(csrFile) },
  };
}

/** A store name is the obvious CA name; fall back quietly when store.yaml has none. */
function storeName(storeYaml: string): string {
  const match = /^name:\s*(.+)$/m.exec(readFileSync(storeYaml, 'utf8'));
  return match?.[1]?.replace(/^["']|["']$/g, '').trim() || 'appshelf store';
}
