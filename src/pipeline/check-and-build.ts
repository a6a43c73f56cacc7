import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diag, Errors, hasErrors, sortDiagnostics, type Diagnostic } from '../errors/index.js';
import {
  apiPart,
  archiveObject,
  emitCatalog,
  emitStoreWideFeeds,
  feedObject,
  feedParts,
  type FeedParts,
  emitPublic,
  emitSchemas,
  emitUpdateIndex,
  hasObject,
  objectFiles,
  loadManifestSigning,
  manifestFreshness,
  manifestObject,
  materialize,
  once,
  precompress,
  siteFilesOf,
  updateIndexPart,
  UPDATE_INDEX_PATH,
  writeOutput,
  freshFile,
  freshPath,
  freshPins,
  type Freshness,
  type ManifestContext,
  type ManifestSigning,
  type SiteFiles,
  type SiteObject,
  type UpdateIndexPart,
  type WriteReport,
} from '../emit/index.js';
import { emitFront, frontPart, frontStore, storeKeys, type AppDoc, type FrontCard } from '../emit/front/index.js';
import { fetchRemoteArchives, inspectMedia, inspectStore, type AppMedia, type InspectReport } from '../inspect/index.js';
import { appSourceKeys, listAppFolders, loadStore } from '../load/index.js';
import type { StoreHistory } from '../load/git-history.js';
import { Cache } from '../cache/index.js';
import { resolveConfig, withFetch, type ConfigInput, type ResolvedConfig } from '../config/index.js';
import { checkPagesLimit } from './pages-limit.js';
import { encodeSigningState, readPublishedSigning, SIGNING_STATE_PATH, type SigningState } from './published.js';
import {
  checkServing,
  releaseDatesOf,
  releaseLandings,
  releaseLog,
  resolveStore,
  withLandingDates,
  type ResolvedApp,
  type ResolvedEntry,
  type ResolvedStore,
} from '../resolve/index.js';
import { codeHash } from '../util/code-hash.js';
import { sha256Hex } from '../util/hash.js';
import { displayPath, isInside } from '../util/paths.js';
import { validateDocs } from '../validate/index.js';
import { verifyStore, type TrustReport } from '../verify/index.js';
import {
  depsUnchanged,
  fileDigest,
  folderStamp,
  storeFileDigest,
  indexPartReader,
  readRecords,
  writeIndexParts,
  writeRecords,
  type AppRecord,
} from './records.js';

/** Options shared by {@link checkStore} and {@link buildStore}: the run's settings, or a config resolved already. */
export interface CheckOptions extends ConfigInput {
  /** The settings resolved once by the caller (the CLI); the other settings fields are then ignored. */
  config?: ResolvedConfig;
  /** Check only these app folders (and the store's own files); the others are left out of the result. @default every app */
  apps?: ReadonlySet<string>;
  /** Told when a stage starts (`reading the store` …), for a progress display. */
  onStage?: (stage: string) => void;
  /** The run's cache, when the caller has one already (a build shares its own with the check). @default one over `config.cacheDir` */
  cache?: Cache;
  /** Told how many archives of the stage are checked so far, of how many (those not in the cache). */
  onProgress?: (done: number, total: number) => void;
}

/** Everything a check found. */
export interface CheckResult {
  /** The resolved store, when store.yaml could be read at all (with only the apps checked in this run). */
  store?: ResolvedStore;
  /** Every problem of the run, sorted by file and line. */
  diagnostics: Diagnostic[];
  trust?: TrustReport;
  inspect?: InspectReport;
  /** The checked icon and screenshots of each app, by app id. */
  media?: ReadonlyMap<string, AppMedia>;
  /** No errors (warnings allowed). */
  ok: boolean;
  /** Content key of each app folder's inputs (its files and store.yaml): equal keys, equal resolved app. */
  sourceKeys?: ReadonlyMap<string, string>;
  /** Wall time of each stage in milliseconds, in the order they ran (for benchmarks). */
  timings: Record<string, number>;
}

/** Options of {@link buildStore}. */
export interface BuildOptions extends Omit<CheckOptions, 'apps'> {
  /** Write the site to disk; false returns the files only (for tests). @default true */
  write?: boolean;
  /** Static files copied into the site. @default the package's public/ */
  publicDir?: string;
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
  /** App folders taken unchanged from the records of an earlier build (not loaded or checked again). */
  reused: string[];
}

/** The public/ folder shipped with appshelf (the web catalog and the schemas). */
export const defaultPublicDir = fileURLToPath(new URL('../../public/', import.meta.url));

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
  const config = opts.config ?? resolveConfig(opts);
  const cache = opts.cache ?? new Cache(config.cacheDir);
  const lap = stopwatch();
  const timings: Record<string, number> = {};
  opts.onStage?.('reading the store');
  const loaded = loadStore(config.root, { cache, apps: opts.apps });
  timings.load = lap();
  const validated = validateDocs(loaded);
  timings.validate = lap();
  const { store, diagnostics } = withBaseUrl(resolveStore(validated), config.baseUrl);
  timings.resolve = lap();
  if (!store) return { diagnostics: sortDiagnostics(diagnostics), ok: false, timings };
  diagnostics.push(...checkServing(store));
  opts.onStage?.(`verifying the signatures and archives of ${store.apps.length} apps`);
  const fetched = await fetchRemoteArchives(store, { cache, offline: !config.fetch }); // without fetch: verified copies already in the cache only
  const archivePath = (e: ResolvedEntry) => (e.file ? path.join(store.root, e.file) : e.url ? fetched.downloaded.get(e.url) : undefined);
  const [trust, inspect] = await Promise.all([
    verifyStore(store, { cache, now: config.now, archivePath, onProgress: opts.onProgress }),
    inspectStore(store, { archivePath }),
  ]);
  const media = inspectMedia(store);
  timings.verify = lap();
  const all = sortDiagnostics([...diagnostics, ...fetched.diagnostics, ...trust.diagnostics, ...inspect.diagnostics, ...media.diagnostics]);
  return { store, diagnostics: all, trust, inspect, media: media.media, ok: !hasErrors(all), sourceKeys: appSourceKeys(loaded), timings };
}

/** `buildStore` (src/pipeline/index.ts) once it has started reading the history. */
export async function runBuild(
  config: ResolvedConfig,
  opts: Omit<BuildOptions, keyof ConfigInput | 'config'>,
  reading: Promise<StoreHistory>,
): Promise<BuildResult> {
  const { root, outDir, now } = config;
  const cache = new Cache(config.cacheDir);
  const write = opts.write !== false;
  const lap = stopwatch();
  if (config.problems.length) return { diagnostics: [...config.problems], ok: false, files: new Map(), reused: [], timings: {} };
  const plan = write ? await planReuse(config, cache, reading) : undefined;
  // Outside git a record is keyed by file stamps taken before the check: a file written during
  // the build then makes the next build check the app again instead of trusting what this one saw.
  const stamps = plan && !plan.keyOf && !insideGit(root) ? stampFolders(root, plan.folders) : undefined;
  const planned = lap();
  // A build downloads remote archives not yet in the cache.
  const checked = await checkStore({
    config: withFetch(config),
    apps: plan?.check,
    onStage: opts.onStage,
    onProgress: opts.onProgress,
    cache,
  });
  checked.timings = { plan: planned, ...checked.timings };
  const files: SiteFiles = new Map();
  const reused = [...(plan?.reuse.keys() ?? [])];
  const fromRecords = [...(plan?.reuse.values() ?? [])].flatMap((r) => r.diagnostics);
  if (!checked.ok || !checked.store)
    return { ...checked, diagnostics: sortDiagnostics([...checked.diagnostics, ...fromRecords]), files, reused };
  const { trust, inspect } = checked;
  let store = checked.store;
  const signing = plan?.signing ?? loadManifestSigning(store, config);
  const diagnostics = sortDiagnostics([...checked.diagnostics, ...fromRecords, ...signing.diagnostics]);
  if (hasErrors(signing.diagnostics)) return { ...checked, diagnostics, ok: false, files, reused };
  lap();
  opts.onStage?.('writing the site');
  const timings = checked.timings;
  const history = await reading;
  timings.history = lap();
  store = withLandingDates(store, history);
  const landings = new Map(store.apps.map((a) => [a.id, releaseLandings(a, history)]));
  const facts = (app: string, version: string) => ({ ...inspect?.facts(app, version), signed: trust?.signed(app, version) });
  const freshness = manifestFreshness(now, store.signing.expiresDays, history, config.serialFloor);
  const state = signingState(signing, freshness, plan?.folders ?? store.apps.map((a) => a.id));
  if (config.published && state?.serial != null) {
    diagnostics.push(...(await comparePublished(config.published, state.serial, now, store.signing.expiresDays)));
    if (hasErrors(diagnostics)) return { ...checked, diagnostics: sortDiagnostics(diagnostics), ok: false, files, reused };
  }
  const manifests: ManifestContext = {
    facts,
    signer: signing.signer,
    ...freshness,
    releaseNumber: (app: string, v: string) => landings.get(app)?.get(v)?.number ?? 0,
  };
  const apiHistory = { landings: (a: ResolvedApp) => landings.get(a.id)!, log: (a: ResolvedApp) => releaseLog(a, history) };
  const keyOf = plan ? (plan.keyOf ?? recordKeys(config, store, signing, history, freshness, stamps)) : undefined;
  const feeds = {
    facts,
    landings: apiHistory.landings,
    sha512: (app: string, v: string, entry: number) => trust?.sha512(app, v, entry),
    certificate: (app: string) => trust?.certificate(app),
  };

  // Each app gives its API document, catalog entry, update index part and objects: made now, or taken from its record.
  const made = new Map<string, { record: AppRecord; index: Uint8Array }>();
  const parts: { id: string; api: { key: string; catalog: unknown }; index: UpdateIndexPart; card: FrontCard; feeds?: FeedParts }[] = [];
  const pages = frontStore(store);
  const objects: SiteObject[] = [];
  // Each app's `fresh/<app>.json`, signed anew when its serial or expiry moves, from pins found without loading the app.
  const fresh = freshPins(outDir);
  const freshDoc = (id: string, manifestKey: string) =>
    signing.signer &&
    files.set(
      freshPath(id),
      freshFile(id, manifestKey, { serial: freshness.freshSerial(id), expires: freshness.expires, signer: signing.signer }, () =>
        fresh.of(id, manifestKey),
      ),
    );
  for (const app of store.apps) {
    const filesKey = checked.sourceKeys?.get(app.id);
    // Dates taken from git are not in the files: they join the key of what shows them.
    const sourceKey = filesKey && sha256Hex(`${filesKey}\n${releaseDatesOf(app)}`);
    const api = apiPart(store, app, facts, apiHistory, sourceKey);
    files.set(`api/v1/apps/${app.id}.json`, { key: api.key, make: once(api.make) });
    const index = updateIndexPart(store, app, sourceKey);
    // The app page is made from the app's API document, so both say the same.
    // The page is rendered from the app's document itself (made once), so both say the same.
    const front = frontPart(pages, app, api.doc() as unknown as AppDoc, api.key, checked.media?.get(app.id));
    const update = fresh.capture(app.id, manifestObject(store, app, manifests, sourceKey));
    freshDoc(app.id, update.key);
    const own = [
      update,
      archiveObject(app, (rel) => path.join(store.root, rel)),
      feedObject(store, app, feeds, sourceKey),
      front.object,
    ].filter((o) => o !== undefined);
    objects.push(...own);
    const shares = feedParts(store, app, feeds, sourceKey);
    parts.push({ id: app.id, api: { key: api.key, catalog: api.catalog }, index, card: front.card, feeds: shares });
    const key = keyOf?.(app.id);
    if (key) {
      made.set(app.id, {
        index: index.json(),
        record: {
          key,
          id: app.id,
          diagnostics: checked.diagnostics.filter((d) => d.file?.startsWith(`${displayPath(path.join(root, 'apps', app.id))}/`)),
          until: trust?.changesAt(app.id),
          deps: depsOf(store, app, trust),
          api: { key: api.key, catalog: api.catalog },
          index: { key: index.key },
          front: { card: front.card },
          objects: own.map((o) => ({ path: o.path, key: o.key, links: o.links })),
          feeds: shares,
        },
      });
    }
  }
  const previousPart = indexPartReader(cache, path.join(outDir, UPDATE_INDEX_PATH));
  for (const [folder, r] of plan?.reuse ?? []) {
    const rel = `api/v1/apps/${r.id}.json`;
    files.set(rel, { key: r.api.key, make: () => readFileSync(path.join(outDir, rel)) });
    parts.push({
      id: r.id,
      api: r.api,
      index: { key: r.index.key, json: once(() => previousPart(folder)) },
      card: r.front.card,
      feeds: r.feeds,
    });
    for (const o of r.objects) {
      objects.push({
        ...o,
        emit: () => {
          throw new Error(`object ${o.key} of ${folder} vanished during the build`);
        },
      });
    }
    const update = r.objects.find((o) => o.path === `update/${r.id}`);
    if (r.pins) fresh.known(r.id, r.pins);
    if (update) freshDoc(r.id, update.key);
  }
  // The order resolveStore gives the apps.
  parts.sort((a, b) => a.id.localeCompare(b.id));
  emitSchemas(files);
  emitCatalog(
    store,
    parts.map((p) => ({ id: p.id, ...p.api })),
    files,
  );
  emitStoreWideFeeds(
    parts.map((p) => p.feeds),
    files,
  );
  let indexMade = false;
  emitUpdateIndex(
    store,
    parts.map((p) => ({ key: p.index.key, json: () => ((indexMade = true), p.index.json()) })),
    files,
  );
  emitFront(
    pages,
    parts.map((p) => p.card),
    storeKeys(store),
    store.channels,
    files,
  );
  emitPublic(opts.publicDir ?? defaultPublicDir, files);
  if (state) files.set(SIGNING_STATE_PATH, encodeSigningState(state));
  precompress(files);
  timings.keys = lap();
  if (!write) {
    // Objects first: the fresh documents are made from the manifests they emit.
    for (const o of objects) for (const [rel, content] of o.emit()) files.set(sitePathOf(o, rel), content);
    materialize(files);
    timings.emit = lap();
    return { ...checked, diagnostics, files, reused };
  }
  // Emitting happens inside writeOutput, for the files and objects it does not have yet.
  const written = await writeOutput(outDir, files, objects);
  timings.write = lap();
  const tooLarge = checkPagesLimit(outDir, cache, written.files);
  if (tooLarge) diagnostics.push(tooLarge);
  for (const { record } of made.values()) {
    for (const o of record.objects) o.files = objectFiles(outDir, o.key);
    const update = record.objects.find((o) => o.path === `update/${record.id}`);
    if (signing.signer && update) record.pins = fresh.of(record.id, update.key);
  }
  writeRecords(cache, made, plan?.folders ?? []);
  // Made again in this build (else the file and where its parts sit are as the last build left them).
  if (indexMade)
    writeIndexParts(
      cache,
      path.join(outDir, UPDATE_INDEX_PATH),
      parts.map((p) => ({ folder: p.id, length: p.index.json().byteLength })),
    );
  timings.records = lap();
  return { ...checked, diagnostics, files, written, reused };
}

// --- internal ---

/** Where a file of an object appears in the site: under its path, or under the link that shows its part. */
function sitePathOf(o: SiteObject, rel: string): string {
  if (!o.links) return `${o.path}/${rel}`;
  for (const [at, inside] of Object.entries(o.links)) {
    if (rel === inside) return at;
    if (rel.startsWith(`${inside}/`)) return `${at}${rel.slice(inside.length)}`;
  }
  throw new Error(`${o.path}/${rel} is not under any of its links`);
}

/** Which app folders a build takes from records, which it checks, and the keys of the ones it checks. */
interface ReusePlan {
  reuse: Map<string, AppRecord>;
  /** Folders to load and check; undefined: all of them. */
  check?: ReadonlySet<string>;
  folders: string[];
  /** The key a record made now gets (undefined: the app must be checked every time); made after the check when there were no records. */
  keyOf?: (folder: string) => string | undefined;
  signing?: ManifestSigning;
}

/**
 * Decides which apps can be taken from records: same key (store settings, code, signing key,
 * the folder's commit or file stamps, its serial), not past the time its check could
 * change, files outside the folder unchanged, and its outputs still in the current site.
 */
async function planReuse(config: ResolvedConfig, cache: Cache, reading: Promise<StoreHistory>): Promise<ReusePlan> {
  const { root, outDir, now } = config;
  const folders = listAppFolders(root);
  const none: ReusePlan = { reuse: new Map(), folders };
  // Only store.yaml: the store's settings decide the global key.
  const head = withBaseUrl(resolveStore(validateDocs(loadStore(root, { cache, apps: new Set() }))), config.baseUrl).store;
  if (!head) return none;
  const records = readRecords(cache);
  // Nothing to take (a first build, or a new cache): check everything while the history is read.
  if (!records.size) return none;
  const signing = loadManifestSigning(head, config);
  if (hasErrors(signing.diagnostics)) return { ...none, signing };
  const history = await reading;
  const keyOf = recordKeys(
    config,
    head,
    signing,
    history,
    manifestFreshness(now, head.signing.expiresDays, history, config.serialFloor),
    history.git ? undefined : stampFolders(root, folders),
  );
  const site = siteFilesOf(outDir);
  const reuse = new Map<string, AppRecord>();
  for (const folder of folders) {
    const r = records.get(folder);
    if (!r || r.id !== folder || r.key !== keyOf(folder)) continue;
    if ((r.until !== undefined && now.getTime() >= r.until) || !depsUnchanged(r.deps)) continue;
    if (!site(`api/v1/apps/${r.id}.json`, r.api.key) || !r.objects.every((o) => hasObject(outDir, o.key))) continue;
    reuse.set(folder, r);
  }
  const check = reuse.size ? new Set(folders.filter((f) => !reuse.has(f))) : undefined;
  return { reuse, check, folders, keyOf, signing };
}

/**
 * The key of each app folder's record: a global key (code, store.yaml, CA and revocation files,
 * signing key; not the day: only the fresh documents change with it) with the folder's state
 * (in git, the commit it is exactly at; outside git, its file stamps) and its serial. Undefined
 * for a folder that must be checked every time.
 */
function recordKeys(
  config: ResolvedConfig,
  store: ResolvedStore,
  signing: ManifestSigning,
  history: StoreHistory,
  freshness: Freshness,
  stamps?: ReadonlyMap<string, string | undefined>,
): (folder: string) => string | undefined {
  const { root, storeFile } = config;
  const global = sha256Hex(
    JSON.stringify({
      format: RECORD_FORMAT,
      code: codeHash(['emit', 'errors', 'inspect', 'load', 'pipeline', 'resolve', 'schema', 'util', 'validate', 'verify']),
      store: fileDigest(path.join(root, storeFile)),
      baseUrl: store.baseUrl ?? null,
      ca: storeFileDigest(root, store.trust.ca),
      revoked: storeFileDigest(root, store.trust.revoked),
      signer: signing.signer?.keyid ?? null,
      // Kept warnings name files relative to the working folder.
      cwd: process.cwd(),
    }),
  );
  const keys = new Map<string, string | undefined>();
  return (folder) => {
    if (keys.has(folder)) return keys.get(folder);
    // In git: the commit the folder is exactly at (none with uncommitted or ignored files: checked every time).
    const stamp = history.git ? history.appCommit.get(folder) : stamps?.get(folder);
    const key = stamp && sha256Hex(`${global}\n${stamp}\n${signing.signer ? freshness.serial(folder) : ''}`);
    keys.set(folder, key);
    return key;
  };
}

/** File stamps of every app folder, taken now. */
const stampFolders = (root: string, folders: readonly string[]): Map<string, string | undefined> =>
  new Map(folders.map((f) => [f, folderStamp(path.join(root, 'apps', f))]));

/** Whether the folder is inside a git work tree (a `.git` in it or above), before git itself says so. */
function insideGit(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

/** The resolved store published at another origin than store.yaml says. */
function withBaseUrl<T extends { store?: ResolvedStore }>(resolved: T, baseUrl: string | undefined): T {
  return baseUrl && resolved.store ? { ...resolved, store: { ...resolved.store, baseUrl } } : resolved;
}

/** What `api/v1/signing.json` says about this build; none for a store that is not signed at all. */
function signingState(signing: ManifestSigning, freshness: Freshness, folders: readonly string[]): SigningState | undefined {
  if (signing.unsigned) return { keyid: null, serial: null, expires: null, preview: 'unsigned' };
  if (!signing.signer) return undefined;
  return { keyid: signing.signer.keyid, serial: Math.max(0, ...folders.map((f) => freshness.freshSerial(f))), expires: freshness.expires };
}

/**
 * The published site against this build: a higher published serial is an error (clients that
 * saw it would refuse this build's feed); a published feed close to expiry is a warning (the
 * scheduled re-sign has stopped). A site that cannot be read is a warning (the first publish).
 */
async function comparePublished(where: string, serial: number, now: Date, expiresDays: number): Promise<Diagnostic[]> {
  const published = await readPublishedSigning(where);
  if ('problem' in published) return [diag(Errors.PublishedUnreadable, [where, published.problem])];
  const out: Diagnostic[] = [];
  if (published.serial !== null && published.serial > serial) out.push(diag(Errors.SerialWentDown, [published.serial, serial, where]));
  const days = Math.max(1, Math.floor(expiresDays / 2));
  if (published.expires && Date.parse(published.expires) - now.getTime() < days * 86_400_000) {
    out.push(diag(Errors.PublishedExpiresSoon, [where, published.expires, days]));
  }
  return out;
}

/** Bump when a record's meaning changes in a way the code hash does not show. */
const RECORD_FORMAT = 1;

/** Files outside the app folder that the app's check read (a certificate kept elsewhere), by content. */
function depsOf(store: ResolvedStore, app: ResolvedApp, trust: TrustReport | undefined): Record<string, string> {
  const cert = trust?.certificateFile(app.id);
  return cert && !isInside(path.join(store.root, 'apps', app.id), cert) ? { [cert]: fileDigest(cert) } : {};
}
