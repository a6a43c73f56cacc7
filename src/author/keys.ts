import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { diag, Errors, StoreError } from '../errors/index.js';
import { literal, openYaml, setTopLevel, yamlText, type YamlFile } from './yaml-edit.js';

/** A new manifest-signing key pair, PEM (PKCS#8 private key, SPKI public key). */
export interface SigningKeyPair {
  privateKey: string;
  publicKey: string;
}

/** Makes an Ed25519 key pair for signing the update manifests (node:crypto). */
export function generateSigningKey(): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/**
 * Sets `signing.publicKey` in store.yaml (a literal block, as people paste PEM), keeping the rest
 * of the file. An existing key is replaced only with `replace` (clients trust the old one).
 */
export function setSigningPublicKey(storeYaml: YamlFile, publicKey: string, replace = false): string {
  const { doc, at } = openYaml(storeYaml);
  if (doc.hasIn(['signing', 'publicKey']) && !replace) {
    throw new StoreError(diag(Errors.KeygenExists, [`signing.publicKey in ${storeYaml.file}`], at(['signing', 'publicKey'])));
  }
  if (doc.has('signing')) doc.setIn(['signing', 'publicKey'], literal(publicKey));
  else setTopLevel(doc, 'signing', doc.createNode({ publicKey: literal(publicKey) }), ['limits', 'fetch']);
  return yamlText(doc);
}

/**
 * The folder whose files are published or committed: the git work tree holding `dir` (a `.git`
 * in it or above), or else the folder above the store (where its package.json lives).
 */
export function repositoryOf(storeDir: string): string {
  for (let d = path.resolve(storeDir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return path.dirname(path.resolve(storeDir));
  }
}
