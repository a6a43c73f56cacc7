import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRunning } from './process.js';

/** Options of {@link takeLock}. */
export interface LockOptions {
  /** Wait (polling every 100 ms) while a running process holds the lock, instead of failing with {@link LockHeld}. @default false */
  wait?: boolean;
}

/** The lock is held by a running process (and the caller did not ask to wait). */
export class LockHeld extends Error {
  constructor(
    readonly file: string,
    /** The holder's pid as the lock file says it, or `unknown`. */
    readonly holder: string,
  ) {
    super(`${file} is held by process ${holder}`);
  }
}

/**
 * Takes the lock file `file` (holding our pid) and returns its release. A lock whose process no
 * longer runs (a killed build or client) is taken over. The file is written whole under
 * `<file>.<pid>-<n>` and then linked into place, so no one ever reads a lock without its pid;
 * a folder holding locks should leave such names of running processes alone. Errors other than
 * "held" are the file system's, thrown as they are.
 */
export async function takeLock(file: string, opts: LockOptions = {}): Promise<() => void> {
  const mine = `${file}.${process.pid}-${++sequence}`;
  writeFileSync(mine, `${process.pid}\n`);
  try {
    for (;;) {
      if (tryLink(mine, file)) return () => rmSync(file, { force: true });
      let holder = '';
      try {
        holder = readFileSync(file, 'utf8').trim();
      } catch {
        // Released meanwhile: try again.
        continue;
      }
      if (!isRunning(Number(holder))) rmSync(file, { force: true });
      else if (opts.wait) await sleep(100);
      else throw new LockHeld(file, holder || 'unknown');
    }
  } finally {
    rmSync(mine, { force: true });
  }
}

// --- internal ---

let sequence = 0;

/** True when `file` was made (as a link to `mine`), false when it exists already. */
function tryLink(mine: string, file: string): boolean {
  try {
    try {
      linkSync(mine, file);
    } catch (e) {
      // No hardlinks on this file system: create it in place (a reader may then briefly see it empty).
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw e;
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}
