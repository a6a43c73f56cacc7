import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const VERSION = 1;

/** What the cache remembers of a file, to skip hashing it again while it is unchanged. */
interface FileStamp {
  size: number;
  /** mtime and ctime in nanoseconds, and the inode: any write to the file changes ctime. */
  stamp: string;
  sha256: string;
}

interface CacheFile {
  version: number;
  files: Record<string, FileStamp>;
  /** Keys of signatures that verified: sha256(archive sha256, certificate fingerprint, signature). */
  verified: string[];
}

/**
 * The verification cache (`<cacheDir>/verify-cache.json`). It remembers file hashes by stat stamp and
 * which (archive sha256, certificate fingerprint, signature) triples verified, so a rebuild reads and
 * verifies only what changed. Only successes are stored; failures are re-checked to explain them.
 * Each run writes back only what it used, so the file never grows past the store.
 */
export class VerifyCache {
  readonly #file?: string;
  readonly #old: CacheFile;
  readonly #next: CacheFile = { version: VERSION, files: {}, verified: [] };
  readonly #verified: Set<string>;
  /** Entries of #next that are not a plain carry-over of #old: the file must be rewritten. */
  #changed = 0;

  constructor(cacheDir?: string) {
    this.#file = cacheDir ? path.join(cacheDir, 'verify-cache.json') : undefined;
    this.#old = this.#read();
    this.#verified = new Set(this.#old.verified);
  }

  /** The sha256 of a file when its stat stamp is unchanged since it was hashed. */
  knownSha256(abs: string): { size: number; sha256: string } | undefined {
    const old = this.#old.files[abs];
    if (!old) return undefined;
    const now = stampOf(abs);
    if (!now || now.size !== old.size || now.stamp !== old.stamp) return undefined;
    // Kept as is: rememberFile with the same hash then needs no second stat (one stat per archive on a warm run).
    this.#next.files[abs] = old;
    return { size: old.size, sha256: old.sha256 };
  }

  /** Records a file's hash (after reading it, or when reusing the cached one). */
  rememberFile(abs: string, sha256: string): void {
    if (this.#next.files[abs]?.sha256 === sha256) return;
    const now = stampOf(abs);
    if (!now) return;
    this.#next.files[abs] = { ...now, sha256 };
    this.#changed++;
  }

  /** Whether this exact signature of these bytes verified with this certificate before. */
  isVerified(sha256: string, fingerprint: string, signature: string): boolean {
    return this.#verified.has(verifiedKey(sha256, fingerprint, signature));
  }

  /** Records a signature that verified. */
  rememberVerified(sha256: string, fingerprint: string, signature: string): void {
    const key = verifiedKey(sha256, fingerprint, signature);
    if (!this.#verified.has(key)) this.#changed++;
    this.#next.verified.push(key);
  }

  /** Writes the cache atomically when it differs from what was read; a cache that cannot be written only costs time next run. */
  save(): void {
    if (!this.#file) return;
    const verified = [...new Set(this.#next.verified)].sort();
    // Nothing new and nothing dropped: the file already says exactly this (a warm rebuild writes nothing).
    if (!this.#changed && verified.length === this.#old.verified.length && Object.keys(this.#next.files).length === Object.keys(this.#old.files).length) return;
    try {
      mkdirSync(path.dirname(this.#file), { recursive: true });
      const tmp = `${this.#file}.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify({ ...this.#next, verified }));
      renameSync(tmp, this.#file);
    } catch {
      // Read-only checkout or full disk: verification stays correct, just slower next time.
    }
  }

  #read(): CacheFile {
    const empty: CacheFile = { version: VERSION, files: {}, verified: [] };
    if (!this.#file) return empty;
    try {
      const data = JSON.parse(readFileSync(this.#file, 'utf8')) as CacheFile;
      return data.version === VERSION && data.files && Array.isArray(data.verified) ? data : empty;
    } catch {
      return empty;
    }
  }
}

// --- internal ---

function stampOf(abs: string): { size: number; stamp: string } | undefined {
  try {
    const s = statSync(abs, { bigint: true });
    return { size: Number(s.size), stamp: `${s.mtimeNs}:${s.ctimeNs}:${s.ino}` };
  } catch {
    return undefined;
  }
}

const verifiedKey = (sha256: string, fingerprint: string, signature: string): string =>
  createHash('sha256').update(`${sha256}\n${fingerprint}\n${signature}`).digest('hex');
