// Static serving: the files of the current build, looked up when asked for. Small files (manifests,
// API documents, the catalog) are read once into a cache bounded by bytes and answered from memory
// with headers computed once; archives and large files are streamed from an open file descriptor.
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { stampOf, type FileCache, type MemoryBody, type MemoryFile } from './file-cache.js';
import { archiveTypeOf, cacheControlFor, contentTypeOf as typeOf } from '../util/site-headers.js';

/** The weak ETag of a file: size and modification time, as sirv and nginx-like servers make it. */
const etagOf = (st: Stats): string => `W/"${st.size}-${Math.trunc(st.mtimeMs)}"`;

function memoryBody(sitePath: string, body: Buffer, st: Stats, encoding?: 'br' | 'gzip'): MemoryBody {
  const etag = etagOf(st);
  const headers: Record<string, string | number> = {
    'Content-Type': typeOf(sitePath),
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

// --- conditional and range requests ---

function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const weak = (t: string) => t.trim().replace(/^W\//, '');
  const mine = weak(etag);
  return header.split(',').some((t) => weak(t) === mine);
}

function isNotModified(req: http.IncomingMessage, etag: string, mtimeSeconds: number): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) return etagMatches(inm, etag);
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const t = Date.parse(ims);
  return !Number.isNaN(t) && mtimeSeconds <= Math.floor(t / 1000);
}

/**
 * A single satisfiable byte range, `'unsatisfiable'`, or undefined to send the whole body. Several
 * ranges, malformed ones and a Range whose If-Range no longer holds are ignored (RFC 9110 allows it).
 */
function byteRange(req: http.IncomingMessage, size: number, etag: string): [number, number] | 'unsatisfiable' | undefined {
  const header = req.headers.range;
  if (!header || req.method !== 'GET') return undefined;
  const ifRange = req.headers['if-range'];
  if (ifRange !== undefined && ifRange !== etag) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}

/** Answers a file held in memory (the representation the client accepts, 304, 206, 416 or 200). */
export function serveMemory(req: http.IncomingMessage, res: http.ServerResponse, file: MemoryFile): void {
  const accept = req.headers['accept-encoding'];
  const rep =
    (accept && ((file.br && /\bbr\b/.test(accept) && file.br) || (file.gzip && accept.includes('gzip') && file.gzip))) || file.identity;
  if (isNotModified(req, rep.etag, rep.mtimeSeconds)) {
    res.writeHead(304, {
      ETag: rep.etag,
      'Cache-Control': rep.headers['Cache-Control']!,
      Vary: 'Accept-Encoding',
      'Last-Modified': rep.headers['Last-Modified']!,
    });
    res.end();
    return;
  }
  const range = byteRange(req, rep.body.byteLength, rep.etag);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${rep.body.byteLength}`, 'Content-Length': 0 });
    res.end();
  } else if (range) {
    const [start, end] = range;
    res.writeHead(206, {
      ...rep.headers,
      'Content-Length': end - start + 1,
      'Content-Range': `bytes ${start}-${end}/${rep.body.byteLength}`,
    });
    res.end(rep.body.subarray(start, end + 1));
  } else {
    res.writeHead(200, rep.headers);
    res.end(req.method === 'HEAD' ? undefined : rep.body);
  }
}

// --- lookup ---

/**
 * Whether a decoded site path may be looked up on disk: absolute, no empty, `.` or `..` segment,
 * no dot-file (the site has none; a build's own temporary names start with a dot), no NUL and no
 * backslash. Anything else is "not found", so no request can name a file outside the site folder.
 */
function isSafeSitePath(sitePath: string): boolean {
  if (!sitePath.startsWith('/') || sitePath.includes('\0') || sitePath.includes('\\') || sitePath.length > 4096) return false;
  const segments = sitePath.slice(1).split('/');
  // A trailing slash leaves one empty last segment (a folder's index.html).
  if (segments.at(-1) === '') segments.pop();
  return segments.every((s) => s !== '' && !s.startsWith('.'));
}

/** The site paths a request path may name, in order: the file, `<path>.html`, `<path>/index.html`. */
const candidatesOf = (sitePath: string): string[] =>
  sitePath.endsWith('/') ? [`${sitePath}index.html`] : [sitePath, `${sitePath}.html`, `${sitePath}/index.html`];

// A name ending in .gz or .br asked for by that name is the file itself (an archive such as
// app.tar.gz), never a precompressed copy: sent as bytes, without Content-Encoding, or HTTP
// clients would unpack it and its sha256 would no longer match.
const ARCHIVE_SUFFIX = /\.(gz|br)$/i;

// Small files are opened and read synchronously: from the page cache that takes microseconds,
// where each promise-based call is a round trip through libuv's thread pool (4 threads, shared
// with every other request); a miss costs ~5 calls. Archives are streamed asynchronously.
function openSyncFile(abs: string): { fd: number; st: Stats } | undefined {
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (st.isFile()) return { fd, st };
  } catch {
    // not a readable file
  }
  closeSync(fd);
  return undefined;
}

// Reads a whole small file into a buffer of its own (a pooled one would keep an 8 KiB slab alive
// for every cached file), then closes it; undefined if it came up short.
function readSyncWhole(fd: number, size: number): Buffer | undefined {
  try {
    const body = Buffer.allocUnsafeSlow(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, body, got, size - got, got);
      if (n === 0) return undefined;
      got += n;
    }
    return body;
  } finally {
    closeSync(fd);
  }
}

/** How a file found on disk is sent. */
export interface SendOptions {
  /** Precompressed copies may be chosen (not for archives asked for by name, nor for `/update`). @default true */
  encodings?: boolean;
}

/**
 * The static side of the server: finds a site path under the build's folder and answers it, from
 * the cache when it is there. Returns false (having sent nothing) when there is no such file.
 */
export class StaticFiles {
  /**
   * @param cache the small files held in memory
   * @param memoryFileLimit files up to this size (each representation) are read into the cache
   */
  constructor(
    readonly cache: FileCache,
    readonly memoryFileLimit: number,
  ) {}

  /** The cached answer for a request path, if any (synchronous: the fast path of every request). */
  cached(sitePath: string, build: number): MemoryFile | undefined {
    return this.cache.get(sitePath, build);
  }

  /** Looks the path up on disk (`root` is the build's folder) and answers it; false if there is none. */
  async serve(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    root: string,
    build: number,
    sitePath: string,
    opts: SendOptions = {},
  ): Promise<boolean> {
    if (!isSafeSitePath(sitePath)) return false;
    for (const candidate of candidatesOf(sitePath)) {
      const abs = path.join(root, candidate);
      const found = openSyncFile(abs);
      if (!found) continue;
      const asFile = ARCHIVE_SUFFIX.test(candidate);
      const encodings = opts.encodings !== false && !asFile && !candidate.startsWith('/files/');
      if (encodings && found.st.size <= this.memoryFileLimit && this.cache.limit > 0) {
        const memory = this.readSmall(abs, candidate, found);
        if (memory) {
          this.cache.set(sitePath, build, memory.file, { file: candidate, stamp: memory.stamp });
          serveMemory(req, res, memory.file);
          return true;
        }
        // It came up short (a build never writes in place): streamed instead, from a fresh open.
      } else closeSync(found.fd);
      const streamed = await this.stream(req, res, abs, candidate, asFile, encodings);
      if (streamed) return true;
    }
    return false;
  }

  private async stream(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    abs: string,
    file: string,
    asFile: boolean,
    encodings: boolean,
  ): Promise<boolean> {
    let encoding: 'br' | 'gzip' | undefined;
    let chosen: { fh: FileHandle; st: Stats } | undefined;
    const accept = req.headers['accept-encoding'];
    if (encodings && accept) {
      const wanted: ['br' | 'gzip', string][] = [];
      if (/\bbr\b/.test(accept)) wanted.push(['br', '.br']);
      if (accept.includes('gzip')) wanted.push(['gzip', '.gz']);
      for (const [name, suffix] of wanted) {
        chosen = await openFile(abs + suffix);
        if (!chosen) continue;
        encoding = name;
        break;
      }
    }
    chosen ??= await openFile(abs);
    if (!chosen) return false;
    streamFile(req, res, chosen.fh, chosen.st, {
      'Content-Type': asFile ? archiveTypeOf(file) : typeOf(file),
      'Cache-Control': (res.getHeader('Cache-Control') as string | undefined) ?? cacheControlFor(file),
      ...(encodings ? { Vary: 'Accept-Encoding' } : {}),
      ...(encoding ? { 'Content-Encoding': encoding } : {}),
    });
    return true;
  }

  // Reads a small file and the .br/.gz copies the build wrote next to it, closing them all.
  private readSmall(abs: string, file: string, found: { fd: number; st: Stats }): { file: MemoryFile; stamp: string } | undefined {
    const body = readSyncWhole(found.fd, found.st.size);
    if (!body) return undefined;
    const out: MemoryFile = { identity: memoryBody(file, body, found.st) };
    const stamps = [stampOf(found.st)];
    for (const [suffix, encoding] of [
      ['.br', 'br'],
      ['.gz', 'gzip'],
    ] as const) {
      const sibling = openSyncFile(abs + suffix);
      if (sibling && sibling.st.size > this.memoryFileLimit) closeSync(sibling.fd);
      const bytes = sibling && sibling.st.size <= this.memoryFileLimit ? readSyncWhole(sibling.fd, sibling.st.size) : undefined;
      stamps.push(bytes ? stampOf(sibling!.st) : '-');
      if (bytes) out[encoding] = memoryBody(file, bytes, sibling!.st, encoding);
    }
    return { file: out, stamp: stamps.join('/') };
  }
}

async function openFile(abs: string): Promise<{ fh: FileHandle; st: Stats } | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(abs, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = await fh.stat();
    if (st.isFile()) return { fh, st };
  } catch {
    // not a readable file
  }
  await fh.close();
  return undefined;
}

/**
 * Streams an open file (304, 206, 416, HEAD or the whole body), closing it when done or when the
 * client goes away. An open file survives the build deleting its folder, so a download that has
 * started always finishes with the bytes it started with.
 */
function streamFile(req: http.IncomingMessage, res: http.ServerResponse, fh: FileHandle, st: Stats, headers: Record<string, string>): void {
  const etag = etagOf(st);
  const common = { ...headers, 'Last-Modified': st.mtime.toUTCString(), ETag: etag, 'Accept-Ranges': 'bytes' };
  const done = () => void fh.close().catch(() => {});
  if (isNotModified(req, etag, Math.floor(st.mtimeMs / 1000))) {
    res.writeHead(304, {
      ETag: etag,
      'Cache-Control': headers['Cache-Control'],
      'Last-Modified': common['Last-Modified'],
      ...(headers.Vary ? { Vary: headers.Vary } : {}),
    });
    res.end();
    return done();
  }
  const range = byteRange(req, st.size, etag);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${st.size}`, 'Content-Length': 0 });
    res.end();
    return done();
  }
  const [start, end] = range ?? [0, st.size - 1];
  if (range) res.writeHead(206, { ...common, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${st.size}` });
  else res.writeHead(200, { ...common, 'Content-Length': st.size });
  if (req.method === 'HEAD' || st.size === 0) {
    res.end();
    return done();
  }
  // pipeline destroys the file stream (closing the handle) when the client disconnects early.
  pipeline(fh.createReadStream({ start, end }), res, () => {});
}
