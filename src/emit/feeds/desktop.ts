import {
  admittedReleases,
  appPlatforms,
  breakpoints,
  candidatesAt,
  type Platform,
  type ResolvedApp,
  type ResolvedChannel,
  type ResolvedEntry,
  type ResolvedRelease,
  type ResolvedStore,
} from '../../resolve/index.js';

/** The desktop platforms of an app (windows, osx, linux), the ones desktop updaters install. */
export const desktopPlatforms = (app: ResolvedApp): Platform[] => appPlatforms(app).filter((p) => DESKTOP.has(p.os));

/** Node's (and Electron's) `process.arch` for one of our architectures; undefined when Node has no name for it. */
export const nodeArch = (arch: string): string | undefined => NODE_ARCH[arch];

/** Electron's file suffix for an (os, arch): electron-builder's names (`-mac`, `-linux`, `-linux-arm64` …); undefined for other OSes. */
export function electronSuffix(os: string, arch: string): string | undefined {
  if (os === 'windows') return '';
  if (os === 'osx') return '-mac';
  if (os !== 'linux') return undefined;
  const node = NODE_ARCH[arch] ?? arch;
  return node === 'x64' ? '-linux' : `-linux-${node}`;
}

/** Tauri's platform key `<os>-<arch>` for an (os, arch), undefined when Tauri has no name for it. */
export function tauriTarget(os: string, arch: string): string | undefined {
  const tos = TAURI_OS[os];
  const tarch = TAURI_ARCH[arch];
  return tos && tarch ? `${tos}-${tarch}` : undefined;
}

/**
 * The percentile from which a channel no longer serves the release on any of `platforms` (the
 * ones a feed file answers; their per-platform rollout counts), 100 when every client gets it.
 */
export function reachOf(
  store: ResolvedStore,
  app: ResolvedApp,
  channel: ResolvedChannel,
  release: ResolvedRelease,
  platforms: readonly Platform[],
): number {
  return (
    breakpoints(app).find(
      (p) => p > 0 && !platforms.some((platform) => admittedReleases(store, app, channel, p, platform).includes(release)),
    ) ?? 100
  );
}

/**
 * For updaters without staged rollouts: the newest release every client of the channel gets on
 * the platform (percentile 99) that has files the updater installs, with those files (in release
 * file order); undefined when no such release is served.
 */
export function newestInstallable(
  store: ResolvedStore,
  app: ResolvedApp,
  channel: ResolvedChannel,
  platform: Platform,
  installs: (entry: ResolvedEntry) => boolean,
): { release: ResolvedRelease; entries: ResolvedEntry[] } | undefined {
  for (const c of candidatesAt(store, app, channel, platform, 99)) {
    const entries = c.files.flatMap((f) => (f.entry && installs(f.entry) ? [f.entry] : []));
    if (entries.length) return { release: c.release, entries };
  }
  return undefined;
}

// --- internal ---

const DESKTOP = new Set(['windows', 'osx', 'linux']);
const NODE_ARCH: Record<string, string> = { 'x86-64': 'x64', arm64: 'arm64', x86: 'ia32', armv7: 'armv7l' };
const TAURI_OS: Record<string, string> = { windows: 'windows', osx: 'darwin', linux: 'linux' };
const TAURI_ARCH: Record<string, string> = { 'x86-64': 'x86_64', arm64: 'aarch64', x86: 'i686', armv7: 'armv7' };
