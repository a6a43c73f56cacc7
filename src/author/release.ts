import type { PlatformRolloutFile } from '../schema/index.js';
import path from 'node:path';
import { Document, isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { diag, Errors, StoreError } from '../errors/index.js';
import { overrideLabel, rangesFit } from '../resolve/rollout.js';
import { addToSeq, deletePruning, flowSeq, literal, openYaml, setTopLevel, withHeader, yamlText, type YamlFile } from './yaml-edit.js';

/** One platform file of a release, as `release add` computed it. */
export interface EntryInput {
  os: string;
  architectures: readonly string[];
  osversion?: string;
  appversion?: string;
  /** zip, gz, msi …; the file extension when not given (as the resolver defaults it). */
  format?: string;
  /** Archive path relative to the app folder (`files/x.zip`). */
  file: string;
  size: number;
  sha256: string;
  signature?: string;
  /** Sparkle's base64 Ed25519 signature of the archive. */
  edSignature?: string;
  /** Tauri's minisign signature (base64 of the .sig file). */
  minisign?: string;
}

/** What `release add` puts into a release file. */
export interface ReleaseInput {
  version: string;
  channels: readonly string[];
  date?: string;
  /** Markdown release notes. */
  changelog?: string;
  dockerTag?: string;
  entry?: EntryInput;
}

/** The format an entry is served in: as given, else the file extension (`x.tar.gz` → `gz`). */
const entryFormat = (e: Pick<EntryInput, 'format' | 'file'>): string => e.format ?? (path.posix.extname(e.file).slice(1) || 'bin');

function entryNode(doc: Document, e: EntryInput): YAMLMap {
  const node = doc.createNode({
    os: e.os,
    architectures: [],
    ...(e.osversion !== undefined ? { osversion: e.osversion } : {}),
    ...(e.appversion !== undefined ? { appversion: e.appversion } : {}),
    format: entryFormat(e),
    file: e.file,
    size: e.size,
    sha256: e.sha256,
    ...(e.signature !== undefined ? { signature: e.signature } : {}),
    ...(e.edSignature !== undefined ? { edSignature: e.edSignature } : {}),
    ...(e.minisign !== undefined ? { minisign: e.minisign } : {}),
  }) as YAMLMap;
  node.set('architectures', flowSeq(doc, e.architectures));
  return node;
}

/** A new release file, laid out like the hand-written ones (flow lists, notes as a literal block). */
export function createRelease(input: ReleaseInput, header?: string): string {
  const doc = new Document({ version: input.version, channels: [] });
  doc.set('channels', flowSeq(doc, input.channels));
  if (input.date) doc.set('date', input.date);
  if (input.dockerTag) doc.set('docker', doc.createNode({ tag: input.dockerTag }));
  if (input.changelog) doc.set('changelog', literal(input.changelog));
  if (input.entry) doc.set('entries', doc.createNode([entryNode(doc, input.entry)]));
  return withHeader(yamlText(doc), header);
}

/**
 * Adds to an existing (not yet released) release file: more channels, the notes, the docker tag,
 * and one more platform file. A file for the same os, architecture and format is refused.
 */
export function addToRelease(f: YamlFile, input: ReleaseInput): string {
  const { doc, at } = openYaml(f);
  for (const c of input.channels) addToSeq(doc, ['channels'], c);
  if (input.date) doc.set('date', input.date);
  if (input.dockerTag) doc.setIn(['docker', 'tag'], input.dockerTag);
  if (input.changelog) doc.set('changelog', literal(input.changelog));
  const e = input.entry;
  if (e) {
    const entries = doc.get('entries', true) as YAMLSeq | undefined;
    const list = (isSeq(entries) ? entries.items : []) as unknown[];
    list.forEach((item, i) => {
      if (!isMap(item)) return;
      const data = item.toJSON() as { os?: string; architectures?: string[]; format?: string; file?: string; url?: string };
      const format = entryFormat({ format: data.format, file: data.file ?? data.url ?? '' });
      const clash = data.os === e.os && format === entryFormat(e) && e.architectures.find((a) => data.architectures?.includes(a));
      if (clash) throw new StoreError(diag(Errors.AuthorEntryExists, [input.version, `${e.os} ${clash} (${format})`], at(['entries', i])));
    });
    if (isSeq(entries)) entries.add(entryNode(doc, e));
    else doc.set('entries', doc.createNode([entryNode(doc, e)]));
  }
  return yamlText(doc);
}

// A new `rollout:` goes above the notes and the entries, as in the hand-written files.
function setRollIn(doc: Document, channel: string, percent: number): void {
  if (doc.has('rollout')) doc.setIn(['rollout', channel], percent);
  else setTopLevel(doc, 'rollout', doc.createNode({ [channel]: percent }), ['changelog', 'entries']);
}

function requireInRelease(f: YamlFile, version: string, channel: string): void {
  const { doc, at } = openYaml(f);
  const channels = (doc.toJS() as { channels?: string[] }).channels ?? [];
  if (!channels.includes(channel)) {
    throw new StoreError(diag(Errors.AuthorChannelNotInRelease, [version, channel, channels.join(', ') || 'none'], at(['channels'])));
  }
}

/** Sets the rollout of a channel. 100 is the default and removes the entry (and an emptied `rollout:`). */
export function setRollout(f: YamlFile, version: string, channel: string, percent: number): string {
  requireInRelease(f, version, channel);
  const { doc } = openYaml(f);
  if (percent >= 100) {
    if (!doc.hasIn(['rollout', channel])) return f.text;
    deletePruning(doc, ['rollout', channel]);
  } else setRollIn(doc, channel, percent);
  return yamlText(doc);
}

/**
 * Adds the release to a channel, optionally rolled out to a percentage there. With `order` (the
 * store's channels, most mature first), the new channel takes its place in that order, so
 * `[beta]` promoted to stable reads `[stable, beta]` as store.yaml lists them.
 */
export function promoteRelease(f: YamlFile, channel: string, percent?: number, order?: readonly string[]): string {
  const { doc } = openYaml(f);
  addToSeq(doc, ['channels'], channel);
  const seq = doc.getIn(['channels'], true);
  if (order && isSeq(seq)) {
    const rank = (item: unknown) => {
      const i = order.indexOf(String((item as { value?: unknown }).value));
      return i < 0 ? order.length : i;
    };
    // Array.prototype.sort is stable: channels unknown to the store keep their relative place at the end.
    seq.items.sort((a, b) => rank(a) - rank(b));
  }
  if (percent !== undefined && percent < 100) setRollIn(doc, channel, percent);
  else if (percent !== undefined && doc.hasIn(['rollout', channel])) deletePruning(doc, ['rollout', channel]);
  const text = yamlText(doc);
  return text === yamlText(openYaml(f).doc) ? f.text : text;
}

/** The platform a rollout override is for: an os, optionally one architecture and one format, optionally one file by its ranges. */
export interface RolloutPlatform {
  os: string;
  arch?: string;
  format?: string;
  /** The osversion range of the one file (as written; `*` when the entry gives none). */
  osversion?: string;
  /** The appversion range of the one file. */
  appversion?: string;
}

/**
 * Sets the rollout of a channel on one platform (`platformRollout`). An override equal to what
 * would apply without it (the next less specific override, else the channel's rollout) is
 * redundant and removed instead, so `--percent` back to the channel's value undoes a halt.
 * The release must have a file for the platform.
 */
export function setPlatformRollout(f: YamlFile, version: string, channel: string, percent: number, platform: RolloutPlatform): string {
  requireInRelease(f, version, channel);
  const { doc, at } = openYaml(f);
  const data = doc.toJS() as {
    rollout?: Record<string, number>;
    platformRollout?: PlatformRolloutFile[];
    entries?: {
      os?: string;
      architectures?: string[];
      format?: string;
      osversion?: string;
      appversion?: string;
      file?: string;
      url?: string;
    }[];
  };
  const what = overrideLabel(platform);
  const hasFile = (data.entries ?? []).some(
    (e) =>
      e.os === platform.os &&
      (platform.arch === undefined || e.architectures?.includes(platform.arch)) &&
      (platform.format === undefined || entryFormat({ format: e.format, file: e.file ?? e.url ?? '' }) === platform.format) &&
      rangesFit(platform, { osversion: e.osversion ?? '*', appversion: e.appversion ?? '*' }),
  );
  if (!hasFile) throw new StoreError(diag(Errors.RolloutNoFile, [what], at(['entries'])));
  const list = data.platformRollout ?? [];
  // An override of one file (by its ranges) covers only that file.
  const same = (o: (typeof list)[number]) =>
    o.channel === channel &&
    o.os === platform.os &&
    o.architecture === platform.arch &&
    o.format === platform.format &&
    o.osversion === platform.osversion &&
    o.appversion === platform.appversion;
  const rank = (arch?: string, format?: string, ranged?: boolean) =>
    (ranged ? 4 : 0) + (arch !== undefined ? 2 : 0) + (format !== undefined ? 1 : 0);
  const mine = rank(platform.arch, platform.format, platform.osversion !== undefined || platform.appversion !== undefined);
  let fallback: { percent: number; rank: number } | undefined;
  for (const o of list) {
    const r = rank(o.architecture, o.format, o.osversion !== undefined || o.appversion !== undefined);
    const fileFits =
      (o.osversion === undefined || o.osversion === platform.osversion) &&
      (o.appversion === undefined || o.appversion === platform.appversion);
    const covers =
      fileFits &&
      o.channel === channel &&
      o.os === platform.os &&
      (o.architecture === undefined || o.architecture === platform.arch) &&
      (o.format === undefined || o.format === platform.format);
    if (covers && r < mine && (!fallback || r > fallback.rank)) fallback = { percent: o.percent, rank: r };
  }
  const inherited = fallback?.percent ?? data.rollout?.[channel] ?? 100;
  const index = list.findIndex(same);
  if (percent === inherited) {
    if (index < 0) return f.text;
    doc.deleteIn(['platformRollout', index]);
    if (list.length === 1) doc.delete('platformRollout');
    return yamlText(doc);
  }
  if (index >= 0) doc.setIn(['platformRollout', index, 'percent'], percent);
  else {
    const item = {
      channel,
      os: platform.os,
      ...(platform.arch !== undefined && { architecture: platform.arch }),
      ...(platform.format !== undefined && { format: platform.format }),
      ...(platform.osversion !== undefined && { osversion: platform.osversion }),
      ...(platform.appversion !== undefined && { appversion: platform.appversion }),
      percent,
    };
    const seq = doc.get('platformRollout', true);
    if (isSeq(seq)) seq.add(doc.createNode(item));
    else setTopLevel(doc, 'platformRollout', doc.createNode([item]), ['changelog', 'entries']);
  }
  return yamlText(doc);
}
