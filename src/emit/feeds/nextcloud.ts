import {
  admittedReleases,
  appPlatforms,
  type ReleaseLanding,
  type ResolvedApp,
  type ResolvedEntry,
  type ResolvedRelease,
  type ResolvedStore,
} from '../../resolve/index.js';
import type { NextcloudApp } from '../../schema/feeds.js';
import type { InfoXml } from '../../schema/info-xml.js';
import { stableJson } from '../../util/stable-json.js';
import { contentKey } from '../content-key.js';
import { utf8, type SiteFiles } from '../site-files.js';
import { entryUrl, siteUrl } from '../urls.js';
import { defineFeed, type FeedContext } from './format.js';

/**
 * The Nextcloud server's app store API, `feeds/nextcloud/apps.json` and `categories.json`: a
 * Nextcloud server whose `appstoreurl` is that folder installs and updates the store's bundles.
 * Store-wide, assembled from one entry per app with bundle releases.
 */
export const nextcloudFeed = defineFeed<'nextcloud', NextcloudPart>({
  name: 'nextcloud',
  plan(store, app) {
    if (!hasNextcloudReleases(app)) return undefined;
    return { urls: siteUrl(store.baseUrl, NEXTCLOUD_DIR), part: (ctx, sourceKey) => nextcloudPart(store, app, ctx, sourceKey) };
  },
  storeWide: emitNextcloud,
  describe: (url) => [{ label: "Nextcloud server's appstoreurl", url }],
});

/** Whether the app has Nextcloud bundle releases (it is then in the Nextcloud feed). */
function hasNextcloudReleases(app: ResolvedApp): boolean {
  return app.bundle && app.releases.some((r) => r.entries.some((e) => e.os === 'nextcloud'));
}

/** One app's entry of `feeds/nextcloud/apps.json`, with the key of its inputs. */
export interface NextcloudPart {
  key: string;
  entry: NextcloudApp;
}

/** Where the Nextcloud feed is published: a Nextcloud server's `appstoreurl` is this folder's URL. */
const NEXTCLOUD_DIR = 'feeds/nextcloud';

/**
 * The app's entry of the Nextcloud feed, in the fields and types of the Nextcloud app store's
 * `apps.json`; undefined for apps without Nextcloud bundle releases. Its releases are every
 * bundle release some channel serves to every client (rollout complete, not yanked, the pin of
 * a pinned channel), and the one served nightly: the Nextcloud server itself offers pre-releases
 * only on its beta channel and nightlies only on daily.
 */
function nextcloudPart(store: ResolvedStore, app: ResolvedApp, ctx: FeedContext, sourceKey?: string): NextcloudPart {
  const landings = ctx.landings(app);
  // Per Nextcloud platform, so a per-platform halt of the bundles keeps them out of the feed.
  const platforms = appPlatforms(app).filter((p) => p.os === 'nextcloud');
  const served = new Set(store.channels.flatMap((c) => platforms.flatMap((p) => admittedReleases(store, app, c, 99, p))));
  const releases = app.releases.filter((r) => served.has(r) && r.entries.some(isBundle));
  const facts = releases.map((r) => ctx.facts(app.id, r.version) ?? null);
  const certificate = ctx.certificate(app.id) ?? '';
  const key = contentKey('nextcloud-app', {
    baseUrl: store.baseUrl ?? null,
    app: sourceKey ?? app,
    landings: [...landings],
    facts,
    certificate,
    served: releases.map((r) => r.version),
  });
  const info = (r: ResolvedRelease) => ctx.facts(app.id, r.version)?.info as InfoXml | undefined;
  const newest = releases.map(info).find((i) => i !== undefined);
  const dates = releases
    .flatMap((r) => [landings.get(r.version)?.createdAt, landings.get(r.version)?.updatedAt, r.date])
    .flatMap((d) => (d ? [iso(d)] : []))
    .filter((d): d is string => d !== null)
    .sort();
  const docs = newest?.documentation;
  const entry: NextcloudApp = {
    id: app.id,
    categories: [...(app.categories.length ? app.categories : (newest?.category ?? ['tools']))],
    userDocs: docs?.user ?? '',
    adminDocs: docs?.admin ?? '',
    developerDocs: docs?.developer ?? '',
    issueTracker: newest?.bugs ?? '',
    website: newest?.website ?? app.homepage ?? '',
    discussion: newest?.discussion ?? '',
    created: dates[0] ?? null,
    lastModified: dates[dates.length - 1] ?? null,
    isFeatured: false,
    authors: (newest?.author ?? app.authors.map((a) => ({ name: a.name, mail: a.email, homepage: a.homepage }))).map((a) => ({
      name: a.name,
      mail: a.mail ?? '',
      homepage: a.homepage ?? '',
    })),
    ratingRecent: 0.5,
    ratingOverall: 0.5,
    ratingNumRecent: 0,
    ratingNumOverall: 0,
    certificate,
    translations: translations(app, newest),
    screenshots: (newest?.screenshot ?? []).map((s) => ({ url: s.url, smallThumbnail: s['small-thumbnail'] ?? '' })),
    releases: releases.map((r) => releaseJson(store, app, r, info(r), landings.get(r.version), ctx)),
  };
  return { key, entry };
}

/**
 * `feeds/nextcloud/apps.json` and `categories.json` from the parts of every app, in store order.
 * Lazy and keyed by the parts' keys, as the catalog: made again only when an app's part changed.
 */
function emitNextcloud(parts: readonly NextcloudPart[], files: SiteFiles): void {
  if (!parts.length) return;
  const key = contentKey(
    'nextcloud',
    parts.map((p) => p.key),
  );
  files.set(`${NEXTCLOUD_DIR}/apps.json`, { key, make: () => utf8(JSON.stringify(parts.map((p) => p.entry))) });
  const ids = [...new Set(parts.flatMap((p) => p.entry.categories))].sort();
  files.set(`${NEXTCLOUD_DIR}/categories.json`, {
    key: contentKey('nextcloud-categories', ids),
    make: () => utf8(stableJson(ids.map((id) => ({ id, translations: { en: { name: titleOf(id), description: '' } } })))),
  });
}

/**
 * A Nextcloud version spec from info.xml's min/max: the app store's semantic spec (`>=30.0.0 <33.0.0`
 * for min 30, max 32: the maximum's last given part raised by one) and the raw one (`>=30 <=32`).
 */
export function versionSpecs(min?: string, max?: string): { spec: string; raw: string } {
  const spec = [min && `>=${pad(min)}`, max && `<${pad(bump(max))}`].filter(Boolean).join(' ') || '*';
  const raw = [min && `>=${min}`, max && `<=${max}`].filter(Boolean).join(' ') || '*';
  return { spec, raw };
}

// --- internal ---

const isBundle = (e: ResolvedEntry) => e.os === 'nextcloud';

function releaseJson(
  store: ResolvedStore,
  app: ResolvedApp,
  r: ResolvedRelease,
  info: InfoXml | undefined,
  landing: ReleaseLanding | undefined,
  ctx: FeedContext,
): NextcloudApp['releases'][number] {
  const e = r.entries.find(isBundle)!;
  const deps = info?.dependencies;
  const platform = versionSpecs(deps?.nextcloud?.['min-version'], deps?.nextcloud?.['max-version']);
  const php = versionSpecs(deps?.php?.['min-version'], deps?.php?.['max-version']);
  const created = iso(landing?.createdAt ?? r.date ?? '') ?? null;
  const changelog = r.changelog ?? ctx.facts(app.id, r.version)?.changelog ?? '';
  return {
    version: r.version,
    phpExtensions: (deps?.lib ?? []).map((l) => ({ id: l.name, ...specPair(l['min-version'], l['max-version']) })),
    databases: (deps?.database ?? []).map((d) => ({ id: d.name, ...specPair(d['min-version'], d['max-version']) })),
    shellCommands: [...(deps?.command ?? [])],
    phpVersionSpec: php.spec,
    platformVersionSpec: platform.spec,
    minIntSize: deps?.php?.['min-int-size'] === '64' ? 64 : 32,
    download: entryUrl(store.baseUrl, r, e),
    created,
    licenses: [...(info?.licence ?? (app.license ? [app.license] : []))],
    lastModified: iso(landing?.updatedAt ?? '') ?? created,
    isNightly: r.nightly,
    rawPhpVersionSpec: php.raw,
    rawPlatformVersionSpec: platform.raw,
    signature: e.signature ?? '',
    signatureDigest: 'sha512' as const,
    translations: { en: { changelog } },
  };
}

function specPair(min?: string, max?: string) {
  const s = versionSpecs(min, max);
  return { versionSpec: s.spec, rawVersionSpec: s.raw };
}

function translations(app: ResolvedApp, info: InfoXml | undefined): Record<string, { name: string; summary: string; description: string }> {
  const out: Record<string, { name: string; summary: string; description: string }> = {};
  const langs = new Set([
    'en',
    ...Object.keys(info?.name ?? {}),
    ...Object.keys(info?.summary ?? {}),
    ...Object.keys(info?.description ?? {}),
  ]);
  const pick = (m: Record<string, string> | undefined, lang: string) => m?.[lang] ?? m?.en;
  for (const lang of [...langs].sort()) {
    out[lang] = {
      name: pick(info?.name as Record<string, string> | undefined, lang) ?? app.name,
      summary: pick(info?.summary as Record<string, string> | undefined, lang) ?? app.summary ?? '',
      description: pick(info?.description as Record<string, string> | undefined, lang) ?? app.description ?? '',
    };
  }
  return out;
}

/** "30" → "30.0.0", "9.1" → "9.1.0". */
const pad = (v: string): string => [...v.split('.'), '0', '0'].slice(0, 3).join('.');

/** The version right after the last given part: "32" → "33", "9.1" → "9.2". */
function bump(v: string): string {
  const parts = v.split('.');
  parts[parts.length - 1] = String(Number(parts[parts.length - 1]) + 1);
  return parts.join('.');
}

function iso(d: string): string | null {
  const t = Date.parse(d);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

const titleOf = (id: string): string =>
  id
    .split(/[-_]/)
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(' ');
