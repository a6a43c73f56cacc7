// The store files the trust commands (`ca init`, `ca sign`, `ca revoke`) write, edited the way a
// person would: through the yaml Document API, so comments and layout stay as they were.
import type { ResolvedConfig } from '../config/index.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { diag, Errors, StoreError } from '../errors/index.js';
import { displayPath } from '../util/paths.js';
import { commonName, normalizeSerial, parseCertificates } from './crypto.js';

/** Where a store keeps its CA certificate and revocation list. */
export interface TrustPaths {
  storeDir: string;
  storeYaml: string;
  /** Relative to the store folder, as store.yaml says (or the defaults). */
  caRel: string;
  revokedRel: string;
  ca: string;
  revoked: string;
  /** store.yaml already names them. */
  configured: { ca: boolean; revoked: boolean };
}

/** Default places of the trust files inside the store folder. */
const DEFAULT_CA = 'trust/ca.crt';
const DEFAULT_REVOKED = 'trust/revoked.yaml';

/** Reads the trust paths of store.yaml (defaults when it names none). */
export function trustPaths(config: Pick<ResolvedConfig, 'storeDir' | 'storeFile'>): TrustPaths {
  const { storeDir } = config;
  const storeYaml = path.join(storeDir, config.storeFile);
  if (!existsSync(storeYaml)) throw new StoreError(diag(Errors.StoreNotFound, [displayPath(path.resolve(storeDir))]));
  const doc = readYaml(storeYaml);
  const ca = doc.getIn(['trust', 'ca']);
  const revoked = doc.getIn(['trust', 'revoked']);
  const caRel = typeof ca === 'string' ? ca : DEFAULT_CA;
  const revokedRel = typeof revoked === 'string' ? revoked : DEFAULT_REVOKED;
  return {
    storeDir,
    storeYaml,
    caRel,
    revokedRel,
    ca: path.join(storeDir, caRel),
    revoked: path.join(storeDir, revokedRel),
    configured: { ca: typeof ca === 'string', revoked: typeof revoked === 'string' },
  };
}

/** store.yaml with `trust.ca` and `trust.revoked` added when missing; undefined when both are set. */
export function configureTrust(paths: TrustPaths): TrustFileEdit | undefined {
  if (paths.configured.ca && paths.configured.revoked) return undefined;
  const doc = readYaml(paths.storeYaml);
  if (!paths.configured.ca) doc.setIn(['trust', 'ca'], paths.caRel);
  if (!paths.configured.revoked) doc.setIn(['trust', 'revoked'], paths.revokedRel);
  return { path: paths.storeYaml, file: displayPath(paths.storeYaml), text: doc.toString({ lineWidth: 0, flowCollectionPadding: false }) };
}

/** A new trust file's text (store.yaml, the revocation list), to be written by the caller. */
export interface TrustFileEdit {
  path: string;
  file: string;
  text: string;
}

const REVOKED_HEADER = (schemaRel: string) =>
  `# yaml-language-server: $schema=${schemaRel}\n# Revoked app certificates (\`appshelf ca revoke\`). A certificate listed here fails \`appshelf check\`.\nrevoked: []\n`;

/** An empty revocation list when there is none yet; undefined when it exists. */
export function newRevocationList(paths: TrustPaths): TrustFileEdit | undefined {
  if (existsSync(paths.revoked)) return undefined;
  const depth = paths.revokedRel.split('/').length - 1;
  return {
    path: paths.revoked,
    file: displayPath(paths.revoked),
    text: REVOKED_HEADER(`${'../'.repeat(depth + 1)}public/schemas/revoked.schema.json`),
  };
}

/** One line of the revocation list. */
export interface Revocation {
  serial: string;
  app?: string;
  reason: string;
  /** ISO day. */
  date: string;
}

/** The revocation list with this entry appended; undefined when the serial is already listed. */
export function appendRevocation(paths: TrustPaths, entry: Revocation): TrustFileEdit | undefined {
  const created = newRevocationList(paths);
  const doc = created ? parseDocument(created.text) : readYaml(paths.revoked);
  let list = doc.get('revoked', true);
  if (!isSeq(list)) {
    doc.set('revoked', doc.createNode([]));
    list = doc.get('revoked', true);
  }
  if (!isSeq(list)) return undefined;
  const serial = normalizeSerial(entry.serial);
  if (list.items.some((i) => isMap(i) && normalizeSerial(String(i.get('serial'))) === serial)) return undefined;
  // A block sequence reads (and diffs) better than the `[]` the empty list starts as.
  list.flow = false;
  list.items.push(doc.createNode({ serial, ...(entry.app ? { app: entry.app } : {}), reason: entry.reason, date: entry.date }));
  return { path: paths.revoked, file: displayPath(paths.revoked), text: doc.toString({ lineWidth: 0, flowCollectionPadding: false }) };
}

/** The app certificate files of the store (`apps/<id>/*.crt`) with their serial and CN. */
export function storeCertificates(storeDir: string): { file: string; serial: string; cn?: string }[] {
  const apps = path.join(storeDir, 'apps');
  if (!existsSync(apps)) return [];
  const found: { file: string; serial: string; cn?: string }[] = [];
  for (const folder of readdirSync(apps, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const dir = path.join(apps, folder.name);
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.crt'))) {
      try {
        const [cert] = parseCertificates(readFileSync(path.join(dir, name), 'utf8'));
        found.push({ file: path.join(dir, name), serial: normalizeSerial(cert!.serialNumber), cn: commonName(cert!) });
      } catch {
        // A broken certificate is reported by `appshelf check`; here it just cannot match.
      }
    }
  }
  return found;
}

// --- internal ---

function readYaml(file: string): Document {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  if (doc.errors.length)
    throw new StoreError(diag(Errors.YamlSyntax, [doc.errors[0]!.message.split('\n')[0]!], { file: displayPath(file) }));
  return doc;
}
