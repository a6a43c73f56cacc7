import semver from 'semver';
import { describe, expect, it } from 'vitest';
import {
  candidateBands,
  type PlatformRollout,
  type ResolvedApp,
  type ResolvedChannel,
  type ResolvedEntry,
  type ResolvedRelease,
  type ResolvedStore,
} from '../../src/resolve/index.js';
import { defaultLimits } from '../../src/resolve/types.js';

/** mulberry32: a small seeded PRNG, so every failure is reproducible from its seed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHANNELS: ResolvedChannel[] = [
  { name: 'stable', maturity: 'stable', nightly: false, order: 0 },
  { name: 'beta', maturity: 'beta', nightly: false, order: 1 },
  { name: 'nightly', maturity: 'nightly', nightly: true, order: 2 },
];
const PLATFORMS = [
  ['windows', 'x86-64'],
  ['windows', 'x86'],
  ['linux', 'arm64'],
] as const;
const RANGES = ['*', '*', '*', '>=10.0', '>=6.1', '<2.0.0'];

function randomStore(seed: number): ResolvedStore {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const versions = new Set<string>();
  while (versions.size < 1 + Math.floor(rnd() * 7))
    versions.add(`${Math.floor(rnd() * 3)}.${Math.floor(rnd() * 4)}.0${rnd() < 0.25 ? `-beta.${Math.floor(rnd() * 3)}` : ''}`);
  const releases: ResolvedRelease[] = [...versions]
    .map((version) => {
      const nightly = rnd() < 0.15;
      const channels = nightly
        ? ['nightly']
        : CHANNELS.slice(0, 2)
            .map((c) => c.name)
            .filter(() => rnd() < 0.6);
      if (!channels.length) channels.push(pick(['stable', 'beta']));
      const rollout: Record<string, number> = {};
      for (const c of channels) rollout[c] = rnd() < 0.4 ? pick([0, 1, 10, 25, 50, 99, 100]) : 100;
      const entries: ResolvedEntry[] = [];
      for (const [os, arch] of PLATFORMS) {
        if (rnd() < 0.3) continue;
        for (const format of ['zip', 'msi'].filter(() => rnd() < 0.7)) {
          // Sometimes several files of one format, told apart by osversion ranges that do not overlap.
          const split = rnd() < 0.2 ? ['<10.0', '>=10.0'] : [pick(RANGES)];
          for (const osversion of split) {
            entries.push({
              os,
              architectures: [arch],
              osversion,
              appversion: pick(RANGES),
              format,
              fileName: `${version}-${os}-${arch}-${entries.length}.${format}`,
              size: 1,
              sha256: '0'.repeat(64),
              index: entries.length,
              at: { file: 'x' },
              fieldAt: { size: { file: 'x' }, sha256: { file: 'x' }, signature: { file: 'x' } },
            });
          }
        }
      }
      // Per-platform overrides on some releases: any mix of os, architecture and format, each at most once.
      const platformRollout: PlatformRollout[] = [];
      if (entries.length && rnd() < 0.4) {
        for (let i = Math.floor(rnd() * 4); i > 0; i--) {
          const e = pick(entries);
          // Sometimes one file by its ranges (as import aus writes for several files of one format).
          const byRange = rnd() < 0.25;
          const o = {
            channel: pick(channels),
            os: e.os,
            arch: rnd() < 0.5 ? e.architectures[0] : undefined,
            format: rnd() < 0.4 ? e.format : undefined,
            ...(byRange ? { osversion: e.osversion, appversion: e.appversion } : {}),
            percent: pick([0, 0, 5, 10, 25, 50, 100]),
          };
          if (
            !platformRollout.some(
              (x) =>
                x.channel === o.channel &&
                x.os === o.os &&
                x.arch === o.arch &&
                x.format === o.format &&
                x.osversion === o.osversion &&
                x.appversion === o.appversion,
            )
          )
            platformRollout.push(o);
        }
      }
      return {
        app: 'demo',
        version,
        semver: semver.parse(version)!,
        channels,
        nightly,
        yanked: rnd() < 0.1,
        rollout,
        platformRollout,
        entries,
        rel: `apps/demo/releases/${version}.yaml`,
        at: { file: 'x' },
      };
    })
    .sort((a, b) => semver.rcompare(a.semver, b.semver));
  const pins: Record<string, string> = {};
  for (const c of ['stable', 'beta']) {
    const inChannel = releases.filter((r) => r.channels.includes(c) && !r.yanked);
    if (inChannel.length && rnd() < 0.15) pins[c] = pick(inChannel).version;
  }
  const app: ResolvedApp = {
    id: 'demo',
    name: 'Demo',
    authors: [],
    owners: [],
    categories: [],
    bundle: false,
    locked: rnd() < 0.2,
    pins,
    releases,
    rel: 'apps/demo/app.yaml',
    at: { file: 'x' },
  };
  return {
    root: '/',
    storeFile: 'store.yaml',
    name: 'random',
    admins: [],
    channels: CHANNELS,
    includeMoreMature: rnd() < 0.7,
    trust: { signaturesRequired: false },
    signing: { expiresDays: 7 },
    limits: defaultLimits,
    platforms: { os: [], architectures: [] },
    fetch: { allowLoopback: false, allowHttp: false, timeoutSeconds: 1, maxSize: 1 },
    apps: [app],
  };
}

const subsetMemo = new Map<string, boolean>();
function subset(sub: string, dom: string): boolean {
  const k = `${sub} within ${dom}`;
  if (!subsetMemo.has(k)) subsetMemo.set(k, dom === '*' || semver.subset(sub, dom, { includePrerelease: true }));
  return subsetMemo.get(k)!;
}

/**
 * The reference, straight from the rules and nothing shared with the implementation: which
 * files of which releases a client at p on channel c may get (per file, the most specific
 * platform override of the channel's rollout), newest first, then drop the releases whose every
 * such file a newer candidate's same-format file covers.
 */
function reference(store: ResolvedStore, app: ResolvedApp, channel: ResolvedChannel, os: string, arch: string, p: number): string[] {
  const newestNightly = app.releases.filter((r) => r.nightly && !r.yanked).sort((a, b) => semver.rcompare(a.semver, b.semver))[0];
  const specificity = (o: PlatformRollout) =>
    (o.osversion !== undefined || o.appversion !== undefined ? 4 : 0) + (o.arch ? 2 : 0) + (o.format ? 1 : 0);
  const percentOf = (r: ResolvedRelease, c: string, f: ResolvedEntry): number => {
    const fits = (r.platformRollout ?? []).filter(
      (o) =>
        o.channel === c &&
        o.os === os &&
        (!o.arch || o.arch === arch) &&
        (!o.format || o.format === f.format) &&
        (o.osversion === undefined || o.osversion === f.osversion) &&
        (o.appversion === undefined || o.appversion === f.appversion),
    );
    return fits.sort((a, b) => specificity(b) - specificity(a))[0]?.percent ?? r.rollout[c]!;
  };
  const here = (r: ResolvedRelease) => r.entries.filter((e) => e.os === os && e.architectures.includes(arch));
  // The files of r that channel c serves at p.
  const servedBy = (c: ResolvedChannel, r: ResolvedRelease): ResolvedEntry[] =>
    c.name in app.pins
      ? r.version === app.pins[c.name] && !r.yanked
        ? here(r)
        : []
      : r.channels.includes(c.name)
        ? here(r).filter((f) => p < percentOf(r, c.name, f))
        : [];
  const admitted = new Map<ResolvedRelease, Set<ResolvedEntry>>();
  for (const r of app.releases) {
    const via = channel.name in app.pins || !store.includeMoreMature ? [channel] : store.channels.filter((x) => x.order <= channel.order);
    const files = new Set(via.flatMap((c) => servedBy(c, r)));
    if (!(channel.name in app.pins) && (r.yanked || (r.nightly && !(channel.nightly && r === newestNightly)))) continue;
    if (files.size) admitted.set(r, files);
  }
  const unique = [...admitted.keys()].sort((a, b) => semver.rcompare(a.semver, b.semver));
  const out: string[] = [];
  const seen: ResolvedEntry[] = [];
  for (const r of unique) {
    const files = here(r).filter((f) => admitted.get(r)!.has(f));
    const covered = (f: ResolvedEntry) =>
      seen.some((g) => g.format === f.format && subset(f.osversion, g.osversion) && subset(f.appversion, g.appversion));
    if (files.every(covered)) continue;
    out.push(`${r.version}:${files.map((f) => f.format).join('+')}`);
    seen.push(...files);
  }
  return out;
}

describe('manifests equal a brute-force reference', () => {
  it('for 400 random stores, at every channel, platform and percentile', () => {
    let checked = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const store = randomStore(seed);
      const app = store.apps[0]!;
      const got = new Map<string, string[]>();
      for (const b of candidateBands(store, app)) {
        for (let p = b.from; p <= b.to; p++)
          got.set(
            `${b.channel.name}/${b.platform.os}/${b.platform.arch}/${p}`,
            b.candidates.map((c) => `${c.release.version}:${c.files.map((f) => f.format).join('+')}`),
          );
      }
      const platforms = new Set(app.releases.flatMap((r) => r.entries.flatMap((e) => e.architectures.map((a) => `${e.os}/${a}`))));
      expect(got.size, `seed ${seed}`).toBe(platforms.size * CHANNELS.length * 100);
      const want = new Map<string, string[]>();
      for (const channel of CHANNELS) {
        for (const plat of platforms) {
          const [os, arch] = plat.split('/') as [string, string];
          for (let p = 0; p < 100; p++) want.set(`${channel.name}/${plat}/${p}`, reference(store, app, channel, os, arch, p));
        }
      }
      const mismatch = [...want].find(([k, v]) => got.get(k)?.join() !== v.join());
      expect(mismatch && { seed, at: mismatch[0], want: mismatch[1], got: got.get(mismatch[0]) }).toBeUndefined();
      checked += want.size;
    }
    expect(checked).toBeGreaterThan(100_000);
  });
});
