import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type forge from 'node-forge';
import { diag, Errors, StoreError } from '../errors/index.js';
import { loadPrivateKey, parseCertificates } from './crypto.js';

/** A key pair as PEM text: the private key (PKCS#8, unencrypted, as `openssl req -nodes`) and its public key. */
export interface KeyPairPem {
  privateKey: string;
  publicKey: string;
}

/** Makes an RSA key pair with node:crypto (native; node-forge's JS key generation is far slower). */
export function generateRsaKey(bits = 4096): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKey, publicKey };
}

/** Options of {@link createCaCertificate}. */
export interface CaOptions {
  /** Subject CN of the root. */
  cn: string;
  /** Validity in days from `now`. */
  days: number;
  now?: Date;
}

/** A self-signed root certificate (CA:TRUE, keyCertSign) for the store CA key. */
export function createCaCertificate(caKeyPem: string, opts: CaOptions): string {
  const { pki, md } = nodeForge();
  const key = forgeKey(caKeyPem, 'the CA key');
  const cert = pki.createCertificate();
  cert.publicKey = pki.setRsaPublicKey(key.n, key.e);
  setValidity(cert, opts.days, opts.now);
  const name = [{ name: 'commonName', value: opts.cn }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, md.sha512.create());
  return pki.certificateToPem(cert);
}

/** A certificate signing request with CN = app id, as `openssl req -new -subj "/CN=APP"` makes it. */
export function createCsr(appId: string, privateKeyPem: string): string {
  const { pki, md } = nodeForge();
  const key = forgeKey(privateKeyPem, 'the app key');
  const csr = pki.createCertificationRequest();
  csr.publicKey = pki.setRsaPublicKey(key.n, key.e);
  csr.setSubject([{ name: 'commonName', value: appId }]);
  csr.sign(key, md.sha512.create());
  return pki.certificationRequestToPem(csr);
}

/** What a CSR asks for. */
export interface CsrInfo {
  cn: string;
  /** Public key (SPKI PEM). */
  publicKey: string;
  bits: number;
}

/** Reads and checks a CSR (PEM, from appshelf or openssl): self-signature valid, RSA key, a CN. */
export function readCsr(pem: string, source: string): CsrInfo {
  const { pki } = nodeForge();
  let csr: forge.pki.CertificateSigningRequest;
  if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(pem)) {
    throw new StoreError(diag(Errors.CsrInvalid, [source, 'no "-----BEGIN CERTIFICATE REQUEST-----" line']));
  }
  try {
    csr = pki.certificationRequestFromPem(pem);
  } catch (e) {
    const msg = (e as Error).message;
    const reason = /OID is not RSA/.test(msg) ? 'its key is not an RSA key; app signatures need RSA' : `it cannot be parsed (${msg})`;
    throw new StoreError(diag(Errors.CsrInvalid, [source, reason]), { cause: e });
  }
  if (!csr.verify())
    throw new StoreError(diag(Errors.CsrInvalid, [source, 'its self-signature does not verify (the file was changed after it was made)']));
  const cns = csr.subject.attributes.filter((a) => a.shortName === 'CN' || a.name === 'commonName').map((a) => String(a.value));
  if (!cns.length) throw new StoreError(diag(Errors.CsrInvalid, [source, 'its subject has no CN (use -subj "/CN=APP_ID")']));
  // A second CN could bind the certificate to another app for a verifier that reads that one.
  if (cns.length > 1)
    throw new StoreError(
      diag(Errors.CsrInvalid, [source, `its subject has ${cns.length} CNs ("${cns.join('", "')}"); exactly one, the app id, is allowed`]),
    );
  const cn = cns[0]!;
  const publicKey = csr.publicKey as forge.pki.rsa.PublicKey;
  return { cn, publicKey: pki.publicKeyToPem(publicKey), bits: publicKey.n.bitLength() };
}

/** Options of {@link issueCertificate}. */
export interface IssueOptions {
  caCertPem: string;
  caKeyPem: string;
  days: number;
  now?: Date;
}

/** Issues the app certificate for a CSR: subject CN from the CSR, issued by the store CA, random serial. */
export function issueCertificate(csr: CsrInfo, opts: IssueOptions): string {
  const { pki, md } = nodeForge();
  const caKey = forgeKey(opts.caKeyPem, 'the CA key');
  const caX509 = parseCertificates(opts.caCertPem, 'the CA certificate')[0]!;
  if (!caX509.checkPrivateKey(loadPrivateKey(opts.caKeyPem, 'the CA key'))) {
    throw new StoreError(diag(Errors.PemMalformed, ['the CA key', 'CA key', 'it does not belong to the store CA certificate']));
  }
  const ca = pki.certificateFromPem(opts.caCertPem);
  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromPem(csr.publicKey);
  setValidity(cert, opts.days, opts.now);
  cert.setSubject([{ name: 'commonName', value: csr.cn }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'extKeyUsage', codeSigning: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, md.sha512.create());
  return pki.certificateToPem(cert);
}

// --- internal ---

// node-forge is only for making certificates and reading CSRs (the ca and cert commands); loading it
// costs ~60 ms that `check` and `build` would pay for nothing. It is CommonJS: required on first use.
let forgeModule: typeof forge | undefined;

function nodeForge(): typeof forge {
  forgeModule ??= createRequire(import.meta.url)('node-forge') as typeof forge;
  return forgeModule;
}

function forgeKey(pem: string, source: string): forge.pki.rsa.PrivateKey {
  const { pki } = nodeForge();
  loadPrivateKey(pem, source); // precise errors for malformed or non-RSA keys
  return pki.privateKeyFromPem(pem);
}

function setValidity(cert: forge.pki.Certificate, days: number, now = new Date()): void {
  // Positive, random, 16 bytes: unique without a counter file, as RFC 5280 §4.1.2.2 asks.
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  cert.serialNumber = serial.toString('hex');
  // Whole seconds: X.509 times have no fractions, and "now" must already be inside the window.
  const from = new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000);
  cert.validity.notBefore = from;
  cert.validity.notAfter = new Date(from.getTime() + days * 86_400_000);
}
