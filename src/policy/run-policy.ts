import { isStoreFileProblem, readStoreFile, storeRelative } from '../util/store-files.js';
import path from 'node:path';
import type { Diagnostic } from '../errors/index.js';
import { resolveConfig, type ConfigInput, type ResolvedConfig } from '../config/index.js';
import { loadStore } from '../load/index.js';
import { resolveStore, type ResolvedStore } from '../resolve/index.js';
import { sha256Hex } from '../util/hash.js';
import { displayPath } from '../util/paths.js';
import { validateDocs } from '../validate/index.js';
import { changedOutside, changedPaths, isAdminFile, locateStore, readStoreAt } from './git.js';
import { checkPolicy } from './rules.js';
import type { StoreSnapshot } from './types.js';

/** Options of {@link runPolicy}. */
export interface PolicyOptions extends Pick<ConfigInput, 'storeDir'> {
  /** The settings resolved by the caller (its store folder is the pull request's head). */
  config?: ResolvedConfig;
  /** The git ref of the base, e.g. `origin/main`. */
  base: string;
  /** The pull-request author; ownership is checked only when given. */
  actor?: string;
  /** Every file outside the store folder is admin-only (a repository that holds only the store). @default false: only {@link isAdminFile} files */
  repo?: boolean;
}

/** What the policy found, with both sides for the release-candidate summary. */
export interface PolicyResult {
  diagnostics: Diagnostic[];
  base: StoreSnapshot;
  head: StoreSnapshot;
  /** Store-relative paths the pull request changes. */
  changed: string[];
  /** The commit the base ref points to. */
  baseCommit: string;
}

function readCertificates(store: ResolvedStore | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const app of store?.apps ?? []) {
    const cert = app.certificate;
    if (!cert) continue;
    if (cert.includes('-----BEGIN')) out.set(app.id, cert);
    else {
      // The check itself reports a path that leaves the store or a link; here it is just not compared.
      const rel = storeRelative(path.posix.dirname(app.rel), cert);
      const read = rel === undefined ? undefined : readStoreFile(store!.root, rel, store!.limits.storeFileSize);
      if (read && !isStoreFileProblem(read)) out.set(app.id, read.bytes.toString('utf8').replace(/\r\n/g, '\n'));
    }
  }
  return out;
}

/** Loads and resolves one side of a pull request (the archive hashes are added by {@link hashArchives}). */
export function snapshotStore(
  storeDir: string | undefined,
  display: string,
): StoreSnapshot & { archives: Map<string, string | undefined> } {
  if (!storeDir) return { display, loaded: { root: '', apps: [], diagnostics: [] }, certificates: new Map(), archives: new Map() };
  const loaded = loadStore(storeDir);
  // The base's own problems are not the pull request's; only its resolved data is compared.
  const { store } = resolveStore(validateDocs(loaded));
  return { display, loaded, store, certificates: readCertificates(store), archives: new Map() };
}

/** Records the sha256 of these store-relative archives (undefined for a missing one). */
function hashArchives(snap: ReturnType<typeof snapshotStore>, rels: readonly string[]): void {
  for (const rel of rels) {
    const read = snap.loaded.root ? readStoreFile(snap.loaded.root, rel, Number.MAX_SAFE_INTEGER) : undefined;
    snap.archives.set(rel, read && !isStoreFileProblem(read) ? sha256Hex(read.bytes) : undefined);
  }
}

/**
 * `check --base REF`: reads the store at REF from git, loads and resolves both sides with the
 * regular stages, and applies the pull-request policy. Only the archives of released versions that
 * git reports as changed are hashed, so the cost follows the size of the pull request.
 */
export async function runPolicy(opts: PolicyOptions): Promise<PolicyResult> {
  const storeDir = (opts.config ?? resolveConfig(opts)).root;
  const loc = await locateStore(storeDir, opts.base);
  const atRef = await readStoreAt(loc, opts.base);
  try {
    const changed = await changedPaths(loc, opts.base);
    const display = displayPath(storeDir);
    const base = snapshotStore(atRef.storeDir, display);
    const head = snapshotStore(storeDir, display);
    const released = new Set(base.store?.apps.flatMap((a) => a.releases.flatMap((r) => r.entries.flatMap((e) => e.file ?? []))));
    const touched = changed.filter((p) => released.has(p));
    hashArchives(base, touched);
    hashArchives(head, touched);
    const outside = (await changedOutside(loc, opts.base))
      .filter((p) => opts.repo || isAdminFile(p))
      .map((p) => displayPath(path.join(loc.root, p)));
    // Links among the changed files are E_SYMLINK from loading the head: nothing is read through them.
    const diagnostics = [...checkPolicy({ base, head, changed, actor: opts.actor, outside })];
    return { diagnostics, base, head, changed, baseCommit: atRef.commit };
  } finally {
    atRef.cleanup();
  }
}
