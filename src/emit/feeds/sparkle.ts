import semver from 'semver';
import {
  candidatesAt,
  type Platform,
  type ResolvedApp,
  type ResolvedEntry,
  type ResolvedRelease,
  type ResolvedStore,
} from '../../resolve/index.js';
import { utf8 } from '../site-files.js';
import { entryUrl, siteUrl } from '../urls.js';
import { desktopPlatforms, reachOf } from './desktop.js';
import { defineFeed, feedDate, feedNotes } from './format.js';

/**
 * Sparkle 2: one appcast for every channel, `feeds/sparkle/<app>.xml`, with the releases that
 * have a macOS archive and that some client of some channel gets.
 */
export const sparkleFeed = defineFeed<'sparkle'>({
  name: 'sparkle',
  plan(store, app) {
    const items = planSparkle(
      store,
      app,
      desktopPlatforms(app).filter((p) => p.os === 'osx'),
    );
    if (!items.length) return undefined;
    const self = siteUrl(store.baseUrl, `feeds/sparkle/${app.id}.xml`);
    return {
      urls: self,
      links: { [`feeds/sparkle/${app.id}.xml`]: 'sparkle.xml' },
      shows: items.map((i) => i.release),
      emit: (ctx, out) => void out.set('sparkle.xml', utf8(sparkleXml(store, app, items, self, feedDate(ctx, app), feedNotes(ctx, app)))),
    };
  },
  describe: (url) => [{ label: 'Sparkle appcast (SUFeedURL)', url }],
});

// --- internal ---

/** Sparkle items: releases with a macOS archive, and the channel each belongs to (undefined: the default). */
interface SparkleItem {
  release: ResolvedRelease;
  entry: ResolvedEntry;
  channel?: string;
  phased: boolean;
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

function sparkleXml(
  store: ResolvedStore,
  app: ResolvedApp,
  items: readonly SparkleItem[],
  self: string,
  date: (r: ResolvedRelease) => string | null,
  notes: (r: ResolvedRelease) => string,
): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:sparkle="http://www.andymatuschak.org/xml-namespaces/sparkle" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '  <channel>',
    `    <title>${esc(app.name)}</title>`,
    `    <link>${esc(self)}</link>`,
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
    lines.push(
      `      <enclosure url="${esc(entryUrl(store.baseUrl, r, e))}" length="${e.size}" type="application/octet-stream"${sig}/>`,
      '    </item>',
    );
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

// XML 1.0 has no escape for most control characters: a changelog carrying one would make the feed unreadable.
const esc = (s: string): string =>
  s
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
