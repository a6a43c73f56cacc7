import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker, type TransferListItem } from 'node:worker_threads';

/**
 * The one way the build starts, feeds and stops worker threads (the tree writer of emit, the
 * parse share of load, the verification pool, the git-history reader). A maintained pool library
 * (piscina) would fit only the two task pools: the parse share is synchronous for its caller and
 * the history reader is one task, and both pools need the in-thread fallback below anyway.
 */

/**
 * The compiled worker next to `url`'s module, or undefined when it is not there (the TypeScript
 * sources run directly, e.g. in tests): callers then do the work in this thread.
 */
export function compiledWorker(url: URL): string | undefined {
  const file = fileURLToPath(url);
  return existsSync(file) ? file : undefined;
}

/** Whether `count` pieces of work are worth threads: at least `min` of them and a second core. */
export function worthThreads(count: number, min: number): boolean {
  return count >= min && availableParallelism() >= 2;
}

/** Starts a worker thread. */
export function startWorker(file: string, opts: { workerData?: unknown; transferList?: readonly TransferListItem[] } = {}): Worker {
  // No inherited node flags: an embedding process started with `--input-type` or `-e` would make the thread fail to start.
  return new Worker(file, { workerData: opts.workerData, transferList: opts.transferList as TransferListItem[] | undefined, execArgv: [] });
}

/** Options of a {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Threads to start. */
  size: number;
  /** Given to every thread once (e.g. a table each thread prepares once). */
  workerData?: unknown;
  /**
   * Tasks a thread holds at once; further tasks wait here and go to the first thread that is done.
   * 1 spreads uneven tasks best; more keeps a thread busy while the caller is slow. @default Infinity
   */
  perThread?: number;
}

/**
 * A fixed set of threads running {@link serveTasks} of one worker file: `run` posts a task to the
 * thread with the fewest unfinished tasks and settles with its result. A thread that fails or
 * exits fails every unfinished and later task.
 */
export class WorkerPool<Task, Result> {
  readonly #threads: { worker: Worker; busy: number }[] = [];
  readonly #pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void; thread: number }>();
  readonly #waiting: { id: number; task: Task }[] = [];
  readonly #perThread: number;
  #next = 0;
  #failed?: Error;

  constructor(file: string, opts: WorkerPoolOptions) {
    this.#perThread = opts.perThread ?? Infinity;
    for (let i = 0; i < opts.size; i++) {
      const worker = startWorker(file, { workerData: opts.workerData });
      worker.on('message', (m: TaskAnswer<Result>) => this.#answer(m));
      worker.on('error', (e) => this.#fail(e));
      worker.on('exit', () => this.#fail(new Error('worker thread exited')));
      this.#threads.push({ worker, busy: 0 });
    }
  }

  /** Runs `task` in a thread. */
  run(task: Task): Promise<Result> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#next++;
    const done = new Promise<Result>((resolve, reject) => this.#pending.set(id, { resolve, reject, thread: -1 }));
    this.#waiting.push({ id, task });
    this.#dispatch();
    return done;
  }

  /** Stops the threads; tasks not finished by then are dropped. */
  async close(): Promise<void> {
    for (const t of this.#threads) t.worker.removeAllListeners('exit');
    await Promise.all(this.#threads.map((t) => t.worker.terminate()));
  }

  #dispatch(): void {
    while (this.#waiting.length) {
      let best = 0;
      for (let i = 1; i < this.#threads.length; i++) if (this.#threads[i]!.busy < this.#threads[best]!.busy) best = i;
      const thread = this.#threads[best]!;
      if (thread.busy >= this.#perThread) return;
      const { id, task } = this.#waiting.shift()!;
      this.#pending.get(id)!.thread = best;
      thread.busy++;
      thread.worker.postMessage({ id, task });
    }
  }

  #answer(m: TaskAnswer<Result>): void {
    const p = this.#pending.get(m.id);
    if (!p) return;
    this.#pending.delete(m.id);
    this.#threads[p.thread]!.busy--;
    if ('result' in m) p.resolve(m.result);
    else p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
    this.#dispatch();
  }

  #fail(e: Error): void {
    this.#failed = e;
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
    this.#waiting.length = 0;
  }
}

/** In a worker file: answers the tasks of a {@link WorkerPool} with `handle` (a thrown error becomes the task's rejection). */
export function serveTasks<Task, Result>(handle: (task: Task) => Result): void {
  parentPort?.on('message', ({ id, task }: { id: number; task: Task }) => {
    let answer: TaskAnswer<Result>;
    try {
      answer = { id, result: handle(task) };
    } catch (e) {
      answer = { id, error: { message: (e as Error).message, code: (e as NodeJS.ErrnoException).code } };
    }
    parentPort!.postMessage(answer);
  });
}

// --- internal ---

type TaskAnswer<Result> = { id: number; result: Result } | { id: number; error: { message: string; code?: string } };
