import type { ResolvedApp, ResolvedStore } from '../../resolve/index.js';
import type { ApiFeeds } from '../../schema/index.js';
import { contentKey } from '../content-key.js';
import type { SiteFiles } from '../site-files.js';
import type { SiteObject } from '../site-objects.js';
import { FEED_FORMATS } from './formats.js';
import type { AppFeed, FeedContext, FeedName, RegisteredFeed } from './format.js';

/** Every feed format's share of store-wide files for one app, by feed name (kept in its build record). */
export type FeedParts = Readonly<Partial<Record<FeedName, unknown>>>;

/**
 * The app's per-app feeds as one object (`feeds/<app>` in `<out>.objects/`), linked into the site
 * where each format says (`feeds/electron/<app>`, `feeds/sparkle/<app>.xml` …). Undefined for an
 * app with none. Keyed like the manifests, without the signing freshness: feeds are not signed
 * by the store, so a daily re-sign leaves them as they are.
 */
export function feedObject(store: ResolvedStore, app: ResolvedApp, ctx: FeedContext, sourceKey?: string): SiteObject | undefined {
  const feeds = planned(store, app).filter(({ feed }) => feed.links && feed.emit);
  if (!feeds.length) return undefined;
  const shown = new Set(feeds.flatMap(({ feed }) => feed.shows ?? []));
  const landings = ctx.landings(app);
  const inputs = {
    store: { name: store.name, channels: store.channels, includeMoreMature: store.includeMoreMature, baseUrl: store.baseUrl ?? null },
    formats: feeds.map(({ format }) => format.name),
    app: sourceKey ?? app,
    releases: app.releases
      .filter((r) => shown.has(r))
      .map((r) => ({
        v: r.version,
        date: landings.get(r.version)?.createdAt ?? null,
        changelog: r.changelog === undefined ? (ctx.facts(app.id, r.version)?.changelog ?? null) : null,
        sha512: r.entries.map((e) => ctx.sha512(app.id, r.version, e.index) ?? null),
      })),
  };
  return {
    path: `feeds/${app.id}`,
    key: contentKey('feeds', inputs).slice(0, 32),
    links: Object.assign({}, ...feeds.map(({ feed }) => feed.links)) as Record<string, string>,
    emit: () => {
      const files: SiteFiles = new Map();
      for (const { feed } of feeds) feed.emit!(ctx, files);
      return files;
    },
  };
}

/** What the app's API document lists under `feeds` (the same plan as {@link feedObject}). */
export function feedUrls(store: ResolvedStore, app: ResolvedApp): ApiFeeds {
  return Object.fromEntries(planned(store, app).map(({ format, feed }) => [format.name, feed.urls])) as ApiFeeds;
}

/** The app's shares of store-wide feed files, undefined when it has none. */
export function feedParts(store: ResolvedStore, app: ResolvedApp, ctx: FeedContext, sourceKey?: string): FeedParts | undefined {
  const parts = planned(store, app).flatMap(({ format, feed }) => (feed.part ? [[format.name, feed.part(ctx, sourceKey)]] : []));
  return parts.length ? Object.fromEntries(parts) : undefined;
}

/** The store-wide feed files, from every app's parts (`apps` in app id order). */
export function emitStoreWideFeeds(apps: readonly (FeedParts | undefined)[], files: SiteFiles): void {
  for (const format of FEED_FORMATS) {
    if (!format.storeWide) continue;
    const parts = apps.flatMap((a) => (a?.[format.name] === undefined ? [] : [a[format.name]]));
    if (parts.length) format.storeWide(parts, files);
  }
}

/** The links the store front shows for an app's feeds, from its API document's `feeds`. */
export function feedLinks(urls: ApiFeeds): { label: string; url: string }[] {
  return FEED_FORMATS.flatMap((format) => {
    const entry = urls[format.name];
    return entry === undefined ? [] : format.describe(entry);
  });
}

// --- internal ---

type Planned = { format: RegisteredFeed; feed: AppFeed<FeedName, unknown> };

// Planned once per app and build: the API document, the feed object and the parts all ask.
const plans = new WeakMap<ResolvedApp, Planned[]>();

function planned(store: ResolvedStore, app: ResolvedApp): Planned[] {
  let list = plans.get(app);
  if (list) return list;
  list = [];
  for (const format of FEED_FORMATS) {
    const feed = format.plan(store, app);
    if (feed) list.push({ format, feed });
  }
  plans.set(app, list);
  return list;
}
