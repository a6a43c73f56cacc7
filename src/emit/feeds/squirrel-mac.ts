import { type ResolvedApp, type ResolvedEntry, type ResolvedRelease, type ResolvedStore } from '../../resolve/index.js';
import type { SquirrelMacFeed } from '../../schema/feeds.js';
import { stableJson } from '../../util/stable-json.js';
import { utf8 } from '../site-files.js';
import { entryUrl, siteUrl } from '../urls.js';
import { desktopPlatforms, newestInstallable, nodeArch } from './desktop.js';
import { defineFeed, feedDate, feedNotes } from './format.js';

/**
 * Squirrel.Mac's static update file, which Electron's built-in `autoUpdater` reads on macOS with
 * `serverType: 'json'`: `feeds/squirrel-mac/<app>/<channel>-<arch>.json`, arch as Electron's
 * `process.arch` (x64, arm64), so an app sets its feed URL from what it knows at run time.
 */
export const squirrelMacFeed = defineFeed<'squirrelMac'>({
  name: 'squirrelMac',
  plan(store, app) {
    const files = planSquirrelMac(store, app);
    if (!files.length) return undefined;
    return {
      urls: Object.fromEntries(files.map((f) => [f.name, siteUrl(store.baseUrl, `feeds/squirrel-mac/${app.id}/${f.name}.json`)])),
      links: { [`feeds/squirrel-mac/${app.id}`]: 'squirrel-mac' },
      shows: files.map((f) => f.release),
      emit(ctx, out) {
        const date = feedDate(ctx, app);
        const notes = feedNotes(ctx, app);
        for (const { name, release: r, entry } of files) {
          const text = notes(r);
          const when = date(r);
          const update: SquirrelMacFeed['releases'][number]['updateTo'] = {
            version: r.version,
            url: entryUrl(store.baseUrl, r, entry),
            name: r.version,
            ...(text ? { notes: text } : {}),
            ...(when ? { pub_date: when } : {}),
          };
          const feed: SquirrelMacFeed = { currentRelease: r.version, releases: [{ version: r.version, updateTo: update }] };
          out.set(`squirrel-mac/${name}.json`, utf8(stableJson(feed)));
        }
      },
    };
  },
  describe: (urls) =>
    Object.entries(urls).map(([name, url]) => ({ label: `Electron autoUpdater on macOS, serverType json (${name})`, url })),
});

// --- internal ---

interface SquirrelMacFile {
  /** `<channel>-<arch>`. */
  name: string;
  release: ResolvedRelease;
  entry: ResolvedEntry;
}

/**
 * Squirrel.Mac installs only a ZIP of the .app and has no staged rollout: each file offers what
 * every client of the channel gets (percentile 99), the newest such release that has a ZIP for
 * the architecture. It never downgrades (a channel pinned back leaves installed apps where they are).
 */
function planSquirrelMac(store: ResolvedStore, app: ResolvedApp): SquirrelMacFile[] {
  const out: SquirrelMacFile[] = [];
  const mac = desktopPlatforms(app).filter((p) => p.os === 'osx' && nodeArch(p.arch));
  for (const channel of store.channels) {
    for (const platform of mac) {
      const pick = newestInstallable(store, app, channel, platform, (e) => e.format.toLowerCase() === 'zip');
      if (pick) out.push({ name: `${channel.name}-${nodeArch(platform.arch)!}`, release: pick.release, entry: pick.entries[0]! });
    }
  }
  return out;
}
