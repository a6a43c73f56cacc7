// One place turns flags and environment into the settings every command and stage runs with
// (Vite's resolveConfig is the model): defaults live here only, nothing else reads process.env
// for them, and the result is frozen so no stage can change what another one sees.
import { lstatSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diag, Errors, UsageError, type Diagnostic } from '../errors/index.js';

/** The names a store file may have, in the order they are looked for. */
export const STORE_FILES = ['store.yaml', 'store.yml', 'store.json'] as const;

/** What a caller may set; everything is optional and falls back to flags' documented defaults. */
export interface ConfigInput {
  /** The store folder. @default "store" */
  storeDir?: string;
  /** The output folder of a build, the folder `serve` and `deploy` read. @default "dist" */
  outDir?: string;
  /** Caches (parsed files, verification results, downloads, build records). @default "<storeDir>/../.appshelf-cache" */
  cacheDir?: string;
  /** The origin the site is published at, instead of store.yaml's `baseUrl`. */
  baseUrl?: string;
  /** The time certificates, serials and expiry are computed against. @default the current time */
  now?: Date;
  /** Build without the signing key although store.yaml publishes one (a preview). */
  unsigned?: boolean;
  /** Download and verify remote archives. */
  fetch?: boolean;
  /** The published site (URL or folder) a build compares its serials with. */
  published?: string;
  /** Where private keys made by `ca init`, `cert request`, `keygen` and `init` go. @default APPSHELF_KEYS, else ~/.appshelf/keys */
  keysDir?: string;
  /** The port `serve` listens on (0: any free port). @default 8080 */
  port?: string | number;
  /** The address `serve` listens on. @default "127.0.0.1" */
  host?: string;
  /** Memory `serve` keeps small files in, in MiB (0: read every request from disk). @default 32 */
  cacheMb?: string | number;
  /** Where `deploy` publishes the site, and how. */
  deploy?: { to?: string; endpoint?: string; region?: string; graceHours?: string | number; concurrency?: string | number };
  /** Where APPSHELF_SIGNING_KEY, APPSHELF_SIGNING_KEY_FILE, APPSHELF_SERIAL_FLOOR and APPSHELF_KEYS are read. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** Where the manifest signing key comes from (its text is read only by the build that signs). */
type SigningKeySource = { kind: 'pem'; pem: string; label: string } | { kind: 'file'; file: string; label: string } | { kind: 'none' };

/** The settings of one run, resolved once and frozen. Paths are absolute. */
export interface ResolvedConfig {
  /** The store folder as given (for messages). */
  readonly storeDir: string;
  /** The store folder, absolute. */
  readonly root: string;
  /** The store file's name inside the store (`store.yaml`, `store.yml` or `store.json`; `store.yaml` when none exists). */
  readonly storeFile: string;
  readonly outDir: string;
  readonly cacheDir: string;
  readonly keysDir: string;
  readonly baseUrl?: string;
  readonly now: Date;
  readonly unsigned: boolean;
  readonly fetch: boolean;
  readonly published?: string;
  readonly signingKey: SigningKeySource;
  /** Every serial is at least this (APPSHELF_SERIAL_FLOOR; 0 when unset or invalid). */
  readonly serialFloor: number;
  /** Where and how `serve` listens. */
  readonly serve: Readonly<{ port: number; host: string; cacheBytes: number }>;
  /** Where and how `deploy` publishes (`to` unset: no target given). */
  readonly deploy: Readonly<{ to?: string; endpoint?: string; region?: string; graceHours: number; concurrency: number }>;
  /** What was wrong with the environment's settings; a build that needs them reports these and stops. */
  readonly problems: readonly Diagnostic[];
}

/** appshelf's own version, from its package.json (one source for `--version` and `init`). */
export function appshelfVersion(): string {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string };
  return pkg.version;
}

/** Defaults of `deploy`: hours an unreferenced object is kept, requests in flight, attempts per request, first retry wait. */
export const DEPLOY_DEFAULTS = Object.freeze({ graceHours: 24, concurrency: 16, attempts: 5, backoffMs: 250 });

/** Default of `--cache-mb`: the memory `serve` keeps small files in. */
export const DEFAULT_CACHE_MB = 32;

const resolved = new WeakSet<object>();

/**
 * Resolves the settings of a run. A config already resolved is returned as it is, so library
 * entry points can take either. Throws {@link UsageError} for a bad `--base-url`; a bad
 * APPSHELF_SERIAL_FLOOR is kept in `problems` (only a signing build needs it).
 */
export function resolveConfig(input: ConfigInput | ResolvedConfig = {}): ResolvedConfig {
  if (resolved.has(input)) return input as ResolvedConfig;
  const given = input as ConfigInput;
  const env = given.env ?? process.env;
  const storeDir = given.storeDir ?? 'store';
  const root = path.resolve(storeDir);
  const floor = serialFloor(env);
  const config: ResolvedConfig = {
    storeDir,
    root,
    storeFile: STORE_FILES.find((f) => lstatSync(path.join(root, f), { throwIfNoEntry: false })) ?? 'store.yaml',
    outDir: path.resolve(given.outDir ?? 'dist'),
    cacheDir: path.resolve(given.cacheDir ?? path.join(path.dirname(root), '.appshelf-cache')),
    keysDir: path.resolve(given.keysDir ?? (env.APPSHELF_KEYS || path.join(env.HOME || os.homedir(), '.appshelf', 'keys'))),
    ...(given.baseUrl !== undefined ? { baseUrl: parseBaseUrl(given.baseUrl) } : {}),
    now: new Date(given.now?.getTime() ?? Date.now()),
    unsigned: given.unsigned === true,
    fetch: given.fetch === true,
    ...(given.published ? { published: given.published } : {}),
    signingKey: signingKeySource(env),
    serve: Object.freeze({
      port: wholeNumber(given.port ?? 8080, 65_535, '--port must be a port number from 0 to 65535'),
      host: given.host ?? '127.0.0.1',
      cacheBytes:
        wholeNumber(given.cacheMb ?? DEFAULT_CACHE_MB, 1024 * 1024, '--cache-mb must be a whole number of megabytes') * 1024 * 1024,
    }),
    deploy: Object.freeze(deploySettings(given.deploy ?? {}, env)),
    serialFloor: typeof floor === 'number' ? floor : 0,
    problems: typeof floor === 'number' ? [] : [floor],
  };
  Object.freeze(config);
  resolved.add(config);
  return config;
}

/** The same settings with remote archives fetched (a build downloads what a check only reads from the cache). */
export function withFetch(config: ResolvedConfig): ResolvedConfig {
  const next: ResolvedConfig = Object.freeze({ ...config, fetch: true });
  resolved.add(next);
  return next;
}

/** Reads `--base-url`: an absolute http(s) URL, kept with its path (the site may live under one). */
export function parseBaseUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol))
    throw new UsageError(`--base-url must be an absolute http or https URL (got "${value.slice(0, 200)}").`);
  return url.href;
}

// --- internal ---

function wholeNumber(value: string | number, max: number, message: string): number {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > max) throw new UsageError(`${message} (got "${String(value).slice(0, 200)}").`);
  return n;
}

function deploySettings(given: NonNullable<ConfigInput['deploy']>, env: NodeJS.ProcessEnv): ResolvedConfig['deploy'] {
  const number = (v: string | number | undefined, name: string, min: number, fallback: number, whole = false): number => {
    if (v === undefined) return fallback;
    const n = typeof v === 'number' ? v : /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
    if (!(n >= min) || (whole && !Number.isInteger(n)))
      throw new UsageError(`${name} must be a ${whole ? 'whole ' : ''}number of at least ${min} (got "${String(v).slice(0, 200)}").`);
    return n;
  };
  if (given.endpoint !== undefined && !/^https?:\/\/[^/]/.test(given.endpoint))
    throw new UsageError(`--endpoint must be an http(s) URL (got "${given.endpoint.slice(0, 200)}").`);
  // The SDK reads AWS_REGION itself; AWS_DEFAULT_REGION is the AWS CLI's spelling, honoured too.
  const region = given.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined);
  return {
    ...(given.to !== undefined ? { to: given.to } : {}),
    ...(given.endpoint !== undefined ? { endpoint: given.endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    graceHours: number(given.graceHours, '--grace-hours', 0, DEPLOY_DEFAULTS.graceHours),
    concurrency: number(given.concurrency, '--concurrency', 1, DEPLOY_DEFAULTS.concurrency, true),
  };
}

function signingKeySource(env: NodeJS.ProcessEnv): SigningKeySource {
  if (env.APPSHELF_SIGNING_KEY) return { kind: 'pem', pem: env.APPSHELF_SIGNING_KEY, label: 'APPSHELF_SIGNING_KEY' };
  const file = env.APPSHELF_SIGNING_KEY_FILE;
  if (file) return { kind: 'file', file: path.resolve(file), label: `APPSHELF_SIGNING_KEY_FILE (${file})` };
  return { kind: 'none' };
}

function serialFloor(env: NodeJS.ProcessEnv): number | Diagnostic {
  const text = env.APPSHELF_SERIAL_FLOOR?.trim();
  if (!text) return 0;
  return /^\d{1,15}$/.test(text) ? Number(text) : diag(Errors.SerialFloorInvalid, [text]);
}
