import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MeterDiskError, MeterExceeded, writeMetered } from '../../src/util/metered-write.js';

describe('the metered writer', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'appshelf-meter-'));
  const chunks = [Buffer.from('hello '), Buffer.from('world')];

  it('writes a new private file, counting, hashing and reporting progress', async () => {
    const file = path.join(dir, 'a');
    const seen: number[] = [];
    const got = await writeMetered(chunks, file, { maxSize: 11, expectedSize: 11, onBytes: (n) => seen.push(n) });
    expect(got).toEqual({ size: 11, sha256: createHash('sha256').update('hello world').digest('hex') });
    expect(readFileSync(file, 'utf8')).toBe('hello world');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(seen).toEqual([6, 11]);
  });

  it('stops at the first chunk past the size limit or the expected size', async () => {
    await expect(writeMetered(chunks, path.join(dir, 'b'), { maxSize: 10 })).rejects.toMatchObject({ limit: 'limit', bound: 10 });
    const e = await writeMetered(chunks, path.join(dir, 'c'), { expectedSize: 5 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MeterExceeded);
    expect(e).toMatchObject({ limit: 'expected' });
    expect(readFileSync(path.join(dir, 'c'), 'utf8')).toBe('');
  });

  it('never overwrites a file', async () => {
    writeFileSync(path.join(dir, 'd'), 'old');
    await expect(writeMetered(chunks, path.join(dir, 'd'))).rejects.toMatchObject({ action: 'create' });
    await expect(writeMetered(chunks, path.join(dir, 'd'))).rejects.toBeInstanceOf(MeterDiskError);
    expect(readFileSync(path.join(dir, 'd'), 'utf8')).toBe('old');
  });
});
