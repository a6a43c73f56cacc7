import { createHash } from 'node:crypto';
import { Cache, cacheOf, type CacheArea } from '../cache/index.js';
import { fileStamp } from '../util/cache-files.js';

// 2: file entries carry the base64 SHA-512 the feeds publish.
const VERSION = 2;

/** What the cache remembers of a file, to skip hashing it again while it is unchanged. */
interface FileStamp {
  size: number;
  /** mtime and ctime in nanoseconds, and the inode: any write to the file changes ctime. */
  stamp: string;
  sha256: string;
  sha512: string;
}

/** One shard file, `<cacheDir>/verify-cache/<app>.json`. */
interface ShardFile {
  version: number;
  files: Record<string, FileStamp>;
  /** Keys of signatures that verified: sha256(archive sha256, certificate fingerprint, signature). */
  verified: string[];
}

/** One app's entries: as read (on first use) and as this run used them. */
interface Shard {
  old: ShardFile;
  oldVerified: Set<string>;
  next: ShardFile;
  /** Entries of `next` that are not a plain carry-over of `old`: the file must be rewritten. */
  changed: number;
}

/**
 * The verification cache, one shard per app (`<cacheDir>/verify-cache/<app id>.json`). It
 * remembers the app's archive hashes by stat stamp and which (archive sha256, certificate
 * fingerprint, signature) triples verified, so a rebuild reads and verifies only what changed.
 * A shard is read when the app is first looked up, so verifying a few apps reads only theirs.
 * Only successes are stored; failures are re-checked to explain them. Each run writes back, per
 * app it verified, only what it used, so a shard never grows past its app. Every entry belongs
 * to an app's archive: there is no store-level shard.
 */
export class VerifyCache {
  readonly #cache: Cache;
  readonly #area: CacheArea;
  readonly #shards = new Map<string, Shard>();

  constructor(cache?: Cache | string) {
    this.#cache = cacheOf(cache);
    this.#area = this.#cache.area('verify-cache');
  }

  /**
   * The sha256 of an app's file when its stat stamp is unchanged since it was hashed. `seen` is
   * the stamp the caller already took (the confined lstat of a store file): no second stat.
   */
  knownSha256(
    app: string,
    abs: string,
    seen?: { size: number; stamp: string },
  ): { size: number; sha256: string; sha512: string } | undefined {
    const s = this.#shard(app);
    const old = s.old.files[abs];
    if (!old) return undefined;
    const now = seen ?? fileStamp(abs);
    if (!now || now.size !== old.size || now.stamp !== old.stamp) return undefined;
    // Kept as is: rememberFile with the same hash then needs no second stat (one stat per archive on a warm run).
    s.next.files[abs] = old;
    return { size: old.size, sha256: old.sha256, sha512: old.sha512 };
  }

  /** Records the hash of an app's file (after reading it, or when reusing the cached one). */
  rememberFile(app: string, abs: string, sha256: string, sha512: string): void {
    const s = this.#shard(app);
    if (s.next.files[abs]?.sha256 === sha256) return;
    const now = fileStamp(abs);
    if (!now) return;
    s.next.files[abs] = { ...now, sha256, sha512 };
    s.changed++;
  }

  /** Whether this exact signature of these bytes verified with this certificate before (for this app). */
  isVerified(app: string, sha256: string, fingerprint: string, signature: string): boolean {
    return this.#shard(app).oldVerified.has(verifiedKey(sha256, fingerprint, signature));
  }

  /** Marks an app as verified by this run even if none of its archives was looked up, so {@link save} empties its shard. */
  touch(app: string): void {
    this.#shard(app);
  }

  /** Records a signature that verified. */
  rememberVerified(app: string, sha256: string, fingerprint: string, signature: string): void {
    const s = this.#shard(app);
    const key = verifiedKey(sha256, fingerprint, signature);
    if (!s.oldVerified.has(key)) s.changed++;
    s.next.verified.push(key);
  }

  /**
   * Writes, atomically, each shard this run used that differs from what was read (a warm rebuild
   * writes nothing); a shard left empty is deleted. Then deletes the shards of apps that are
   * neither among `keep` nor folders of the store (`folders`): apps that are gone. A cache that
   * cannot be written only costs time next run.
   */
  save(keep?: { apps: Iterable<string>; folders: Iterable<string> }): void {
    // Whatever is not kept only costs time next run: verification stays correct.
    for (const [name, s] of this.#shards) {
      const file = `${name}.json`;
      const verified = [...new Set(s.next.verified)].sort();
      const files = Object.keys(s.next.files).length;
      if (!files && !verified.length) this.#area.remove(file);
      // Nothing new and nothing dropped: the file already says exactly this.
      else if (s.changed || verified.length !== s.old.verified.length || files !== Object.keys(s.old.files).length) {
        this.#area.write(file, JSON.stringify({ ...s.next, verified }));
      }
    }
    if (!keep) return;
    const kept = new Set([...keep.apps, ...keep.folders].map(Cache.shardOf));
    this.#area.prune((f) => !f.endsWith('.json') || kept.has(f.slice(0, -'.json'.length)));
    // The single file of earlier versions.
    this.#cache.removeLegacy('verify-cache.json');
  }

  #shard(app: string): Shard {
    const name = Cache.shardOf(app);
    let s = this.#shards.get(name);
    if (!s) {
      const old = this.#read(name);
      s = { old, oldVerified: new Set(old.verified), next: { version: VERSION, files: {}, verified: [] }, changed: 0 };
      this.#shards.set(name, s);
    }
    return s;
  }

  #read(name: string): ShardFile {
    const empty: ShardFile = { version: VERSION, files: {}, verified: [] };
    const data = this.#area.readJson<ShardFile>(`${name}.json`);
    return data?.version === VERSION && data.files && typeof data.files === 'object' && Array.isArray(data.verified) ? data : empty;
  }
}

// --- internal ---

const verifiedKey = (sha256: string, fingerprint: string, signature: string): string =>
  createHash('sha256').update(`${sha256}\n${fingerprint}\n${signature}`).digest('hex');
