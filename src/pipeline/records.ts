import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FrontCard } from '../emit/front/index.js';
import type { FeedParts } from '../emit/index.js';
import type { Diagnostic } from '../errors/index.js';
import type { Cache } from '../cache/index.js';
import type { FreshPlatform } from '../schema/fresh.js';
import { fileStamp } from '../util/cache-files.js';
import { isStoreFileProblem, readRegularFile, statStoreFile, storeRelative } from '../util/store-files.js';
import { sha256Hex } from '../util/hash.js';

/**
 * What a successful build found and made for one app folder, kept in
 * `<cacheDir>/build-records/<folder>.json`. A later build whose inputs for the folder have the
 * same {@link AppRecord.key} takes all of it from here and does not load, check or emit the app:
 * that is what makes a one-release rebuild of a large store proportional to the change.
 */
export interface AppRecord {
  /** Hash of every input: the build's global key, the folder's stamp and the app's serial. */
  key: string;
  id: string;
  /** Its warnings (a record is only kept from a build without errors). */
  diagnostics: Diagnostic[];
  /** Milliseconds since the epoch when the app's check could change by time alone (certificate validity). */
  until?: number;
  /** Files outside the folder its check read (a certificate kept elsewhere): absolute path → sha256. */
  deps: Record<string, string>;
  /** Key and catalog entry of `api/v1/apps/<id>.json`. */
  api: { key: string; catalog: unknown };
  /** Key of its part of the update index (the part itself is `<folder>.index.json` beside the record, read only when the index is made again). */
  index: { key: string };
  /** The objects linked into the site for it (`update/<id>`, `files/<id>`, `apps/<id>`, its feeds with their links). */
  objects: { path: string; key: string; files?: number; links?: Readonly<Record<string, string>> }[];
  /** Its shares of store-wide feed files, by feed name (its entry of `feeds/nextcloud/apps.json` …). */
  feeds?: FeedParts;
  /** Its card on the store-wide pages (home, categories, search index, store feed). */
  front: { card: FrontCard };
  /** What its fresh document pins (signed builds): the next day's build signs a new one from these without loading the app. */
  pins?: FreshPlatform[];
}

const VERSION = 1;

/** Reads every record (a missing or unreadable one is simply absent: the app is built again). */
export function readRecords(cache: Cache): Map<string, AppRecord> {
  const area = cache.area('build-records');
  const out = new Map<string, AppRecord>();
  for (const name of area.list()) {
    if (!name.endsWith('.json') || name.endsWith('.index.json') || name === INDEX_PARTS) continue;
    // Half-written by a killed build, or edited: rebuilt from the store.
    const data = area.readJson<{ version: number; record: AppRecord }>(name);
    if (data?.version === VERSION && data.record) out.set(name.slice(0, -5), data.record);
  }
  return out;
}

/**
 * Writes the records of the apps this build checked and removes those of folders that are gone.
 * A record that cannot be written only costs time on the next build.
 */
export function writeRecords(
  cache: Cache,
  made: ReadonlyMap<string, { record: AppRecord; index: Uint8Array }>,
  folders: readonly string[],
): void {
  const area = cache.area('build-records');
  for (const [folder, { record, index }] of made) {
    // The part first: a record is never there without the part it names.
    area.write(`${folder}.index.json`, index);
    area.write(`${folder}.json`, JSON.stringify({ version: VERSION, record }));
  }
  const live = new Set([INDEX_PARTS, ...folders.flatMap((f) => [`${f}.json`, `${f}.index.json`])]);
  area.prune((name) => live.has(name));
}

/** The update index part of a record's app, as the build that made the record wrote it. */
const readIndexPart = (cache: Cache, folder: string): Uint8Array => {
  const part = cache.area('build-records').readBytes(`${folder}.index.json`);
  if (!part) throw new Error(`the update index part of ${folder} is missing from the build records`);
  return part;
};

/**
 * Where each app's part sits in the update index the last build wrote
 * (`<cacheDir>/build-records/_index-parts.json`), so the next build slices the parts of unchanged
 * apps out of that one file instead of reading a thousand: valid while that very file (same
 * inode, size and mtime) is still in the site.
 */
interface IndexParts {
  version: number;
  file: string;
  stamp: string;
  parts: Record<string, [number, number]>;
}

const INDEX_PARTS = '_index-parts.json';

const stampOf = (abs: string): string | undefined => {
  const st = fileStamp(abs);
  return st && `${st.size} ${st.stamp}`;
};

/**
 * The update index part of each app as the last build wrote it, by app id: sliced out of the
 * site's update index when it is still the file that build wrote, else read from the record's
 * own part file. The index is read once, on the first part asked for.
 */
export function indexPartReader(cache: Cache, indexFile: string): (folder: string) => Uint8Array {
  let known = cache.area('build-records').readJson<IndexParts>(INDEX_PARTS);
  if (known && (known.version !== VERSION || known.file !== path.resolve(indexFile) || known.stamp !== stampOf(indexFile)))
    known = undefined;
  let whole: Buffer | undefined;
  return (folder) => {
    const at = known?.parts[folder];
    if (at) {
      whole ??= readFileSync(indexFile);
      if (whole.byteLength >= at[0] + at[1]) return whole.subarray(at[0], at[0] + at[1]);
    }
    return readIndexPart(cache, folder);
  };
}

/** Records where each app's part (in `order`, with these lengths) sits in the update index just written. */
export function writeIndexParts(cache: Cache, indexFile: string, order: readonly { folder: string; length: number }[]): void {
  const stamp = stampOf(indexFile);
  if (!stamp) return;
  const parts: Record<string, [number, number]> = {};
  // The layout updateIndexJson writes: `{"apps":[` part `,` part … `]…`.
  let at = '{"apps":['.length;
  for (const { folder, length } of order) {
    parts[folder] = [at, length];
    at += length + 1;
  }
  // Not kept: the next build reads the part files instead.
  cache
    .area('build-records')
    .write(INDEX_PARTS, JSON.stringify({ version: VERSION, file: path.resolve(indexFile), stamp, parts } satisfies IndexParts));
}

/**
 * A stamp of everything in an app folder, for stores outside git: names, sizes, mtimes, ctimes
 * and inodes of its files (any write to a file changes its ctime), as make and git judge files;
 * undefined when the folder cannot be read.
 */
export function folderStamp(dir: string): string | undefined {
  const hash = createHash('sha256');
  const walk = (abs: string, rel: string) => {
    for (const e of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = `${abs}/${e.name}`;
      if (e.isDirectory()) {
        walk(p, `${rel}${e.name}/`);
        continue;
      }
      hash.update(`${rel}${e.name}\0${stampOf(p) ?? '-'}\n`);
    }
  };
  try {
    walk(dir, '');
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

/** sha256 of a file's bytes, or `missing`. */
export function fileDigest(abs: string): string {
  // Never through a link or into a FIFO: the path may come from a store file.
  const read = readRegularFile(abs, Number.MAX_SAFE_INTEGER);
  return isStoreFileProblem(read) ? 'missing' : sha256Hex(read.bytes);
}

/** {@link fileDigest} of a path written in store.yaml, only when it names a file inside the store. */
export function storeFileDigest(root: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  const rel = storeRelative('', value);
  if (rel === undefined || isStoreFileProblem(statStoreFile(root, rel))) return 'missing';
  return fileDigest(path.join(root, rel));
}

/** Whether the files outside the folder an app's check read are still what they were. */
export const depsUnchanged = (deps: Readonly<Record<string, string>>): boolean =>
  Object.entries(deps).every(([abs, digest]) => fileDigest(abs) === digest);
