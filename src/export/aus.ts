// A resolved store → the update files of an auto-update-server `updates/` folder (pure).
// What the folder serves is what appshelf's own /update routes answer for the store.
import { diag, Errors, type Diagnostic, type Position } from '../errors/index.js';
import { updateIndexApp, type UpdateIndexEntry } from '../emit/emit-update-index.js';
import type { ResolvedEntry, ResolvedRelease, ResolvedStore } from '../resolve/index.js';
import { rolloutFor } from '../resolve/rollout.js';
import { offeredOn } from '../serve/aus-match.js';

/** An update file's text, or an archive to copy (absolute path). */
export type ExportFileContent = Readonly<{ text: string; mtime?: Date }> | Readonly<{ copyFrom: string }>;

/** What {@link exportAusFiles} made: paths relative to the `updates/` folder → content. */
export interface ExportResult {
  files: Map<string, ExportFileContent>;
  diagnostics: Diagnostic[];
  apps: number;
  releases: number;
  /** Entries written into update files (one per archive × percentage × channel set). */
  entries: number;
}

/** One entry of an auto-update-server update file, keys in the order it documents them. */
interface AusFileEntry {
  os: string;
  architectures: string[];
  osversion: string;
  appversion: string;
  format: string;
  path: string;
  percentage?: number;
}

/** The absolute path of a store-relative archive path when it names a regular file inside the store. */
export type ArchiveCheck = (storeRelative: string) => string | undefined;

/** Where a release file states its version (file and line), for warnings about the release. */
export type VersionPosition = (release: ResolvedRelease) => Position;

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

// "beta" stays as it is; a channel set becomes one file name part ("beta+release").
const setKey = (channels: readonly string[]): string => channels.join('+');

/**
 * One release as auto-update-server update files. There an entry has one percentage and the
 * channels of its file, so each archive is offered per architecture on each client channel at the
 * percentage appshelf's /update offers it (channel rollout, platform overrides, more mature
 * channels, pins); architectures and channels that share a percentage stay together, and every
 * distinct set of channels gets a file of its own. Halted platforms (0) are left out.
 */
function releaseFiles(
  store: ResolvedStore,
  app: ReturnType<typeof updateIndexApp>,
  r: ResolvedRelease,
  index: ReturnType<typeof updateIndexApp>['releases'][number],
  archive: ArchiveCheck,
  report: (d: Diagnostic) => void,
  prefix: string,
  files: Map<string, ExportFileContent>,
): number {
  const order = store.channels.map((c) => c.name);
  const head = { channels: order, includeMoreMature: store.includeMoreMature };
  // The release's own channels in its order, then the ones it reaches through (more mature
  // channels, pins) in the store's: an import of the folder lists them as the release did.
  const rank = (c: string) => (r.channels.includes(c) ? r.channels.indexOf(c) : r.channels.length + order.indexOf(c));
  const byRank = [...order].sort((a, b) => rank(a) - rank(b));
  // channel set → entries of that file, in release order
  const byChannels = new Map<string, { channels: string[]; entries: AusFileEntry[] }>();
  const names = new Map<string, string>();
  r.entries.forEach((e: ResolvedEntry, i) => {
    const at = e.at;
    if (!e.file) return report(diag(Errors.ExportRemoteArchive, [r.version, e.url ?? ''], at));
    const abs = archive(e.file);
    if (!abs) return report(diag(Errors.ExportMissingArchive, [r.version, e.file], at));
    const indexed: UpdateIndexEntry = index.entries[i]!;
    // Archives keep their download name, made unique within the release.
    let name = names.get(abs);
    if (!name) {
      name = indexed.fileName;
      for (let n = 2; [...names.values()].includes(name); n++) name = indexed.fileName.replace(/^([^.]*)/, `$1-${n}`);
      names.set(abs, name);
      files.set(`${prefix}/${r.version}/${name}`, { copyFrom: abs });
    }
    // (percentage, channel set) → the architectures offered so
    const groups = new Map<string, { pct: number; channels: string[]; archs: string[] }>();
    for (const arch of e.architectures) {
      const offered = offeredOn(head, app, index, (ch) => rolloutFor(r, ch, e.os, arch, e.format, e));
      const byPct = new Map<number, string[]>();
      for (const ch of byRank) {
        const pct = offered.get(ch);
        if (pct !== undefined) byPct.set(pct, [...(byPct.get(pct) ?? []), ch]);
      }
      for (const [pct, channels] of byPct) {
        const k = `${pct}\0${setKey(channels)}`;
        const g = groups.get(k) ?? { pct, channels, archs: [] };
        g.archs.push(arch);
        groups.set(k, g);
      }
    }
    for (const g of groups.values()) {
      const file = byChannels.get(setKey(g.channels)) ?? { channels: g.channels, entries: [] };
      file.entries.push({
        os: e.os,
        architectures: g.archs,
        osversion: e.osversion,
        appversion: e.appversion,
        format: e.format,
        path: `${r.version}/${name}`,
        // auto-update-server reads an absent (or 0) percentage as 100.
        ...(g.pct < 100 ? { percentage: g.pct } : {}),
      });
      byChannels.set(setKey(g.channels), file);
    }
  });
  // The file holding the release's first channel first, so an import reads the channels in order.
  const first = (set: { channels: string[] }) => Math.min(...set.channels.map(rank));
  const sets = [...byChannels.values()].sort((a, b) => first(a) - first(b) || (setKey(a.channels) < setKey(b.channels) ? -1 : 1));
  const date = r.date === undefined || Number.isNaN(Date.parse(r.date)) ? undefined : new Date(Date.parse(r.date));
  let written = 0;
  sets.forEach((set, n) => {
    const name = sets.length === 1 ? `${r.version}.json` : `${r.version}.${n + 1}.json`;
    files.set(`${prefix}/${name}`, {
      text: json({ app: app.name, version: r.updateVersion ?? r.version, channels: set.channels, entries: set.entries }),
      ...(date ? { mtime: date } : {}),
    });
    written += set.entries.length;
  });
  return written;
}

/**
 * Writes a resolved store as auto-update-server update files: `<app id>/<version>.json` (or
 * `<version>.1.json`, `<version>.2.json` … when channels get different percentages or archives)
 * in its "entries" form, with the archives under `<app id>/<version>/`. Yanked releases,
 * remote archives and halted platforms are left out; remote archives and versions that tie
 * on major.minor.patch (which that server picks between by load order) are warned about with
 * the release file and line. Pure: `archive` says where a store archive is, if it is one, and
 * `versionAt` where a release file states its version.
 */
export function exportAusFiles(store: ResolvedStore, archive: ArchiveCheck, versionAt: VersionPosition = (r) => r.at): ExportResult {
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => void diagnostics.push(d);
  const files = new Map<string, ExportFileContent>();
  let apps = 0;
  let releases = 0;
  let entries = 0;
  for (const resolvedApp of store.apps) {
    const app = updateIndexApp(store, resolvedApp);
    const served = resolvedApp.releases.filter((r) => !r.yanked);
    const exported: ResolvedRelease[] = [];
    served.forEach((r, i) => {
      const n = releaseFiles(store, app, r, app.releases[i]!, archive, report, resolvedApp.id, files);
      if (!n) return;
      entries += n;
      exported.push(r);
    });
    // Releases are newest first: a later one equal on M.m.p loses to the earlier one here.
    exported.forEach((r, i) => {
      const winner = exported
        .slice(0, i)
        .find((o) => o.semver.major === r.semver.major && o.semver.minor === r.semver.minor && o.semver.patch === r.semver.patch);
      if (winner) report(diag(Errors.ExportVersionTie, [r.version, winner.version], versionAt(r)));
    });
    if (exported.length) apps++;
    releases += exported.length;
  }
  return { files, diagnostics, apps, releases, entries };
}
