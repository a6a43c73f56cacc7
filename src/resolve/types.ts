import type { Limits } from '../schema/index.js';
import type { SemVer } from 'semver';
import type { Position } from '../errors/index.js';

/** A channel of the store, in maturity order (0 = most mature). */
export type ResolvedChannel = Readonly<{
  name: string;
  maturity: string;
  description?: string;
  /** Nightly releases may be published here. */
  nightly: boolean;
  /** Index in store.yaml: 0 is the most mature channel. */
  order: number;
}>;

/** One downloadable file of a release, for one OS and some architectures. */
export type ResolvedEntry = Readonly<{
  os: string;
  architectures: readonly string[];
  /** Semver range of OS versions; `*` when the file gave none. */
  osversion: string;
  /** Semver range of installed app versions that may update to this release; `*` when none given. */
  appversion: string;
  format: string;
  /** Archive path relative to the store folder (`apps/<id>/files/x.zip`), when committed. */
  file?: string;
  /** Remote archive URL, when not committed. */
  url?: string;
  /** File name the archive is published and downloaded under. */
  fileName: string;
  size: number;
  sha256: string;
  /** Base64 RSA-SHA512 signature with line breaks and spaces removed. */
  signature?: string;
  /** Sparkle: base64 Ed25519 signature over the archive (sparkle:edSignature). */
  edSignature?: string;
  /** Tauri: base64 of the minisign .sig file, whitespace removed. */
  minisign?: string;
  /** Index of the entry in the release file. */
  index: number;
  at: Position;
  /** Where the checked fields are, so a wrong size, hash or signature points at its own line. */
  fieldAt: Readonly<Record<'size' | 'sha256' | 'signature', Position>>;
}>;

/** A rollout percentage for one channel on one os, or os + architecture, optionally one format. */
export type PlatformRollout = Readonly<{
  channel: string;
  os: string;
  /** Absent: every architecture of the os. */
  arch?: string;
  /** Absent: every format. */
  format?: string;
  /** Only the file with exactly this osversion range (`*` for one that gives none). */
  osversion?: string;
  /** Only the file with exactly this appversion range. */
  appversion?: string;
  percent: number;
}>;

/** One release of an app, with defaults filled in. */
export type ResolvedRelease = Readonly<{
  app: string;
  version: string;
  /** The spelling `/update` answers give (`updateVersion` of the release file), when not `version`. */
  updateVersion?: string;
  semver: SemVer;
  channels: readonly string[];
  /** ISO date as written, if any. */
  date?: string;
  changelog?: string;
  nightly: boolean;
  /** A critical update (Sparkle's criticalUpdate). */
  critical?: boolean;
  yanked: boolean;
  yankReason?: string;
  docker?: Readonly<{ tag: string; digest?: string }>;
  /** Percentage (0–100) per channel of the release; 100 unless the file says otherwise. */
  rollout: Readonly<Record<string, number>>;
  /** Per-platform overrides of `rollout` (`platformRollout` of the file); see resolve/rollout.ts for the precedence. */
  platformRollout?: readonly PlatformRollout[];
  entries: readonly ResolvedEntry[];
  /** The release file, relative to the store folder. */
  rel: string;
  at: Position;
}>;

/** An app with its releases sorted newest first (semver precedence; build metadata ignored). */
export type ResolvedApp = Readonly<{
  id: string;
  name: string;
  /** The `app=` name of `/update` clients, when it is not the id. */
  updateName?: string;
  summary?: string;
  description?: string;
  authors: readonly Readonly<{ name: string; email?: string; homepage?: string }>[];
  owners: readonly string[];
  homepage?: string;
  /** Issue tracker and source repository URLs. */
  issues?: string;
  repository?: string;
  /** Icon and screenshots: files relative to the store folder (`apps/<id>/icon.png`), checked by inspect. */
  icon?: string;
  screenshots?: readonly Readonly<{ file: string; caption?: string }>[];
  license?: string;
  categories: readonly string[];
  docker?: Readonly<{ image: string }>;
  /** `certificate` as written: a file name relative to the app folder, or PEM text. */
  certificate?: string;
  /** Registration signature (base64, whitespace removed). */
  signature?: string;
  /** Releases are Nextcloud-style app bundles, inspected by the bundle rules. */
  bundle: boolean;
  locked: boolean;
  pins: Readonly<Record<string, string>>;
  releases: readonly ResolvedRelease[];
  /** The app file, relative to the store folder. */
  rel: string;
  at: Position;
}>;

/** Size limits of store files and archives (`limits` in store.yaml, defaults filled in). */
export type { Limits } from '../schema/index.js';

/** The whole store, normalized and cross-checked. Later stages take only this. */
export type ResolvedStore = Readonly<{
  /** Absolute path of the store folder. */
  root: string;
  /** The store file's name inside the folder (`store.yaml`, `store.yml` or `store.json`). */
  storeFile: string;
  name: string;
  description?: string;
  baseUrl?: string;
  admins: readonly string[];
  /** Web URL of the store's git repository (pull-request links). */
  repository?: string;
  /** The category vocabulary (empty: any category id is allowed). */
  categories?: readonly Readonly<{ id: string; name: string; description?: string }>[];
  channels: readonly ResolvedChannel[];
  /** A client also receives newer releases of more mature channels. */
  includeMoreMature: boolean;
  trust: Readonly<{ ca?: string; revoked?: string; signaturesRequired: boolean }>;
  signing: Readonly<{ publicKey?: string; expiresDays: number }>;
  limits: Limits;
  /** os and architecture names store.yaml adds to the built-in vocabulary (schema/platforms.ts). */
  platforms: Readonly<{ os: readonly string[]; architectures: readonly string[] }>;
  fetch: Readonly<{ allowLoopback: boolean; allowHttp: boolean; timeoutSeconds: number; maxSize: number }>;
  apps: readonly ResolvedApp[];
}>;

export { defaultLimits } from '../schema/index.js';
