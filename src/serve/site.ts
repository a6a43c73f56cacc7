import { createHash, type Hash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { setImmediate as yieldToRequests } from 'node:timers/promises';
import path from 'node:path';
import { UPDATE_INDEX_FORMAT, UPDATE_INDEX_PATH } from '../schema/index.js';
import { diag, Errors, StoreError, type Diagnostic } from '../errors/index.js';
import { displayPath } from '../util/paths.js';
import { compileUpdateIndex, type CompiledUpdateIndex } from './aus-match.js';
import { mapUpdateIndex, UpdateIndexFormatError } from './update-index-map.js';

/** How a site is loaded. */
export interface SiteOptions {
  /** Bound of the compiled apps of the update index kept per build, in bytes of their JSON. @default 4 MiB (parsed and compiled, several times that) */
  indexCacheBytes?: number;
}

/**
 * One loaded build of the site: what every request of that build shares, swapped as a whole on
 * reload. It holds no file of the site: files are looked up when asked for (see static.ts), and
 * the update index is mapped, each app read when a query first names it.
 */
export interface Site {
  readonly dir: string;
  /** Tells builds apart within this process (the file cache's key). */
  readonly generation: number;
  /**
   * Identifies the build's content: the site folder's own names, the targets of its links (the
   * build links each app's folder to an object named by a key of the app's files), the bytes of
   * the update index and of its other files up to 256 KiB but the per-app API documents, the
   * sizes of the rest.
   */
  readonly buildId: string;
  /** When the build was swapped into place (the folder's modification time). */
  readonly builtAt: string;
  readonly loadedAt: string;
  /** Names in the site folder itself (a linked folder counts as one). */
  readonly files: number;
  /** The update index, mapped; an empty one when the build has none. */
  readonly updates: CompiledUpdateIndex;
  /** Problems found while loading (e.g. no update index). */
  readonly diagnostics: readonly Diagnostic[];
}

let generations = 0;
const HASHED_FILE_LIMIT = 256 * 1024;
// One document per app (60 MB for 1,000 apps): read for the id, they were most of the start-up
// time. Their inputs are the app's files, which the target of its `update/<app>` link (a key of
// them) already names, and the store's, which `api/v1/apps.json` and the update index carry.
const PER_APP_DOCUMENTS = 'api/v1/apps/';

const identity = (st: Stats) => `${st.dev}:${st.ino}:${st.mtimeMs}`;

function folderStat(dir: string): Stats {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new StoreError(diag(Errors.ServeDirMissing, [displayPath(dir)]));
  return st;
}

// The folder's own tree, links not followed, dot-names skipped (never served); sorted, so the
// same build gives the same hash. Synchronous reads (several times faster than promises for
// thousands of small files), with a pause every 128 names so a reload keeps the current build
// answering.
async function hashFolder(dir: string, hash: Hash): Promise<number> {
  let names = 0;
  const walk = async (rel: string): Promise<void> => {
    const entries = readdirSync(path.join(dir, rel), { withFileTypes: true }).filter((e) => !e.name.startsWith('.'));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (++names % 128 === 0) await yieldToRequests();
      const child = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(dir, child);
      if (e.isDirectory()) await walk(child);
      else if (e.isSymbolicLink()) hash.update(`l ${child} ${readlinkSync(abs)}\n`);
      else if (e.isFile() && child !== UPDATE_INDEX_PATH) {
        const st = statSync(abs);
        hash.update(`f ${child} ${st.size}\n`);
        if (st.size <= HASHED_FILE_LIMIT && !child.startsWith(PER_APP_DOCUMENTS)) hash.update(readFileSync(abs));
      }
    }
  };
  await walk('');
  return names;
}

const emptyIndex = () => compileUpdateIndex({ format: UPDATE_INDEX_FORMAT, store: '', channels: [], includeMoreMature: false, apps: [] });

async function readSite(dir: string, opts: SiteOptions): Promise<{ site: Site; folderId: string }> {
  const folder = folderStat(dir);
  const hash = createHash('sha256');
  const files = await hashFolder(dir, hash);
  const diagnostics: Diagnostic[] = [];
  const indexFile = path.join(dir, UPDATE_INDEX_PATH);
  let updates: CompiledUpdateIndex;
  if (!statSync(indexFile, { throwIfNoEntry: false })?.isFile()) {
    diagnostics.push(diag(Errors.ServeIndexMissing, [displayPath(dir)]));
    updates = emptyIndex();
  } else {
    hash.update(`f ${UPDATE_INDEX_PATH}\n`);
    try {
      updates = compileUpdateIndex(await mapUpdateIndex(indexFile, hash), { cacheBytes: opts.indexCacheBytes });
    } catch (e) {
      const why = e instanceof UpdateIndexFormatError ? e.message : ((e as NodeJS.ErrnoException).code ?? String(e));
      throw new StoreError(diag(Errors.ServeIndexInvalid, [displayPath(indexFile), why]));
    }
  }
  const site: Site = {
    dir,
    generation: ++generations,
    buildId: hash.digest('hex').slice(0, 16),
    builtAt: folder.mtime.toISOString(),
    loadedAt: new Date().toISOString(),
    files,
    updates,
    diagnostics,
  };
  return { site, folderId: identity(folder) };
}

/** Releases what a build no longer served holds (the update index file). */
export function closeSite(site: Site): void {
  site.updates.close();
}

/**
 * Loads a built site: hashes the folder's own names for the build id and maps the update index.
 * Nothing grows with the number of files under the linked app folders. A build swaps the folder
 * by renaming; if that happens while we read, the read is repeated, so a site is never a mix of
 * two builds.
 */
export async function loadSite(dir: string, opts: SiteOptions = {}): Promise<Site> {
  const abs = path.resolve(dir);
  for (let attempt = 1; ; attempt++) {
    const { site, folderId } = await readSite(abs, opts);
    const after = statSync(abs, { throwIfNoEntry: false });
    if (after && identity(after) === folderId) return site;
    closeSite(site);
    if (attempt >= 5)
      throw new StoreError(diag(Errors.ServeReloadFailed, [displayPath(abs), 'the folder kept changing while it was read']));
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
}
