// Worker thread of the verification pool: checks batches of archives and posts the results back.
// The certificate table comes once in workerData, so each key is parsed once per thread.
import { workerData } from 'node:worker_threads';
import { serveTasks } from '../util/worker-pool.js';
import { checkArchive, keyCache, type ArchiveTask } from './_check-archive.js';

const keyFor = keyCache((workerData as { certs: Record<string, string> }).certs);

serveTasks((tasks: ArchiveTask[]) => tasks.map((t) => checkArchive(t, keyFor)));
