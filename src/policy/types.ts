import type { LoadedStore } from '../load/index.js';
import type { ResolvedStore } from '../resolve/index.js';

/** One side of a pull request: the store as loaded and resolved, plus the bytes-level facts the rules compare. */
export interface StoreSnapshot {
  /** The store folder as users see it (`store`). Base files are shown under this path too, never under a temp folder. */
  display: string;
  /** Every store file as parsed (used to point at lines). */
  loaded: LoadedStore;
  /** The resolved store; undefined when store.yaml itself is unusable. */
  store?: ResolvedStore;
  /** PEM text of each app's certificate by app id (from the file named in app.yaml, or inline). */
  certificates: ReadonlyMap<string, string>;
  /** sha256 of committed archives by store-relative path; only the archives the rules need are hashed. */
  archives: ReadonlyMap<string, string | undefined>;
}

/** What the policy compares: the base (the default branch), the head (the pull request) and who opened it. */
export interface PolicyInput {
  base: StoreSnapshot;
  head: StoreSnapshot;
  /** Store-relative paths that differ between base and head (from git). */
  changed: readonly string[];
  /** The pull-request author; ownership is checked only when given. */
  actor?: string;
  /**
   * Admin-only files the change touches outside the store folder (workflows, package files,
   * CODEOWNERS; with `check --repo`, every file outside the store), as shown to users.
   */
  outside?: readonly string[];
}
