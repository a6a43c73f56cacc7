import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { diag, Errors, type Diagnostic } from '../errors/index.js';
import { displayPath } from '../util/paths.js';
import { ParseCache } from './parse-cache.js';
import { parseInParallel } from './_parallel-parse.js';
import { lazySource, type SourceDoc, type SourceKind } from './source.js';

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
export interface LoadedApp {
  folder: string;
  app?: SourceDoc;
  releases: SourceDoc[];
}

/** Options of {@link loadStore}. */
export interface LoadOptions {
  /** Folder of the parse cache (`parse-cache/<shard>.jsonl`); every file is parsed when undefined. */
  cacheDir?: string;
  /**
   * Load only these app folders (names under `apps/`) besides store.yaml: no other folder is
   * listed or read. A name that is not a folder of the store (or starts with `.`, which a
   * whole load skips too) yields nothing. @default every folder
   */
  apps?: ReadonlySet<string>;
}

/** The names store.yaml may have, in the order they are looked for. */
export const STORE_FILES = ['store.yaml', 'store.yml', 'store.json'] as const;
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

function readText(root: string, rel: string, kind: SourceKind, cache: ParseCache, diagnostics: Diagnostic[]): ReadFile | undefined {
  const abs = path.join(root, rel);
  const file = displayPath(abs);
  let text: string;
  try {
    // readFileSync: measured ~5x faster than fs.promises for many small files (perf-facts.md).
    text = readFileSync(abs, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    diagnostics.push(diag(Errors.ReadFailed, [file, (e as NodeJS.ErrnoException).code ?? String(e)], { file }));
    return undefined;
  }
  const json = rel.endsWith('.json');
  const key = ParseCache.keyOf(text, json);
  return { rel, kind, abs, file, text, json, key, known: cache.get(ParseCache.shardOf(rel), key) };
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
    const spec = f.json ? Errors.JsonSyntax : Errors.YamlSyntax;
    for (const p of problems) diagnostics.push(diag(spec, [p.message], { file: f.file, line: p.line, column: p.column }));
    if (!problems.length) cache.set(ParseCache.shardOf(f.rel), f.key, data);
    f.known = { data: problems.length ? undefined : data };
  });
  return files.map(({ kind, file, rel, abs, text, json, key, known }) => lazySource({ kind, file, rel, abs, text, hash: key, data: known!.data }, json));
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
 * The app folders of a store: sorted names of the folders (or links to folders) under
 * `<store>/apps/`, without those starting with `.` (which {@link loadStore} skips); [] when there
 * are none.
 */
export function listAppFolders(storeDir: string): string[] {
  const apps = path.join(path.resolve(storeDir), 'apps');
  let entries;
  try {
    entries = readdirSync(apps, { withFileTypes: true });
  } catch {
    return [];
  }
  const isDir = (e: (typeof entries)[number]) => e.isDirectory() || (e.isSymbolicLink() && !!statOf(path.join(apps, e.name))?.isDirectory());
  return entries.filter((e) => !e.name.startsWith('.') && isDir(e)).map((e) => e.name).sort();
}

/**
 * Reads `store.yaml` and every `apps/<id>/app.yaml` and `apps/<id>/releases/<version>.yaml|json`
 * (only the folders in `opts.apps`, when given). This is the only stage that reads store files;
 * later stages work on the returned documents.
 */
export function loadStore(storeDir: string, opts: LoadOptions = {}): LoadedStore {
  const root = path.resolve(storeDir);
  const cache = new ParseCache(opts.cacheDir);
  const diagnostics: Diagnostic[] = [];
  const storeRel = STORE_FILES.find((f) => existsSync(path.join(root, f)));
  if (!storeRel) {
    diagnostics.push(diag(Errors.StoreNotFound, [displayPath(root)], { file: displayPath(path.join(root, 'store.yaml')) }));
    return { root, apps: [], diagnostics };
  }
  const read: ReadFile[] = [];
  const storeFile = readText(root, storeRel, 'store', cache, diagnostics);
  if (storeFile) read.push(storeFile);
  const chosen = opts.apps && [...opts.apps].filter((f) => f && !f.startsWith('.') && !/[/\\]/.test(f));
  const files = (chosen ? chosen.flatMap((f) => appFiles(root, f)) : fg.sync(['apps/*/app.{yaml,yml,json}', 'apps/*/releases/*'], { cwd: root, onlyFiles: true, dot: false })).sort();
  for (const rel of files) {
    const second = rel.split('/')[2];
    if (second !== 'releases' || DATA_EXT.test(rel)) {
      const f = readText(root, rel, second === 'releases' ? 'release' : 'app', cache, diagnostics);
      if (f) read.push(f);
    } else {
      const file = displayPath(path.join(root, rel));
      diagnostics.push(diag(Errors.UnexpectedFile, [file], { file }));
    }
  }
  const docs = parseFiles(read, cache, diagnostics);
  const store = storeFile ? docs[0] : undefined;
  const apps = new Map<string, LoadedApp>();
  for (const doc of docs) {
    if (doc.kind === 'store') continue;
    const folder = doc.rel.split('/')[1]!;
    let a = apps.get(folder);
    if (!a) apps.set(folder, (a = { folder, releases: [] }));
    if (doc.kind === 'app') a.app = doc;
    else a.releases.push(doc);
  }
  for (const a of apps.values()) {
    if (!a.app) {
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

/**
 * The files of one app folder that the glob of a whole load matches (`app.{yaml,yml,json}`,
 * `releases/*` without dot files; links followed), as store-relative paths. Listed directly:
 * fast-glob compiles each pattern, ~1.5 ms a folder, more than reading the folder.
 */
function appFiles(root: string, folder: string): string[] {
  const dir = path.join(root, 'apps', folder);
  const files = (sub: string, keep: (name: string) => boolean) => {
    let entries;
    try {
      entries = readdirSync(path.join(dir, sub), { withFileTypes: true });
    } catch {
      return [];
    }
    const isFile = (e: (typeof entries)[number]) => e.isFile() || (e.isSymbolicLink() && !!statOf(path.join(dir, sub, e.name))?.isFile());
    return entries.filter((e) => keep(e.name) && isFile(e)).map((e) => path.posix.join('apps', folder, sub, e.name));
  };
  return [...files('', (n) => APP_FILES.has(n)), ...files('releases', (n) => !n.startsWith('.'))];
}

/** What a path (a link followed) is, or undefined for a broken link or one that cannot be followed, as the glob skips them. */
function statOf(abs: string): Stats | undefined {
  try {
    return statSync(abs);
  } catch {
    return undefined;
  }
}
