import os from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { diag, Errors, StoreError } from '../../errors/index.js';

/** What a user can set on the command line (each also has an environment variable or a default). */
export interface ClientOptions {
  /** URL of the published store (`--store-url`, `APPSHELF_STORE_URL`). */
  storeUrl?: string;
  /** Install root (`--dir`, `APPSHELF_HOME`). @default ~/.appshelf/apps */
  dir?: string;
  /** Channel (`--channel`). @default the store's most mature channel */
  channel?: string;
  /** Store OS name (`--os`). @default from process.platform */
  os?: string;
  /** Store architecture name (`--arch`). @default from process.arch */
  arch?: string;
  /** OS version matched against the osversion ranges (`--os-version`). @default from os.release() */
  osVersion?: string;
  /** Archive format to prefer when a release offers several (`--format`). */
  format?: string;
}

/** The machine the client runs on, injectable for tests. */
export interface SystemInfo {
  platform: string;
  arch: string;
  release: string;
  homedir: string;
}

/** The running machine. */
const currentSystem = (): SystemInfo => ({ platform: process.platform, arch: process.arch, release: os.release(), homedir: os.homedir() });

/** Options with the defaults filled in. */
export type ClientConfig = Readonly<{
  root: string;
  storeUrl?: string;
  channel?: string;
  os: string;
  arch: string;
  /** A full semver (major.minor.patch). */
  osVersion: string;
  format?: string;
}>;

const OS_NAMES: Readonly<Record<string, string>> = { darwin: 'osx', win32: 'windows', linux: 'linux' };
const ARCH_NAMES: Readonly<Record<string, string>> = { x64: 'x86-64', arm64: 'arm64', ia32: 'x86' };

/** The store's name of a Node.js platform (`darwin` → `osx`, `win32` → `windows`); others unchanged. */
export const storeOs = (platform: string): string => OS_NAMES[platform] ?? platform;

/** The store's name of a Node.js architecture (`x64` → `x86-64`, `ia32` → `x86`); others unchanged. */
export const storeArch = (arch: string): string => ARCH_NAMES[arch] ?? arch;

/**
 * The OS version a store's osversion ranges speak about. On macOS `os.release()` is the Darwin
 * kernel version, so it is mapped to the marketing version (Darwin 19 → 10.15, Darwin 23 → 14);
 * elsewhere it is the kernel (Linux) or NT version (Windows: 6.1 = Windows 7, 10.0 = 10 and 11).
 */
export function detectOsVersion(platform: string, release: string): string | undefined {
  const v = semver.coerce(release);
  if (!v) return undefined;
  if (platform !== 'darwin') return v.version;
  return v.major >= 20 ? `${v.major - 9}.${v.minor}.0` : `10.${Math.max(0, v.major - 4)}.${v.minor}`;
}

/** Completes and checks a user-given OS version ("10" → 10.0.0, "10.15" → 10.15.0). */
export function normalizeOsVersion(value: string): string | undefined {
  const v = /^\d+(\.\d+){0,2}$/.test(value.trim()) ? semver.coerce(value) : semver.valid(value.trim());
  return typeof v === 'string' ? v : v?.version;
}

/** Checks and normalizes a store URL: http(s), with a trailing slash so relative paths resolve below it. */
export function normalizeStoreUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StoreError(diag(Errors.InstallStoreUrl, [value]));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new StoreError(diag(Errors.InstallStoreUrl, [value]));
  url.hash = '';
  url.search = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/**
 * Fills in the defaults: flags first, then `APPSHELF_STORE_URL` / `APPSHELF_HOME`, then the
 * machine. Throws a {@link StoreError} for a bad store URL or OS version.
 */
export function resolveClientConfig(opts: ClientOptions, env: NodeJS.ProcessEnv, system: SystemInfo = currentSystem()): ClientConfig {
  const storeUrl = opts.storeUrl ?? (env.APPSHELF_STORE_URL || undefined);
  const root = path.resolve(opts.dir ?? (env.APPSHELF_HOME || path.join(system.homedir, '.appshelf', 'apps')));
  let osVersion: string | undefined;
  if (opts.osVersion !== undefined) {
    osVersion = normalizeOsVersion(opts.osVersion);
    if (!osVersion) throw new StoreError(diag(Errors.InstallOsVersion, [opts.osVersion]));
  } else {
    // An unparsable kernel string only means no osversion range can be checked; 0.0.0 admits `*`.
    osVersion = detectOsVersion(system.platform, system.release) ?? '0.0.0';
  }
  return {
    root,
    storeUrl: storeUrl === undefined ? undefined : normalizeStoreUrl(storeUrl),
    channel: opts.channel,
    os: opts.os ?? storeOs(system.platform),
    arch: opts.arch ?? storeArch(system.arch),
    osVersion,
    format: opts.format,
  };
}
