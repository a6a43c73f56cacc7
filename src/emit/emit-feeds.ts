import semver from 'semver';
import { Scalar, stringify as yamlStringify } from 'yaml';
import {
  admittedReleases,
  appPlatforms,
  breakpoints,
  candidatesAt,
  filesFor,
  type Platform,
  type ReleaseLanding,
  type ResolvedApp,
  type ResolvedChannel,
  type ResolvedEntry,
  type ResolvedRelease,
  type ResolvedStore,
} from '../resolve/index.js';
import type { TauriFeed } from '../schema/feeds.js';
import { stableJson } from '../util/stable-json.js';
import { contentKey } from './content-key.js';
import type { FactsLookup } from './emit-api.js';
import { utf8, type SiteFiles } from './site-files.js';
import type { SiteObject } from './site-objects.js';
import { entryUrl, siteUrl } from './urls.js';

/** What the feeds of a build read besides the resolved store. */
export interface FeedContext {
  /** Changelogs found in bundles, for releases whose file has none. */
  facts: FactsLookup;
  /** Base64 SHA-512 of an entry's archive (computed by verify, cached with the archive's other facts). */
  sha512: (app: string, version: string, entry: number) => string | undefined;
  /** When each release landed (its date when the release file gives none). */
  landings: (app: ResolvedApp) => ReadonlyMap<string, ReleaseLanding>;
}

/** The feed URLs of an app, as its API document lists them (site-relative without a baseUrl). */
export interface FeedUrls {
  /** electron-updater generic provider: the folder URL, and the channel files in it. */
  electron?: { url: string; files: string[] };
  /** The Sparkle appcast (SUFeedURL). */
  sparkle?: string;
  /** Tauri v2 updater endpoint per channel. */
  tauri?: Record<string, string>;
  /** The Nextcloud server's `appstoreurl` (the app is in its apps.json). */
  nextcloud?: string;
}

/**
 * The app's feeds for the updaters apps already ship, as one object: `electron/<channel>.yml`
 * (+ `-mac`, `-linux`, `-linux-<arch>`, and `latest*.yml` for the most mature channel),
 * `sparkle.xml`, `tauri/<channel>.json`, linked into the site as `feeds/electron/<app>/`,
 * `feeds/sparkle/<app>.xml` and `feeds/tauri/<app>/`. Undefined for an app with none (no
 * desktop files). Keyed like the manifests, without the signing freshness: feeds are not signed
 * by the store, so a daily re-sign leaves them as they are.
 */
export function feedObject(store: ResolvedStore, app: ResolvedApp, ctx: FeedContext, sourceKey?: string): SiteObject | undefined {
  const plan = planFeeds(store, app);
  const links: Record<string, string> = {};
  if (plan.electron.length) links[`feeds/electron/${app.id}`] = 'electron';
  if (plan.sparkle.length) links[`feeds/sparkle/${app.id}.xml`] = 'sparkle.xml';
  if (plan.tauri.length) links[`feeds/tauri/${app.id}`] = 'tauri';
  if (!Object.keys(links).length) return undefined;
  const landings = ctx.landings(app);
  const used = app.releases.filter((r) => plan.releases.has(r));
  const inputs = {
    store: { name: store.name, channels: store.channels, includeMoreMature: store.includeMoreMature, baseUrl: store.baseUrl ?? null },
    app: sourceKey ?? app,
    releases: used.map((r) => ({
      v: r.version,
      date: landings.get(r.version)?.createdAt ?? null,
      changelog: r.changelog === undefined ? (ctx.facts(app.id, r.version)?.changelog ?? null) : null,
      sha512: r.entries.map((e) => ctx.sha512(app.id, r.version, e.index) ?? null),
    })),
  };
  return {
    path: `feeds/${app.id}`,
    key: contentKey('feeds', inputs).slice(0, 32),
    links,
    emit: () => {
      const files: SiteFiles = new Map();
      emitFeeds(store, app, ctx, plan, files);
      return files;
    },
  };
}

/** The feed URLs an app's API document lists (the same decision as {@link feedObject}). */
export function feedUrls(store: ResolvedStore, app: ResolvedApp): FeedUrls {
  const plan = planFeeds(store, app);
  const url = (rel: string) => siteUrl(store.baseUrl, rel);
  const out: FeedUrls = {};
  if (plan.electron.length)
    out.electron = { url: url(`feeds/electron/${app.id}/`), files: [...new Set(plan.electron.map((f) => f.name))].sort() };
  if (plan.sparkle.length) out.sparkle = url(`feeds/sparkle/${app.id}.xml`);
  if (plan.tauri.length) out.tauri = Object.fromEntries(plan.tauri.map((t) => [t.channel, url(`feeds/tauri/${app.id}/${t.channel}.json`)]));
  if (hasNextcloudReleases(app)) out.nextcloud = url('feeds/nextcloud');
  return out;
}

/** Electron's file suffix for an (os, arch): electron-builder's names (`-mac`, `-linux`, `-linux-arm64` …); undefined for other OSes. */
export function electronSuffix(os: string, arch: string): string | undefined {
  if (os === 'windows') return '';
  if (os === 'osx') return '-mac';
  if (os !== 'linux') return undefined;
  const node = NODE_ARCH[arch] ?? arch;
  return node === 'x64' ? '-linux' : `-linux-${node}`;
}

/** Tauri's platform key `<os>-<arch>` for an (os, arch), undefined when Tauri has no name for it. */
export function tauriTarget(os: string, arch: string): string | undefined {
  const tos = TAURI_OS[os];
  const tarch = TAURI_ARCH[arch];
  return tos && tarch ? `${tos}-${tarch}` : undefined;
}

/** Whether the app has Nextcloud bundle releases (it is then in the Nextcloud feed). */
export function hasNextcloudReleases(app: ResolvedApp): boolean {
  return app.bundle && app.releases.some((r) => r.entries.some((e) => e.os === 'nextcloud'));
}

// --- internal ---

const DESKTOP = new Set(['windows', 'osx', 'linux']);
const NODE_ARCH: Record<string, string> = { 'x86-64': 'x64', arm64: 'arm64', x86: 'ia32', armv7: 'armv7l' };
const TAURI_OS: Record<string, string> = { windows: 'windows', osx: 'darwin', linux: 'linux' };
const TAURI_ARCH: Record<string, string> = { 'x86-64': 'x86_64', arm64: 'aarch64', x86: 'i686', armv7: 'armv7' };
/** Tauri v2's `<os>-<arch>-<installer>` keys, by our format names. */
const TAURI_INSTALLER: Record<string, string> = { msi: 'msi', exe: 'nsis', appimage: 'appimage', deb: 'deb', rpm: 'rpm', app: 'app' };

/** One electron channel file: the release served at percentile 0 and the entries it offers there. */
interface ElectronFile {
  name: string;
  release: ResolvedRelease;
  entries: ResolvedEntry[];
  /** Percent of clients the release reaches on the channel, when below 100. */
  staging?: number;
}

/** Sparkle items: releases with a macOS archive, and the channel each belongs to (undefined: the default). */
interface SparkleItem {
  release: ResolvedRelease;
  entry: ResolvedEntry;
  channel?: string;
  phased: boolean;
}

interface TauriFile {
  channel: string;
  release: ResolvedRelease;
  platforms: [key: string, entry: ResolvedEntry][];
}

interface FeedPlan {
  electron: ElectronFile[];
  sparkle: SparkleItem[];
  tauri: TauriFile[];
  /** Every release some feed shows (their dates, changelogs and checksums are in the key). */
  releases: Set<ResolvedRelease>;
}

// Planned once per app and build: feedObject and feedUrls (the API document) both ask.
const plans = new WeakMap<ResolvedApp, FeedPlan>();

function planFeeds(store: ResolvedStore, app: ResolvedApp): FeedPlan {
  let plan = plans.get(app);
  if (plan) return plan;
  const desktop = appPlatforms(app).filter((p) => DESKTOP.has(p.os));
  plan = { electron: [], sparkle: [], tauri: [], releases: new Set() };
  if (desktop.length) {
    plan.electron = planElectron(store, app, desktop);
    plan.sparkle = planSparkle(
      store,
      app,
      desktop.filter((p) => p.os === 'osx'),
    );
    plan.tauri = planTauri(store, app, desktop);
  }
  for (const f of plan.electron) plan.releases.add(f.release);
  for (const i of plan.sparkle) plan.releases.add(i.release);
  for (const t of plan.tauri) plan.releases.add(t.release);
  plans.set(app, plan);
  return plan;
}

/**
 * electron-updater reads one release per file and stages it by `stagingPercentage` (a client
 * takes it iff its own percentile is below). So each file offers what percentile 0 gets — the
 * newest release any client gets — with the share of clients the release reaches on the channel.
 */
function planElectron(store: ResolvedStore, app: ResolvedApp, desktop: Platform[]): ElectronFile[] {
  const groups = new Map<string, Platform[]>();
  for (const p of desktop) {
    const suffix = electronSuffix(p.os, p.arch);
    if (suffix !== undefined) groups.set(suffix, [...(groups.get(suffix) ?? []), p]);
  }
  const out: ElectronFile[] = [];
  store.channels.forEach((channel, order) => {
    for (const [suffix, platforms] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const firsts = platforms.map((p) => candidatesAt(store, app, channel, p, 0)[0]?.release).filter((r) => r !== undefined);
      if (!firsts.length) continue;
      const release = firsts.reduce((a, b) => (semver.gt(b.semver, a.semver) ? b : a));
      const entries = [...new Set(platforms.flatMap((p) => filesFor(app, release, p).flatMap((f) => (f.entry ? [f.entry] : []))))];
      entries.sort((a, b) => a.index - b.index);
      const reach = reachOf(store, app, channel, release, platforms);
      const file = { release, entries, staging: reach < 100 ? reach : undefined };
      out.push({ ...file, name: `${channel.name}${suffix}.yml` });
      // electron-updater's default channel is "latest": the most mature channel answers it too.
      if (order === 0 && channel.name !== 'latest') out.push({ ...file, name: `latest${suffix}.yml` });
    }
  });
  return out;
}

/**
 * The percentile from which a channel no longer serves the release on any of `platforms` (the
 * ones a feed file answers; their per-platform rollout counts), 100 when every client gets it.
 */
function reachOf(
  store: ResolvedStore,
  app: ResolvedApp,
  channel: ResolvedChannel,
  release: ResolvedRelease,
  platforms: readonly Platform[],
): number {
  return (
    breakpoints(app).find(
      (p) => p > 0 && !platforms.some((platform) => admittedReleases(store, app, channel, p, platform).includes(release)),
    ) ?? 100
  );
}

/**
 * One appcast for every channel: the releases with a macOS archive that some client of some
 * channel gets (at percentile 0 or 99), each tagged with the most mature channel that serves it.
 */
function planSparkle(store: ResolvedStore, app: ResolvedApp, mac: Platform[]): SparkleItem[] {
  if (!mac.length) return [];
  const items = new Map<ResolvedRelease, SparkleItem>();
  for (const channel of store.channels) {
    for (const p of [0, 99]) {
      for (const platform of mac) {
        for (const c of candidatesAt(store, app, channel, platform, p)) {
          if (items.has(c.release)) continue;
          const entry = macEntry(c.release);
          if (!entry) continue;
          const reach = reachOf(store, app, channel, c.release, mac);
          items.set(c.release, { release: c.release, entry, channel: channel.order === 0 ? undefined : channel.name, phased: reach < 100 });
        }
      }
    }
  }
  return app.releases.filter((r) => items.has(r)).map((r) => items.get(r)!);
}

/** The macOS archive of a release Sparkle offers: the one covering the most architectures (Sparkle has one enclosure per item). */
function macEntry(r: ResolvedRelease): ResolvedEntry | undefined {
  return r.entries.filter((e) => e.os === 'osx').sort((a, b) => b.architectures.length - a.architectures.length || a.index - b.index)[0];
}

/**
 * Tauri's updater has no staged rollout: each channel file offers what every client gets
 * (percentile 99), per platform the first archive carrying a minisign signature (Tauri refuses
 * unsigned updates). One version per file: platforms whose newest signed release is older are
 * left out.
 */
function planTauri(store: ResolvedStore, app: ResolvedApp, desktop: Platform[]): TauriFile[] {
  const out: TauriFile[] = [];
  for (const channel of store.channels) {
    const picks: { platform: Platform; release: ResolvedRelease; entries: ResolvedEntry[] }[] = [];
    for (const platform of desktop) {
      if (!tauriTarget(platform.os, platform.arch)) continue;
      for (const c of candidatesAt(store, app, channel, platform, 99)) {
        const entries = c.files.flatMap((f) => (f.entry?.minisign ? [f.entry] : []));
        if (entries.length) {
          picks.push({ platform, release: c.release, entries });
          break;
        }
      }
    }
    if (!picks.length) continue;
    const release = picks.map((p) => p.release).reduce((a, b) => (semver.gt(b.semver, a.semver) ? b : a));
    const platforms: [string, ResolvedEntry][] = [];
    for (const pick of picks.filter((p) => p.release === release)) {
      const target = tauriTarget(pick.platform.os, pick.platform.arch)!;
      platforms.push([target, pick.entries[0]!]);
      for (const e of pick.entries) {
        const installer = TAURI_INSTALLER[e.format.toLowerCase()];
        if (installer && !platforms.some(([k]) => k === `${target}-${installer}`)) platforms.push([`${target}-${installer}`, e]);
      }
    }
    out.push({ channel: channel.name, release, platforms });
  }
  return out;
}

function emitFeeds(store: ResolvedStore, app: ResolvedApp, ctx: FeedContext, plan: FeedPlan, files: SiteFiles): void {
  const landings = ctx.landings(app);
  const date = (r: ResolvedRelease) => isoDate(r.date ?? landings.get(r.version)?.createdAt ?? undefined);
  const notes = (r: ResolvedRelease) => r.changelog ?? ctx.facts(app.id, r.version)?.changelog ?? '';
  const url = (r: ResolvedRelease, e: ResolvedEntry) => entryUrl(store.baseUrl, r, e);
  const made = new Map<string, Uint8Array>();
  for (const f of plan.electron) {
    const sha512 = (e: ResolvedEntry) => ctx.sha512(app.id, f.release.version, e.index) ?? '';
    const doc = {
      version: f.release.version,
      files: f.entries.map((e) => ({ url: url(f.release, e), sha512: sha512(e), size: e.size })),
      path: url(f.release, f.entries[0]!),
      sha512: sha512(f.entries[0]!),
      releaseDate: quoted(date(f.release)),
      releaseName: `v${f.release.version}`,
      releaseNotes: notes(f.release) || undefined,
      stagingPercentage: f.staging,
    };
    const text = yamlStringify(doc, { lineWidth: 0 });
    // latest*.yml repeats the most mature channel's file: the same bytes, one inode.
    const bytes = made.get(text) ?? utf8(text);
    made.set(text, bytes);
    files.set(`electron/${f.name}`, bytes);
  }
  if (plan.sparkle.length) files.set('sparkle.xml', utf8(sparkleXml(store, app, plan.sparkle, date, notes, url)));
  for (const t of plan.tauri) {
    const feed: TauriFeed = {
      version: t.release.version,
      notes: notes(t.release),
      pub_date: date(t.release) ?? undefined,
      platforms: Object.fromEntries(t.platforms.map(([key, e]) => [key, { url: url(t.release, e), signature: e.minisign! }])),
    };
    files.set(`tauri/${t.channel}.json`, utf8(stableJson(feed)));
  }
}

function sparkleXml(
  store: ResolvedStore,
  app: ResolvedApp,
  items: readonly SparkleItem[],
  date: (r: ResolvedRelease) => string | null,
  notes: (r: ResolvedRelease) => string,
  url: (r: ResolvedRelease, e: ResolvedEntry) => string,
): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:sparkle="http://www.andymatuschak.org/xml-namespaces/sparkle" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '  <channel>',
    `    <title>${esc(app.name)}</title>`,
    `    <link>${esc(siteUrl(store.baseUrl, `feeds/sparkle/${app.id}.xml`))}</link>`,
    `    <description>${esc(app.summary ?? app.name)}</description>`,
    '    <language>en</language>',
  ];
  for (const { release: r, entry: e, channel, phased } of items) {
    const when = date(r);
    const min = minimumVersion(e.osversion);
    lines.push('    <item>', `      <title>${esc(`${app.name} ${r.version}`)}</title>`);
    if (when) lines.push(`      <pubDate>${new Date(when).toUTCString()}</pubDate>`);
    lines.push(
      `      <sparkle:version>${esc(r.version)}</sparkle:version>`,
      `      <sparkle:shortVersionString>${esc(r.version)}</sparkle:shortVersionString>`,
    );
    if (channel) lines.push(`      <sparkle:channel>${esc(channel)}</sparkle:channel>`);
    if (min) lines.push(`      <sparkle:minimumSystemVersion>${min}</sparkle:minimumSystemVersion>`);
    if (r.critical) lines.push('      <sparkle:criticalUpdate/>');
    // Sparkle rolls an update out by time (a seventh of the users per interval), not by a share.
    if (phased) lines.push(`      <sparkle:phasedRolloutInterval>${PHASE_SECONDS}</sparkle:phasedRolloutInterval>`);
    const text = notes(r);
    if (text) lines.push(`      <description sparkle:format="plain-text">${esc(text)}</description>`);
    const sig = e.edSignature ? ` sparkle:edSignature="${esc(e.edSignature)}"` : '';
    lines.push(`      <enclosure url="${esc(url(r, e))}" length="${e.size}" type="application/octet-stream"${sig}/>`, '    </item>');
  }
  lines.push('  </channel>', '</rss>', '');
  return lines.join('\n');
}

/** One seventh of Sparkle's users per day: a staged release reaches everyone in a week. */
const PHASE_SECONDS = 86_400;

/** The lowest macOS version an osversion range admits ("10.13.0" for ">=10.13"); undefined for "*". */
function minimumVersion(range: string): string | undefined {
  if (range === '*') return undefined;
  const v = semver.minVersion(range);
  return v && v.version !== '0.0.0' ? v.version : undefined;
}

/** Quoted as electron-builder writes it: a YAML 1.1 reader (js-yaml, electron-updater's) would read a bare ISO date as a Date. */
function quoted(s: string | null): Scalar | undefined {
  if (s === null) return undefined;
  const node = new Scalar(s);
  node.type = Scalar.QUOTE_SINGLE;
  return node;
}

function isoDate(d: string | undefined): string | null {
  if (!d) return null;
  const t = Date.parse(d);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

// XML 1.0 has no escape for most control characters: a changelog carrying one would make the feed unreadable.
const esc = (s: string): string =>
  s
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
