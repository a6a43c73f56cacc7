// Worker thread of readStoreHistoryInBackground: runs the git calls while the main thread loads and checks the store.
import { parentPort, workerData } from 'node:worker_threads';
import { readStoreHistory } from './git-history.js';

parentPort!.postMessage(readStoreHistory(workerData as string));
