// Worker thread of parseInParallel: parses a share of the store files and posts the plain data back.
import { workerData } from 'node:worker_threads';
import { parseSource } from './source.js';
import type { ParseJob } from './_parallel-parse.js';

const { items, port, signal } = workerData as ParseJob;
const results = items.map(([text, json]) => {
  const { data, problems } = parseSource(text, json);
  return { data, problems };
});
port.postMessage(results);
Atomics.store(signal, 0, 1);
Atomics.notify(signal, 0);
