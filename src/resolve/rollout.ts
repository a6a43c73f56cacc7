import semver from 'semver';
import type { PlatformRollout, ResolvedApp, ResolvedChannel, ResolvedEntry, ResolvedRelease, ResolvedStore } from './types.js';

/** An (os, arch) pair a client reports. Docker apps use the virtual platform `docker`/`any`. */
export type Platform = Readonly<{ os: string; arch: string }>;

/** The virtual platform of releases that ship a docker image tag. */
const dockerPlatform: Platform = { os: 'docker', arch: 'any' };

/** Number of rollout percentiles: a client sits at one of 0..99. */
const PERCENTILES = 100;

/**
 * A run of percentiles that get the same newest release on one channel and platform:
 * clients at `from`..`to` (inclusive) get `version`, or nothing when it is null.
 */
export type Band = Readonly<{
  channel: string;
  os: string;
  arch: string;
  from: number;
  to: number;
  version: string | null;
}>;

/** One downloadable file of a candidate for one platform (a docker image on the docker platform). */
export type CandidateFile = Readonly<{
  format: string;
  osversion: string;
  appversion: string;
  /** The release entry, absent for a docker image. */
  entry?: ResolvedEntry;
}>;

/** A release a client should consider, with its files for the client's platform. */
export type Candidate = Readonly<{ release: ResolvedRelease; files: readonly CandidateFile[] }>;

const key = (p: Platform) => `${p.os}/${p.arch}`;

/**
 * Every platform any release of the app lists (yanked ones too, so that withdrawing the only
 * release of a platform answers "no update" instead of a missing file), sorted by os then arch.
 * Releases with a docker tag of an app with a docker image add the virtual `docker`/`any`.
 */
export function appPlatforms(app: ResolvedApp): Platform[] {
  const seen = new Map<string, Platform>();
  for (const r of app.releases) {
    for (const e of r.entries) for (const arch of e.architectures) seen.set(`${e.os}/${arch}`, { os: e.os, arch });
    if (hasDocker(app, r)) seen.set(key(dockerPlatform), dockerPlatform);
  }
  return [...seen.values()].sort((a, b) => (a.os === b.os ? cmp(a.arch, b.arch) : cmp(a.os, b.os)));
}

/** The files of a release for one platform, in the order of the release file. */
export function filesFor(app: ResolvedApp, release: ResolvedRelease, platform: Platform): CandidateFile[] {
  if (platform.os === dockerPlatform.os && platform.arch === dockerPlatform.arch && hasDocker(app, release)) {
    return [{ format: 'docker', osversion: '*', appversion: '*' }];
  }
  return release.entries
    .filter((e) => e.os === platform.os && e.architectures.includes(platform.arch))
    .map((entry) => ({ format: entry.format, osversion: entry.osversion, appversion: entry.appversion, entry }));
}

/**
 * The one nightly release of the app that may be served: the newest one that is not yanked.
 * Older nightlies stay in the files and the log but are superseded (as Nextcloud purges them).
 */
function servedNightly(app: ResolvedApp): ResolvedRelease | undefined {
  return app.releases.find((r) => r.nightly && !r.yanked);
}

/** The ranges of one file of a release, which a per-file override names. */
export type FileRanges = Readonly<{ osversion: string; appversion: string }>;

/**
 * True when an override's ranges (if it names any) are exactly the file's: several files of one
 * format on one platform, told apart by range, each keep their own rollout. Without a file,
 * only overrides that name no range fit.
 */
export function rangesFit(o: Readonly<{ osversion?: string; appversion?: string }>, file: FileRanges | undefined): boolean {
  if (o.osversion === undefined && o.appversion === undefined) return true;
  return (
    file !== undefined &&
    (o.osversion === undefined || o.osversion === file.osversion) &&
    (o.appversion === undefined || o.appversion === file.appversion)
  );
}

/** "windows x86-64 zip osversion <6.1": how summaries and messages name an override's platform. */
export function overrideLabel(
  o: Readonly<{ os: string; arch?: string; format?: string; osversion?: string; appversion?: string }>,
): string {
  return [
    o.os,
    o.arch,
    o.format,
    o.osversion !== undefined ? `osversion ${o.osversion}` : undefined,
    o.appversion !== undefined ? `appversion ${o.appversion}` : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(' ');
}

/**
 * The share (0–100) of `channel`'s clients on `os`/`arch` that get the release's files of
 * `format` (with `file`: that one file, told apart from others of its format by its ranges).
 * Most specific wins: an override naming the file's ranges, then the architecture and the
 * format, then the architecture, then the os and the format, then the os alone; without one,
 * the channel's `rollout` (100 unless set).
 */
export function rolloutFor(
  r: Pick<ResolvedRelease, 'rollout' | 'platformRollout'>,
  channel: string,
  os: string,
  arch: string,
  format: string,
  file?: FileRanges,
): number {
  let best: PlatformRollout | undefined;
  let rank = -1;
  for (const o of r.platformRollout ?? []) {
    if (
      o.channel !== channel ||
      o.os !== os ||
      (o.arch !== undefined && o.arch !== arch) ||
      (o.format !== undefined && o.format !== format) ||
      !rangesFit(o, file)
    )
      continue;
    const k =
      (o.osversion !== undefined || o.appversion !== undefined ? 4 : 0) + (o.arch !== undefined ? 2 : 0) + (o.format !== undefined ? 1 : 0);
    if (k > rank) [best, rank] = [o, k];
  }
  return best?.percent ?? r.rollout[channel] ?? 100;
}

/**
 * The share of `channel`'s clients on `platform` that get the release at all: the widest of its
 * files there (a platform halted for one format still gets the others), or the channel's rollout
 * when it has no file there.
 */
function platformRolloutFor(app: ResolvedApp, r: ResolvedRelease, channel: string, platform: Platform): number {
  if (!r.platformRollout?.length) return r.rollout[channel] ?? 100;
  const files = filesFor(app, r, platform);
  if (!files.length) return r.rollout[channel] ?? 100;
  return Math.max(...files.map((f) => rolloutFor(r, channel, platform.os, platform.arch, f.format, f)));
}

/**
 * The percentile from which a client of `channel` no longer reaches the release, given the
 * release's percentage on each channel (`pct`): 100 through a pin (a rollback applies to everyone
 * at once, whatever the pinned release's own rollout said), else the widest of the channels it
 * reaches this one through (the channel itself, and with `includeMoreMature` the more mature
 * ones). 0 when it reaches it through none.
 */
function reach(
  store: ResolvedStore,
  app: ResolvedApp,
  channel: ResolvedChannel,
  r: ResolvedRelease,
  pct: (channel: string) => number,
): number {
  const pinned = app.pins[channel.name];
  if (pinned !== undefined) return r.version === pinned ? PERCENTILES : 0;
  let best = 0;
  for (const m of store.channels) {
    if (m !== channel && !(store.includeMoreMature && m.order < channel.order)) continue;
    const pin = app.pins[m.name];
    if (pin !== undefined) best = r.version === pin ? PERCENTILES : best;
    else if (r.channels.includes(m.name)) best = Math.max(best, pct(m.name));
  }
  return best;
}

/**
 * The releases a client on `channel` at percentile `p` may be offered, newest first, before
 * platform and range filtering:
 * - a pin on the channel serves exactly the pinned release, to every percentile;
 * - otherwise the channel's own releases rolled out past `p` (p < rollout), never yanked ones,
 *   nightlies only on nightly channels and only the newest nightly of the app;
 * - with `includeMoreMature`, plus whatever every more mature channel serves at `p` (its pin
 *   when it has one: releases newer than a more mature channel's pin reach this channel only
 *   when they list it themselves).
 * With `platform`, the rollout is the one of that platform ({@link platformRolloutFor}).
 */
export function admittedReleases(
  store: ResolvedStore,
  app: ResolvedApp,
  channel: ResolvedChannel,
  p: number,
  platform?: Platform,
): ResolvedRelease[] {
  const nightly = servedNightly(app);
  const pinned = app.pins[channel.name] !== undefined;
  const ok = (r: ResolvedRelease) => !r.yanked && (pinned || !r.nightly || (channel.nightly && r === nightly));
  return app.releases.filter(
    (r) => ok(r) && p < reach(store, app, channel, r, (c) => (platform ? platformRolloutFor(app, r, c, platform) : (r.rollout[c] ?? 100))),
  );
}

/**
 * What a client on `channel`/`platform` at percentile `p` should consider, newest first, with
 * the files rolled out to `p` (a per-format override may hold one format back). A release is
 * left out when each file it offers here is shadowed: a newer candidate offers the same format
 * with ranges that admit every client this file admits (`*`, the same range, or a wider one), so
 * no client would ever pick it.
 */
export function candidatesAt(store: ResolvedStore, app: ResolvedApp, channel: ResolvedChannel, platform: Platform, p: number): Candidate[] {
  const out: Candidate[] = [];
  const newer: CandidateFile[] = [];
  for (const release of admittedReleases(store, app, channel, p, platform)) {
    let files = filesFor(app, release, platform);
    if (release.platformRollout?.length) {
      files = files.filter(
        (f) => p < reach(store, app, channel, release, (c) => rolloutFor(release, c, platform.os, platform.arch, f.format, f)),
      );
    }
    if (!files.length || files.every((f) => newer.some((g) => shadows(g, f)))) continue;
    out.push({ release, files });
    newer.push(...files);
  }
  return out;
}

/** True when every client file `f` admits is also admitted by the newer file `g` of the same format. */
function shadows(g: CandidateFile, f: CandidateFile): boolean {
  return g.format === f.format && within(f.osversion, g.osversion) && within(f.appversion, g.appversion);
}

/**
 * The percentiles where what a channel serves may change: 0 and every rollout percentage of
 * the app (per channel or per platform) strictly between 0 and 100. Between two of them every client gets the same answer.
 */
export function breakpoints(app: ResolvedApp): number[] {
  const points = new Set([0]);
  // A percentage need not be whole (12.5): percentiles are, so p < 12.5 changes at 13.
  const add = (pct: number) => {
    const at = Math.ceil(pct);
    if (at > 0 && at < PERCENTILES) points.add(at);
  };
  for (const r of app.releases) {
    for (const pct of Object.values(r.rollout)) add(pct);
    for (const o of r.platformRollout ?? []) add(o.percent);
  }
  return [...points].sort((a, b) => a - b);
}

/** Runs of percentiles with the same candidates, per channel × platform, computed once per run. */
export type CandidateBand = Readonly<{
  channel: ResolvedChannel;
  platform: Platform;
  from: number;
  to: number;
  candidates: readonly Candidate[];
}>;

/** Every channel × platform of the app split into runs of percentiles with the same candidates. */
export function candidateBands(store: ResolvedStore, app: ResolvedApp): CandidateBand[] {
  const points = breakpoints(app);
  const out: CandidateBand[] = [];
  for (const channel of store.channels) {
    for (const platform of appPlatforms(app)) {
      let last: CandidateBand | undefined;
      points.forEach((from, i) => {
        const to = (points[i + 1] ?? PERCENTILES) - 1;
        const candidates = candidatesAt(store, app, channel, platform, from);
        if (last && sameCandidates(last.candidates, candidates)) {
          last = { ...last, to };
          out[out.length - 1] = last;
        } else {
          last = { channel, platform, from, to, candidates };
          out.push(last);
        }
      });
    }
  }
  return out;
}

/**
 * For each channel × os × arch of the app, the percentile bands of the newest release each
 * client gets, e.g. stable/windows/x86-64: 0–24 → 1.5.0, 25–99 → 1.4.0. Pure.
 */
export function resolveBands(store: ResolvedStore, app: ResolvedApp): Band[] {
  const out: Band[] = [];
  for (const b of candidateBands(store, app)) {
    const version = b.candidates[0]?.release.version ?? null;
    const prev = out[out.length - 1];
    if (prev && prev.channel === b.channel.name && prev.os === b.platform.os && prev.arch === b.platform.arch && prev.version === version) {
      out[out.length - 1] = { ...prev, to: b.to };
    } else {
      out.push({ channel: b.channel.name, os: b.platform.os, arch: b.platform.arch, from: b.from, to: b.to, version });
    }
  }
  return out;
}

// --- internal ---

const subsets = new Map<string, boolean>();
function within(sub: string, dom: string): boolean {
  if (dom === '*' || sub === dom) return true;
  const k = `${sub}\0${dom}`;
  let v = subsets.get(k);
  if (v === undefined) subsets.set(k, (v = semver.subset(sub, dom, { includePrerelease: true })));
  return v;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function hasDocker(app: ResolvedApp, r: ResolvedRelease): boolean {
  return app.docker !== undefined && r.docker !== undefined;
}

function sameCandidates(a: readonly Candidate[], b: readonly Candidate[]): boolean {
  // Same releases with the same files: a per-format override changes the files, not the release.
  return (
    a.length === b.length &&
    a.every(
      (c, i) =>
        c.release === b[i]!.release && c.files.length === b[i]!.files.length && c.files.every((f, j) => f.entry === b[i]!.files[j]!.entry),
    )
  );
}
