#!/usr/bin/env node
// Signs the example store with the demo keys in demo-keys/ (DEMO ONLY: these keys are public).
//
//   npm run build:lib && node scripts/sign-example-store.mjs [--store store] [--keys demo-keys]
//
// Creates what is missing (demo CA key and root, app keys and certificates, an empty revocation
// list), then writes the registration signature of every app.yaml and a signature on every
// release entry with a committed file. Re-running it changes nothing: RSA PKCS#1 v1.5 signatures
// are deterministic. YAML files are edited through the yaml Document API, so comments and layout stay.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isMap, parseDocument } from 'yaml';
import {
  createCaCertificate,
  createCsr,
  generateRsaKey,
  issueCertificate,
  loadPrivateKey,
  parseCertificates,
  readCsr,
  signData,
} from '../lib/verify/index.js';

const { values } = parseArgs({ options: { store: { type: 'string', default: 'store' }, keys: { type: 'string', default: 'demo-keys' } } });
const store = path.resolve(values.store);
const keys = path.resolve(values.keys);
const DAYS = 7305; // 20 years: the example store must keep passing CI
const changed = [];

function write(file, text) {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  changed.push(path.relative(process.cwd(), file));
}

function keyFile(name) {
  const file = path.join(keys, `${name}.key`);
  if (!existsSync(file)) write(file, generateRsaKey(4096).privateKey);
  return readFileSync(file, 'utf8');
}

/** Whether `certPem` is issued by `caPem` for `keyPem` (so it need not be issued again). */
function certFits(certPem, caPem, keyPem, cn) {
  try {
    const [cert] = parseCertificates(certPem);
    const [ca] = parseCertificates(caPem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey) && cert.checkPrivateKey(loadPrivateKey(keyPem)) && cert.subject === `CN=${cn}`;
  } catch {
    return false;
  }
}

/** Sets `key` in a YAML map, right after `after` when it is new. */
function setAfter(map, key, value, after) {
  if (map.has(key)) return map.set(key, value);
  const i = map.items.findIndex((p) => p.key?.value === after);
  map.set(key, value);
  if (i >= 0) map.items.splice(i + 1, 0, map.items.pop());
}

const editYaml = (file, edit) => {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  edit(doc);
  write(file, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
};

// The store CA.
const caKey = keyFile('ca');
const caFile = path.join(store, 'trust', 'ca.crt');
const caFits = existsSync(caFile) && parseCertificates(readFileSync(caFile, 'utf8'))[0].checkPrivateKey(loadPrivateKey(caKey));
if (!caFits) write(caFile, createCaCertificate(caKey, { cn: 'appshelf example store CA (demo only)', days: DAYS }));
const caPem = readFileSync(caFile, 'utf8');
const revokedFile = path.join(store, 'trust', 'revoked.yaml');
if (!existsSync(revokedFile)) {
  write(
    revokedFile,
    '# yaml-language-server: $schema=../../public/schemas/revoked.schema.json\n# Revoked app certificates (`appshelf ca revoke`). A release signed with a revoked certificate fails the check.\nrevoked: []\n',
  );
}

// Every app: key, certificate, registration signature, release signatures.
for (const id of readdirSync(path.join(store, 'apps')).sort()) {
  const dir = path.join(store, 'apps', id);
  const key = keyFile(id);
  const certFile = path.join(dir, `${id}.crt`);
  if (!existsSync(certFile) || !certFits(readFileSync(certFile, 'utf8'), caPem, key, id)) {
    write(certFile, issueCertificate(readCsr(createCsr(id, key), `${id}.csr`), { caCertPem: caPem, caKeyPem: caKey, days: DAYS }));
  }
  editYaml(path.join(dir, 'app.yaml'), (doc) => setAfter(doc.contents, 'signature', signData(id, key), 'certificate'));
  const releases = path.join(dir, 'releases');
  for (const name of existsSync(releases)
    ? readdirSync(releases)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : []) {
    editYaml(path.join(releases, name), (doc) => {
      for (const entry of doc.get('entries')?.items ?? []) {
        const file = isMap(entry) && entry.get('file');
        if (!file) continue; // remote archives are signed by their developer, not here
        setAfter(entry, 'signature', signData(readFileSync(path.join(dir, file)), key), 'sha256');
      }
    });
  }
}

console.log(changed.length ? `updated:\n  ${changed.join('\n  ')}` : 'the example store is already signed');
