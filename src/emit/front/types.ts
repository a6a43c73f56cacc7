import type { ApiFeeds } from '../../schema/index.js';
import type { PlatformRolloutFile } from '../../schema/index.js';

/** A release as `api/v1/apps/<id>.json` gives it (the fields the pages use). */
export interface DocRelease {
  version: string;
  release: number | null;
  createdAt: string | null;
  date: string | null;
  commit?: string;
  pullRequest?: number;
  live: string[];
  channels: string[];
  rollout: Record<string, number>;
  /** Per-platform overrides of `rollout`, when the release has any. */
  platformRollout?: PlatformRolloutFile[];
  changelog: string;
  nightly: boolean;
  yanked: boolean;
  yankReason?: string;
  signed: boolean | null;
  docker?: { image: string; tag: string; digest?: string; ref: string };
  info?: { screenshot?: { url: string }[] };
  files: {
    os: string;
    architectures: string[];
    osversion: string;
    appversion: string;
    format: string;
    url: string;
    size: number;
    sha256: string;
    signature?: string;
  }[];
}

/** `api/v1/apps/<id>.json`: the data an app page is rendered from. */
export interface AppDoc {
  id: string;
  name: string;
  summary: string;
  description: string;
  authors: { name: string; email?: string; homepage?: string }[];
  owners: string[];
  categories: string[];
  license?: string;
  homepage?: string;
  dockerImage?: string;
  locked: boolean;
  pins: Record<string, string>;
  live: Record<string, string | null>;
  latest: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  channels: { name: string; maturity: string; description?: string; nightly: boolean; order: number }[];
  /** The app's feeds for the updaters apps ship, by feed name (URLs). */
  feeds: ApiFeeds;
  releases: DocRelease[];
  releaseLog: ({ kind: string; date: string | null; sha?: string; pr?: number; author?: string } & Record<string, unknown>)[];
}

/**
 * What one app adds to the store-wide pages (home, categories, search index, store feed): kept in
 * the app's build record so those pages are assembled without reading the app again.
 */
export interface FrontCard {
  id: string;
  name: string;
  summary: string;
  /** Site path of the icon, when the app has one. */
  icon?: string;
  categories: string[];
  /** OS ids with files (and `docker` for docker releases). */
  platforms: string[];
  latest: string | null;
  updatedAt: string | null;
  /** The description as plain text, cut short (searched, not shown). */
  text: string;
  /** The newest releases, for the store's feed. */
  recent: { version: string; release: number | null; date: string | null; yanked: boolean; html: string }[];
}

/** Store-level inputs of every page (part of each page's key). */
export interface FrontStore {
  name: string;
  description?: string;
  baseUrl?: string;
  categories: { id: string; name: string; description?: string }[];
  /** The repository's web URL, for pull-request links (from `repository` in store.yaml when given). */
  repository?: string;
}
