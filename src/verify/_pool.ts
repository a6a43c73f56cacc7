import { availableParallelism } from 'node:os';
import { compiledWorker, WorkerPool } from '../util/worker-pool.js';
import { checkArchive, keyCache, type ArchiveResult, type ArchiveTask } from './_check-archive.js';

/** How {@link checkArchives} spreads the work. */
export interface PoolOptions {
  /** Worker threads; 0 checks in this thread. @default the number of cores, when there are enough tasks */
  workers?: number;
  /** Fewer tasks than this are checked in this thread (starting threads costs more). @default 256 */
  parallelThreshold?: number;
  /** Told how many archives are checked so far, of how many, for a progress display. */
  onProgress?: (done: number, total: number) => void;
}

const BATCH = 64;

/** The compiled worker; absent when the TypeScript sources run directly (then everything stays in-thread). */
const workerFile = compiledWorker(new URL('./_worker.js', import.meta.url));

/** Checks every archive, across worker threads when there are many; results are in task order. */
export async function checkArchives(
  tasks: readonly ArchiveTask[],
  certs: Readonly<Record<string, string>>,
  opts: PoolOptions = {},
): Promise<ArchiveResult[]> {
  const threshold = opts.parallelThreshold ?? 256;
  const wanted = opts.workers ?? (tasks.length >= threshold ? availableParallelism() : 0);
  const workers = Math.min(wanted, Math.ceil(tasks.length / BATCH));
  if (workers < 1 || (opts.workers === undefined && workers < 2) || !workerFile) {
    const keyFor = keyCache(certs);
    return tasks.map((t, i) => {
      const r = checkArchive(t, keyFor);
      opts.onProgress?.(i + 1, tasks.length);
      return r;
    });
  }
  let checked = 0;
  const results: ArchiveResult[] = new Array(tasks.length);
  // One batch per thread at a time: a thread that is done takes the next, so uneven archives even out.
  const pool = new WorkerPool<ArchiveTask[], ArchiveResult[]>(workerFile, { size: workers, workerData: { certs }, perThread: 1 });
  try {
    const starts = Array.from({ length: Math.ceil(tasks.length / BATCH) }, (_, i) => i * BATCH);
    await Promise.all(
      starts.map(async (start) => {
        const batch = await pool.run(tasks.slice(start, start + BATCH));
        batch.forEach((r, i) => (results[start + i] = r));
        opts.onProgress?.((checked += batch.length), tasks.length);
      }),
    );
  } finally {
    await pool.close();
  }
  return results;
}
