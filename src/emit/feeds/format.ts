import type { ReleaseLanding, ResolvedApp, ResolvedRelease, ResolvedStore } from '../../resolve/index.js';
import type { ApiFeeds } from '../../schema/index.js';
import type { FactsLookup } from '../emit-api.js';
import type { SiteFiles } from '../site-files.js';

/** What the feeds of a build read besides the resolved store: the facts verify and inspect found. */
export interface FeedContext {
  /** Changelogs (and info.xml) found in bundles, for releases whose file has none. */
  facts: FactsLookup;
  /** Base64 SHA-512 of an entry's archive (computed by verify, cached with the archive's other facts). */
  sha512: (app: string, version: string, entry: number) => string | undefined;
  /** When each release landed (its date when the release file gives none). */
  landings: (app: ResolvedApp) => ReadonlyMap<string, ReleaseLanding>;
  /** The app certificate as PEM, when it has one. */
  certificate: (app: string) => string | undefined;
}

/** A feed's name: the key of its URLs in the app's API document (`feeds.<name>`) and of its part in the build records. */
export type FeedName = keyof ApiFeeds;

/** One app's feed of one format, as planned from the resolved store alone (no file is made yet). */
export interface AppFeed<N extends FeedName, Part> {
  /** What the app's API document lists under `feeds.<name>` (URLs, absolute with a baseUrl). */
  urls: NonNullable<ApiFeeds[N]>;
  /**
   * Where the files it makes appear in the site: site path → path inside the app's feed object
   * (a folder or a file). Every format's files of an app share one object, `feeds/<app>`.
   */
  links?: Readonly<Record<string, string>>;
  /** The releases its files show: their landing dates, changelogs and SHA-512 join the object's key. */
  shows?: readonly ResolvedRelease[];
  /**
   * Makes its files, at the paths `links` points into. It may read only what the object's key
   * covers — the app, the store's name, channels and baseUrl, and the `shows` releases' dates,
   * changelogs and SHA-512 — or an unchanged key would keep stale files; anything else goes into a `part`.
   */
  emit?: (ctx: FeedContext, files: SiteFiles) => void;
  /**
   * Its share of a store-wide file (JSON, kept in the app's build record so an unchanged app
   * contributes without being loaded). It carries its own key when the store-wide file is lazy.
   */
  part?: (ctx: FeedContext, sourceKey?: string) => Part;
}

/**
 * A feed for an updater apps already ship: the one thing a new feed adds to the emitter, beside
 * its schema in `src/schema/feeds.ts`. Per-app files go into the app's feed object; store-wide
 * files are assembled from per-app parts.
 */
export interface FeedFormat<N extends FeedName = FeedName, Part = unknown> {
  name: N;
  /** Plans the app's feed, undefined when the app has nothing its updater installs. */
  plan: (store: ResolvedStore, app: ResolvedApp) => AppFeed<N, Part> | undefined;
  /** The store-wide files, from the parts of every app that has one (in app id order). */
  storeWide?: (parts: readonly Part[], files: SiteFiles) => void;
  /** The links the store front shows for the app's feed (label and URL, from the API document's entry). */
  describe: (urls: NonNullable<ApiFeeds[N]>) => { label: string; url: string }[];
}

/** A feed format in the list of formats, its name and part types erased (the list holds formats of every name). */
export interface RegisteredFeed {
  name: FeedName;
  plan: (store: ResolvedStore, app: ResolvedApp) => AppFeed<FeedName, unknown> | undefined;
  storeWide?: (parts: readonly unknown[], files: SiteFiles) => void;
  describe: (urls: unknown) => { label: string; url: string }[];
}

/** A feed format, type-checked against its API entry and part, ready for the list of formats. */
export const defineFeed = <N extends FeedName, Part = never>(format: FeedFormat<N, Part>): RegisteredFeed =>
  format as unknown as RegisteredFeed;

/** How a feed dates a release: its own date, else when it landed; ISO 8601, null when unknown. */
export function feedDate(ctx: FeedContext, app: ResolvedApp): (r: ResolvedRelease) => string | null {
  const landings = ctx.landings(app);
  return (r) => isoDate(r.date ?? landings.get(r.version)?.createdAt ?? undefined);
}

/** A release's notes in a feed: its changelog, else the bundle's, else empty. */
export const feedNotes =
  (ctx: FeedContext, app: ResolvedApp) =>
  (r: ResolvedRelease): string =>
    r.changelog ?? ctx.facts(app.id, r.version)?.changelog ?? '';

function isoDate(d: string | undefined): string | null {
  if (!d) return null;
  const t = Date.parse(d);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
