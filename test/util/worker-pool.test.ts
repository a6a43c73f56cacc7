import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// The compiled library (lib/, built by the global setup): a worker thread runs JavaScript.
const lib = path.resolve(import.meta.dirname, '../../lib/util/worker-pool.js');
const { WorkerPool } = (await import(lib)) as typeof import('../../src/util/worker-pool.js');

describe('the worker pool', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'appshelf-pool-'));
  const worker = path.join(dir, 'double.mjs');
  writeFileSync(
    worker,
    `import { workerData } from 'node:worker_threads';
import { serveTasks } from ${JSON.stringify(pathToFileURL(lib).href)};
serveTasks((n) => {
  if (n < 0) throw Object.assign(new Error('negative'), { code: 'ENEG' });
  return n * workerData.factor;
});
`,
  );

  it('runs tasks across threads, one at a time per thread if asked, and passes errors with their code', async () => {
    const pool = new WorkerPool<number, number>(worker, { size: 2, workerData: { factor: 3 }, perThread: 1 });
    try {
      expect(await Promise.all([1, 2, 3, 4, 5].map((n) => pool.run(n)))).toEqual([3, 6, 9, 12, 15]);
      await expect(pool.run(-1)).rejects.toMatchObject({ message: 'negative', code: 'ENEG' });
      expect(await pool.run(7)).toBe(21);
    } finally {
      await pool.close();
    }
  });
});
