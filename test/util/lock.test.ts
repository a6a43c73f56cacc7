import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockHeld, takeLock } from '../../src/util/lock.js';

describe('the lock file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'appshelf-lock-'));

  it('holds our pid until released, leaving nothing behind', async () => {
    const file = path.join(dir, 'a.lock');
    const release = await takeLock(file);
    expect(readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
    release();
    expect(readdirSync(dir).filter((n) => n.startsWith('a.lock'))).toEqual([]);
  });

  it('fails on a running holder unless asked to wait', async () => {
    const file = path.join(dir, 'b.lock');
    const release = await takeLock(file);
    await expect(takeLock(file)).rejects.toBeInstanceOf(LockHeld);
    const waiting = takeLock(file, { wait: true });
    release();
    (await waiting)();
    expect(existsSync(file)).toBe(false);
  });

  it('takes over the lock of a process that is gone', async () => {
    const file = path.join(dir, 'c.lock');
    writeFileSync(file, `${spawnSync(process.execPath, ['-e', '']).pid}\n`);
    const release = await takeLock(file);
    expect(readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
    release();
  });
});
