import type { CommandArgs } from './command.js';
import { formatText, StoreError, UsageError, type Diagnostic } from '../errors/index.js';
import { resolveClientConfig, type ClientOptions } from '../client/installer/config.js';
import type { ClientContext } from '../client/installer/installer.js';
import { progress, type Progress } from './progress.js';

/** The node:util parseArgs options every client command takes. */
export const clientOptionSpecs = {
  'store-url': { type: 'string' },
  dir: { type: 'string' },
  channel: { type: 'string' },
  os: { type: 'string' },
  arch: { type: 'string' },
  'os-version': { type: 'string' },
  'archive-format': { type: 'string' },
  format: { type: 'string' },
  'public-key': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `--no-downgrade`: a channel pinned back below the installed version is reported, not followed. */
export const noDowngradeSpec = { 'no-downgrade': { type: 'boolean' } } as const;

/** The help line of {@link noDowngradeSpec}. */
export const noDowngradeHelp = `  --no-downgrade     when the app's channel is pinned back below the installed version,
                     say so and keep the installed version (default: roll back to the pin)`;

/** `--quiet`: no download progress on a terminal. */
export const quietSpec = { quiet: { type: 'boolean' } } as const;

/** The help line of {@link quietSpec}. */
export const quietHelp = `  --quiet            no download progress line on a terminal (none is drawn in a pipe)`;

/**
 * Runs a client library call with a progress line for its downloads (on a terminal, not with
 * --quiet or --json); gives its result and ` in 1.2 s` for the summary line.
 */
export async function withProgress<T>(
  args: CommandArgs,
  label: string,
  body: (shown: Progress) => Promise<T>,
): Promise<{ result: T; took: string }> {
  const shown = progress(args.io, label, { quiet: args.values.quiet === true || args.values.json === true });
  try {
    const result = await body(shown);
    return { result, took: shown.done() };
  } catch (e) {
    shown.done();
    throw e;
  }
}

/** The options of `update`: store, channel, platform and format come from each installed app. */
export const updateOptionSpecs = {
  ...noDowngradeSpec,
  ...quietSpec,
  dir: clientOptionSpecs.dir,
  'os-version': clientOptionSpecs['os-version'],
  'public-key': clientOptionSpecs['public-key'],
  json: clientOptionSpecs.json,
} as const;

/** The help lines of {@link clientOptionSpecs}, shared by the usage texts. */
export const clientOptionsHelp = `  --store-url URL    the published store (default: $APPSHELF_STORE_URL, or the store
                     the installed apps came from)
  --dir DIR          install root (default: $APPSHELF_HOME, else ~/.appshelf/apps)
  --channel C        channel (default: the store's most mature channel, or the one the
                     app was installed from)
  --os OS            platform name in the store (default: this machine: osx, windows, linux)
  --arch ARCH        architecture (default: this machine: x86-64, arm64, x86)
  --os-version V     OS version for osversion ranges (default: from os.release())
  --archive-format F archive format to take when a release offers several (zip, msi …);
                     --format is its old spelling, accepted until the next release
  --public-key KEY   the store's Ed25519 manifest key: a .pem file, or PEM text given as
                     --public-key="$(cat key.pem)"; kept in the state, and from then on
                     every manifest of that store must be signed with it
  --json             print {code, message, data} instead of text`;

const str = (args: CommandArgs, name: string): string | undefined => {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
};

/** `--percentile N`: a whole number from 0 to 99, as the state keeps it. */
function percentileOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,2}$/.test(value.trim())) throw new UsageError(`--percentile must be a whole number from 0 to 99 (got "${value}").`);
  return Number(value);
}

/** The client context of a command run: config from flags and environment, warnings to stderr. */
export function clientContext(args: CommandArgs): ClientContext {
  const opts: ClientOptions = {
    storeUrl: str(args, 'store-url'),
    dir: str(args, 'dir'),
    channel: str(args, 'channel'),
    os: str(args, 'os'),
    arch: str(args, 'arch'),
    osVersion: str(args, 'os-version'),
    format: str(args, 'archive-format'),
  };
  return {
    config: resolveClientConfig(opts, args.io.env),
    publicKey: str(args, 'public-key'),
    percentile: percentileOf(str(args, 'percentile')),
    downgrade: args.values['no-downgrade'] !== true,
    checkOnly: args.values.check === true,
    now: () => new Date(),
    warn: (d) => args.io.err(formatText(d) + '\n'),
  };
}

/** The Market API's answer shape: `{code, message, data}`; code 0 is success. */
export interface JsonAnswer {
  code: number;
  message: string;
  data: unknown;
  diagnostics?: readonly Diagnostic[];
}

/**
 * Runs a client command. With `--json`, a user error is printed as `{code: 1, message,
 * data: null, diagnostics}` on stdout (exit 1) instead of text on stderr.
 */
export async function runClient(args: CommandArgs, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (!(e instanceof StoreError) || args.values.json !== true) throw e;
    printJson(args, { code: 1, message: e.diagnostics[0]?.message ?? e.message, data: null, diagnostics: e.diagnostics });
    return 1;
  }
}

/** Prints a JSON answer on stdout. */
export const printJson = (args: CommandArgs, answer: JsonAnswer): void => args.io.out(JSON.stringify(answer, null, 2) + '\n');
