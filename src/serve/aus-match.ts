import semver from 'semver';
import type { UpdateIndex, UpdateIndexApp, UpdateIndexEntry, UpdateIndexRelease } from '../schema/index.js';
import { memorySource, type UpdateIndexHead, type UpdateIndexSource } from './update-index-map.js';
import { diag, Errors, type Diagnostic } from '../errors/index.js';
import { looseEquals, type AusInfo, type QueryValue } from './aus-query.js';
import { rolloutFor } from '../resolve/rollout.js';

/** A query auto-update-server would answer with 500; appshelf answers 400 with this diagnostic. */
export class AusQueryError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.name = 'AusQueryError';
  }
}

/** One entry of one release, ready to be tested against a query. */
interface Candidate {
  app: UpdateIndexApp;
  release: UpdateIndexRelease;
  entry: UpdateIndexEntry;
  /** major, minor, patch of the release: the only parts auto-update-server compares. */
  mmp: readonly [number, number, number];
  /** Client channel → the rollout percentage this entry is offered with on it. */
  offeredOn: ReadonlyMap<string, number>;
  /** Per architecture of the entry, when per-platform overrides make it differ from `offeredOn`. */
  offeredByArch?: ReadonlyMap<string, ReadonlyMap<string, number>>;
  osRange: semver.Range | undefined;
  appRange: semver.Range | undefined;
  /** `/update.json` bodies by percentage, made on first use. */
  bodies: Map<number, Buffer>;
}

/** What a query matched. */
export interface UpdateMatch {
  app: UpdateIndexApp;
  release: UpdateIndexRelease;
  entry: UpdateIndexEntry;
  /** The rollout percentage of the client's channel. */
  percentage: number;
  /** The `/update.json` body (compact JSON, auto-update-server's key order). */
  json: Buffer;
}

/** What the routes need of a match: the `/update.json` body and where the archive is. */
export interface UpdateAnswer {
  json: Buffer;
  download: Pick<UpdateIndexEntry, 'path' | 'url' | 'fileName'>;
  /** The headers of the `/update.json` answer, made once (the remembered answer is sent as is). */
  headers?: Readonly<Record<string, string | number>>;
}

/**
 * An update index prepared for matching: apps are compiled when first asked for and kept in a
 * cache bounded by the size of their JSON, so a large index costs what its busy apps cost.
 */
export interface CompiledUpdateIndex {
  readonly head: UpdateIndexHead;
  /** Number of apps in the index. */
  readonly apps: number;
  /** The candidates of every app clients name `name`, one group per app, newest first. */
  groups(name: string): readonly (readonly Candidate[])[] | undefined;
  /** Answers by raw query string (most clients send the same few queries); bounded, oldest dropped first. */
  readonly answers: Map<string, UpdateAnswer | AusQueryError | undefined>;
  /** Bytes of app JSON whose compiled form is held now. */
  readonly heldBytes: number;
  /** Closes the index file (if any); later misses of the app cache throw. */
  close(): void;
}

/** How many distinct query strings (of up to 512 characters) {@link matchQuery} remembers per build. */
const REMEMBERED_QUERIES = 10_000;

/** Default bound of the compiled-app cache, in bytes of the apps' JSON. */
const COMPILED_APP_BYTES = 4 * 1024 * 1024;

const gt = (a: readonly number[], b: readonly number[]): boolean =>
  a[0]! !== b[0]! ? a[0]! > b[0]! : a[1]! !== b[1]! ? a[1]! > b[1]! : a[2]! > b[2]!;

function rangeOf(cache: Map<string, semver.Range | undefined>, text: string): semver.Range | undefined {
  if (!cache.has(text)) {
    let r: semver.Range | undefined;
    try {
      r = new semver.Range(text);
    } catch {
      r = undefined; // auto-update-server: an invalid range never matches
    }
    cache.set(text, r);
  }
  return cache.get(text);
}

/**
 * Which client channels see a release, and at what percentage: the channel itself, plus the more
 * mature ones when the store says so; a pinned channel sees only its pinned version; a halted
 * rollout (0) is offered to no one. `pct` gives the release's percentage on a channel (for one
 * platform, when overrides apply). Also what `appshelf export aus` writes, so an exported folder
 * answers as these routes do.
 */
export function offeredOn(
  index: Pick<UpdateIndexHead, 'channels' | 'includeMoreMature'>,
  app: UpdateIndexApp,
  r: UpdateIndexRelease,
  pct: (channel: string) => number = (ch) => r.rollout[ch] ?? 100,
): Map<string, number> {
  const out = new Map<string, number>();
  index.channels.forEach((client, i) => {
    const pin = app.pins[client];
    if (pin !== undefined && pin !== r.version) return;
    const sources = index.includeMoreMature ? index.channels.slice(0, i + 1) : [client];
    let best: number | undefined;
    for (const ch of sources) if (r.channels.includes(ch)) best = Math.max(best ?? 0, pct(ch));
    if (best !== undefined && best > 0) out.set(client, best);
  });
  return out;
}

function compileApp(head: UpdateIndexHead, app: UpdateIndexApp, ranges: Map<string, semver.Range | undefined>): Candidate[] {
  const group: Candidate[] = [];
  for (const release of app.releases) {
    const v = semver.parse(release.version);
    if (!v) continue;
    const offered = offeredOn(head, app, release);
    for (const entry of release.entries) {
      // A platform override applies per architecture of the entry (the client names one).
      const byArch = release.platformRollout?.length
        ? new Map(
            entry.architectures.map((arch) => [
              arch,
              offeredOn(head, app, release, (ch) => rolloutFor(release, ch, entry.os, arch, entry.format, entry)),
            ]),
          )
        : undefined;
      group.push({
        app,
        release,
        entry,
        mmp: [v.major, v.minor, v.patch],
        offeredOn: offered,
        offeredByArch: byArch,
        osRange: rangeOf(ranges, entry.osversion),
        appRange: rangeOf(ranges, entry.appversion),
        bodies: new Map(),
      });
    }
  }
  return group;
}

/**
 * Prepares an update index for {@link matchUpdate}: each app's versions and ranges are parsed once,
 * when a query first names it. `cacheBytes` bounds the compiled apps kept (by their JSON's size;
 * an index given in memory is kept whole).
 */
export function compileUpdateIndex(index: UpdateIndex | UpdateIndexSource, opts: { cacheBytes?: number } = {}): CompiledUpdateIndex {
  const source = 'positions' in index ? index : memorySource(index);
  const limit = opts.cacheBytes ?? COMPILED_APP_BYTES;
  // Range texts repeat across apps ("*", ">=10.9"); their parsed form is shared, bounded like the apps.
  const ranges = new Map<string, semver.Range | undefined>();
  const compiled = new Map<number, { group: Candidate[]; bytes: number }>();
  let held = 0;
  const group = (position: number): Candidate[] => {
    const hit = compiled.get(position);
    if (hit) {
      // Most recently used last: the first entries are the ones to drop.
      compiled.delete(position);
      compiled.set(position, hit);
      return hit.group;
    }
    const { app, bytes } = source.app(position);
    if (ranges.size > 10_000) ranges.clear();
    const made = { group: compileApp(source.head, app, ranges), bytes };
    compiled.set(position, made);
    held += bytes;
    for (const [k, v] of compiled) {
      if (held <= limit || k === position) break;
      compiled.delete(k);
      held -= v.bytes;
    }
    return made.group;
  };
  return {
    head: source.head,
    apps: source.apps,
    groups: (name) => source.positions(name)?.map(group),
    answers: new Map(),
    get heldBytes() {
      return held;
    },
    close: () => source.close(),
  };
}

const COMPLETE_MAJOR = /^[0-9]+$/;
const COMPLETE_MINOR = /^[0-9]+\.[0-9]+$/;

/** auto-update-server's `completeVer`: "2" → "2.0.0", "6.1" → "6.1.0", other text unchanged. */
function completeVersion(v: string): string {
  return COMPLETE_MAJOR.test(v) ? `${v}.0.0` : COMPLETE_MINOR.test(v) ? `${v}.0` : v;
}

// semver 5's strict parse, which the reference server used: no surrounding whitespace; an optional
// leading "v" (or "="); exactly three numeric parts without leading zeros.
function parseStrict(v: string): semver.SemVer | null {
  if (v.length > 256 || v !== v.trim()) return null;
  return semver.parse(v.startsWith('=') ? v.slice(1) : v);
}

const show = (v: QueryValue | number | undefined): string => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v ?? null));

/** The client's installed version reduced to major.minor.patch, or the 400 auto-update-server would have crashed with. */
function clientVersion(info: AusInfo): readonly [number, number, number] {
  const v = info.appversion;
  if (typeof v !== 'string') throw new AusQueryError(diag(Errors.AusListParam, ['appversion']));
  const parsed = parseStrict(completeVersion(v));
  if (!parsed) throw new AusQueryError(diag(Errors.AusInvalidAppversion, [show(v)]));
  return [parsed.major, parsed.minor, parsed.patch];
}

/** The client's OS version for range tests; `null` for an empty one (which matches nothing). */
function clientOsVersion(info: AusInfo): semver.SemVer | null {
  const v = info.osversion;
  if (v === undefined) throw new AusQueryError(diag(Errors.AusMissingOsversion, [show(info.os)]));
  if (typeof v !== 'string') throw new AusQueryError(diag(Errors.AusListParam, ['osversion']));
  if (v === '') return null;
  try {
    // Not stripped: a prerelease OS version satisfies only ranges naming the same prerelease tuple.
    return new semver.SemVer(completeVersion(v));
  } catch {
    throw new AusQueryError(diag(Errors.AusInvalidOsversion, [show(v)]));
  }
}

function jsonBody(index: UpdateIndexHead, c: Candidate, percentage: number): Buffer {
  let body = c.bodies.get(percentage);
  if (!body) {
    const base = index.baseUrl ? (index.baseUrl.endsWith('/') ? index.baseUrl : `${index.baseUrl}/`) : '/';
    // Same keys and order as auto-update-server; path and jsonpath are public URLs, not server paths.
    body = Buffer.from(
      JSON.stringify({
        app: c.app.name,
        version: c.release.updateVersion ?? c.release.version,
        channels: c.release.channels,
        compatible: { os: c.entry.os, osversion: c.entry.osversion, architectures: c.entry.architectures, appversion: c.entry.appversion },
        percentage,
        path: c.entry.url,
        format: c.entry.format,
        jsonpath: `${base}api/v1/apps/${encodeURIComponent(c.app.id)}.json`,
        date: c.release.date,
      }),
    );
    c.bodies.set(percentage, body);
  }
  return body;
}

/**
 * auto-update-server's `matchUpdate`: the newest entry (by major.minor.patch only; the first wins a
 * tie) whose app, channel, architecture, os, osversion range, appversion range, percentile and
 * format fit, and whose version is strictly newer than appversion. The tests run in that order and
 * short-circuit, so a malformed appversion or osversion is reported exactly where the reference
 * server crashed (400 here instead of its 500), and nowhere else.
 */
export function matchUpdate(compiled: CompiledUpdateIndex, info: AusInfo): UpdateMatch | undefined {
  const name = info.app === undefined ? undefined : typeof info.app === 'string' ? info.app : String(info.app);
  const groups = name === undefined ? undefined : compiled.groups(name);
  if (!groups) return undefined;
  let installed: readonly [number, number, number] | undefined;
  let osVersion: semver.SemVer | null | undefined;
  let appVersion: semver.SemVer | undefined;
  let percentile: number | undefined;
  let best: Candidate | undefined;
  let bestPct = 0;
  for (const group of groups) {
    for (const c of group) {
      installed ??= clientVersion(info);
      if (!gt(c.mmp, installed)) continue;
      const offered = (c.offeredByArch && typeof info.architecture === 'string' && c.offeredByArch.get(info.architecture)) || c.offeredOn;
      const pct = typeof info.channel === 'string' ? offered.get(info.channel) : undefined;
      if (pct === undefined) continue;
      if (typeof info.architecture !== 'string' || !c.entry.architectures.includes(info.architecture)) continue;
      if (!looseEquals(c.entry.os, info.os)) continue;
      if (osVersion === undefined) osVersion = clientOsVersion(info);
      if (!osVersion || !c.osRange?.test(osVersion)) continue;
      appVersion ??= new semver.SemVer(installed.join('.'));
      if (!c.appRange?.test(appVersion)) continue;
      percentile ??= parseFloat(String(info.percentile));
      if (!(pct >= percentile)) continue;
      if (!looseEquals(c.entry.format, info.format)) continue;
      if (!best || gt(c.mmp, best.mmp)) {
        best = c;
        bestPct = pct;
      }
      // Candidates of one app are newest first: nothing later in the group can be strictly newer,
      // and every later test that could fail on the query has already passed once.
      break;
    }
  }
  if (!best) return undefined;
  return { app: best.app, release: best.release, entry: best.entry, percentage: bestPct, json: jsonBody(compiled.head, best, bestPct) };
}

/**
 * {@link matchUpdate} for a raw query string, remembered: the index of a build never changes, so
 * the same query always gets the same answer (or the same 400) until the next reload. What is
 * remembered is the answer alone (body and download), not the app it came from.
 */
export function matchQuery(compiled: CompiledUpdateIndex, search: string, info: (search: string) => AusInfo): UpdateAnswer | undefined {
  let answer = compiled.answers.get(search);
  if (answer === undefined && !compiled.answers.has(search)) {
    try {
      const found = matchUpdate(compiled, info(search));
      answer = found && {
        json: found.json,
        download: { path: found.entry.path, url: found.entry.url, fileName: found.entry.fileName },
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': found.json.byteLength,
          'Cache-Control': 'no-cache',
        },
      };
    } catch (e) {
      if (!(e instanceof AusQueryError)) throw e;
      answer = e;
    }
    if (search.length <= 512) {
      if (compiled.answers.size >= REMEMBERED_QUERIES) compiled.answers.delete(compiled.answers.keys().next().value!);
      compiled.answers.set(search, answer);
    }
  }
  if (answer instanceof AusQueryError) throw answer;
  return answer;
}
