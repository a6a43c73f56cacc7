import { renameSync, writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

/**
 * Writes a file whole or not at all: under a temporary name beside it (unique per process and
 * thread), then renamed over it, so a reader or a killed writer never leaves half a file.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}-${threadId}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** Runs a write whose failure only costs time later: a cache on a read-only checkout or a full disk. */
export function bestEffort(write: () => void): void {
  try {
    write();
  } catch {
    // The next run recomputes what was not kept.
  }
}
