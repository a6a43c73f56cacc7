import {
  closeSync,
  constants,
  copyFileSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  writeFileSync,
  writevSync,
} from 'node:fs';
import path from 'node:path';
import { compiledWorker, worthThreads, WorkerPool } from '../util/worker-pool.js';

/** Everything to do to make one folder tree, as plain data (it may run in a worker thread). */
export interface TreeJob {
  /** The folder to make (must not exist yet). */
  root: string;
  /** Folders to make under `root`, relative, parents first. */
  dirs: string[];
  /** Files to write: relative path and bytes (or pieces of them, written in order). */
  writes: [string, Uint8Array | Uint8Array[]][];
  /** Files to copy: relative path and the absolute source. */
  copies: [string, string][];
  /** Hardlinks to identical existing files outside the tree: relative path and the absolute source. */
  reuse: [string, string][];
  /** Further names of a file of this tree: relative path and the relative path of the first name. */
  links: [string, string][];
  /** Written last, before `rename`: a record of the tree, beside it. */
  record?: [string, string];
  /** When set, `root` is renamed to this path once complete. */
  rename?: string;
}

/** What a job did. */
export interface TreeResult {
  written: number;
  reused: number;
  linked: number;
}

/** Runs a job with synchronous calls: in a worker they keep a core busy without a thread-pool round trip per file. */
export function runTreeJob(job: TreeJob): TreeResult {
  const at = (rel: string) => path.join(job.root, rel);
  mkdirSync(job.root, { recursive: true });
  for (const d of job.dirs) mkdirSync(at(d), { recursive: true });
  for (const [rel, bytes] of job.writes) {
    if (bytes instanceof Uint8Array) {
      writeFileSync(at(rel), bytes);
      continue;
    }
    const fd = openSync(at(rel), 'w');
    try {
      const left = [...bytes];
      // At most IOV_MAX (1024) pieces a call, and writev may write less than asked: go on from where it stopped.
      while (left.length) {
        let n = writevSync(fd, left.slice(0, 512));
        while (left.length && n >= left[0]!.byteLength) n -= left.shift()!.byteLength;
        if (n) left[0] = left[0]!.subarray(n);
      }
    } finally {
      closeSync(fd);
    }
  }
  for (const [rel, from] of job.copies) {
    // Copies are archives the check found to be plain files of the store; a link put in their
    // place since then must not carry a file from outside the store into the site.
    if (!lstatSync(from).isFile()) throw Object.assign(new Error(`${from} is no longer a regular file`), { code: 'ELOOP' });
    copyFileSync(from, at(rel), constants.COPYFILE_FICLONE);
  }
  let reused = 0;
  for (const [rel, from] of job.reuse) {
    try {
      linkSync(from, at(rel));
      reused++;
    } catch {
      // Another file system or no hardlink support: copy the identical file.
      copyFileSync(from, at(rel), constants.COPYFILE_FICLONE);
    }
  }
  for (const [rel, owner] of job.links) {
    try {
      linkSync(at(owner), at(rel));
    } catch {
      copyFileSync(at(owner), at(rel));
    }
  }
  if (job.record) writeFileSync(job.record[0], job.record[1]);
  if (job.rename) renameSync(job.root, job.rename);
  return { written: job.writes.length + job.copies.length + job.reuse.length - reused, reused, linked: job.links.length };
}

/**
 * Runs tree jobs in worker threads while the caller computes the next ones (emitting is CPU,
 * writing is mostly file-system calls: they overlap), or in this thread when there are few jobs,
 * one core, or no compiled worker (TypeScript sources run directly).
 */
export class TreeWriter {
  readonly #pool?: WorkerPool<TreeJob, TreeResult>;

  constructor(expectedJobs: number) {
    if (!workerFile || !worthThreads(expectedJobs, MIN_JOBS_FOR_WORKER)) return;
    // Two threads, even on two cores: each mostly waits on the file system. Writing a cold
    // 1,000-app site, alternating runs: two threads 26 s and 65 s, one thread 65 s and 75 s (a noisy disk).
    this.#pool = new WorkerPool(workerFile, { size: WORKERS });
  }

  /** Runs a job; in a worker, it is queued and the promise settles when it is done. */
  run(job: TreeJob): Promise<TreeResult> {
    return this.#pool ? this.#pool.run(job) : Promise.resolve().then(() => runTreeJob(job));
  }

  /** Stops the workers (after their queued jobs have settled). */
  async close(): Promise<void> {
    await this.#pool?.close();
  }
}

// --- internal ---

/** Below this, starting threads costs more than it saves. */
const MIN_JOBS_FOR_WORKER = 16;

const WORKERS = 2;

const workerFile = compiledWorker(new URL('./_tree-worker.js', import.meta.url));
