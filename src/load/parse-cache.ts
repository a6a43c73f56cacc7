import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

// The parser's version is part of the header: another yaml release may read the same text differently.
const HEADER = `appshelf-parse-cache 1 yaml@${(createRequire(import.meta.url)('yaml/package.json') as { version: string }).version}`;

/**
 * Parsed data of store files by content hash (`<cacheDir>/parse-cache.jsonl`), so a rebuild parses
 * only files whose text changed: parsing is the largest CPU cost of a large store (~0.5 ms a
 * file), reading JSON back ~20× cheaper. One line per file, `<sha1> <json>`: entries are kept as
 * their JSON text, so saving the cache costs a join, not a new JSON.stringify of the store. Only
 * data that JSON carries exactly is stored (no `.inf`/`.nan`); failed parses are never stored,
 * so their problems are reported from a real parse. Each run keeps only what it used.
 */
export class ParseCache {
  readonly #file?: string;
  readonly #old = new Map<string, string>();
  readonly #next = new Map<string, string>();
  #added = 0;

  constructor(cacheDir?: string) {
    this.#file = cacheDir ? path.join(cacheDir, 'parse-cache.jsonl') : undefined;
    this.#read();
  }

  /** Content key of a text and the way it is parsed (JSON sources are parsed differently). */
  static keyOf(text: string, json: boolean): string {
    return createHash('sha1').update(json ? 'json\n' : 'yaml\n').update(text).digest('hex');
  }

  /** The data parsed from a text with this key before, or undefined. */
  get(key: string): { data: unknown } | undefined {
    const line = this.#next.get(key) ?? this.#old.get(key);
    if (line === undefined) return undefined;
    this.#next.set(key, line);
    return { data: JSON.parse(line) };
  }

  /** Remembers freshly parsed data, when JSON can carry it exactly. */
  set(key: string, data: unknown): void {
    if (!isJsonExact(data)) return;
    this.#next.set(key, JSON.stringify(data));
    this.#added++;
  }

  /** Writes the entries this run used, when they differ from what was read; a failed write only costs time next run. */
  save(): void {
    if (!this.#file || (this.#added === 0 && this.#next.size === this.#old.size)) return;
    try {
      mkdirSync(path.dirname(this.#file), { recursive: true });
      const lines = [HEADER];
      for (const [key, json] of this.#next) lines.push(`${key} ${json}`);
      const tmp = `${this.#file}.tmp-${process.pid}`;
      writeFileSync(tmp, `${lines.join('\n')}\n`);
      renameSync(tmp, this.#file);
    } catch {
      // Read-only checkout or full disk: the next run parses again.
    }
  }

  #read(): void {
    if (!this.#file) return;
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch {
      return;
    }
    const lines = text.split('\n');
    if (lines[0] !== HEADER) return;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.length > 41 && line.charCodeAt(40) === 32) this.#old.set(line.slice(0, 40), line.slice(41));
    }
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
