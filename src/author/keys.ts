import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/index.js';
import { diag, Errors, StoreError } from '../errors/index.js';
import { displayPath, isInside } from '../util/paths.js';
import { keyIdOf } from '../util/signed-json.js';
import type { FileEdit, StoreEdit } from './store-edits.js';
import { literal, openYaml, setTopLevel, yamlText, type YamlFile } from './yaml-edit.js';

/** A new manifest-signing key pair, PEM (PKCS#8 private key, SPKI public key). */
interface SigningKeyPair {
  privateKey: string;
  publicKey: string;
}

/** Makes an Ed25519 key pair for signing the update manifests (node:crypto). */
function generateSigningKey(): SigningKeyPair {
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
function setSigningPublicKey(storeYaml: YamlFile, publicKey: string, replace = false): string {
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
function repositoryOf(storeDir: string): string {
  for (let d = path.resolve(storeDir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return path.dirname(path.resolve(storeDir));
  }
}

/** What `keygen` did. */
export interface KeygenResult {
  keyid: string;
  /** The store file that now holds `signing.publicKey`. */
  storeFile: string;
  /** Where the private key goes; undefined when it is only printed. */
  keyOut?: string;
  /** The private key (PEM), for the caller to show once when it is written nowhere. */
  privateKey: string;
}

/**
 * `keygen`: a new Ed25519 key pair for the manifests; the public key goes into the store file, the
 * private key to `keyOut` (outside the repository; refused when it exists unless `force`), or
 * nowhere when `print` (the caller shows it once). The store file is checked (an existing key
 * refused) before anything is written.
 */
export function createSigningKey(
  config: Pick<ResolvedConfig, 'storeDir' | 'storeFile' | 'keysDir'>,
  input: { keyOut?: string; print?: boolean; force?: boolean },
): StoreEdit<KeygenResult> {
  const storeYaml = path.resolve(config.storeDir, config.storeFile);
  if (!existsSync(storeYaml)) throw new StoreError(diag(Errors.StoreNotFound, [displayPath(path.resolve(config.storeDir))]));
  const keyOut = path.resolve(input.keyOut ?? path.join(config.keysDir, 'manifest-signing.key'));
  if (!input.print) {
    if (isInside(repositoryOf(config.storeDir), keyOut)) throw new StoreError(diag(Errors.KeygenInsideStore, [displayPath(keyOut)]));
    if (existsSync(keyOut) && !input.force) throw new StoreError(diag(Errors.KeygenExists, [displayPath(keyOut)]));
  }
  const key = generateSigningKey();
  const text = setSigningPublicKey({ file: displayPath(storeYaml), text: readFileSync(storeYaml, 'utf8') }, key.publicKey, input.force);
  const edits: FileEdit[] = [
    ...(input.print ? [] : [{ path: keyOut, file: displayPath(keyOut), text: key.privateKey, secret: true }]),
    { path: storeYaml, file: displayPath(storeYaml), text },
  ];
  return {
    edits,
    result: {
      keyid: keyIdOf(createPublicKey(key.publicKey)),
      storeFile: displayPath(storeYaml),
      keyOut: input.print ? undefined : displayPath(keyOut),
      privateKey: key.privateKey,
    },
  };
}
