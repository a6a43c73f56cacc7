import type { Cache } from '../cache/index.js';
import { STORE_FILES } from '../config/index.js';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { diag, Errors, type Diagnostic } from '../errors/index.js';
import { defaultLimits } from '../schema/index.js';
import { displayPath } from '../util/paths.js';
import type { FolderMemo } from '../util/store-files.js';
import { ParseCache } from './parse-cache.js';
import { parseInParallel } from './_parallel-parse.js';
import { lazySource, type SourceDoc, type SourceKind } from './source.js';
import { parseProblemDiagnostic, readStoreText } from './store-file.js';

/** The raw store: every store file parsed, nothing checked yet. */
export interface LoadedStore {
  /** Absolute path of the store folder. */
  root: string;
  store?: SourceDoc;
  apps: LoadedApp[];
  /** Parse errors and stray files. */
  diagnostics: Diagnostic[];
}

/** One `apps/<folder>/` of the store. */
interface LoadedApp {
  folder: string;
  app?: SourceDoc;
  releases: SourceDoc[];
}

/** Options of {@link loadStore}. */
export interface LoadOptions {
  /** The run's cache (src/cache), or its folder; every file is parsed when neither is given. */
  cache?: Cache;
  cacheDir?: string;
  /**
   * Load only these app folders (names under `apps/`) besides store.yaml: no other folder is
   * listed or read. A name that is not a folder of the store (or starts with `.`, which a
   * whole load skips too) yields nothing. @default every folder
   */
  apps?: ReadonlySet<string>;
}

const APP_FILES = new Set(['app.yaml', 'app.yml', 'app.json']);
const DATA_EXT = /\.(ya?ml|json)$/;

/** A store file read and looked up in the parse cache; `data` is set once it is known. */
interface ReadFile {
  rel: string;
  kind: SourceKind;
  abs: string;
  file: string;
  text: string;
  json: boolean;
  key: string;
  known?: { data: unknown };
}

function readText(
  root: string,
  rel: string,
  kind: SourceKind,
  limit: number,
  cache: ParseCache,
  diagnostics: Diagnostic[],
  folders?: FolderMemo,
): ReadFile | undefined {
  const abs = path.join(root, rel);
  const text = readStoreText(root, rel, limit, diagnostics, { folders });
  if (text === undefined) return undefined;
  const json = rel.endsWith('.json');
  const key = ParseCache.keyOf(text, json);
  return { rel, kind, abs, file: displayPath(abs), text, json, key, known: cache.get(ParseCache.shardOf(rel), key) };
}

/**
 * Parses what the cache did not know (in two threads when there is much of it) and makes the
 * documents. Positions are re-parsed from the text only if a diagnostic asks for one: 20,000
 * YAML Documents hold ~375 MB, their plain data ~56 MB (perf-facts.md).
 */
function parseFiles(files: readonly ReadFile[], cache: ParseCache, diagnostics: Diagnostic[]): SourceDoc[] {
  const missing = files.filter((f) => !f.known);
  const parsed = parseInParallel(missing.map((f) => [f.text, f.json]));
  missing.forEach((f, i) => {
    const { data, problems } = parsed[i]!;
    for (const p of problems) diagnostics.push(parseProblemDiagnostic(p, f.file, f.json));
    if (!problems.length) cache.set(ParseCache.shardOf(f.rel), f.key, data);
    f.known = { data: problems.length ? undefined : data };
  });
  return files.map(({ kind, file, rel, abs, text, json, key, known }) =>
    lazySource({ kind, file, rel, abs, text, hash: key, data: known!.data }, json),
  );
}

/**
 * A content key per app folder: a hash of store.yaml and of every file of the folder (app file
 * and releases), by their text. Equal keys mean the app resolves to the same data.
 */
export function appSourceKeys(loaded: LoadedStore): Map<string, string> {
  const keys = new Map<string, string>();
  const store = loaded.store ? `${loaded.store.rel} ${loaded.store.hash}\n` : '';
  for (const a of loaded.apps) {
    const docs = [a.app, ...a.releases].filter((d) => d !== undefined);
    if (docs.some((d) => d.hash === undefined)) continue;
    const lines = docs.map((d) => `${d.rel} ${d.hash}`).sort();
    keys.set(a.folder, createHash('sha256').update(store).update(lines.join('\n')).digest('hex'));
  }
  return keys;
}

/**
 * The app folders of a store: sorted names of the folders under `<store>/apps/` (links are not
 * followed: {@link loadStore} reports them), without those starting with `.` (which it skips);
 * [] when there are none.
 */
export function listAppFolders(storeDir: string): string[] {
  return listDir(path.join(path.resolve(storeDir), 'apps'))
    .filter((e) => !e.name.startsWith('.') && e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * Reads `store.yaml` and every `apps/<id>/app.yaml` and `apps/<id>/releases/<version>.yaml|json`
 * (only the folders in `opts.apps`, when given). This is the only stage that reads store files;
 * later stages work on the returned documents. Every file goes through the confined reader
 * (src/util/store-files.ts), and every symbolic link met while listing the store is reported.
 */
export function loadStore(storeDir: string, opts: LoadOptions = {}): LoadedStore {
  const root = path.resolve(storeDir);
  const cache = new ParseCache(opts.cache ?? opts.cacheDir);
  const diagnostics: Diagnostic[] = [];
  const storeRel = STORE_FILES.find((f) => lstatSync(path.join(root, f), { throwIfNoEntry: false }));
  if (!storeRel) {
    diagnostics.push(diag(Errors.StoreNotFound, [displayPath(root)], { file: displayPath(path.join(root, STORE_FILES[0])) }));
    return { root, apps: [], diagnostics };
  }
  // store.yaml first: it may raise the size limit of the other files.
  const storeFile = readText(root, storeRel, 'store', defaultLimits.storeFileSize, cache, diagnostics);
  const [store] = storeFile ? parseFiles([storeFile], cache, diagnostics) : [];
  const limit = storeFileLimit(store?.data);
  reportLinksOutsideApps(root, diagnostics);

  const chosen = opts.apps && [...opts.apps].filter((f) => f && !f.startsWith('.') && !/[/\\]/.test(f));
  const folders = chosen ?? listAppsFolder(root, diagnostics);
  const read: ReadFile[] = [];
  const seen: FolderMemo = new Map();
  for (const folder of [...folders].sort()) {
    for (const rel of appFiles(root, folder, diagnostics)) {
      const f = readText(root, rel, rel.split('/')[2] === 'releases' ? 'release' : 'app', limit, cache, diagnostics, seen);
      if (f) read.push(f);
    }
  }
  const docs = parseFiles(read, cache, diagnostics);
  const apps = new Map<string, LoadedApp>();
  for (const doc of docs) {
    const folder = doc.rel.split('/')[1]!;
    let a = apps.get(folder);
    if (!a) apps.set(folder, (a = { folder, releases: [] }));
    if (doc.kind === 'app') a.app = doc;
    else a.releases.push(doc);
  }
  for (const a of apps.values()) {
    if (!a.app && !diagnostics.some((d) => d.file?.startsWith(`${displayPath(path.join(root, 'apps', a.folder))}/app.`))) {
      const dir = displayPath(path.join(root, 'apps', a.folder));
      diagnostics.push(diag(Errors.MissingAppFile, [dir], { file: `${dir}/app.yaml` }));
    }
  }
  // A chosen folder that is gone still has its shard deleted; a whole load deletes the shards of every folder gone.
  for (const folder of chosen ?? []) cache.touch(folder);
  cache.save({ prune: !chosen });
  return { root, store, apps: [...apps.values()], diagnostics };
}

// --- internal ---

/** The store-file size limit store.yaml sets (`limits.storeFileSize`), or the default. */
function storeFileLimit(data: unknown): number {
  const set = (data as { limits?: { storeFileSize?: unknown } } | undefined)?.limits?.storeFileSize;
  return Number.isSafeInteger(set) && (set as number) > 0 ? (set as number) : defaultLimits.storeFileSize;
}

function listDir(abs: string): Dirent[] {
  try {
    return readdirSync(abs, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** The folders under `apps/`, reporting links and files where the layout wants folders. */
function listAppsFolder(root: string, out: Diagnostic[]): string[] {
  const apps = path.join(root, 'apps');
  const st = lstatSync(apps, { throwIfNoEntry: false });
  if (!st) return [];
  const shown = displayPath(apps);
  if (st.isSymbolicLink()) {
    out.push(diag(Errors.StoreSymlink, [shown], { file: shown }));
    return [];
  }
  if (!st.isDirectory()) {
    out.push(diag(Errors.NotAFolder, [shown], { file: shown }));
    return [];
  }
  const folders: string[] = [];
  for (const e of listDir(apps)) {
    if (e.name.startsWith('.')) continue;
    if (e.isSymbolicLink()) reportLink(root, `apps/${e.name}`, out);
    else if (e.isDirectory()) folders.push(e.name);
  }
  return folders;
}

/**
 * The store files of one app folder (`app.{yaml,yml,json}`, `releases/*` without dot files) as
 * store-relative paths, reporting what cannot be one (a link, a folder named like a release, a
 * special file, a release file of another type) and every link elsewhere in the folder. Listed
 * directly: fast-glob compiles each pattern, ~1.5 ms a folder, more than reading the folder.
 */
function appFiles(root: string, folder: string, out: Diagnostic[]): string[] {
  const dirRel = `apps/${folder}`;
  const dir = path.join(root, 'apps', folder);
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st) return [];
  if (st.isSymbolicLink()) {
    reportLink(root, dirRel, out);
    return [];
  }
  if (!st.isDirectory()) return [];
  const files: string[] = [];
  for (const e of listDir(dir)) {
    const rel = `${dirRel}/${e.name}`;
    if (APP_FILES.has(e.name)) {
      if (isStoreFile(root, rel, e, out)) files.push(rel);
    } else if (e.name === 'releases') {
      if (e.isSymbolicLink()) reportLink(root, rel, out);
      else if (!e.isDirectory())
        out.push(diag(Errors.NotAFolder, [displayPath(path.join(root, rel))], { file: displayPath(path.join(root, rel)) }));
      else files.push(...releaseFiles(root, rel, out));
    } else {
      walkForLinks(root, rel, e, out);
    }
  }
  return files;
}

function releaseFiles(root: string, releasesRel: string, out: Diagnostic[]): string[] {
  const files: string[] = [];
  for (const e of listDir(path.join(root, releasesRel))) {
    if (e.name.startsWith('.')) continue;
    const rel = `${releasesRel}/${e.name}`;
    if (DATA_EXT.test(e.name)) {
      if (isStoreFile(root, rel, e, out)) files.push(rel);
    } else if (e.isSymbolicLink()) {
      reportLink(root, rel, out);
    } else if (e.isFile()) {
      const file = displayPath(path.join(root, rel));
      out.push(diag(Errors.UnexpectedFile, [file], { file }));
    } else {
      walkForLinks(root, rel, e, out);
    }
  }
  return files;
}

/** Whether a listed store file can be read as one; reports why not. */
function isStoreFile(root: string, rel: string, e: Dirent, out: Diagnostic[]): boolean {
  if (e.isFile()) return true;
  const file = displayPath(path.join(root, rel));
  if (e.isSymbolicLink()) reportLink(root, rel, out);
  else if (e.isDirectory()) out.push(diag(Errors.NotAFile, [file], { file }));
  else out.push(diag(Errors.StoreSpecialFile, [file], { file }));
  return false;
}

/**
 * Reports every link under the store's own folders beside `apps/` (trust/ and the like) and at
 * its top level. Dot folders and node_modules are skipped: a store kept at a repository's root
 * has .git and the tool itself there, which the store never names.
 */
function reportLinksOutsideApps(root: string, out: Diagnostic[]): void {
  for (const e of listDir(root)) {
    if (e.name === 'apps' || e.name.startsWith('.') || e.name === 'node_modules') continue;
    walkForLinks(root, e.name, e, out);
  }
}

/** Reports `rel` when it is a link, and every link below it when it is a folder (at most {@link MAX_WALK} entries). */
function walkForLinks(root: string, rel: string, e: Dirent, out: Diagnostic[], budget = { left: MAX_WALK }): void {
  if (e.isSymbolicLink()) return reportLink(root, rel, out);
  if (!e.isDirectory()) return;
  for (const child of listDir(path.join(root, rel))) {
    if (--budget.left < 0) return;
    walkForLinks(root, `${rel}/${child.name}`, child, out, budget);
  }
}
const MAX_WALK = 200_000;

function reportLink(root: string, rel: string, out: Diagnostic[]): void {
  const file = displayPath(path.join(root, rel));
  out.push(diag(Errors.StoreSymlink, [file], { file }));
}
