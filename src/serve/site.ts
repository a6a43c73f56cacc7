import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToRequests } from 'node:timers/promises';
import fg from 'fast-glob';
import sirv, { type RequestHandler } from 'sirv';
import { UPDATE_INDEX_FORMAT, UPDATE_INDEX_PATH, type UpdateIndex } from '../emit/emit-update-index.js';
import { diag, Errors, StoreError, type Diagnostic } from '../errors/index.js';
import { displayPath } from '../util/paths.js';
import { compileUpdateIndex, type CompiledUpdateIndex } from './aus-match.js';

/** How a site is loaded. */
export interface SiteOptions {
  /** Files up to this size (bytes) are answered from memory. @default 262144 */
  memoryFileLimit?: number;
  /** Total bytes kept in memory; further files are streamed from disk by sirv. @default 268435456 */
  memoryBudget?: number;
  /**
   * A folder on the same file system where the files sirv streams (archives, large files) are
   * hardlinked for each loaded build, so a later build deleting its previous folder cannot cut a
   * download short. Without it, or when links fail, they are streamed from the site folder.
   */
  snapshotDir?: string;
}

/** One stored representation of a file (identity, br or gzip). */
export interface MemoryBody {
  body: Buffer;
  etag: string;
  /** Last-Modified in whole seconds since the epoch, for If-Modified-Since. */
  mtimeSeconds: number;
  headers: Readonly<Record<string, string | number>>;
}

/** A small file answered from memory, with its precompressed siblings when the build wrote them. */
export interface MemoryFile {
  identity: MemoryBody;
  br?: MemoryBody;
  gzip?: MemoryBody;
}

/** A file streamed from disk by sirv: what it was when the site was loaded. */
export interface DiskFile {
  abs: string;
  size: number;
  mtimeMs: number;
}

/** One loaded build of the site: everything a request needs, swapped as a whole on reload. */
export interface Site {
  readonly dir: string;
  /** Identifies the build's content: the bytes of the files held in memory, the paths and sizes of the others (archives are versioned). */
  readonly buildId: string;
  /** When the build was swapped into place (the folder's modification time). */
  readonly builtAt: string;
  readonly loadedAt: string;
  /** Site path (`/api/v1/apps.json`) → file held in memory. */
  readonly memory: ReadonlyMap<string, MemoryFile>;
  /** Site path → every file sirv may stream, to check it is still the same before it does. */
  readonly disk: ReadonlyMap<string, DiskFile>;
  readonly sirv: RequestHandler;
  /** The compiled update index; an empty one when the build has none. */
  readonly updates: CompiledUpdateIndex;
  readonly files: number;
  readonly memoryBytes: number;
  /** Problems found while loading (e.g. no update index). */
  readonly diagnostics: readonly Diagnostic[];
  /** The hardlinked copy of the streamed files, when one was made; remove it with {@link dropSnapshot}. */
  readonly snapshot?: string;
}

let generation = 0;

// Hardlinks every streamed file into a fresh folder; undefined (and nothing left behind) on failure.
function linkSnapshot(dir: string, rels: readonly string[], base: string, report: (why: string) => void): string | undefined {
  const snap = path.join(base, `build-${Date.now()}-${++generation}`);
  try {
    for (const rel of rels) {
      const target = path.join(snap, rel);
      mkdirSync(path.dirname(target), { recursive: true });
      linkSync(realpathSync(path.join(dir, rel)), target);
    }
    return snap;
  } catch (e) {
    rmSync(snap, { recursive: true, force: true });
    report((e as NodeJS.ErrnoException).code ?? String(e));
    return undefined;
  }
}

/** Removes the hardlinked copy of a build that no longer answers requests. */
export function dropSnapshot(site: Site): void {
  if (site.snapshot) rmSync(site.snapshot, { recursive: true, force: true });
}

/** Cache policy: versioned archives forever, everything else briefly and revalidated. */
export function cacheControlFor(sitePath: string): string {
  return sitePath.startsWith('/files/') ? 'public, max-age=31536000, immutable' : 'public, max-age=60, must-revalidate';
}

// The types of the small files a build writes; archives (streamed by sirv) get sirv's own types.
const TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.pem': 'application/x-pem-file',
  '.sig': 'application/octet-stream',
};

const ENCODED = /\.(br|gz)$/;

/** The weak ETag sirv gives the same file, so memory and disk answers agree. */
const etagOf = (size: number, mtimeMs: number): string => `W/"${size}-${Math.trunc(mtimeMs)}"`;

function memoryBody(sitePath: string, body: Buffer, st: Stats, encoding?: 'br' | 'gzip'): MemoryBody {
  const etag = etagOf(st.size, st.mtimeMs);
  const headers: Record<string, string | number> = {
    'Content-Type': TYPES[path.posix.extname(sitePath).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': body.byteLength,
    'Last-Modified': st.mtime.toUTCString(),
    ETag: etag,
    'Cache-Control': cacheControlFor(sitePath),
    Vary: 'Accept-Encoding',
    'Accept-Ranges': 'bytes',
  };
  if (encoding) headers['Content-Encoding'] = encoding;
  return { body, etag, mtimeSeconds: Math.floor(st.mtimeMs / 1000), headers };
}

const emptyIndex = (): UpdateIndex => ({ format: UPDATE_INDEX_FORMAT, store: '', channels: [], includeMoreMature: false, apps: [] });

function readIndex(dir: string, bytes: Buffer | undefined, diagnostics: Diagnostic[]): UpdateIndex {
  const file = displayPath(path.join(dir, UPDATE_INDEX_PATH));
  if (!bytes) {
    diagnostics.push(diag(Errors.ServeIndexMissing, [displayPath(dir)]));
    return emptyIndex();
  }
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new StoreError(diag(Errors.ServeIndexInvalid, [file, (e as Error).message]));
  }
  const index = data as Partial<UpdateIndex> | null;
  if (!index || index.format !== UPDATE_INDEX_FORMAT || !Array.isArray(index.apps) || !Array.isArray(index.channels)) {
    throw new StoreError(diag(Errors.ServeIndexInvalid, [file, `expected format "${UPDATE_INDEX_FORMAT}"`]));
  }
  return index as UpdateIndex;
}

const identity = (st: Stats) => `${st.dev}:${st.ino}:${st.mtimeMs}`;

function folderStat(dir: string): Stats {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new StoreError(diag(Errors.ServeDirMissing, [displayPath(dir)]));
  return st;
}

async function readSite(dir: string, opts: SiteOptions): Promise<{ site: Site; folderId: string }> {
  const limit = opts.memoryFileLimit ?? 256 * 1024;
  let budget = opts.memoryBudget ?? 256 * 1024 * 1024;
  const folder = folderStat(dir);
  // Same view as sirv: every file, following links, without dot-files.
  const entries = fg.sync('**/*', { cwd: dir, dot: false, onlyFiles: true, stats: true, followSymbolicLinks: true });
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const stats = new Map(entries.map((e) => [e.path, e.stats!]));
  const memory = new Map<string, MemoryFile>();
  const disk = new Map<string, DiskFile>();
  const hash = createHash('sha256');
  const inMemory = new Set<string>();
  const shared = new Map<string, MemoryFile>();
  let memoryBytes = 0;
  let n = 0;
  const load = (rel: string, st: Stats): Buffer | undefined => {
    if (st.size > limit || st.size > budget) return undefined;
    budget -= st.size;
    memoryBytes += st.size;
    inMemory.add(rel);
    return readFileSync(path.join(dir, rel));
  };
  for (const [rel, st] of stats) {
    hash.update(`${rel}\0${st.size}\n`);
    // Precompressed siblings are stored with their file; archives are always streamed.
    if (rel.startsWith('files/') || (ENCODED.test(rel) && stats.has(rel.replace(ENCODED, '')))) continue;
    const sitePath = `/${rel}`;
    const br = stats.get(`${rel}.br`);
    const gz = stats.get(`${rel}.gz`);
    // The build hardlinks identical manifests (one per percentile): keep one copy per inode.
    const key = [st, br, gz].map((x) => (x ? `${x.dev}:${x.ino}` : '-')).join('/') + path.posix.extname(rel) + cacheControlFor(sitePath);
    const twin = shared.get(key);
    if (twin) {
      memory.set(sitePath, twin);
      for (const r of [rel, `${rel}.br`, `${rel}.gz`]) if (stats.has(r)) inMemory.add(r);
      hash.update(twin.identity.body);
      continue;
    }
    const wanted = st.size + (br?.size ?? 0) + (gz?.size ?? 0);
    if (wanted > budget || [st, br, gz].some((s) => s && s.size > limit)) continue;
    const file: MemoryFile = { identity: memoryBody(sitePath, load(rel, st)!, st) };
    if (br) file.br = memoryBody(sitePath, load(`${rel}.br`, br)!, br, 'br');
    if (gz) file.gzip = memoryBody(sitePath, load(`${rel}.gz`, gz)!, gz, 'gzip');
    memory.set(sitePath, file);
    shared.set(key, file);
    hash.update(file.identity.body);
    // Keep answering the previous build while a large one is read.
    if (++n % 512 === 0) await yieldToRequests();
  }
  const diagnostics: Diagnostic[] = [];
  const streamed = [...stats.keys()].filter((rel) => !inMemory.has(rel));
  const snapshot = opts.snapshotDir && streamed.length
    ? linkSnapshot(dir, streamed, opts.snapshotDir, (why) => diagnostics.push(diag(Errors.ServeNoSnapshot, [displayPath(opts.snapshotDir!), why])))
    : undefined;
  const served = snapshot ?? dir;
  for (const [rel, st] of stats) disk.set(`/${rel}`, { abs: path.join(inMemory.has(rel) ? dir : served, rel), size: st.size, mtimeMs: st.mtimeMs });
  const indexBytes = memory.get(`/${UPDATE_INDEX_PATH}`)?.identity.body ?? (stats.has(UPDATE_INDEX_PATH) ? readFileSync(path.join(dir, UPDATE_INDEX_PATH)) : undefined);
  const updates = compileUpdateIndex(readIndex(dir, indexBytes, diagnostics));
  const handler = sirv(served, {
    etag: true,
    gzip: true,
    brotli: true,
    dotfiles: false,
    setHeaders: (res, pathname) => {
      // /update sets its own (the same query may get another archive tomorrow).
      if (!res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', cacheControlFor(pathname));
      res.setHeader('Accept-Ranges', 'bytes');
    },
  });
  const site: Site = {
    dir,
    buildId: hash.digest('hex').slice(0, 16),
    builtAt: folder.mtime.toISOString(),
    loadedAt: new Date().toISOString(),
    memory,
    disk,
    sirv: handler,
    updates,
    files: stats.size,
    memoryBytes,
    diagnostics,
    snapshot,
  };
  return { site, folderId: identity(folder) };
}

/**
 * Reads a built site: small files into memory (with their .br/.gz siblings), the update index
 * compiled for matching, and a sirv handler for everything else. A build swaps the folder by
 * renaming; if that happens while we read, the read is repeated, so a site is never a mix of two
 * builds.
 */
export async function loadSite(dir: string, opts: SiteOptions = {}): Promise<Site> {
  const abs = path.resolve(dir);
  for (let attempt = 1; ; attempt++) {
    const { site, folderId } = await readSite(abs, opts);
    const after = statSync(abs, { throwIfNoEntry: false });
    if (after && identity(after) === folderId) return site;
    dropSnapshot(site);
    if (attempt >= 5) throw new StoreError(diag(Errors.ServeReloadFailed, [displayPath(abs), 'the folder kept changing while it was read']));
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
}
