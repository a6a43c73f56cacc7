import path from 'node:path';
import semver from 'semver';
import { diag, Errors, type Diagnostic } from '../errors/index.js';
import { archName, channelName, osName } from '../schema/_fragments.js';

/** One `.json` update file of an auto-update-server `updates/` folder, as read from disk. */
export interface AusSourceFile {
  /** Path shown in reports (relative to the working folder). */
  file: string;
  /** Absolute path; archive paths in the file are resolved against its folder. */
  abs: string;
  text: string;
  /** Modification time: becomes the release date. */
  mtime: Date;
}

/** One entry the reference server would load, checked and normalized. */
export interface AusEntry {
  /** The `app` name clients send. */
  app: string;
  /** After auto-update-server's completion ("2" → "2.0.0"). */
  version: string;
  channels: string[];
  os: string;
  architectures: string[];
  osversion: string;
  appversion: string;
  /** `parseFloat(percentage) || 100`, kept within 0–100. */
  percentage: number;
  format: string;
  /** Absolute path of the archive. */
  archive: string;
  /** Where it came from, for reports. */
  file: string;
  /** 1-based position in the file's `entries` (1 for a single-entry file). */
  entry: number;
  mtime: Date;
  /** `channels` or `architectures` as the update file wrote them when it wrote text, not a list. */
  texts?: Partial<Record<TextField, string>>;
}

/** The list fields auto-update-server also accepted as text (testing membership by substring). */
type TextField = 'channels' | 'architectures';

/** Result of {@link parseAusFiles}. */
export interface AusParseResult {
  entries: AusEntry[];
  diagnostics: Diagnostic[];
}

const matches = (pattern: string, max: number, v: string) => v.length <= max && new RegExp(pattern).test(v);
const isChannel = (v: string) => matches(channelName.pattern, channelName.maxLength, v);
const isOs = (v: string) => matches(osName.pattern, osName.maxLength, v);
const isArch = (v: string) => matches(archName.pattern, archName.maxLength, v);
const FORMAT = /^[A-Za-z0-9][A-Za-z0-9.]*$/;

/** auto-update-server's `completeVer`: "2" → "2.0.0", "6.1" → "6.1.0", anything else unchanged. */
const completeAusVersion = (v: string): string => (/^[0-9]+$/.test(v) ? `${v}.0.0` : /^[0-9]+\.[0-9]+$/.test(v) ? `${v}.0` : v);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// A list field; text is kept as a one-element list here and widened once every file is read.
function listField(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [...new Set(value as string[])];
  return undefined;
}

/**
 * auto-update-server tested a text `channels` or `architectures` by substring ("dev-nightly"
 * matches `channel=dev`). A store lists names, so the text becomes itself plus every name a
 * client can send for that field that is part of it: the names the folder's lists use and the
 * defaults clients get (channel release, architectures x86 and x86-64). Only made-up fragments
 * (`channel=night`) are answered differently, and the warning says so.
 */
function widenTexts(entries: readonly AusEntry[], report: (d: Diagnostic) => void): void {
  const known: Record<TextField, Set<string>> = { channels: new Set(['release']), architectures: new Set(['x86', 'x86-64']) };
  for (const e of entries)
    for (const f of ['channels', 'architectures'] as const) if (e.texts?.[f] === undefined) e[f].forEach((n) => known[f].add(n));
  for (const e of entries) {
    for (const f of ['channels', 'architectures'] as const) {
      const text = e.texts?.[f];
      if (text === undefined) continue;
      const valid = f === 'channels' ? isChannel : isArch;
      e[f] = [text, ...[...known[f]].filter((n) => n !== text && text.includes(n) && valid(n)).sort()];
      report(diag(Errors.AusStringList, [f, text, e[f]], { file: e.file }));
    }
  }
}

function parseEntry(raw: Json, top: Json, src: AusSourceFile, n: number, report: (d: Diagnostic) => void): AusEntry | undefined {
  const at = { file: src.file };
  // Top-level app, version and channels overwrite the entry's own, as the reference server does.
  const { app, version, channels: rawChannels } = top;
  const skip = (d: Diagnostic) => void report(d);
  if (typeof version !== 'string') return skip(diag(Errors.AusMissingField, ['version', 'auto-update-server crashes on it'], at));
  if (typeof raw.path !== 'string') return skip(diag(Errors.AusMissingField, ['path', 'auto-update-server crashes on it'], at));
  if (typeof app !== 'string' || app === '') return skip(diag(Errors.AusMissingField, ['app', 'no request can match it'], at));
  const full = completeAusVersion(version);
  // semver 5 (the reference server's) rejects surrounding whitespace; semver 7 would trim it.
  if (full !== full.trim() || !semver.parse(full)) return skip(diag(Errors.AusInvalidVersion, [version], at));
  const channels = listField(rawChannels);
  if (!channels) return skip(diag(Errors.AusMissingField, ['channels', 'auto-update-server answers 500 to requests that reach it'], at));
  const badChannel = channels.find((c) => !isChannel(c));
  if (badChannel !== undefined)
    return skip(diag(Errors.AusUnsupportedValue, [n, 'channel', badChannel, 'channel names are lower-case letters, digits, - and _'], at));
  if (typeof raw.os !== 'string') return skip(diag(Errors.AusMissingField, ['os', 'no request can match it'], at));
  if (!isOs(raw.os))
    return skip(diag(Errors.AusUnsupportedValue, [n, 'os', raw.os, 'os names are lower-case letters, digits, ., - and _'], at));
  const architectures = listField(raw.architectures);
  if (!architectures)
    return skip(diag(Errors.AusMissingField, ['architectures', 'auto-update-server answers 500 to requests that reach it'], at));
  if (!architectures.length) return skip(diag(Errors.AusUnsupportedValue, [n, 'architectures', '[]', 'an empty list matches nothing'], at));
  const badArch = architectures.find((a) => !isArch(a));
  if (badArch !== undefined)
    return skip(
      diag(Errors.AusUnsupportedValue, [n, 'architecture', badArch, 'architecture names are lower-case letters, digits, ., - and _'], at),
    );
  const ranges: Record<string, string> = {};
  for (const field of ['osversion', 'appversion'] as const) {
    const r = raw[field];
    if (typeof r !== 'string' || semver.validRange(r) === null)
      return skip(diag(Errors.AusNeverMatches, [n, field, typeof r === 'string' ? r : ''], at));
    // An empty range is "any version" to semver; release files spell it "*".
    ranges[field] = r === '' ? '*' : r;
  }
  const format = raw.format ? String(raw.format) : path.extname(raw.path).slice(1);
  if (!FORMAT.test(format))
    return skip(diag(Errors.AusUnsupportedValue, [n, 'format', format, 'formats are letters, digits and dots, as zip or AppImage'], at));
  const asked = parseFloat(String(raw.percentage)) || 100;
  const percentage = Math.min(100, Math.max(0, asked));
  if (percentage !== asked) report(diag(Errors.AusPercentage, [n, asked, percentage], at));
  return {
    app,
    version: full,
    channels,
    os: raw.os,
    architectures,
    osversion: ranges.osversion!,
    appversion: ranges.appversion!,
    percentage,
    format,
    archive: path.resolve(path.dirname(src.abs), raw.path),
    file: src.file,
    entry: n,
    mtime: src.mtime,
    ...(typeof rawChannels === 'string' || typeof raw.architectures === 'string'
      ? {
          texts: {
            ...(typeof rawChannels === 'string' ? { channels: rawChannels } : {}),
            ...(typeof raw.architectures === 'string' ? { architectures: raw.architectures } : {}),
          },
        }
      : {}),
  };
}

/**
 * Reads auto-update-server update files the way that server loads them (BOM removed, `entries`
 * form or a single entry, top-level app/version/channels overwriting the entries', completed
 * versions, `percentage || 100`, format from the archive extension) and keeps the entries that
 * appshelf can store; every other one is reported with the reason. Pure.
 */
export function parseAusFiles(files: readonly AusSourceFile[]): AusParseResult {
  const entries: AusEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => void diagnostics.push(d);
  for (const src of files) {
    let data: unknown;
    try {
      data = JSON.parse(src.text.replace(/^\uFEFF/, ''));
    } catch (e) {
      report(diag(Errors.AusMalformedJson, [`not valid JSON (${(e as Error).message})`], { file: src.file }));
      continue;
    }
    if (!isObject(data)) {
      report(diag(Errors.AusMalformedJson, ['the JSON is not an object'], { file: src.file }));
      continue;
    }
    if (data.entries) {
      if (!Array.isArray(data.entries)) {
        report(diag(Errors.AusMalformedJson, ['`entries` is not a list'], { file: src.file }));
        continue;
      }
      data.entries.forEach((raw: unknown, i) => {
        if (!isObject(raw)) return report(diag(Errors.AusMalformedJson, [`entry ${i + 1} is not an object`], { file: src.file }));
        const e = parseEntry(raw, data as Json, src, i + 1, report);
        if (e) entries.push(e);
      });
    } else {
      const e = parseEntry(data, data, src, 1, report);
      if (e) entries.push(e);
    }
  }
  widenTexts(entries, report);
  return { entries, diagnostics };
}
