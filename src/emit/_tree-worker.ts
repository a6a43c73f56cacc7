// Worker thread of TreeWriter: makes folder trees (objects of the site) while the main thread emits the next.
import { parentPort } from 'node:worker_threads';
import { runTreeJob, type TreeJob } from './_tree.js';

parentPort?.on('message', ({ id, job }: { id: number; job: TreeJob }) => {
  try {
    parentPort!.postMessage({ id, result: runTreeJob(job) });
  } catch (e) {
    parentPort!.postMessage({ id, error: { message: (e as Error).message, code: (e as NodeJS.ErrnoException).code } });
  }
});
