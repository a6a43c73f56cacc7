import semver from 'semver';
import type { Diagnostic } from '../errors/index.js';
import type { Band, ResolvedApp, ResolvedRelease, ResolvedStore } from '../resolve/index.js';
import { overrideLabel } from '../resolve/rollout.js';

/** The resolver's band computation: `resolveBands` of the resolve stage (flat runs of percentiles per channel × platform). */
type BandsResolver = (store: ResolvedStore, app: ResolvedApp) => readonly Band[];

/** Everything the release-candidate report shows. */
export interface SummaryInput {
  /** The store at the base ref; undefined when there is none (no --base, or the store is new). */
  base?: ResolvedStore;
  /** The store of the pull request. */
  head?: ResolvedStore;
  /** How the base is named in the report, e.g. "origin/main (3f2a1c9)". */
  baseLabel?: string;
  /** Store-relative paths the pull request changes. */
  changed: readonly string[];
  /** Problems of the pull-request policy: listed first. */
  policy: readonly Diagnostic[];
  /** Every other problem of the check. */
  diagnostics: readonly Diagnostic[];
  /** Whether every entry of a release verified (undefined: not checked). */
  signed?: (app: string, version: string) => boolean | undefined;
  /** Facts read from a release's archives. */
  facts?: (app: string, version: string) => { changelog?: string; info?: unknown } | undefined;
  /** The resolver's percentile bands; without it the report says the table is unavailable. */
  bands?: BandsResolver;
}

/** Marks the report so the workflow updates one pull-request comment instead of adding new ones. */
export const SUMMARY_MARKER = '<!-- appshelf-check-summary -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) [v, u] = [v / 1024, u + 1];
  return u === 0 ? `${bytes} B` : `${v.toFixed(1)} ${units[u]}`;
}

function location(d: Diagnostic): string {
  return d.file ? `\`${d.file}${d.line ? `:${d.line}` : ''}\` ` : '';
}

function problems(list: readonly Diagnostic[]): string[] {
  return list.map(
    (d) => `- ${d.severity === 'error' ? '❌' : '⚠️'} ${location(d)}**${d.code}** ${d.message}${d.hint ? `<br>_${d.hint}_` : ''}`,
  );
}

function channelsText(r: ResolvedRelease): string {
  return r.channels
    .map((c) => {
      const parts = (r.rollout[c] ?? 100) < 100 ? [`rollout ${r.rollout[c]}%`] : [];
      // Per-platform overrides, so a reviewer sees a platform halt next to the channel's own rollout.
      for (const o of r.platformRollout ?? []) if (o.channel === c) parts.push(`${overrideLabel(o)} ${o.percent}%`);
      return parts.length ? `${c} (${parts.join('; ')})` : c;
    })
    .join(', ');
}

function signatureText(input: SummaryInput, r: ResolvedRelease): string {
  if (r.entries.length && r.entries.every((e) => e.signature === undefined)) return 'unsigned';
  const verified = input.signed?.(r.app, r.version);
  if (verified === true) return 'verified';
  if (verified === false) return 'does not verify';
  return 'not checked';
}

function releaseDetails(input: SummaryInput, app: ResolvedApp, r: ResolvedRelease): string[] {
  const out = [
    `**New release ${r.version}** · channels: ${channelsText(r)} · signature: ${signatureText(input, r)}${r.nightly ? ' · nightly' : ''}${r.date ? ` · date: ${r.date}` : ''}`,
  ];
  if (r.docker)
    out.push(
      '',
      `Docker: \`${app.docker?.image ?? '(no image in app.yaml)'}:${r.docker.tag}\`${r.docker.digest ? ` (${r.docker.digest})` : ''}`,
    );
  if (r.entries.length) {
    out.push(
      '',
      '| os | architectures | format | osversion | appversion | file | size | sha256 | signed |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const e of r.entries) {
      out.push(
        `| ${[e.os, e.architectures.join(', '), e.format, e.osversion, e.appversion, e.file ?? e.url ?? '', size(e.size)].map(cell).join(' | ')} | \`${e.sha256}\` | ${e.signature ? 'yes' : 'no'} |`,
      );
    }
  }
  const facts = input.facts?.(app.id, r.version);
  const info = facts?.info as { id?: unknown; version?: unknown } | undefined;
  if (info && typeof info === 'object')
    out.push('', `Archive: \`appinfo/info.xml\` declares id \`${String(info.id ?? '?')}\`, version \`${String(info.version ?? '?')}\`.`);
  const changelog = r.changelog ?? facts?.changelog;
  if (changelog) out.push('', '<details><summary>Changelog</summary>', '', changelog.trim(), '', '</details>');
  return out;
}

function releaseChanges(before: ResolvedRelease, after: ResolvedRelease): string[] {
  const out: string[] = [];
  if (channelsText(before) !== channelsText(after))
    out.push(`channels ${channelsText(before) || '(none)'} → ${channelsText(after) || '(none)'}`);
  if (before.yanked !== after.yanked) out.push(after.yanked ? `yanked: ${after.yankReason ?? ''}` : 'un-yanked');
  if ((before.changelog ?? '') !== (after.changelog ?? '')) out.push('changelog edited');
  before.entries.forEach((be, i) => {
    const ae = after.entries[i];
    if (!ae) return;
    if (be.osversion !== ae.osversion) out.push(`${ae.os} osversion ${be.osversion} → ${ae.osversion}`);
    if (be.appversion !== ae.appversion) out.push(`${ae.os} appversion ${be.appversion} → ${ae.appversion}`);
    if (be.signature !== ae.signature)
      out.push(
        `${ae.os} ${ae.format} ${be.signature === undefined ? 'signed' : ae.signature === undefined ? 'signature removed' : 're-signed'}`,
      );
  });
  return out;
}

function appChanges(before: ResolvedApp | undefined, after: ResolvedApp, changed: readonly string[]): string[] {
  const out: string[] = [];
  if (!before) return ['**New app** registered.'];
  if (before.locked !== after.locked)
    out.push(after.locked ? '**Locked**: accepts no new releases.' : '**Unlocked**: accepts new releases again.');
  const channels = new Set([...Object.keys(before.pins), ...Object.keys(after.pins)]);
  for (const c of [...channels].sort()) {
    const was = before.pins[c];
    const now = after.pins[c];
    if (was !== now)
      out.push(
        now
          ? `**Pin** ${c} → ${now}${was ? ` (was ${was})` : ''}: the channel serves ${now} even when newer releases exist.`
          : `**Unpin** ${c} (was ${was}): the channel follows its newest release again.`,
      );
  }
  const certFile = after.certificate && !after.certificate.includes('-----BEGIN') ? `apps/${after.id}/${after.certificate}` : undefined;
  if (before.certificate !== after.certificate || (certFile && changed.includes(certFile))) out.push('**Certificate** changed.');
  if (before.signature !== after.signature) out.push(`**Registration signature** ${before.signature ? 'changed' : 'added'}.`);
  if (JSON.stringify(before.owners) !== JSON.stringify(after.owners))
    out.push(`**Owners** ${before.owners.join(', ') || '(none)'} → ${after.owners.join(', ') || '(none)'}`);
  return out;
}

/** Per channel × platform: the version at each percentile 0..99. */
function perPercentile(bands: readonly Band[]): Map<string, (string | null)[]> {
  const out = new Map<string, (string | null)[]>();
  for (const b of bands) {
    const key = `${b.channel} / ${b.os} ${b.arch}`;
    const row = out.get(key) ?? Array.from({ length: 100 }, () => null);
    for (let i = Math.max(0, b.from); i <= Math.min(99, b.to); i++) row[i] = b.version;
    out.set(key, row);
  }
  return out;
}

/** "0–24 → 1.6.0 (was 1.5.0), 25–99 → 1.5.0" for one channel × platform. */
export function describeBands(after: readonly (string | null)[], before: readonly (string | null)[]): string {
  const parts: string[] = [];
  let start = 0;
  for (let p = 1; p <= 100; p++) {
    if (p < 100 && after[p] === after[start] && before[p] === before[start]) continue;
    const a = after[start] ?? null;
    const b = before[start] ?? null;
    const range = start === p - 1 ? `${start}` : `${start}–${p - 1}`;
    parts.push(`${range} → ${a ?? 'nothing'}${a !== b ? ` (was ${b ?? 'nothing'})` : ''}`);
    start = p;
  }
  return parts.join(', ');
}

function bandTable(input: SummaryInput, before: ResolvedApp | undefined, after: ResolvedApp | undefined): string[] {
  if (!input.bands) return ['_Percentile bands are not available in this build of appshelf._'];
  const b = before && input.base ? perPercentile(input.bands(input.base, before)) : new Map<string, (string | null)[]>();
  const a = after && input.head ? perPercentile(input.bands(input.head, after)) : new Map<string, (string | null)[]>();
  const none = Array.from({ length: 100 }, () => null);
  const keys = [...new Set([...b.keys(), ...a.keys()])].sort();
  const rows: string[] = [];
  let same = 0;
  for (const k of keys) {
    const x = a.get(k) ?? none;
    const y = b.get(k) ?? none;
    if (x.every((v, i) => v === y[i])) same++;
    else rows.push(`| ${cell(k)} | ${cell(describeBands(x, y))} |`);
  }
  if (!rows.length) return [`No client gets a different version (${keys.length} channel × platform combinations checked).`];
  return [
    '| channel / platform | clients by percentile → version |',
    '|---|---|',
    ...rows,
    ...(same ? ['', `${same} other channel × platform combination${same === 1 ? '' : 's'} unchanged.`] : []),
  ];
}

function appSection(input: SummaryInput, id: string): string[] {
  const before = input.base?.apps.find((a) => a.id === id);
  const after = input.head?.apps.find((a) => a.id === id);
  const out = [`### ${id}${after && after.name !== id ? ` — ${after.name}` : ''}`, ''];
  if (!after)
    return [...out, before ? '**App removed** (see the problems above).' : "The app's files do not load; see the problems above.", ''];
  for (const line of appChanges(before, after, input.changed)) out.push(`- ${line}`);
  const added = after.releases.filter((r) => !before?.releases.some((x) => semver.eq(x.semver, r.semver)));
  for (const r of [...added].reverse()) out.push('', ...releaseDetails(input, after, r));
  for (const r of after.releases) {
    const was = before?.releases.find((x) => semver.eq(x.semver, r.semver));
    const changes = was ? releaseChanges(was, r) : [];
    if (changes.length) out.push('', `**Changed release ${r.version}**: ${changes.join('; ')}`);
  }
  for (const r of before?.releases ?? []) {
    if (!after.releases.some((x) => semver.eq(x.semver, r.semver)))
      out.push('', `**Release ${r.version} removed** (see the problems above).`);
  }
  out.push('', '#### Who gets what after the merge', '', ...bandTable(input, before, after), '');
  return out;
}

/**
 * The release-candidate report for reviewers (markdown): problems first (policy, then the rest),
 * then per changed app its new and changed releases with signature and archive facts, and what
 * each channel × platform × percentile band gets before and after the merge. Pure.
 */
export function renderSummary(input: SummaryInput): string {
  const all = [...input.policy, ...input.diagnostics];
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.length - errors;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const out = [
    SUMMARY_MARKER,
    `## ${errors ? '❌' : '✅'} appshelf release candidate: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
    '',
    input.baseLabel ? `Compared with \`${input.baseLabel}\`.` : 'No base given (`--base REF`): the pull-request policy was not applied.',
    '',
  ];
  if (all.length) out.push('### Problems', '', ...problems(input.policy), ...problems(input.diagnostics), '');
  const apps = [...new Set(input.changed.flatMap((p) => /^apps\/([^/]+)\//.exec(p)?.[1] ?? []))].sort();
  const storeFiles = input.changed.filter((p) => !p.startsWith('apps/'));
  if (storeFiles.length) out.push(`Store files changed: ${storeFiles.map((p) => `\`${p}\``).join(', ')}.`, '');
  if (!apps.length && input.baseLabel) out.push('No app changes.', '');
  for (const id of apps) out.push(...appSection(input, id));
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}
