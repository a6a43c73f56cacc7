import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasErrors, sortDiagnostics, type Diagnostic } from './errors/index.js';
import {
  archiveObject, emitApi, emitPublic, emitSchemas, loadManifestSigning, manifestFreshness, manifestObject, materialize, precompress, writeOutput, assertSafeOutDir,
  type ManifestContext, type SiteFiles, type SiteObject, type WriteReport,
} from './emit/index.js';
import { emitUpdateIndex } from './emit/emit-update-index.js';
import { fetchRemoteArchives, inspectStore, type InspectReport } from './inspect/index.js';
import { appSourceKeys, loadStore } from './load/index.js';
import { readStoreHistoryInBackground } from './load/git-history.js';
import { checkServing, releaseLandings, releaseLog, resolveStore, type ResolvedApp, type ResolvedEntry, type ResolvedStore } from './resolve/index.js';
import { validateDocs } from './validate/index.js';
import { verifyStore, type TrustReport } from './verify/index.js';

export * from './errors/index.js';
export type * from './resolve/types.js';
export { loadStore } from './load/index.js';
export { validateDocs } from './validate/index.js';
export { resolveStore } from './resolve/index.js';
export { verifyStore } from './verify/index.js';
export { inspectStore } from './inspect/index.js';
export { writeOutput, type SiteFiles, type SiteObject, type WriteReport } from './emit/index.js';

/** Options shared by {@link checkStore} and {@link buildStore}. */
export interface CheckOptions {
  /** The store folder (holding store.yaml). @default "store" */
  storeDir?: string;
  /** Download and verify remote archives. */
  fetch?: boolean;
  /** Folder for caches (parsed files, verification results, downloads). @default "<storeDir>/../.appshelf-cache" */
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
  /** Content key of each app folder's inputs (its files and store.yaml): equal keys, equal resolved app. */
  sourceKeys?: ReadonlyMap<string, string>;
  /** Wall time of each stage in milliseconds, in the order they ran (for benchmarks). */
  timings: Record<string, number>;
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
  /**
   * With `write: false`, every file of the site. When writing, the files of the site folder
   * itself (API, schemas, update index, public files); the per-app subtrees `update/<app>/` and
   * `files/<app>/` are stored as objects and linked (see docs/manifests.md), and only
   * {@link BuildResult.written} counts them.
   */
  files: SiteFiles;
  written?: WriteReport;
}

/** The public/ folder shipped with appshelf (the web catalog and the schemas). */
export const defaultPublicDir = fileURLToPath(new URL('../public/', import.meta.url));

/** A function giving the milliseconds since it was last called (or made). */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const ms = Math.round(now - last);
    last = now;
    return ms;
  };
}

/** load → validate → resolve → verify → inspect: every problem of the store, nothing written. */
export async function checkStore(opts: CheckOptions = {}): Promise<CheckResult> {
  const storeDir = opts.storeDir ?? 'store';
  const cacheDir = opts.cacheDir ?? path.join(path.dirname(path.resolve(storeDir)), '.appshelf-cache');
  const lap = stopwatch();
  const timings: Record<string, number> = {};
  const loaded = loadStore(storeDir, { cacheDir });
  timings.load = lap();
  const validated = validateDocs(loaded);
  timings.validate = lap();
  const { store, diagnostics } = resolveStore(validated);
  timings.resolve = lap();
  if (!store) return { diagnostics: sortDiagnostics(diagnostics), ok: false, timings };
  diagnostics.push(...checkServing(store));
  const fetched = await fetchRemoteArchives(store, { cacheDir, offline: !opts.fetch }); // without fetch: verified copies already in the cache only
  const archivePath = (e: ResolvedEntry) => (e.file ? path.join(store.root, e.file) : e.url ? fetched.downloaded.get(e.url) : undefined);
  const [trust, inspect] = await Promise.all([
    verifyStore(store, { cacheDir, now: opts.now, archivePath }),
    inspectStore(store, { archivePath }),
  ]);
  timings.verify = lap();
  const all = sortDiagnostics([...diagnostics, ...fetched.diagnostics, ...trust.diagnostics, ...inspect.diagnostics]);
  return { store, diagnostics: all, trust, inspect, ok: !hasErrors(all), sourceKeys: appSourceKeys(loaded), timings };
}

/** Checks the store and, when it has no errors, emits the static site and writes it atomically. */
export async function buildStore(opts: BuildOptions = {}): Promise<BuildResult> {
  const outDir = opts.outDir ?? 'dist';
  assertSafeOutDir(outDir, opts.storeDir ?? 'store');
  // Read while the store is loaded and checked (another core); only a build needs the history.
  const reading = readStoreHistoryInBackground(path.resolve(opts.storeDir ?? 'store'));
  const checked = await checkStore({ ...opts, fetch: true }); // a build downloads remote archives not yet in the cache
  const files: SiteFiles = new Map();
  if (!checked.ok || !checked.store) return { ...checked, files };
  const { store, trust, inspect } = checked;
  const signing = loadManifestSigning(store, opts.env ?? process.env);
  const diagnostics = sortDiagnostics([...checked.diagnostics, ...signing.diagnostics]);
  if (hasErrors(signing.diagnostics)) return { ...checked, diagnostics, ok: false, files };
  const lap = stopwatch();
  const timings = checked.timings;
  const history = await reading;
  timings.history = lap();
  const landings = new Map(store.apps.map((a) => [a.id, releaseLandings(a, history)]));
  const facts = (app: string, version: string) => ({ ...inspect?.facts(app, version), signed: trust?.signed(app, version) });
  const freshness = manifestFreshness(opts.now ?? new Date(), store.signing.expiresDays, history);
  const manifests: ManifestContext = { facts, signer: signing.signer, ...freshness, releaseNumber: (app: string, v: string) => landings.get(app)?.get(v)?.number ?? 0 };
  // Output is keyed by its inputs (an app's by the hash of its files); writeOutput makes only what is not on disk yet.
  const sourceKey = (app: ResolvedApp) => checked.sourceKeys?.get(app.id);
  emitSchemas(files);
  emitApi(store, facts, files, { landings: (a) => landings.get(a.id)!, log: (a) => releaseLog(a, history) }, sourceKey);
  emitUpdateIndex(store, files, sourceKey);
  emitPublic(opts.publicDir ?? defaultPublicDir, files);
  precompress(files);
  const objects: SiteObject[] = [];
  for (const app of store.apps) {
    objects.push(manifestObject(store, app, manifests, sourceKey(app)));
    const archives = archiveObject(app, (rel) => path.join(store.root, rel));
    if (archives) objects.push(archives);
  }
  timings.keys = lap();
  if (opts.write === false) {
    materialize(files);
    for (const o of objects) for (const [rel, content] of o.emit()) files.set(`${o.path}/${rel}`, content);
    timings.emit = lap();
    return { ...checked, diagnostics, files };
  }
  // Emitting happens inside writeOutput, for the files and objects it does not have yet.
  const written = await writeOutput(outDir, files, objects);
  timings.write = lap();
  return { ...checked, diagnostics, files, written };
}
