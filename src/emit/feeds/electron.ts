import semver from 'semver';
import { Scalar, stringify as yamlStringify } from 'yaml';
import {
  candidatesAt,
  filesFor,
  type Platform,
  type ResolvedApp,
  type ResolvedEntry,
  type ResolvedRelease,
  type ResolvedStore,
} from '../../resolve/index.js';
import { utf8 } from '../site-files.js';
import { entryUrl, siteUrl } from '../urls.js';
import { desktopPlatforms, electronSuffix, reachOf } from './desktop.js';
import { defineFeed, feedDate, feedNotes } from './format.js';

/**
 * electron-updater's generic provider: `feeds/electron/<app>/<channel><suffix>.yml` for every
 * channel, with electron-builder's suffixes, and `latest<suffix>.yml` for the most mature channel.
 */
export const electronFeed = defineFeed<'electron'>({
  name: 'electron',
  plan(store, app) {
    const files = planElectron(store, app, desktopPlatforms(app));
    if (!files.length) return undefined;
    return {
      urls: { url: siteUrl(store.baseUrl, `feeds/electron/${app.id}/`), files: [...new Set(files.map((f) => f.name))].sort() },
      links: { [`feeds/electron/${app.id}`]: 'electron' },
      shows: files.map((f) => f.release),
      emit(ctx, out) {
        const date = feedDate(ctx, app);
        const notes = feedNotes(ctx, app);
        const url = (r: ResolvedRelease, e: ResolvedEntry) => entryUrl(store.baseUrl, r, e);
        const made = new Map<string, Uint8Array>();
        for (const f of files) {
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
          out.set(`electron/${f.name}`, bytes);
        }
      },
    };
  },
  describe: (urls) => [{ label: `electron-updater, generic provider (${urls.files.join(', ')})`, url: urls.url }],
});

// --- internal ---

/** One electron channel file: the release served at percentile 0 and the entries it offers there. */
interface ElectronFile {
  name: string;
  release: ResolvedRelease;
  entries: ResolvedEntry[];
  /** Percent of clients the release reaches on the channel, when below 100. */
  staging?: number;
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

/** Quoted as electron-builder writes it: a YAML 1.1 reader (js-yaml, electron-updater's) would read a bare ISO date as a Date. */
function quoted(s: string | null): Scalar | undefined {
  if (s === null) return undefined;
  const node = new Scalar(s);
  node.type = Scalar.QUOTE_SINGLE;
  return node;
}
