// The one way to open a file that a store names. Store files come from pull requests by
// strangers and are checked in CI next to secrets, so a path written in the store (a release's
// `file:`, a certificate, `trust.ca`) or a link committed to it must never make appshelf read,
// stat or describe anything outside the store. Every check here happens before any open.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import path from 'node:path';

/** Why a store path cannot be used; only `too-large` carries a number, and only of a file inside the store. */
export type StoreFileProblem =
  /** Absolute, or `..` leads out of the folder it must stay in. Said without looking at the disk. */
  | { kind: 'outside' }
  /** A component is a symbolic link (`at`: the link's store-relative path). Links are never followed. */
  | { kind: 'symlink'; at: string }
  | { kind: 'missing' }
  /** A folder where a file is expected (`at`: store-relative path of the folder, maybe a parent). */
  | { kind: 'directory'; at: string }
  /** A FIFO, socket or device: opening one could block forever or read endlessly. */
  | { kind: 'special' }
  | { kind: 'too-large'; size: number; limit: number }
  | { kind: 'unreadable'; code: string };

/** A file of the store that passed every check and was read. */
export interface StoreFileRead {
  bytes: Buffer;
}

/**
 * The store-relative path (forward slashes, no `.`/`..`) that `value`, as written in a store file
 * relative to the store-relative folder `base`, names; undefined when it is absolute or leaves
 * `within` (a store-relative folder, default: the whole store). Backslashes count as separators,
 * so `..\..\x` is refused too. Pure: nothing on disk is looked at.
 */
export function storeRelative(base: string, value: string, within = ''): string | undefined {
  if (!value || value.includes('\0')) return undefined;
  const slashed = value.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) return undefined;
  const joined = path.posix.normalize(path.posix.join(base || '.', slashed));
  if (joined === '..' || joined.startsWith('../')) return undefined;
  const rel = joined === '.' ? '' : joined.replace(/\/+$/, '');
  const fence = within.replace(/\/+$/, '');
  if (fence && rel !== fence && !rel.startsWith(`${fence}/`)) return undefined;
  return rel;
}

/** A plain file of the store as one lstat saw it: its size and a stamp that changes with any write (see cache-files.ts). */
export interface StoreFileStat {
  size: number;
  /** mtime and ctime in nanoseconds and the inode, as `fileStamp` makes it. */
  stamp: string;
}

/**
 * Looks at every component of `rel` under `root` without following links: a link anywhere on the
 * way is refused, as are a missing component and a folder or special file where the file is
 * expected. One lstat of the file itself (folders are looked at once per run with `folders`).
 */
export function statStoreFile(root: string, rel: string, folders?: FolderMemo): StoreFileStat | StoreFileProblem {
  const parts = splitStorePath(rel);
  if (!parts) return { kind: 'outside' };
  const parent = checkFolders(root, parts, folders);
  if (parent) return parent;
  let st;
  try {
    st = lstatSync(path.join(root, ...parts), { bigint: true, throwIfNoEntry: false });
  } catch (e) {
    return { kind: 'unreadable', code: (e as NodeJS.ErrnoException).code ?? 'EIO' };
  }
  if (!st) return { kind: 'missing' };
  if (st.isSymbolicLink()) return { kind: 'symlink', at: parts.join('/') };
  if (st.isDirectory()) return { kind: 'directory', at: parts.join('/') };
  if (!st.isFile()) return { kind: 'special' };
  return { size: Number(st.size), stamp: `${st.mtimeNs}:${st.ctimeNs}:${st.ino}` };
}

/**
 * What one run found about the store's folders (store-relative path → problem, or null for a
 * plain folder), so checking 80,000 archives looks at each folder once. Make one per run: the
 * store may change between runs.
 */
export type FolderMemo = Map<string, StoreFileProblem | null>;

/** The components of a store-relative path; undefined when one is `.` or `..` (or there are none). */
function splitStorePath(rel: string): string[] | undefined {
  const parts = rel.split('/').filter(Boolean);
  return !parts.length || parts.some((p) => p === '..' || p === '.') ? undefined : parts;
}

/** The first problem of the folders on the way to the last component (a link, a file, nothing there). */
function checkFolders(root: string, parts: readonly string[], folders?: FolderMemo): StoreFileProblem | undefined {
  let at = root;
  for (let i = 0; i < parts.length - 1; i++) {
    at = path.join(at, parts[i]!);
    const shown = parts.slice(0, i + 1).join('/');
    const known = folders?.get(shown);
    if (known === null) continue;
    if (known) return known;
    let st;
    try {
      st = lstatSync(at, { throwIfNoEntry: false });
    } catch (e) {
      return { kind: 'unreadable', code: (e as NodeJS.ErrnoException).code ?? 'EIO' };
    }
    const problem: StoreFileProblem | null =
      !st || (!st.isSymbolicLink() && !st.isDirectory())
        ? { kind: 'missing' }
        : st.isSymbolicLink()
          ? { kind: 'symlink', at: shown }
          : null;
    folders?.set(shown, problem);
    if (problem) return problem;
  }
  return undefined;
}

/** True when {@link statStoreFile} or {@link readStoreFile} gave a problem rather than a result. */
export const isStoreFileProblem = (v: unknown): v is StoreFileProblem =>
  !!v && typeof v === 'object' && 'kind' in v && typeof (v as { kind: unknown }).kind === 'string';

/**
 * Reads a store file of at most `limit` bytes after {@link statStoreFile}'s checks. The open
 * itself refuses a link (`O_NOFOLLOW`) and never blocks on a FIFO (`O_NONBLOCK`), so a file
 * swapped after the look is still not followed; the size is checked on the open file before
 * reading, so an oversized file costs nothing.
 */
export function readStoreFile(root: string, rel: string, limit: number, folders?: FolderMemo): StoreFileRead | StoreFileProblem {
  const parts = splitStorePath(rel);
  if (!parts) return { kind: 'outside' };
  const parent = checkFolders(root, parts, folders);
  if (parent) return parent;
  // The file itself is judged at the open (O_NOFOLLOW, then fstat): no lstat needed first.
  const read = readRegularFile(path.join(root, ...parts), limit);
  return isStoreFileProblem(read) && (read.kind === 'symlink' || read.kind === 'directory') ? { ...read, at: parts.join('/') } : read;
}

/**
 * Reads one regular file by absolute path, at most `limit` bytes, refusing links, folders, FIFOs
 * and devices at the open. For paths already checked with {@link statStoreFile} (worker threads
 * get only the path) and for files the store does not name.
 */
export function readRegularFile(abs: string, limit: number): StoreFileRead | StoreFileProblem {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    if (code === 'ELOOP') return { kind: 'symlink', at: '' };
    if (code === 'EISDIR') return { kind: 'directory', at: '' };
    if (code === 'ENXIO') return { kind: 'special' };
    return { kind: 'unreadable', code };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { kind: 'directory', at: '' };
    if (!st.isFile()) return { kind: 'special' };
    if (st.size > limit) return { kind: 'too-large', size: st.size, limit };
    const bytes = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, bytes, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return { bytes: got === st.size ? bytes : bytes.subarray(0, got) };
  } catch (e) {
    return { kind: 'unreadable', code: (e as NodeJS.ErrnoException).code ?? 'EIO' };
  } finally {
    closeSync(fd);
  }
}

/** Why store text could not be decoded, with the 1-based line and column of the first bad byte. */
export interface TextProblem {
  kind: 'utf16' | 'invalid-utf8' | 'nul';
  line: number;
  column: number;
}

/**
 * Store files are UTF-8. A UTF-16 file (by its byte-order mark or its zero bytes), invalid UTF-8
 * or a NUL byte is refused with the position of the first bad byte, instead of turning into
 * U+FFFD characters that would then be published. A UTF-8 byte-order mark is dropped.
 */
export function decodeStoreText(bytes: Uint8Array): { text: string } | TextProblem {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return { kind: 'utf16', line: 1, column: 1 };
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // The common case in native code; the byte-by-byte scan below only runs to find the position of a problem.
  if (isUtf8(bytes) && bytes.indexOf(0) < 0)
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start).toString('utf8') };
  const bad = firstBadByte(bytes, start);
  if (bad) {
    const { line, column } = lineColumn(bytes, start, bad.offset);
    // Zero bytes next to ASCII are how UTF-16 without a byte-order mark looks.
    const utf16 = bad.kind === 'nul' && bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0);
    return { kind: utf16 ? 'utf16' : bad.kind, line, column };
  }
  return { text: Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start).toString('utf8') };
}

// --- internal ---

function firstBadByte(b: Uint8Array, start: number): { kind: 'invalid-utf8' | 'nul'; offset: number } | undefined {
  let i = start;
  while (i < b.length) {
    const c = b[i]!;
    if (c === 0) return { kind: 'nul', offset: i };
    if (c < 0x80) {
      i++;
      continue;
    }
    // Length and the allowed range of the second byte exclude overlong forms and surrogates (RFC 3629).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return { kind: 'invalid-utf8', offset: i };
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (d === undefined || d < min || d > max) return { kind: 'invalid-utf8', offset: i };
    }
    i += n + 1;
  }
  return undefined;
}

function lineColumn(b: Uint8Array, start: number, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = start;
  for (let i = start; i < offset; i++) {
    if (b[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // Columns count characters, as editors do: continuation bytes are not counted.
  let column = 1;
  for (let i = lineStart; i < offset; i++) if ((b[i]! & 0xc0) !== 0x80) column++;
  return { line, column };
}
