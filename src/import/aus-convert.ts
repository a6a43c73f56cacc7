import type { PlatformRolloutFile } from '../schema/index.js';
import path from 'node:path';
import semver from 'semver';
import { stringify } from 'yaml';
import { diag, Errors, type Diagnostic } from '../errors/index.js';
import type { AusEntry } from './aus-parse.js';
import { platformName } from '../schema/index.js';

/** Size and digest of an archive; absent from the map when the file does not exist. */
export interface ArchiveFacts {
  size: number;
  sha256: string;
}

/** Text to write, or a file to copy. */
export type StoreFileContent = string | Readonly<{ copyFrom: string }>;

/** Options of {@link convertAus}. */
export interface ConvertOptions {
  /** The store's name. @default "Imported from auto-update-server" */
  name?: string;
  /** Where the updates came from, for the store description. */
  source?: string;
}

/** A converted store: paths relative to the store folder → content, and what was reported. */
export interface ConvertResult {
  files: Map<string, StoreFileContent>;
  diagnostics: Diagnostic[];
  apps: number;
  releases: number;
  entries: number;
}

// Channels in a conventional maturity order first; the rest alphabetically.
const KNOWN_ORDER = ['release', 'stable', 'production', 'beta', 'alpha', 'dev', 'nightly'];
function channelOrder(a: string, b: string): number {
  const ia = KNOWN_ORDER.indexOf(a);
  const ib = KNOWN_ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
  return a.localeCompare(b);
}

/** An app id for an auto-update-server app name: lower case, `_` for anything else, a letter first. */
export function appIdFor(name: string): string {
  let id = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(id)) id = `app_${id}`;
  return id.slice(0, 60).replace(/_+$/, '') || 'app';
}

const yamlText = (header: string, value: unknown): string => `${header}\n${stringify(value, { lineWidth: 0 })}`;

/** The os and architecture names the imported entries use. */
interface Platforms {
  os: Set<string>;
  architectures: Set<string>;
}

/**
 * store.yaml's `platforms` for the names outside appshelf's vocabulary: auto-update-server clients
 * send the names its update files used (`x64`, `win`), so an imported store must keep serving them.
 */
function storePlatforms(used: Platforms): { platforms?: { os?: string[]; architectures?: string[] } } {
  const os = [...used.os].filter((n) => !platformName('os', n).known).sort();
  const architectures = [...used.architectures].filter((n) => !platformName('arch', n).known).sort();
  if (!os.length && !architectures.length) return {};
  return { platforms: { ...(os.length ? { os } : {}), ...(architectures.length ? { architectures } : {}) } };
}

/** A per-platform rollout override as the release file spells it. */
type OverrideDraft = PlatformRolloutFile;

/** The levels an imported rollout override narrows through: unit key, and the release file's field. */
const ROLLOUT_LEVELS = [
  ['os', 'os'],
  ['arch', 'architecture'],
  ['format', 'format'],
] as const;

/**
 * auto-update-server gives each entry its own channels and percentage; appshelf a percentage per
 * channel with per-platform overrides. Per channel, the percentage most files have (the higher
 * on a tie) becomes `rollout`, and every file that differs gets an override — a file not listed
 * on the channel gets 0 there — as coarse as stays exact: the whole os when all its files agree,
 * else the os + architecture, else the format, else (several files of one format told apart by
 * range) the one file by its osversion and appversion ranges. So every entry keeps the percentage
 * it was served with, on exactly its channels.
 */
function rolloutsOf(
  channels: readonly string[],
  kept: readonly { e: AusEntry; archs: readonly string[] }[],
): { rollout: Record<string, number>; platformRollout: OverrideDraft[] } {
  const rollout: Record<string, number> = {};
  const platformRollout: OverrideDraft[] = [];
  for (const c of channels) {
    const units = kept.flatMap(({ e, archs }) =>
      archs.map((arch) => ({
        os: e.os,
        arch,
        format: e.format,
        osversion: e.osversion,
        appversion: e.appversion,
        pct: e.channels.includes(c) ? e.percentage : 0,
      })),
    );
    const counts = new Map<number, number>();
    for (const u of units) counts.set(u.pct, (counts.get(u.pct) ?? 0) + 1);
    const base = [...counts].sort(([pa, na], [pb, nb]) => nb - na || pb - pa)[0]![0];
    rollout[c] = base;
    type Unit = (typeof units)[number];
    // The os level comes first, so every override pushed here names its os.
    const add = (o: Partial<OverrideDraft>) => platformRollout.push({ channel: c, ...o } as OverrideDraft);
    // One override for the widest platform whose files all share a percentage: os, then
    // architecture, then format, then (several files of one format told apart by range) each file.
    const narrow = (of: readonly Unit[], depth: number, where: Partial<OverrideDraft>): void => {
      const level = ROLLOUT_LEVELS[depth];
      if (!level) {
        for (const u of of) if (u.pct !== base) add({ ...where, osversion: u.osversion, appversion: u.appversion, percent: u.pct });
        return;
      }
      const [key, field] = level;
      for (const value of new Set(of.map((u) => u[key]))) {
        const these = of.filter((u) => u[key] === value);
        const at = { ...where, [field]: value };
        const pcts = new Set(these.map((u) => u.pct));
        if (pcts.size > 1) narrow(these, depth + 1, at);
        else if (!pcts.has(base)) add({ ...at, percent: these[0]!.pct });
      }
    };
    narrow(units, 0, {});
  }
  return { rollout, platformRollout };
}

/** True when some version satisfies both ranges; a range semver cannot read counts as overlapping. */
function overlaps(a: string, b: string): boolean {
  try {
    return semver.intersects(a, b, { includePrerelease: true });
  } catch {
    return true;
  }
}

interface ReleaseDraft {
  version: string;
  entries: AusEntry[];
}

function convertRelease(
  appId: string,
  draft: ReleaseDraft,
  archives: ReadonlyMap<string, ArchiveFacts>,
  files: Map<string, StoreFileContent>,
  platforms: Platforms,
  report: (d: Diagnostic) => void,
) {
  const { version } = draft;
  const channels: string[] = [];
  for (const e of draft.entries) for (const c of e.channels) if (!channels.includes(c)) channels.push(c);
  const first = draft.entries[0]!;
  const label = `${first.app} ${version}`;
  const kept: { e: AusEntry; archs: string[] }[] = [];
  // Several files per os/architecture/format when no client fits two of them (ranges that do not
  // overlap); of overlapping ones the first entry (by file, then position) keeps the platform.
  const taken = new Map<string, AusEntry[]>();
  const names = new Map<string, string>();
  const out = [];
  for (const e of draft.entries) {
    const archs = e.architectures.filter((a) => {
      const key = `${e.os}/${a}/${e.format}`;
      const owner = taken.get(key)?.find((o) => o !== e && overlaps(o.osversion, e.osversion) && overlaps(o.appversion, e.appversion));
      if (owner) {
        report(diag(Errors.AusDuplicatePlatform, [e.entry, key, label, `${owner.file} entry ${owner.entry}`], { file: e.file }));
        return false;
      }
      taken.set(key, [...(taken.get(key) ?? []), e]);
      return true;
    });
    if (!archs.length) continue;
    const facts = archives.get(e.archive)!;
    // Archives live under files/<version>/ with their own name, which becomes the download name.
    let name = names.get(e.archive);
    if (!name) {
      const base = path.basename(e.archive);
      name = base;
      for (let i = 2; [...names.values()].includes(name); i++) name = base.replace(/^([^.]*)/, `$1-${i}`);
      names.set(e.archive, name);
      files.set(`apps/${appId}/files/${version}/${name}`, { copyFrom: e.archive });
    }
    platforms.os.add(e.os);
    for (const a of archs) platforms.architectures.add(a);
    kept.push({ e, archs });
    out.push({
      os: e.os,
      architectures: archs,
      osversion: e.osversion,
      appversion: e.appversion,
      format: e.format,
      file: `files/${version}/${name}`,
      size: facts.size,
      sha256: facts.sha256,
    });
  }
  if (!out.length) return 0;
  const { rollout, platformRollout } = rolloutsOf(channels, kept);
  const partial = Object.fromEntries(Object.entries(rollout).filter(([, p]) => p < 100));
  const date = new Date(Math.max(...draft.entries.map((e) => e.mtime.getTime()))).toISOString();
  const sources = [...new Set(draft.entries.map((e) => e.file))].join(', ');
  // A store version is exact semver; the spelling auto-update-server clients were answered with is kept.
  const exact = semver.parse(version)!;
  const canonical = `${exact.version}${exact.build.length ? `+${exact.build.join('.')}` : ''}`;
  files.set(
    `apps/${appId}/releases/${canonical}.yaml`,
    yamlText(`# Imported from auto-update-server: ${sources}`, {
      version: canonical,
      ...(canonical !== version ? { updateVersion: version } : {}),
      channels,
      date,
      ...(Object.keys(partial).length ? { rollout: partial } : {}),
      ...(platformRollout.length ? { platformRollout } : {}),
      entries: out,
    }),
  );
  return out.length;
}

/**
 * Turns the entries of an auto-update-server folder into an appshelf store: one app per app name
 * (id derived from it, the name kept as `updateName` so `/update?app=<name>` still matches), one
 * release per version, entries with their ranges, formats and copied archives, percentages as
 * per-channel rollouts, and a store.yaml with the channels, `includeMoreMature: false` and optional
 * signatures. Entries whose archive is missing are reported and left out. Pure.
 */
export function convertAus(
  entries: readonly AusEntry[],
  archives: ReadonlyMap<string, ArchiveFacts>,
  opts: ConvertOptions = {},
): ConvertResult {
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => void diagnostics.push(d);
  const files = new Map<string, StoreFileContent>();
  const usable = entries.filter((e) => {
    if (archives.has(e.archive)) return true;
    report(diag(Errors.AusMissingArchive, [e.entry, e.archive], { file: e.file }));
    return false;
  });
  const byApp = new Map<string, AusEntry[]>();
  for (const e of usable) byApp.set(e.app, [...(byApp.get(e.app) ?? []), e]);
  const ids = new Set<string>();
  const channels = new Set<string>();
  let apps = 0;
  let releases = 0;
  let written = 0;
  const platforms: Platforms = { os: new Set(), architectures: new Set() };
  for (const name of [...byApp.keys()].sort()) {
    let id = appIdFor(name);
    for (let i = 2; ids.has(id); i++) id = `${appIdFor(name)}_${i}`;
    // Versions equal to semver (they differ only in +build) would be one release twice: merge them.
    const drafts: ReleaseDraft[] = [];
    const merged = new Set<string>();
    for (const e of byApp.get(name)!) {
      const twin = drafts.find((d) => semver.eq(d.version, e.version));
      if (!twin) drafts.push({ version: e.version, entries: [e] });
      else {
        if (twin.version !== e.version && !merged.has(e.version) && merged.add(e.version))
          report(
            diag(
              Errors.AusMerged,
              [
                name,
                e.version,
                `equals ${twin.version} apart from build metadata (the two tied in auto-update-server); imported as ${twin.version}`,
              ],
              { file: e.file },
            ),
          );
        twin.entries.push(e);
      }
    }
    let appReleases = 0;
    for (const d of drafts.sort((a, b) => semver.rcompare(a.version, b.version))) {
      const n = convertRelease(id, d, archives, files, platforms, report);
      if (!n) continue;
      written += n;
      appReleases++;
      for (const e of d.entries) e.channels.forEach((c) => channels.add(c));
    }
    if (!appReleases) continue;
    ids.add(id);
    apps++;
    releases += appReleases;
    files.set(
      `apps/${id}/app.yaml`,
      yamlText('# Imported from auto-update-server.', {
        id,
        name,
        ...(name !== id ? { updateName: name } : {}),
        summary: `${name}, imported from auto-update-server.`,
      }),
    );
  }
  files.set(
    'store.yaml',
    yamlText('# Imported from auto-update-server by `appshelf import aus`. See docs/server.md.', {
      name: opts.name ?? 'Imported from auto-update-server',
      ...(opts.source ? { description: `Imported from ${opts.source}.` } : {}),
      channels: [...channels].sort(channelOrder).map((c) => ({ name: c })),
      // auto-update-server offers a release only on the channels it lists.
      includeMoreMature: false,
      trust: { signatures: 'optional' },
      ...storePlatforms(platforms),
    }),
  );
  return { files, diagnostics, apps, releases, entries: written };
}
