import { chmodSync, copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One file an authoring verb changes: its new text, or a file copied into the store. */
export interface FileEdit {
  /** Absolute path of the file in the store. */
  path: string;
  /** The path as shown to users (cwd-relative). */
  file: string;
  text?: string;
  /** Copy this file's bytes instead of writing `text` (an archive added to the store). */
  copyFrom?: string;
  /** A private key: readable by its owner only (0600), in a folder made private (0700) when it is created. */
  secret?: boolean;
}

/** What an authoring verb decided: the files to change (none: nothing to do) and what to tell the user. */
export interface StoreEdit<T> {
  edits: FileEdit[];
  result: T;
}

/**
 * Writes every edit of one verb together: each new content goes to a temporary file beside its
 * target first, and only when all of them are written are they renamed into place, so a failure
 * (a full disk, a missing permission) leaves the store as it was rather than half edited.
 */
export function writeEdits(edits: readonly FileEdit[]): void {
  const staged: { tmp: string; to: string }[] = [];
  try {
    for (const [i, e] of edits.entries()) {
      mkdirSync(path.dirname(e.path), { recursive: true, ...(e.secret ? { mode: 0o700 } : {}) });
      const tmp = path.join(path.dirname(e.path), `.${path.basename(e.path)}.appshelf-${process.pid}-${i}`);
      staged.push({ tmp, to: e.path });
      if (e.copyFrom !== undefined) copyFileSync(e.copyFrom, tmp);
      else writeFileSync(tmp, e.text ?? '', e.secret ? { mode: 0o600 } : {});
      // The mode given to writeFileSync passes through the umask; a key must end up 0600 whatever it is.
      if (e.secret) chmodSync(tmp, 0o600);
    }
  } catch (err) {
    for (const s of staged) rmSync(s.tmp, { force: true });
    throw err;
  }
  for (const s of staged) renameSync(s.tmp, s.to);
}
