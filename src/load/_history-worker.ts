// Worker thread of readStoreHistoryInBackground: runs the git calls while the main thread loads and checks the store.
import { parentPort, workerData } from 'node:worker_threads';
import { plainHistory, readStoreHistory, type HistoryOptions } from './git-history.js';

const { storeRoot, opts } = workerData as { storeRoot: string; opts: HistoryOptions };
parentPort!.postMessage(plainHistory(await readStoreHistory(storeRoot, opts)));
