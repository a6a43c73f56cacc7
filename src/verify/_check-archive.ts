import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { isStoreFileProblem, readRegularFile, type StoreFileProblem } from '../util/store-files.js';

/** One archive to check: read it, compare size and sha256, then verify its signature. */
export interface ArchiveTask {
  /** Absolute path of the bytes. */
  path: string;
  size: number;
  sha256: string;
  /** Base64 signature without whitespace; not verified when absent. */
  signature?: string;
  /** Key of the certificate in the certificate table sent with the tasks. */
  cert?: string;
  /** Largest size read (the store's archive limit). */
  limit: number;
}

/** What {@link checkArchive} found. `signatureOk` is set only when size and sha256 matched and a signature and key were given. */
export interface ArchiveResult {
  /** Why the file could not be read: gone, replaced by a link or a FIFO since it was planned, unreadable. */
  problem?: StoreFileProblem;
  size?: number;
  sha256?: string;
  /** Base64 SHA-512 of the bytes (electron-updater's checksum), computed in the same read. */
  sha512?: string;
  signatureOk?: boolean;
}

/** Makes each certificate's KeyObject once per thread, not once per archive. */
export function keyCache(certs: Readonly<Record<string, string>>): (id: string) => KeyObject | undefined {
  const keys = new Map<string, KeyObject>();
  return (id) => {
    let key = keys.get(id);
    if (!key && certs[id]) {
      key = createPublicKey(certs[id]!);
      keys.set(id, key);
    }
    return key;
  };
}

/** Reads one archive and checks it. Pure apart from the read; runs in worker threads as well. */
export function checkArchive(task: ArchiveTask, keyFor: (id: string) => KeyObject | undefined): ArchiveResult {
  const read = readRegularFile(task.path, task.limit);
  if (isStoreFileProblem(read)) return { problem: read };
  const bytes = read.bytes;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const result: ArchiveResult = { size: bytes.length, sha256, sha512: createHash('sha512').update(bytes).digest('base64') };
  if (bytes.length !== task.size || sha256 !== task.sha256 || !task.signature || !task.cert) return result;
  const key = keyFor(task.cert);
  if (key) result.signatureOk = verify('sha512', bytes, key, Buffer.from(task.signature, 'base64'));
  return result;
}
