import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasErrors, sortDiagnostics, type Diagnostic } from './errors/index.js';
import {
  emitApi, emitArchives, emitManifests, emitPublic, emitSchemas, loadManifestSigning, manifestFreshness, precompress, writeOutput, assertSafeOutDir,
  type SiteFiles, type WriteReport,
} from './emit/index.js';
import { emitUpdateIndex } from './emit/emit-update-index.js';
import { fetchRemoteArchives, inspectStore, type InspectReport } from './inspect/index.js';
import { loadStore } from './load/index.js';
import { readStoreHistory } from './load/git-history.js';
import { checkServing, releaseLandings, releaseLog, resolveStore, type ResolvedEntry, type ResolvedStore } from './resolve/index.js';
import { validateDocs } from './validate/index.js';
import { verifyStore, type TrustReport } from './verify/index.js';

export * from './errors/index.js';
export type * from './resolve/types.js';
export { loadStore } from './load/index.js';
export { validateDocs } from './validate/index.js';
export { resolveStore } from './resolve/index.js';
export { verifyStore } from './verify/index.js';
export { inspectStore } from './inspect/index.js';
export { writeOutput, type SiteFiles, type WriteReport } from './emit/index.js';

/** Options shared by {@link checkStore} and {@link buildStore}. */
export interface CheckOptions {
  /** The store folder (holding store.yaml). @default "store" */
  storeDir?: string;
  /** Download and verify remote archives. */
  fetch?: boolean;
  /** Folder for caches (verification results, downloads). @default "<storeDir>/../.appshelf-cache" */
  cacheDir?: string;
  /** The time certificates and manifest expiry are computed against. @default now */
  now?: Date;
}

/** Everything a check found. */
export interface CheckResult {
  /** The resolved store, when store.yaml could be read at all. */
  store?: ResolvedStore;
  /** Every problem of the run, sorted by file and line. */
  diagnostics: Diagnostic[];
  trust?: TrustReport;
  inspect?: InspectReport;
  /** No errors (warnings allowed). */
  ok: boolean;
}

/** Options of {@link buildStore}. */
export interface BuildOptions extends CheckOptions {
  /** Output folder. @default "dist" */
  outDir?: string;
  /** Write the site to disk; false returns the files only (for tests). @default true */
  write?: boolean;
  /** Static files copied into the site. @default the package's public/ */
  publicDir?: string;
  /** Where APPSHELF_SIGNING_KEY / APPSHELF_SIGNING_KEY_FILE are read from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** What a build produced. */
export interface BuildResult extends CheckResult {
  files: SiteFiles;
  written?: WriteReport;
}

/** The public/ folder shipped with appshelf (the web catalog and the schemas). */
export const defaultPublicDir = fileURLToPath(new URL('../public/', import.meta.url));

/** load → validate → resolve → verify → inspect: every problem of the store, nothing written. */
export async function checkStore(opts: CheckOptions = {}): Promise<CheckResult> {
  const storeDir = opts.storeDir ?? 'store';
  const cacheDir = opts.cacheDir ?? path.join(path.dirname(path.resolve(storeDir)), '.appshelf-cache');
  const loaded = loadStore(storeDir);
  const { store, diagnostics } = resolveStore(validateDocs(loaded));
  if (!store) return { diagnostics: sortDiagnostics(diagnostics), ok: false };
  diagnostics.push(...checkServing(store));
  const fetched = await fetchRemoteArchives(store, { cacheDir, offline: !opts.fetch }); // without fetch: verified copies already in the cache only
  const archivePath = (e: ResolvedEntry) => (e.file ? path.join(store.root, e.file) : e.url ? fetched.downloaded.get(e.url) : undefined);
  const [trust, inspect] = await Promise.all([
    verifyStore(store, { cacheDir, now: opts.now, archivePath }),
    inspectStore(store, { archivePath }),
  ]);
  const all = sortDiagnostics([...diagnostics, ...fetched.diagnostics, ...trust.diagnostics, ...inspect.diagnostics]);
  return { store, diagnostics: all, trust, inspect, ok: !hasErrors(all) };
}

/** Checks the store and, when it has no errors, emits the static site and writes it atomically. */
export async function buildStore(opts: BuildOptions = {}): Promise<BuildResult> {
  const outDir = opts.outDir ?? 'dist';
  assertSafeOutDir(outDir, opts.storeDir ?? 'store');
  const checked = await checkStore({ ...opts, fetch: true }); // a build downloads remote archives not yet in the cache
  const files: SiteFiles = new Map();
  if (!checked.ok || !checked.store) return { ...checked, files };
  const { store, trust, inspect } = checked;
  const signing = loadManifestSigning(store, opts.env ?? process.env);
  const diagnostics = sortDiagnostics([...checked.diagnostics, ...signing.diagnostics]);
  if (hasErrors(signing.diagnostics)) return { ...checked, diagnostics, ok: false, files };
  const history = readStoreHistory(store.root);
  const landings = new Map(store.apps.map((a) => [a.id, releaseLandings(a, history)]));
  const facts = (app: string, version: string) => ({ ...inspect?.facts(app, version), signed: trust?.signed(app, version) });
  const freshness = manifestFreshness(opts.now ?? new Date(), store.signing.expiresDays, history);
  const manifests = { facts, signer: signing.signer, ...freshness, releaseNumber: (app: string, v: string) => landings.get(app)?.get(v)?.number ?? 0 };
  emitSchemas(files);
  emitApi(store, facts, files, { landings: (a) => landings.get(a.id)!, log: (a) => releaseLog(a, history) });
  for (const app of store.apps) emitManifests(store, app, manifests, files);
  emitArchives(store, files, (rel) => path.join(store.root, rel));
  emitUpdateIndex(store, files);
  emitPublic(opts.publicDir ?? defaultPublicDir, files);
  precompress(files);
  const written = opts.write === false ? undefined : await writeOutput(outDir, files);
  return { ...checked, diagnostics, files, written };
}
