import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { appId } from '../schema/_fragments.js';

const APP_ID = new RegExp(appId.pattern);

/**
 * The file name (without extension) of an app's shard in a per-app cache: its id when it is a
 * valid app id (safe in a file name), else `_h` + the SHA-1 of it, which no app id can be.
 */
export function cacheShardName(app: string): string {
  return APP_ID.test(app) ? app : `_h${createHash('sha1').update(app).digest('hex')}`;
}

/**
 * A file's size and stat stamp (mtime and ctime in nanoseconds and the inode: any write to the
 * file changes its ctime), as make and git judge a file unchanged; undefined when it is gone.
 */
export function fileStamp(abs: string): { size: number; stamp: string } | undefined {
  const s = statSync(abs, { bigint: true, throwIfNoEntry: false });
  return s && { size: Number(s.size), stamp: `${s.mtimeNs}:${s.ctimeNs}:${s.ino}` };
}
