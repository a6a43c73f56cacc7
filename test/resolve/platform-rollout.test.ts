import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStore, resolveStore, validateDocs } from '../../src/index.js';
import { candidateBands, resolveBands } from '../../src/resolve/index.js';
import { updateIndexOf } from '../../src/emit/emit-update-index.js';
import { ausDefaults, compileUpdateIndex, matchUpdate, parseQuery } from '../../src/serve/index.js';
import { renderSummary } from '../../src/policy/index.js';
import { feedObject } from '../../src/emit/index.js';

const fixture = (name: string) => path.join(import.meta.dirname, '..', 'fixtures', name, 'store');
const resolved = (name: string) => resolveStore(validateDocs(loadStore(fixture(name))));
const { store, diagnostics } = resolved('platform-rollout');
const app = store!.apps.find((a) => a.id === 'desk')!;
const bands = (channel: string, os: string, arch: string) =>
  resolveBands(store!, app)
    .filter((b) => b.channel === channel && b.os === os && b.arch === arch)
    .map((b) => [b.from, b.to, b.version]);

describe('per-platform rollout overrides', () => {
  it('load without problems', () => {
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('halt one platform and leave the others at the channel rollout (most specific override wins)', () => {
    expect(bands('stable', 'windows', 'x86')).toEqual([[0, 99, '1.0.0']]); // os override: 0
    expect(bands('stable', 'windows', 'x86-64')).toEqual([
      [0, 19, '1.1.0'],
      [20, 99, '1.0.0'],
    ]); // os + arch: 20
    expect(bands('stable', 'osx', 'arm64')).toEqual([
      [0, 49, '1.1.0'],
      [50, 99, '1.0.0'],
    ]); // the channel: 50
    expect(bands('beta', 'windows', 'x86')).toEqual([[0, 99, '1.1.0']]); // other channels untouched
  });

  it('hold back one format: the .msi of windows/x86-64 stays on 1.0.0 while the zip moves on', () => {
    const b = candidateBands(store!, app).find(
      (x) => x.channel.name === 'stable' && x.platform.os === 'windows' && x.platform.arch === 'x86-64' && x.from === 0,
    )!;
    expect(b.candidates.map((c) => `${c.release.version}:${c.files.map((f) => f.format).join('+')}`)).toEqual([
      '1.1.0:zip',
      '1.0.0:zip+msi',
    ]);
  });

  it('reach /update answers per platform through the update index', () => {
    const compiled = compileUpdateIndex(updateIndexOf(store!));
    const json = (q: string) => {
      const m = matchUpdate(compiled, ausDefaults(parseQuery(`app=desk&appversion=1.0.0&channel=stable&${q}`)));
      return m && (JSON.parse(m.json.toString()) as { version: string; percentage: number });
    };
    expect(json('os=windows&architecture=x86&format=zip&percentile=0')).toBeUndefined();
    expect(json('os=windows&architecture=x86-64&format=zip&percentile=20')).toMatchObject({ version: '1.1.0', percentage: 20 });
    expect(json('os=windows&architecture=x86-64&format=zip&percentile=21')).toBeUndefined();
    expect(json('os=windows&architecture=x86-64&format=msi&percentile=0')).toBeUndefined();
    expect(json('os=osx&architecture=arm64&format=zip&osversion=14&percentile=50')).toMatchObject({ version: '1.1.0', percentage: 50 });
  });

  it('stage each electron-updater feed file by the rollout of its own platforms', () => {
    const feeds = feedObject(store!, app, {
      facts: () => undefined,
      sha512: () => 'x',
      landings: () => new Map(),
      certificate: () => undefined,
    })!.emit();
    const text = (name: string) => Buffer.from(feeds.get(name) as Uint8Array).toString('utf8');
    // Windows (x86 halted, x86-64 at 20 % for the zip): 1.1.0 staged at 20; macOS at the channel's 50.
    expect(text('electron/stable.yml')).toMatch(/^version: 1\.1\.0\n[\s\S]*stagingPercentage: 20\n/);
    expect(text('electron/stable-mac.yml')).toMatch(/^version: 1\.1\.0\n[\s\S]*stagingPercentage: 50\n/);
  });

  it('show in the pull-request summary', () => {
    const md = renderSummary({ head: store, changed: ['apps/desk/releases/1.1.0.yaml'], policy: [], diagnostics: [], bands: resolveBands });
    expect(md).toContain('stable (rollout 50%; windows 0%; windows x86-64 20%; windows x86-64 msi 0%)');
    expect(md).toContain('| stable / windows x86 | 0–99 → 1.0.0 (was nothing) |');
    expect(md).toContain('| stable / windows x86-64 | 0–19 → 1.1.0 (was nothing), 20–99 → 1.0.0 (was nothing) |');
  });

  it('refuse a platform (or a file by its ranges) without a file, a channel the release is not in, and a second override for the same platform', () => {
    const found = resolved('platform-rollout-errors').diagnostics.map((d) => `${d.line}: ${d.code} ${d.message}`);
    expect(found).toEqual([
      '4: E_ROLLOUT_PLATFORM Rollout override for linux, for which the release has no file.',
      '5: E_ROLLOUT_PLATFORM Rollout override for windows arm64, for which the release has no file.',
      '6: E_ROLLOUT_PLATFORM Rollout override for osx msi, for which the release has no file.',
      '7: E_ROLLOUT_OVERRIDE_CHANNEL Rollout override for channel "beta", which the release is not in.',
      '9: E_ROLLOUT_OVERRIDE_DUPLICATE A second rollout override for stable on windows (the first is override 5).',
      // One file by its ranges: the windows zip has osversion * (none given), so "<5.0" names no file.
      '10: E_ROLLOUT_PLATFORM Rollout override for windows zip osversion <5.0, for which the release has no file.',
    ]);
  });
});
