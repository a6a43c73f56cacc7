import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Limits and progress of {@link writeMetered}. */
export interface MeterOptions {
  /** Stop with {@link MeterExceeded} (`limit`) past this many bytes. */
  maxSize?: number;
  /** Stop with {@link MeterExceeded} (`expected`) past this many bytes: the file is not the one announced. */
  expectedSize?: number;
  /** Told the bytes received so far after each chunk is written (a progress display). */
  onBytes?: (received: number) => void;
}

/** A download went past a limit of {@link MeterOptions}; nothing more was read. */
export class MeterExceeded extends Error {
  constructor(
    readonly limit: 'limit' | 'expected',
    /** The bound that was passed. */
    readonly bound: number,
  ) {
    super(`more than ${bound} bytes`);
  }
}

/** The file system refused a step of {@link writeMetered} (`create`: opening the new file, `write`). */
export class MeterDiskError extends Error {
  constructor(
    readonly action: 'create' | 'write',
    readonly file: string,
    cause: unknown,
  ) {
    super(`${action} ${file}`, { cause });
  }
}

/**
 * The one metered writer of downloads (the build's remote archives, the client's updates):
 * streams `source` into the new file `file` (created exclusively, mode 0600, synced), counting
 * and hashing every byte, and stops at the first byte past a limit. Errors of `source` (the
 * network) are thrown as they are; the file system's as {@link MeterDiskError}. The caller
 * owns `file` and removes it on failure, and compares the returned size and sha256 (hex).
 */
export async function writeMetered(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  file: string,
  opts: MeterOptions = {},
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const out = await open(file, 'wx', 0o600).catch((e: unknown) => {
    throw new MeterDiskError('create', file, e);
  });
  try {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (opts.maxSize !== undefined && size > opts.maxSize) throw new MeterExceeded('limit', opts.maxSize);
      if (opts.expectedSize !== undefined && size > opts.expectedSize) throw new MeterExceeded('expected', opts.expectedSize);
      hash.update(chunk);
      await disk('write', file, () => out.write(chunk));
      opts.onBytes?.(size);
    }
    await disk('write', file, () => out.sync());
  } finally {
    await out.close();
  }
  return { size, sha256: hash.digest('hex') };
}

// --- internal ---

async function disk<T>(action: 'create' | 'write', file: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw new MeterDiskError(action, file, e);
  }
}
