import { statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToRequests } from 'node:timers/promises';

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

/** The file (and siblings) a cached answer was read from: what must still be there to keep it. */
export interface FileStamp {
  /** Site path of the file read (`/api/v1/apps.json`); the request path may differ (`/` → `/index.html`). */
  file: string;
  /** `dev:ino:size:mtimeMs` of the file, its `.br` and its `.gz` (`-` when absent). */
  stamp: string;
}

/** `dev:ino:size:mtimeMs` of a file, `-` for none: the same text means the same bytes (builds never write in place). */
export const stampOf = (st: Stats | undefined): string => (st ? `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}` : '-');

// What an entry costs besides its bodies (the map entry, the key, three header objects): counted
// against the limit, so the limit is close to the memory really used.
const ENTRY_OVERHEAD = 1024;

interface Entry extends FileStamp {
  value: MemoryFile;
  bytes: number;
  /** The build it was read for; a request of another build does not see it. */
  build: number;
  /** The build being loaded, when a reload found the same file there too. */
  next?: number;
  /** Asked for since eviction last passed it (its second chance). */
  used: boolean;
}

/**
 * The small files answered from memory, bounded by bytes (bodies of all representations): a
 * second-chance list, which evicts much like least-recently-used while a hit only sets a flag
 * (moving the entry in the map on every hit cost the hottest path two map updates). One cache serves every build the server loads; on a reload the
 * entries still valid for the new build (same file, same inode) are handed over, the others
 * dropped, so a reload neither empties the hot set nor holds two builds' files.
 */
export class FileCache {
  private readonly entries = new Map<string, Entry>();
  private held = 0;
  /** The build being served: files read for an older one (a request that began before a reload) are not kept. */
  live = 0;

  /** @param limit bytes held at most; 0 disables the cache. */
  constructor(readonly limit: number) {}

  /** Bytes held now (bodies, plus an estimate of each entry's own cost). */
  get bytes(): number {
    return this.held;
  }

  /** Number of request paths held now. */
  get size(): number {
    return this.entries.size;
  }

  /** The file cached for this request path and build, marked as just used. */
  get(key: string, build: number): MemoryFile | undefined {
    const e = this.entries.get(key);
    if (!e || (e.build !== build && e.next !== build)) return undefined;
    e.used = true;
    return e.value;
  }

  /** Stores a file read for a build; drops the least recently used ones beyond the limit. */
  set(key: string, build: number, value: MemoryFile, from: FileStamp): void {
    const bytes = ENTRY_OVERHEAD + value.identity.body.byteLength + (value.br?.body.byteLength ?? 0) + (value.gzip?.body.byteLength ?? 0);
    if (bytes > this.limit || build !== this.live) return;
    this.delete(key);
    this.entries.set(key, { ...from, value, bytes, build, used: false });
    this.held += bytes;
    // From the oldest: an entry used since it was last passed goes to the back once, unused ones
    // out; never the one just stored (it fits alone, so this ends).
    for (const [k, e] of this.entries) {
      if (this.held <= this.limit) break;
      this.entries.delete(k);
      if (e.used || k === key) {
        e.used = false;
        this.entries.set(k, e);
      } else this.held -= e.bytes;
    }
  }

  private delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.held -= e.bytes;
  }

  /**
   * Marks the entries of build `from` that build `to` (read from `root`) has too, the same files
   * with the same inodes: they will answer for both. Stats only, three per entry (synchronous,
   * a pause every 256 entries so requests keep being answered).
   * Then {@link switchTo} makes `to` the live build.
   */
  async carryOver(from: number, to: number, root: string): Promise<number> {
    const stampAt = (rel: string) => {
      try {
        return stampOf(statSync(path.join(root, rel), { throwIfNoEntry: false }));
      } catch {
        return '-'; // e.g. a folder on the way is now a file
      }
    };
    const items = [...this.entries.values()].filter((e) => e.build === from);
    let kept = 0;
    for (const [i, e] of items.entries()) {
      if (i % 256 === 255) await yieldToRequests();
      if (`${stampAt(e.file)}/${stampAt(`${e.file}.br`)}/${stampAt(`${e.file}.gz`)}` !== e.stamp) continue;
      e.next = to;
      kept++;
    }
    return kept;
  }

  /** Makes `build` the live one: entries carried over to it stay, every other is dropped. */
  switchTo(build: number): void {
    this.live = build;
    for (const [k, e] of this.entries) {
      if (e.next === build) {
        e.build = build;
        e.next = undefined;
      } else if (e.build !== build) {
        this.entries.delete(k);
        this.held -= e.bytes;
      }
    }
  }
}
