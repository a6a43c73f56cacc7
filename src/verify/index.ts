// The verify stage: store CA, app certificates, registration and release signatures.
export { verifyStore, type TrustReport, type VerifyOptions } from './verify-store.js';
export type { PoolOptions } from './_pool.js';
export { generateRsaKey, createCaCertificate, createCsr, readCsr, issueCertificate, type KeyPairPem, type CaOptions, type CsrInfo, type IssueOptions } from './ca.js';
export {
  signData, verifyData, loadPrivateKey, loadPublicKey, parseCertificates, checkSignature, decodeBase64, commonName, normalizeSerial, sha512Hex,
  SIGNATURE_DIGEST, type SignatureCheck,
} from './crypto.js';
