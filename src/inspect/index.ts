import type { Diagnostic } from '../errors/index.js';
import type { ResolvedEntry, ResolvedStore } from '../resolve/index.js';

/** Facts read from a release's archives. */
export interface BundleFacts {
  /** The section of CHANGELOG.md for this version. */
  changelog?: string;
  /** appinfo/info.xml as plain data. */
  info?: unknown;
}

/** What inspection found: problems, and facts per release. */
export interface InspectReport {
  diagnostics: Diagnostic[];
  /** Facts of a release, by app id and version. */
  facts: (app: string, version: string) => BundleFacts | undefined;
}

/** Options of {@link inspectStore}. */
export interface InspectOptions {
  /** Absolute path of an entry's archive bytes: the committed file, or the verified download; undefined when not available. */
  archivePath: (entry: ResolvedEntry) => string | undefined;
}

export { fetchRemoteArchives, type FetchReport, type FetchOptions } from './fetch.js';

/** Reads every app bundle safely (streamed, never extracted) and checks it against the rules. */
export async function inspectStore(_store: ResolvedStore, _opts: InspectOptions): Promise<InspectReport> {
  return { diagnostics: [], facts: () => undefined };
}
