import semver from 'semver';
import { type Platform, type ResolvedApp, type ResolvedEntry, type ResolvedRelease, type ResolvedStore } from '../../resolve/index.js';
import type { TauriFeed } from '../../schema/feeds.js';
import { stableJson } from '../../util/stable-json.js';
import { utf8 } from '../site-files.js';
import { entryUrl, siteUrl } from '../urls.js';
import { desktopPlatforms, newestInstallable, tauriTarget } from './desktop.js';
import { defineFeed, feedDate, feedNotes } from './format.js';

/** Tauri v2's updater: `feeds/tauri/<app>/<channel>.json`, one static update JSON per channel. */
export const tauriFeed = defineFeed<'tauri'>({
  name: 'tauri',
  plan(store, app) {
    const files = planTauri(store, app, desktopPlatforms(app));
    if (!files.length) return undefined;
    return {
      urls: Object.fromEntries(files.map((t) => [t.channel, siteUrl(store.baseUrl, `feeds/tauri/${app.id}/${t.channel}.json`)])),
      links: { [`feeds/tauri/${app.id}`]: 'tauri' },
      shows: files.map((t) => t.release),
      emit(ctx, out) {
        const date = feedDate(ctx, app);
        const notes = feedNotes(ctx, app);
        for (const t of files) {
          const feed: TauriFeed = {
            version: t.release.version,
            notes: notes(t.release),
            pub_date: date(t.release) ?? undefined,
            platforms: Object.fromEntries(
              t.platforms.map(([key, e]) => [key, { url: entryUrl(store.baseUrl, t.release, e), signature: e.minisign! }]),
            ),
          };
          out.set(`tauri/${t.channel}.json`, utf8(stableJson(feed)));
        }
      },
    };
  },
  describe: (urls) => Object.entries(urls).map(([channel, url]) => ({ label: `Tauri updater endpoint (${channel})`, url })),
});

// --- internal ---

/** Tauri v2's `<os>-<arch>-<installer>` keys, by our format names. */
const TAURI_INSTALLER: Record<string, string> = { msi: 'msi', exe: 'nsis', appimage: 'appimage', deb: 'deb', rpm: 'rpm', app: 'app' };

interface TauriFile {
  channel: string;
  release: ResolvedRelease;
  platforms: [key: string, entry: ResolvedEntry][];
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
      const pick = newestInstallable(store, app, channel, platform, (e) => Boolean(e.minisign));
      if (pick) picks.push({ platform, ...pick });
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
