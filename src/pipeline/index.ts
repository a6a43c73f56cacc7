// The entry of a build that loads the stages only after it has started git: the history's git
// processes then run while the ~250 modules of the stages load (~0.15 s of a two-second
// incremental build). It imports nothing heavy itself.
import { resolveConfig } from '../config/index.js';
import { assertSafeOutDir } from '../emit/write-output.js';
import { readStoreHistoryInBackground } from '../load/git-history.js';
import type { BuildOptions, BuildResult } from './check-and-build.js';

export type { BuildOptions, BuildResult } from './check-and-build.js';

/**
 * Checks the store and, when it has no errors, emits the static site and writes it atomically.
 * Apps whose inputs are unchanged since an earlier build (same files, same store settings, same
 * code, same signing key and day) are taken from that build's records without being loaded,
 * checked or emitted again (docs/manifests.md, "Incremental builds").
 */
export async function buildStore(opts: BuildOptions = {}): Promise<BuildResult> {
  const config = opts.config ?? resolveConfig(opts);
  assertSafeOutDir(config.outDir, config.root);
  const reading = readStoreHistoryInBackground(config.root, { cacheDir: config.cacheDir });
  const { runBuild } = await import('./check-and-build.js');
  return runBuild(config, { write: opts.write, publicDir: opts.publicDir, onStage: opts.onStage, onProgress: opts.onProgress }, reading);
}
