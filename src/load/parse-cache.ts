import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Cache, cacheOf, type CacheArea } from '../cache/index.js';

// The parser's version is part of the header: another yaml release may read the same text differently.
const HEADER = `appshelf-parse-cache 1 yaml@${(createRequire(import.meta.url)('yaml/package.json') as { version: string }).version}`;

/** Shard of the store-level files: app ids cannot start with `_`, and folders that are not app ids get hashed names (`_h…`). */
const STORE_SHARD = '_store';

/** One shard's entries: read from its file on first use, and those this run used. */
interface Shard {
  old?: Map<string, string>;
  next: Map<string, string>;
  added: number;
}

/**
 * Parsed data of store files by content hash, so a rebuild parses only files whose text changed:
 * parsing is the largest CPU cost of a large store (~0.5 ms a file), reading JSON back ~20×
 * cheaper. One shard per app folder, `<cacheDir>/parse-cache/<folder>.jsonl`, and one for
 * store.yaml ({@link STORE_SHARD}), read on its first lookup, so loading a few apps reads only
 * their shards. One line per file, `<sha1> <json>`: entries are kept as their JSON text, so
 * saving costs a join, not a new JSON.stringify. Only data that JSON carries exactly is stored
 * (no `.inf`/`.nan`); failed parses are never stored, so their problems are reported from a real
 * parse. Each run keeps, per shard it used, only the entries it used.
 */
export class ParseCache {
  readonly #cache: Cache;
  readonly #area: CacheArea;
  readonly #shards = new Map<string, Shard>();

  constructor(cache?: Cache | string) {
    this.#cache = cacheOf(cache);
    this.#area = this.#cache.area('parse-cache');
  }

  /** Content key of a text and the way it is parsed (JSON sources are parsed differently). */
  static keyOf(text: string, json: boolean): string {
    return createHash('sha1')
      .update(json ? 'json\n' : 'yaml\n')
      .update(text)
      .digest('hex');
  }

  /** The shard of a store file (path relative to the store): its app folder's, or {@link STORE_SHARD}. */
  static shardOf(rel: string): string {
    const parts = rel.split('/');
    return parts[0] === 'apps' && parts.length > 2 ? Cache.shardOf(parts[1]!) : STORE_SHARD;
  }

  /** The data parsed from a text with this key before, or undefined. */
  get(shard: string, key: string): { data: unknown } | undefined {
    const s = this.#use(shard);
    const line = s.next.get(key) ?? this.#old(shard, s).get(key);
    if (line === undefined) return undefined;
    s.next.set(key, line);
    return { data: JSON.parse(line) };
  }

  /** Remembers freshly parsed data, when JSON can carry it exactly. */
  set(shard: string, key: string, data: unknown): void {
    if (!isJsonExact(data)) return;
    const s = this.#use(shard);
    s.next.set(key, JSON.stringify(data));
    s.added++;
  }

  /**
   * Marks an app folder's shard as used by this run even if none of its files is looked up (a
   * folder that is gone or emptied), so {@link save} removes what it held.
   */
  touch(folder: string): void {
    this.#use(Cache.shardOf(folder));
  }

  /**
   * Writes each shard this run used whose entries changed (added, or unused ones dropped),
   * atomically; a shard left with no entries is deleted. Shards this run did not use are left as
   * they are, unless `prune` is set (a load of the whole store): then they belong to folders that
   * are gone and are deleted, with the cache file of older versions. A failed write only costs
   * time next run.
   */
  save({ prune = false }: { prune?: boolean } = {}): void {
    // Each shard on its own: one that cannot be written costs only its folder a parse next run.
    for (const [name, s] of this.#shards) {
      const file = `${name}.jsonl`;
      if (!s.next.size) this.#area.remove(file);
      else if (s.added > 0 || s.next.size !== this.#old(name, s).size) {
        const lines = [HEADER];
        for (const [key, json] of s.next) lines.push(`${key} ${json}`);
        this.#area.write(file, `${lines.join('\n')}\n`);
      }
    }
    if (!prune) return;
    this.#area.prune((f) => !f.endsWith('.jsonl') || this.#shards.has(f.slice(0, -'.jsonl'.length)));
    this.#cache.removeLegacy('parse-cache.jsonl');
  }

  #use(name: string): Shard {
    let s = this.#shards.get(name);
    if (!s) this.#shards.set(name, (s = { next: new Map(), added: 0 }));
    return s;
  }

  #old(name: string, s: Shard): Map<string, string> {
    if (s.old) return s.old;
    s.old = new Map();
    const text = this.#area.read(`${name}.jsonl`);
    if (text === undefined) return s.old;
    const lines = text.split('\n');
    if (lines[0] !== HEADER) return s.old;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.length > 41 && line.charCodeAt(40) === 32) s.old.set(line.slice(0, 40), line.slice(41));
    }
    return s.old;
  }
}

// --- internal ---

/** Plain JSON values only: a YAML `.inf` or `.nan` would come back from JSON as null. */
function isJsonExact(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(isJsonExact);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v as object).every(isJsonExact);
  return false;
}
