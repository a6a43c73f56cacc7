import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { compiledWorker, startWorker, worthThreads } from '../util/worker-pool.js';
import { parseSource, type ParseProblem } from './source.js';

/** What the parse worker gets: texts (and whether each is JSON), where to post, and the flag it raises when done. */
export interface ParseJob {
  items: [string, boolean][];
  port: MessagePort;
  signal: Int32Array;
}

/** Parsed data and problems of one text (no Document: positions are re-parsed when a diagnostic needs them). */
export interface Parsed {
  data: unknown;
  problems: ParseProblem[];
}

/**
 * Parses many texts, a share of them in a worker thread while this thread parses the rest:
 * parsing is the largest CPU cost of a cold build (~0.5 ms a file). Synchronous for the caller
 * (the worker's answer is taken with receiveMessageOnPort), so loading stays a plain function.
 */
export function parseInParallel(items: readonly [string, boolean][]): Parsed[] {
  const parseHere = (list: readonly [string, boolean][]) =>
    list.map(([text, json]) => {
      const { data, problems } = parseSource(text, json);
      return { data, problems };
    });
  if (!workerFile || !worthThreads(items.length, MIN_FOR_WORKER)) return parseHere(items);
  // The worker starts (~50 ms) while this thread parses, so it gets a little less than half.
  const split = Math.floor(items.length * 0.55);
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const job: ParseJob = { items: items.slice(split), port: port2, signal };
  const worker = startWorker(workerFile, { workerData: job, transferList: [port2] });
  let failed = false;
  worker.on('error', () => {
    failed = true;
  });
  try {
    const mine = parseHere(items.slice(0, split));
    // Bounded wait: a worker that died never raises the flag; then this thread parses its share too.
    while (Atomics.load(signal, 0) === 0 && !failed) if (Atomics.wait(signal, 0, 0, 30_000) === 'timed-out') break;
    const theirs = receiveMessageOnPort(port1)?.message as Parsed[] | undefined;
    return [...mine, ...(theirs ?? parseHere(items.slice(split)))];
  } finally {
    port1.close();
    void worker.terminate();
  }
}

// --- internal ---

/** Below this, starting a thread costs more than it saves. */
const MIN_FOR_WORKER = 1000;

const workerFile = compiledWorker(new URL('./_parse-worker.js', import.meta.url));
