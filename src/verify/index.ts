// The verify stage: store CA, app certificates, registration and release signatures.
export { verifyStore, type TrustReport } from './verify-store.js';
export { generateRsaKey, createCaCertificate, createCsr, readCsr, issueCertificate } from './ca.js';
export { signData } from './crypto.js';
export { verifySignatureOf } from './signature-check.js';
