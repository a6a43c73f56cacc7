import { isRegularMember, MemberSet, type MemberProblem } from '../util/tar-member.js';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Header, Parser, ReadEntry } from 'tar';
import { diag, Errors, type Diagnostic, type Position } from '../errors/index.js';
import type { Limits } from '../resolve/index.js';

/** What {@link readBundle} needs besides the file. */
export interface BundleContext {
  /** The archive's name in messages (its file name). */
  archive: string;
  appId: string;
  limits: Limits;
  /** Where diagnostics point: the release file and the line of the entry. */
  at: Position;
}

/** What reading a bundle found. */
export interface BundleContents {
  diagnostics: Diagnostic[];
  /** The app folder: the top-level folder named as the app id, else the first one. */
  folder?: string;
  /** `<folder>/appinfo/info.xml` and `<folder>/CHANGELOG.md` as read (regular files within the size limit). */
  metadata: ReadonlyMap<string, Buffer>;
  /** False when reading stopped early at a fatal problem; the layout rules were then not applied. */
  complete: boolean;
}

/** The member paths of the metadata files of an app folder. */
export const infoXmlMember = (folder: string): string => `${folder}/appinfo/info.xml`;
export const changelogMember = (folder: string): string => `${folder}/CHANGELOG.md`;

/**
 * Reads an app bundle by streaming it through gunzip into the tar parser; nothing is written
 * to disk and only the metadata files are kept in memory. Checks the container (gzip, not zip or
 * plain tar), the limits, every member (no absolute paths, `..`, links, special files or `.git`),
 * and the layout (one top-level folder named as the app id, holding appinfo/info.xml). Each rule
 * reports its first offending member only.
 */
export async function readBundle(file: string, ctx: BundleContext): Promise<BundleContents> {
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  const add = (d: Diagnostic) => {
    if (reported.has(d.code)) return;
    reported.add(d.code);
    diagnostics.push(d);
  };
  const metadata = new Map<string, Buffer>();
  const result = (complete: boolean, folder?: string): BundleContents => ({ diagnostics, metadata, complete, folder });

  // tar is loaded only when a bundle is read: most stores have none.
  const tar = await import('tar');
  const fh = await openRegular(file);
  try {
    return await scanBundle(fh, tar, ctx, { add, diagnostics, metadata, result });
  } finally {
    await fh.close();
  }
}

interface ScanState {
  /** Reports a problem once per code. */
  add: (d: Diagnostic) => void;
  diagnostics: Diagnostic[];
  metadata: Map<string, Buffer>;
  result: (complete: boolean, folder?: string) => BundleContents;
}

async function scanBundle(
  fh: FileHandle,
  tar: typeof import('tar'),
  ctx: BundleContext,
  { add, diagnostics, metadata, result }: ScanState,
): Promise<BundleContents> {
  const { archive, limits } = ctx;
  const head = await readHead(fh);
  if (head.size > limits.archiveSize) {
    add(diag(Errors.ArchiveTooLarge, [archive, head.size, limits.archiveSize], ctx.at));
    return result(false);
  }
  const kind = sniff(head.bytes, tar.Header);
  if (kind !== 'gzip') {
    if (kind === 'zip') add(diag(Errors.ArchiveZip, [archive], ctx.at));
    else if (kind === 'tar') add(diag(Errors.ArchivePlainTar, [archive], ctx.at));
    else add(diag(Errors.ArchiveNotGzip, [archive, kind], ctx.at));
    return result(false);
  }

  const scan = new TarScan(tar.Parser, ctx, add, metadata);
  const input = fh.createReadStream({ start: 0, highWaterMark: 64 * 1024, autoClose: false });
  const gunzip = createGunzip();
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      // Count what gunzip produces, not what the tar headers announce: data after a bogus
      // header or between members is decompressed too, and must not run unbounded.
      total += chunk.length;
      if (total > limits.uncompressedSize) {
        scan.fail(diag(Errors.UncompressedTooLarge, [archive, limits.uncompressedSize, undefined], ctx.at));
        break;
      }
      scan.parser.write(chunk);
      if (scan.stopped) break;
    }
    if (!scan.stopped) scan.parser.end();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message))
      scan.fail(diag(Errors.ArchiveTruncated, [archive], ctx.at));
    else scan.fail(diag(Errors.ArchiveCorrupt, [archive, gzipReason(err)], ctx.at));
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  if (scan.fatal) {
    diagnostics.push(scan.fatal);
    return result(false);
  }
  return result(true, scan.finish());
}

// --- internal ---

/** Opens never follow a link nor wait on a FIFO (the path was checked, this holds if it changed since). */
const NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Opens the archive for reading, refusing a link, a FIFO or anything but a regular file at the open itself. */
async function openRegular(file: string): Promise<FileHandle> {
  const fh = await open(file, NO_FOLLOW);
  if (!(await fh.stat()).isFile()) {
    await fh.close();
    throw Object.assign(new Error('not a regular file'), { code: 'ENOENT' });
  }
  return fh;
}

async function readHead(fh: FileHandle): Promise<{ size: number; bytes: Buffer }> {
  const { size } = await fh.stat();
  const bytes = Buffer.alloc(512);
  const { bytesRead } = await fh.read(bytes, 0, 512, 0);
  return { size, bytes: bytes.subarray(0, bytesRead) };
}

const startsWith = (b: Buffer, ...bytes: number[]) => bytes.every((x, i) => b[i] === x);

/** What the first bytes say the file is (`gzip`, `zip`, `tar` or a description), by magic numbers, never by its name. */
function sniff(b: Buffer, header: typeof Header): string {
  if (startsWith(b, 0x1f, 0x8b)) return 'gzip';
  if (startsWith(b, 0x50, 0x4b, 0x03, 0x04) || startsWith(b, 0x50, 0x4b, 0x05, 0x06) || startsWith(b, 0x50, 0x4b, 0x07, 0x08)) return 'zip';
  if (b.length >= 512 && (b.toString('latin1', 257, 262) === 'ustar' || isTarHeader(b, header))) return 'tar';
  if (startsWith(b, 0x42, 0x5a, 0x68)) return 'bzip2-compressed data';
  if (startsWith(b, 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz-compressed data';
  if (startsWith(b, 0x28, 0xb5, 0x2f, 0xfd)) return 'zstd-compressed data';
  if (startsWith(b, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) return 'a 7-Zip archive';
  if (b.length === 0) return 'an empty file';
  return 'data of an unknown kind';
}

function isTarHeader(b: Buffer, header: typeof Header): boolean {
  try {
    const h = new header(b.subarray(0, 512));
    return h.cksumValid && !h.nullBlock;
  } catch {
    return false;
  }
}

function gzipReason(err: Error): string {
  // zlib's messages ("incorrect header check", "invalid block type") name the damage without paths.
  return err.message.replace(/[.\s]+$/, '') || 'invalid gzip data';
}

function memberDiagnostic(problem: MemberProblem, archive: string, member: string, e: ReadEntry, at: Position): Diagnostic {
  switch (problem) {
    case 'absolute':
      return diag(Errors.AbsolutePath, [archive, member], at);
    case 'traversal':
      return diag(Errors.PathTraversal, [archive, member], at);
    case 'symlink':
      return diag(Errors.Symlink, [archive, member, e.linkpath ?? ''], at);
    case 'hardlink':
      return diag(Errors.Hardlink, [archive, member, e.linkpath ?? ''], at);
    case 'special':
      return diag(Errors.SpecialFile, [archive, member, e.type], at);
    case 'duplicate':
      return diag(Errors.DuplicateMember, [archive, member], at);
  }
}

/** The tar parser and the per-member rules, fed decompressed chunks. */
class TarScan {
  readonly parser: Parser;
  /** Set once a problem stops the reading (bomb, corrupt data). */
  fatal: Diagnostic | undefined;
  #eof = false;
  #entries = 0;
  /** Headers plus announced member sizes: lets a bomb be refused at its header, before its body is inflated. */
  #announced = 0;
  readonly #members = new MemberSet();
  readonly #tops = new Map<string, { dir: boolean; member: string }>();

  readonly #ctx: BundleContext;
  readonly #add: (d: Diagnostic) => void;
  readonly #metadata: Map<string, Buffer>;

  constructor(parser: typeof Parser, ctx: BundleContext, add: (d: Diagnostic) => void, metadata: Map<string, Buffer>) {
    this.#ctx = ctx;
    this.#add = add;
    this.#metadata = metadata;
    this.parser = new parser({ strict: true, brotli: false, zstd: false });
    this.parser.on('entry', (e: ReadEntry) => this.#onEntry(e));
    // Entries of types tar does not know are "ignored" by the parser; they still count and are refused.
    this.parser.on('ignoredEntry', (e: ReadEntry) => this.#onEntry(e));
    this.parser.on('eof', () => (this.#eof = true));
    this.parser.on('error', (err: Error & { tarCode?: string }) => {
      const { archive, at } = this.#ctx;
      if (/Truncated input/.test(err.message)) this.fail(diag(Errors.ArchiveTruncated, [archive], at));
      else if (/Unrecognized archive format/.test(err.message) && this.#entries === 0)
        this.fail(diag(Errors.ArchiveCorrupt, [archive, 'the gzip data does not hold a tar archive'], at));
      else this.fail(diag(Errors.ArchiveCorrupt, [archive, `invalid tar data (${err.message.replace(/^TAR_[A-Z_]+: /, '')})`], at));
    });
  }

  /** True once nothing more should be read: the end-of-archive marker or a fatal problem. */
  get stopped(): boolean {
    return this.#eof || this.fatal !== undefined;
  }

  fail(d: Diagnostic): void {
    this.fatal ??= d;
  }

  #onEntry(e: ReadEntry): void {
    if (this.stopped) {
      e.resume();
      return;
    }
    const { archive, at, limits, appId } = this.#ctx;
    const member = e.path;
    this.#entries += 1;
    this.#announced += 512 + Math.ceil(e.size / 512) * 512;
    if (this.#entries > limits.entries) {
      this.fail(diag(Errors.TooManyEntries, [archive, limits.entries], at));
    } else if (this.#announced > limits.uncompressedSize) {
      this.fail(diag(Errors.UncompressedTooLarge, [archive, limits.uncompressedSize, member], at));
    }
    if (this.fatal) {
      e.resume();
      return;
    }

    const { key, parts, problems } = this.#members.check(member, e.type);
    const safe = !problems.includes('absolute') && !problems.includes('traversal');
    const duplicate = problems.includes('duplicate');
    for (const problem of problems) this.#add(memberDiagnostic(problem, archive, member, e, at));
    if (parts.includes('.git')) this.#add(diag(Errors.GitFolder, [archive, member], at));

    const top = parts[0];
    // A second copy of a member is refused, never read: the first copy's facts stand.
    if (!safe || duplicate || top === undefined) {
      e.resume();
      return;
    }
    const isDir = parts.length > 1 || e.type === 'Directory';
    const seen = this.#tops.get(top);
    if (!seen) this.#tops.set(top, { dir: isDir, member });
    else if (isDir) seen.dir = true;

    const first = this.#tops.keys().next().value;
    const isMetadata = (top === appId || top === first) && (key === infoXmlMember(top) || key === changelogMember(top));
    if (!isMetadata || !isRegularMember(e.type)) {
      e.resume();
      return;
    }
    if (e.size > limits.metadataFileSize) {
      this.#add(diag(Errors.MetadataTooLarge, [archive, member, e.size, limits.metadataFileSize], at));
      e.resume();
      return;
    }
    const chunks: Buffer[] = [];
    e.on('data', (c: Buffer) => chunks.push(c));
    e.on('end', () => this.#metadata.set(key, Buffer.concat(chunks)));
  }

  /** Applies the layout rules once the whole archive was read; returns the app folder. */
  finish(): string | undefined {
    const { archive, at, appId } = this.#ctx;
    if (this.#tops.size === 0) {
      this.#add(diag(Errors.BundleEmpty, [archive, appId], at));
      return undefined;
    }
    const folders = [...this.#tops].filter(([, t]) => t.dir).map(([name]) => name);
    const folder = folders.includes(appId) ? appId : folders[0];
    for (const [name, t] of this.#tops) {
      if (name === folder) continue;
      if (t.dir) this.#add(diag(Errors.ExtraFolder, [archive, name, folder!], at));
      else this.#add(diag(Errors.TopLevelFile, [archive, t.member, folder ?? appId], at));
    }
    if (folder === undefined) {
      this.#add(diag(Errors.InfoXmlMissing, [archive, infoXmlMember(appId)], at));
      return undefined;
    }
    if (!/^[a-z][a-z0-9_]*$/.test(folder)) this.#add(diag(Errors.FolderName, [archive, folder], at));
    else if (folder !== appId) this.#add(diag(Errors.FolderMismatch, [archive, folder, appId], at));
    // A member that exists but was refused (a link, too large) already has its own diagnostic.
    if (!this.#members.has(infoXmlMember(folder))) this.#add(diag(Errors.InfoXmlMissing, [archive, infoXmlMember(folder)], at));
    return folder;
  }
}
