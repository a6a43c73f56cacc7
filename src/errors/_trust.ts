import type { ErrorSpec } from './diagnostic.js';

const resign =
  'Sign the exact bytes again with the key of the app certificate: `appshelf sign FILE --key APP.key` (or `openssl dgst -sha512 -sign APP.key FILE | openssl base64`).';

/** Certificates, registration and release signatures. */
export const trustErrors = {
  PemMalformed: {
    code: 'E_PEM_MALFORMED',
    message: (file: string, what: string, reason: string) => `${file} is not a valid PEM ${what}: ${reason}.`,
    hint: (_file: string, what: string) =>
      `A PEM ${what} is a "-----BEGIN …-----" line, base64 lines and an "-----END …-----" line; copy it again without cutting or adding characters.`,
  },
  KeyNotRsa: {
    code: 'E_KEY_NOT_RSA',
    message: (file: string, type: string) => `${file} holds a ${type} key; app and release signatures need an RSA key.`,
    hint: 'Create the key with `appshelf cert request APP` or `openssl req -nodes -newkey rsa:4096 …`.',
  },
  CaNotConfigured: {
    code: 'E_CA_NOT_CONFIGURED',
    message: () => 'store.yaml sets no trust.ca, so app certificates and signatures cannot be checked.',
    hint: 'Create the store CA with `appshelf ca init` and set `trust: { ca: trust/ca.crt }`, or set `trust: { signatures: optional }`.',
  },
  CaNotFound: {
    code: 'E_CA_NOT_FOUND',
    message: (file: string) => `The store CA certificate ${file} (trust.ca in store.yaml) does not exist.`,
    hint: 'Create it with `appshelf ca init`, or fix the path in store.yaml.',
  },
  CaNotCa: {
    code: 'E_CA_NOT_CA',
    message: (file: string, subject: string) => `${file} (${subject}) is not a CA certificate: its basicConstraints do not say CA:TRUE.`,
    hint: 'trust.ca must hold the store root certificate made by `appshelf ca init`, not an app certificate.',
  },
  CaExpired: {
    code: 'W_CA_EXPIRED',
    severity: 'warning',
    message: (file: string, notAfter: string) => `The store CA certificate ${file} expired on ${notAfter}.`,
    hint: 'Issue a new root with `appshelf ca init --force` and re-issue the app certificates before clients reject them.',
  },
  RevokedNotFound: {
    code: 'E_REVOKED_NOT_FOUND',
    message: (file: string) => `The revocation list ${file} (trust.revoked in store.yaml) does not exist.`,
    hint: 'Create it with `revoked: []`, or remove trust.revoked from store.yaml.',
  },
  CertMissing: {
    code: 'E_CERT_MISSING',
    message: (app: string, why: string) => `App "${app}" has no certificate, ${why}.`,
    hint: (app: string) =>
      `Request one with \`appshelf cert request ${app}\`, have the store admin issue it with \`appshelf ca sign ${app}.csr\`, and set \`certificate: ${app}.crt\` in app.yaml.`,
  },
  CertNotFound: {
    code: 'E_CERT_NOT_FOUND',
    message: (app: string, file: string) => `The certificate of "${app}", ${file}, does not exist.`,
    hint: 'Put the certificate issued by the store admin next to app.yaml, or paste the PEM text into `certificate:`.',
  },
  CertSelfSigned: {
    code: 'E_CERT_SELF_SIGNED',
    message: (app: string, subject: string) =>
      `The certificate of "${app}" (${subject}) is self-signed; app certificates must be issued by the store CA.`,
    hint: (app: string) =>
      `Send the CSR (\`appshelf cert request ${app}\`) to the store admin, who issues the certificate with \`appshelf ca sign\`.`,
  },
  CertUntrusted: {
    code: 'E_CERT_UNTRUSTED',
    message: (app: string, issuer: string, ca: string) =>
      `The certificate of "${app}" was issued by "${issuer}", not by the store CA "${ca}" (the CA's key does not verify it).`,
    hint: "Ask the store admin for a certificate issued by this store's CA (`appshelf ca sign`).",
  },
  CertCnMismatch: {
    code: 'E_CERT_CN_MISMATCH',
    message: (app: string, cn: string) =>
      `The certificate's CN is "${cn}", but the app id is "${app}"; it must have exactly one CN, equal to the id.`,
    hint: (app: string) => `Request a certificate for this app id: \`appshelf cert request ${app}\` (CN=${app}).`,
  },
  CertRevoked: {
    code: 'E_CERT_REVOKED',
    message: (app: string, serial: string, date: string, reason: string) =>
      `The certificate of "${app}" (serial ${serial}) was revoked on ${date}: ${reason}.`,
    hint: (app: string) =>
      `Request a new certificate (\`appshelf cert request ${app}\`), register with it, and re-sign every release with the new key.`,
  },
  CertNotYetValid: {
    code: 'E_CERT_NOT_YET_VALID',
    message: (app: string, notBefore: string) => `The certificate of "${app}" is valid only from ${notBefore}.`,
    hint: 'Check the clock of the machine that issued it, or wait until it becomes valid.',
  },
  CertExpired: {
    code: 'W_CERT_EXPIRED',
    severity: 'warning',
    message: (app: string, notAfter: string) =>
      `The certificate of "${app}" expired on ${notAfter}; releases dated before that are still served, new ones are refused.`,
    hint: (app: string) => `Request a new certificate (\`appshelf cert request ${app}\`) before publishing another release.`,
  },
  CertExpiredForRelease: {
    code: 'E_CERT_EXPIRED_RELEASE',
    message: (app: string, version: string, date: string, notAfter: string) =>
      `${app} ${version} is dated ${date}, after its certificate expired (${notAfter}).`,
    hint: (app: string) => `Get a new certificate for "${app}", register it, and sign the release with the new key.`,
  },
  SignatureMissing: {
    code: 'E_SIGNATURE_MISSING',
    message: (what: string) => `${what} has no signature, and store.yaml requires signatures.`,
    hint: 'Add `signature:` with the output of `appshelf sign FILE --key APP.key` (or set `trust: { signatures: optional }` in store.yaml).',
  },
  SignatureNotBase64: {
    code: 'E_SIGNATURE_NOT_BASE64',
    message: (what: string, reason: string) => `The signature of ${what} is not base64: ${reason}.`,
    hint: 'Paste the whole output of `appshelf sign` or `openssl … | openssl base64` again; line breaks are fine, other characters are not.',
  },
  SignatureLength: {
    code: 'E_SIGNATURE_LENGTH',
    message: (what: string, bytes: number, expected: number) =>
      `The signature of ${what} is ${bytes} bytes, but the certificate's ${expected * 8}-bit key makes ${expected}-byte signatures.`,
    hint: 'The signature was cut off or belongs to a key of another size; copy the whole output again.',
  },
  SignatureWrongKey: {
    code: 'E_SIGNATURE_WRONG_KEY',
    message: (what: string, cert: string) => `The signature of ${what} was made by a different key than the one of ${cert}.`,
    hint: `If the app certificate changed, every release must be re-signed with the new key in the same change (or yanked). ${resign}`,
  },
  SignatureOtherData: {
    code: 'E_SIGNATURE_OTHER_DATA',
    message: (what: string, detail: string) => `The signature of ${what} is by the right key but over other bytes: ${detail}.`,
    hint: resign,
  },
  SignatureDigest: {
    code: 'E_SIGNATURE_DIGEST',
    message: (what: string, digest: string) => `The signature of ${what} uses ${digest}; appshelf and Nextcloud require SHA-512.`,
    hint: 'Sign with `openssl dgst -sha512 -sign KEY FILE | openssl base64` (note -sha512), or `appshelf sign`.',
  },
  CertChanged: {
    code: 'E_CERT_CHANGED',
    message: (app: string, versions: string) => `Releases of "${app}" do not verify with its current certificate: ${versions}.`,
    hint: (app: string) =>
      `The certificate of "${app}" changed (re-registration with a new key): re-sign these releases with the new key (same bytes, new signature) using \`appshelf sign\`, in the same change. A release that cannot be re-signed is withdrawn with \`yanked: true\` (released versions are never deleted).`,
  },
  ArchiveNotFound: {
    code: 'E_ARCHIVE_NOT_FOUND',
    message: (file: string) => `The archive ${file} does not exist.`,
    hint: 'Commit the archive at that path, or fix `file:` in the release.',
  },
  ArchiveSize: {
    code: 'E_ARCHIVE_SIZE',
    message: (file: string, actual: number, expected: number) => `The archive ${file} is ${actual} bytes, the release says ${expected}.`,
    hint: 'The archive is truncated or was replaced; restore the released bytes, or (for a new release) fix size, sha256 and signature together.',
  },
  ArchiveSha256: {
    code: 'E_ARCHIVE_SHA256',
    message: (file: string, actual: string, expected: string) => `The archive ${file} has sha256 ${actual}, the release says ${expected}.`,
    hint: 'The archive was changed after the release was written; restore the released bytes, or (for a new release) fix sha256 and signature.',
  },
  ArchiveNotFetched: {
    code: 'W_ARCHIVE_NOT_FETCHED',
    severity: 'warning',
    message: (url: string) => `${url} was not downloaded, so its size, sha256 and signature were not checked.`,
    hint: 'Run `appshelf check --fetch` to download and verify remote archives.',
  },
  CsrInvalid: {
    code: 'E_CSR_INVALID',
    message: (file: string, reason: string) => `${file} is not a usable certificate request: ${reason}.`,
    hint: 'Create the request with `appshelf cert request APP` or `openssl req -nodes -newkey rsa:4096 -keyout APP.key -out APP.csr -subj "/CN=APP"`.',
  },
  TrustFileExists: {
    code: 'E_TRUST_FILE_EXISTS',
    message: (file: string) => `${file} already exists; refusing to overwrite it.`,
    hint: 'Pass --force to replace it (every app certificate must then be issued again), or choose another path.',
  },
  RevokeUnknown: {
    code: 'E_REVOKE_UNKNOWN',
    message: (serial: string) => `No app certificate in the store has serial ${serial}.`,
    hint: 'Pass the certificate file instead, or add --app APP to record the revocation anyway.',
  },
} as const satisfies Record<string, ErrorSpec>;
