// The one cache layer: every kind of cached fact (parsed files, verification results, the git
// history, build records, downloads) lives in a folder of the cache directory and is read,
// written, sharded and pruned through this module. Stages ask it; none writes a cache file
// itself. Every write is atomic and best effort: a cache that cannot be written (a read-only
// checkout, a full disk) only costs time on the next run, and a half-written file is never read.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { bestEffort, writeFileAtomic } from '../util/atomic-file.js';
import { cacheShardName } from '../util/cache-files.js';

/** The kinds of cached facts, each a folder of the cache directory. */
export type CacheKind = 'parse-cache' | 'verify-cache' | 'build-records' | 'downloads' | 'history' | 'object-sizes';

/** The cache directory of a run (`config.cacheDir`); without a directory nothing is kept. */
export class Cache {
  readonly dir?: string;
  readonly #areas = new Map<CacheKind, CacheArea>();

  constructor(dir?: string) {
    this.dir = dir && path.resolve(dir);
  }

  /** The folder of one kind of fact. */
  area(kind: CacheKind): CacheArea {
    let a = this.#areas.get(kind);
    if (!a) this.#areas.set(kind, (a = new CacheArea(this.dir && path.join(this.dir, kind))));
    return a;
  }

  /**
   * The file name (without extension) of an app's shard: its id when it is a valid app id (safe in
   * a file name), else `_h` + the SHA-1 of it, which no app id can be.
   */
  static shardOf(app: string): string {
    return cacheShardName(app);
  }

  /** Deletes a file older versions kept at the top of the cache directory. */
  removeLegacy(name: string): void {
    if (this.dir) bestEffort(() => rmSync(path.join(this.dir!, name), { force: true }));
  }
}

/** The cache of a run, or none: stages take either a {@link Cache} or the folder it lives in. */
export const cacheOf = (given: Cache | string | undefined): Cache => (given instanceof Cache ? given : new Cache(given));

/** One folder of the cache: files by name, read whole, written atomically, pruned by the caller's rule. */
export class CacheArea {
  readonly dir?: string;

  constructor(dir?: string) {
    this.dir = dir;
  }

  /** Where a file of this area is (for readers that stream it, such as downloads); undefined without a cache. */
  path(name: string): string | undefined {
    return this.dir && path.join(this.dir, name);
  }

  /** A file's text, or undefined when there is none (or no cache). */
  read(name: string): string | undefined {
    return this.#try(() => readFileSync(path.join(this.dir!, name), 'utf8'));
  }

  /** A file's bytes, or undefined when there is none (or no cache). */
  readBytes(name: string): Buffer | undefined {
    return this.#try(() => readFileSync(path.join(this.dir!, name)));
  }

  /** A file parsed as JSON, or undefined when it is missing, unreadable or not JSON. */
  readJson<T>(name: string): T | undefined {
    const text = this.read(name);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }

  /** Writes a file whole (best effort). */
  write(name: string, data: string | Uint8Array): void {
    if (!this.dir) return;
    bestEffort(() => {
      mkdirSync(this.dir!, { recursive: true });
      writeFileAtomic(path.join(this.dir!, name), data);
    });
  }

  /** Deletes a file (best effort). */
  remove(name: string): void {
    if (this.dir) bestEffort(() => rmSync(path.join(this.dir!, name), { force: true }));
  }

  /** The names of the files of this area ([] when there are none). */
  list(): string[] {
    return this.#try(() => readdirSync(this.dir!)) ?? [];
  }

  /** Deletes every file for which `keep` says no (best effort). */
  prune(keep: (name: string) => boolean): void {
    for (const name of this.list()) if (!keep(name)) this.remove(name);
  }

  #try<T>(read: () => T): T | undefined {
    if (!this.dir) return undefined;
    try {
      return read();
    } catch {
      return undefined;
    }
  }
}
