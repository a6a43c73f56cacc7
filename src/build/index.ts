// The entry of a build that loads the stages only after it has started git: the history's git
// processes then run while the ~250 modules of the stages load (~0.15 s of a two-second
// incremental build). It imports nothing heavy itself.
import path from 'node:path';
import { assertSafeOutDir } from '../emit/write-output.js';
import { readStoreHistoryInBackground } from '../load/git-history.js';
import { defaultCacheDir } from './cache-dir.js';
import type { BuildOptions, BuildResult } from './pipeline.js';

export type { BuildOptions, BuildResult, CheckOptions, CheckResult } from './pipeline.js';

/**
 * Checks the store and, when it has no errors, emits the static site and writes it atomically.
 * Apps whose inputs are unchanged since an earlier build (same files, same store settings, same
 * code, same signing key and day) are taken from that build's records without being loaded,
 * checked or emitted again (docs/manifests.md, "Incremental builds").
 */
export async function buildStore(opts: BuildOptions = {}): Promise<BuildResult> {
  const storeDir = opts.storeDir ?? 'store';
  assertSafeOutDir(opts.outDir ?? 'dist', storeDir);
  const reading = readStoreHistoryInBackground(path.resolve(storeDir), { cacheDir: opts.cacheDir ?? defaultCacheDir(storeDir) });
  const { runBuild } = await import('./pipeline.js');
  return runBuild(opts, reading);
}
