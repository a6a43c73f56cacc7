import path from 'node:path';
import { storeRelative } from '../util/store-files.js';
import { closest } from '../util/suggest.js';
import semver from 'semver';
import { diag, Errors, type Diagnostic, type Position } from '../errors/index.js';
import { lazyPosition, type SourceDoc } from '../load/index.js';
import { ARCH_NAMES, OS_NAMES, platformName, type ReleaseFile, type StoreFile } from '../schema/index.js';
import type { Checked, CheckedApp, ValidatedStore } from '../validate/index.js';
import { overrideLabel, rangesFit } from './rollout.js';
import {
  defaultLimits,
  type PlatformRollout,
  type ResolvedApp,
  type ResolvedChannel,
  type ResolvedEntry,
  type ResolvedRelease,
  type ResolvedStore,
} from './types.js';

/** What the resolve stage gives back: the store (when store.yaml itself is usable) and its problems. */
export interface ResolveResult {
  store?: ResolvedStore;
  diagnostics: Diagnostic[];
}

// Looked up only when read (a diagnostic): every entry carries one, and a lookup may re-parse its file.
const at = (source: SourceDoc, pointer: string | (string | number)[] = '', key = false): Position => lazyPosition(source, pointer, key);

/** Removes the whitespace `openssl base64` wraps signatures with. */
const normalizeBase64 = (s: string): string => s.replace(/\s+/g, '');

const DATE = /^\d{4}-\d{2}-\d{2}/;

function resolveChannels(store: Checked<StoreFile>, report: (d: Diagnostic) => void): ResolvedChannel[] {
  const seen = new Set<string>();
  const out: ResolvedChannel[] = [];
  store.data.channels.forEach((c, i) => {
    if (seen.has(c.name)) {
      report(diag(Errors.DuplicateChannel, [c.name], at(store.source, ['channels', i, 'name'])));
      return;
    }
    seen.add(c.name);
    out.push({
      name: c.name,
      maturity: c.maturity ?? c.name,
      description: c.description,
      nightly: c.nightly ?? c.name === 'nightly',
      order: out.length,
    });
  });
  return out;
}

/** The platform names a store accepts: the built-in vocabulary plus store.yaml's `platforms`. */
export interface Vocabulary {
  os: readonly string[];
  architectures: readonly string[];
}

/**
 * The diagnostic for an os or architecture name outside the store's vocabulary (an alias gets the
 * canonical word), made at `where` only when there is one; undefined for a known name.
 */
export function platformProblem(kind: 'os' | 'arch', name: string, vocabulary: Vocabulary, where?: () => Position): Diagnostic | undefined {
  const extra = kind === 'os' ? vocabulary.os : vocabulary.architectures;
  const found = platformName(kind, name, extra);
  if (found.known) return undefined;
  const field = kind === 'os' ? 'os' : 'architecture';
  if (found.canonical) return diag(Errors.PlatformAlias, [field, name, found.canonical], where?.());
  return diag(Errors.PlatformUnknown, [field, name, [...(kind === 'os' ? OS_NAMES : ARCH_NAMES), ...extra].join(', ')], where?.());
}

/** Reports an os or architecture name outside the vocabulary; true when it is known. */
function knownPlatform(
  kind: 'os' | 'arch',
  name: string,
  vocabulary: Vocabulary,
  where: () => Position,
  report: (d: Diagnostic) => void,
): boolean {
  const problem = platformProblem(kind, name, vocabulary, where);
  if (problem) report(problem);
  return !problem;
}

function resolveEntries(
  appFolder: string,
  rel: Checked<ReleaseFile>,
  vocabulary: Vocabulary,
  report: (d: Diagnostic) => void,
): ResolvedEntry[] {
  const entries: ResolvedEntry[] = [];
  // Several files of one format per platform are fine when no client fits two of them.
  const seen = new Map<string, { index: number; osversion: string; appversion: string }[]>();
  (rel.data.entries ?? []).forEach((e, index) => {
    const ptr = ['entries', index];
    const here = at(rel.source, ptr);
    // Positions are made only for a name that is reported (80,000 entries in a large store).
    let ok = knownPlatform('os', e.os, vocabulary, () => at(rel.source, [...ptr, 'os']), report);
    e.architectures.forEach((a, i) => {
      if (!knownPlatform('arch', a, vocabulary, () => at(rel.source, [...ptr, 'architectures', i]), report)) ok = false;
    });
    if ((e.file === undefined) === (e.url === undefined)) {
      report(diag(Errors.EntrySource, [e.file !== undefined ? 'both are given' : 'neither is given'], here));
      ok = false;
    }
    let file: string | undefined;
    if (e.file !== undefined) {
      const appDir = path.posix.join('apps', appFolder);
      file = storeRelative(appDir, e.file, appDir);
      if (file === undefined || file === appDir) {
        report(diag(Errors.FileOutsideApp, [e.file], at(rel.source, [...ptr, 'file'])));
        ok = false;
      }
    }
    for (const field of ['osversion', 'appversion'] as const) {
      const r = e[field];
      if (r !== undefined && semver.validRange(r) === null) {
        report(diag(Errors.InvalidRange, [field, r], at(rel.source, [...ptr, field])));
        ok = false;
      }
    }
    const source = e.file ?? new URL(e.url ?? 'https://invalid/').pathname;
    const fileName = path.posix.basename(source) || `${rel.data.version}-${e.os}`;
    const format = e.format ?? (path.posix.extname(fileName).slice(1) || 'bin');
    const osversion = e.osversion ?? '*';
    const appversion = e.appversion ?? '*';
    for (const arch of e.architectures) {
      const key = `${e.os}/${arch}/${format}`;
      const twin = ok ? seen.get(key)?.find((o) => overlaps(o.osversion, osversion) && overlaps(o.appversion, appversion)) : undefined;
      if (twin) {
        const ranges = `osversion ${twin.osversion} and ${osversion}, appversion ${twin.appversion} and ${appversion}`;
        report(diag(Errors.DuplicateEntry, [e.os, arch, format, twin.index, index, ranges], here));
        ok = false;
        break;
      }
    }
    if (ok)
      for (const arch of e.architectures)
        seen.set(`${e.os}/${arch}/${format}`, [...(seen.get(`${e.os}/${arch}/${format}`) ?? []), { index, osversion, appversion }]);
    if (!ok) return;
    entries.push({
      os: e.os,
      architectures: e.architectures,
      osversion: e.osversion ?? '*',
      appversion: e.appversion ?? '*',
      format,
      file,
      url: e.url,
      fileName,
      size: e.size,
      sha256: e.sha256,
      signature: e.signature === undefined ? undefined : normalizeBase64(e.signature),
      edSignature: e.edSignature,
      minisign: e.minisign === undefined ? undefined : normalizeBase64(e.minisign),
      index,
      at: here,
      fieldAt: {
        size: at(rel.source, [...ptr, 'size']),
        sha256: at(rel.source, [...ptr, 'sha256']),
        signature: at(rel.source, [...ptr, 'signature']),
      },
    });
  });
  return entries;
}

/** True when some version satisfies both ranges (valid ones: invalid ranges are reported before). */
function overlaps(a: string, b: string): boolean {
  if (a === '*' || b === '*' || a === b) return true;
  try {
    return semver.intersects(a, b, { includePrerelease: true });
  } catch {
    return true;
  }
}

function resolveRelease(
  app: CheckedApp,
  rel: Checked<ReleaseFile>,
  channels: Map<string, ResolvedChannel>,
  vocabulary: Vocabulary,
  report: (d: Diagnostic) => void,
): ResolvedRelease | undefined {
  const { data, source } = rel;
  // semver.parse forgives a "v" prefix and spaces; a store version must be written exactly as it is published.
  const parsed = semver.parse(data.version);
  const exact = parsed && `${parsed.version}${parsed.build.length ? `+${parsed.build.join('.')}` : ''}`;
  if (!parsed || exact !== data.version) {
    const near = exact ?? (/^\d+\.\d+$/.test(data.version) ? `${data.version}.0` : undefined);
    report(diag(Errors.InvalidSemver, [data.version, near], at(source, '/version')));
    return undefined;
  }
  const stem = path.posix.basename(source.rel).replace(/\.(ya?ml|json)$/, '');
  if (stem !== data.version)
    report(diag(Errors.VersionFileMismatch, [data.version, path.posix.basename(source.rel)], at(source, '/version')));
  const known = [...channels.keys()].join(', ');
  const nightly = data.nightly ?? false;
  data.channels.forEach((c, i) => {
    const ch = channels.get(c);
    if (!ch) report(diag(Errors.UnknownChannel, [c, known, closest(c, [...channels.keys()])], at(source, ['channels', i])));
    else if (nightly && !ch.nightly) report(diag(Errors.NightlyOutsideChannel, [c], at(source, ['channels', i])));
  });
  const rollout: Record<string, number> = {};
  for (const c of data.channels) rollout[c] = 100;
  for (const [c, pct] of Object.entries(data.rollout ?? {})) {
    if (!data.channels.includes(c)) report(diag(Errors.RolloutUnknownChannel, [c], at(source, ['rollout', c], true)));
    else rollout[c] = pct;
  }
  if (data.yanked && !data.yankReason) report(diag(Errors.YankWithoutReason, [], at(source, '/yanked')));
  if (data.date !== undefined && (!DATE.test(data.date) || Number.isNaN(Date.parse(data.date)))) {
    report(diag(Errors.InvalidDate, [data.date], at(source, '/date')));
  }
  const entries = resolveEntries(app.folder, rel, vocabulary, report);
  return {
    app: app.app?.data.id ?? app.folder,
    version: data.version,
    updateVersion: data.updateVersion,
    semver: parsed,
    channels: data.channels,
    date: data.date,
    changelog: data.changelog,
    nightly,
    critical: data.critical,
    yanked: data.yanked ?? false,
    yankReason: data.yankReason,
    docker: data.docker,
    rollout,
    platformRollout: resolvePlatformRollout(rel, entries, report),
    entries,
    rel: source.rel,
    at: { file: source.file },
  };
}

/**
 * The per-platform overrides of a release: each names a channel of the release and an os (+
 * architecture, + format) one of its files is for; one override per channel × platform × format.
 * Absent when there are none, so releases without overrides resolve as before.
 */
function resolvePlatformRollout(
  rel: Checked<ReleaseFile>,
  entries: readonly ResolvedEntry[],
  report: (d: Diagnostic) => void,
): PlatformRollout[] | undefined {
  const list = rel.data.platformRollout;
  if (!list?.length) return undefined;
  const out: PlatformRollout[] = [];
  const seen = new Map<string, number>();
  list.forEach((o, i) => {
    const here = at(rel.source, ['platformRollout', i]);
    if (!rel.data.channels.includes(o.channel)) {
      report(diag(Errors.RolloutOverrideChannel, [o.channel], at(rel.source, ['platformRollout', i, 'channel'])));
      return;
    }
    const what = overrideLabel({ os: o.os, arch: o.architecture, format: o.format, osversion: o.osversion, appversion: o.appversion });
    const hasFile = entries.some(
      (e) =>
        e.os === o.os &&
        (o.architecture === undefined || e.architectures.includes(o.architecture)) &&
        (o.format === undefined || e.format === o.format) &&
        rangesFit(o, e),
    );
    if (!hasFile) {
      report(diag(Errors.RolloutNoFile, [what], here));
      return;
    }
    const key = `${o.channel}\0${o.os}\0${o.architecture ?? ''}\0${o.format ?? ''}\0${o.osversion ?? ''}\0${o.appversion ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined) {
      report(diag(Errors.RolloutOverrideDuplicate, [`${o.channel} on ${what}`, first], here));
      return;
    }
    seen.set(key, i);
    out.push({
      channel: o.channel,
      os: o.os,
      arch: o.architecture,
      format: o.format,
      ...(o.osversion !== undefined && { osversion: o.osversion }),
      ...(o.appversion !== undefined && { appversion: o.appversion }),
      percent: o.percent,
    });
  });
  return out.length ? out : undefined;
}

function resolveReleases(
  app: CheckedApp,
  channels: Map<string, ResolvedChannel>,
  vocabulary: Vocabulary,
  report: (d: Diagnostic) => void,
): ResolvedRelease[] {
  const releases: ResolvedRelease[] = [];
  for (const r of app.releases) {
    const resolved = resolveRelease(app, r, channels, vocabulary, report);
    if (!resolved) continue;
    const twin = releases.find((x) => semver.compare(x.semver, resolved.semver) === 0);
    if (twin) {
      report(diag(Errors.DuplicateVersion, [resolved.version, `releases/${path.posix.basename(twin.rel)}`], at(r.source, '/version')));
      continue;
    }
    releases.push(resolved);
  }
  // Newest first by semver precedence ("1.10.0" after "1.9.0"); build metadata is ignored by compare.
  releases.sort((a, b) => semver.rcompare(a.semver, b.semver));
  return releases;
}

function resolveApp(
  app: CheckedApp,
  channels: Map<string, ResolvedChannel>,
  vocabulary: Vocabulary,
  categories: ReadonlySet<string>,
  report: (d: Diagnostic) => void,
): ResolvedApp | undefined {
  // Releases are checked even when app.yaml is broken, so one run reports every problem.
  const releases = resolveReleases(app, channels, vocabulary, report);
  if (!app.app) return undefined;
  const { data, source } = app.app;
  if (data.id !== app.folder) report(diag(Errors.AppIdMismatch, [data.id, app.folder], at(source, '/id')));
  const pins: Record<string, string> = {};
  const known = [...channels.keys()].join(', ');
  for (const [channel, version] of Object.entries(data.pins ?? {})) {
    const pos = at(source, ['pins', channel]);
    const target = releases.find((r) => r.version === version || semver.eq(r.semver, semver.parse(version) ?? '0.0.0-invalid'));
    if (!channels.has(channel))
      report(diag(Errors.UnknownChannel, [channel, known, closest(channel, [...channels.keys()])], at(source, ['pins', channel], true)));
    else if (!target) report(diag(Errors.PinUnknownVersion, [channel, version], pos));
    else if (!target.channels.includes(channel)) report(diag(Errors.PinNotInChannel, [channel, version], pos));
    else pins[channel] = target.version;
  }
  if (categories.size) {
    (data.categories ?? []).forEach((c, i) => {
      if (!categories.has(c)) report(diag(Errors.CategoryUnknown, [c, [...categories].join(', ')], at(source, ['categories', i])));
    });
  }
  const inFolder = (file: string) => path.posix.join(path.posix.dirname(source.rel), file);
  return {
    id: data.id,
    name: data.name,
    updateName: data.updateName,
    summary: data.summary,
    description: data.description,
    authors: data.authors ?? [],
    owners: data.owners ?? [],
    homepage: data.homepage,
    issues: data.issues,
    repository: data.repository,
    icon: data.icon === undefined ? undefined : inFolder(data.icon),
    screenshots: (data.screenshots ?? []).map((s) => ({ file: inFolder(s.file), caption: s.caption })),
    license: data.license,
    categories: data.categories ?? [],
    docker: data.docker,
    certificate: data.certificate,
    signature: data.signature === undefined ? undefined : normalizeBase64(data.signature),
    bundle: data.bundle ?? false,
    locked: data.locked ?? false,
    pins,
    releases,
    rel: source.rel,
    at: { file: source.file },
  };
}

/**
 * Applies the cross-file rules (folder = id, file name = version, semver and ranges valid,
 * channels defined, no duplicate versions, pins and rollouts consistent) and normalizes the
 * store into its resolved, readonly form. Pure: reads nothing from disk.
 */
export function resolveStore(validated: ValidatedStore): ResolveResult {
  const diagnostics: Diagnostic[] = [...validated.diagnostics];
  const report = (d: Diagnostic) => void diagnostics.push(d);
  if (!validated.store) return { diagnostics };
  const s = validated.store.data;
  const channels = resolveChannels(validated.store, report);
  const byName = new Map(channels.map((c) => [c.name, c]));
  const vocabulary: Vocabulary = { os: s.platforms?.os ?? [], architectures: s.platforms?.architectures ?? [] };
  const categories = new Set((s.categories ?? []).map((c) => c.id));
  const apps = validated.apps
    .flatMap((a) => resolveApp(a, byName, vocabulary, categories, report) ?? [])
    .sort((a, b) => a.id.localeCompare(b.id));
  const limits = { ...defaultLimits, ...s.limits };
  const store: ResolvedStore = {
    root: validated.root,
    storeFile: validated.store.source.rel,
    name: s.name,
    description: s.description,
    baseUrl: s.baseUrl,
    admins: s.admins ?? [],
    categories: s.categories ?? [],
    repository: s.repository,
    channels,
    includeMoreMature: s.includeMoreMature ?? true,
    trust: { ca: s.trust?.ca, revoked: s.trust?.revoked, signaturesRequired: (s.trust?.signatures ?? 'required') === 'required' },
    signing: { publicKey: s.signing?.publicKey, expiresDays: s.signing?.expiresDays ?? 7 },
    limits,
    platforms: vocabulary,
    fetch: {
      allowLoopback: s.fetch?.allowLoopback ?? false,
      allowHttp: s.fetch?.allowHttp ?? false,
      timeoutSeconds: s.fetch?.timeoutSeconds ?? 60,
      maxSize: s.fetch?.maxSize ?? limits.archiveSize,
    },
    apps,
  };
  return { store, diagnostics };
}
