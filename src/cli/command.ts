import type { ParseArgsConfig } from 'node:util';
import { resolveConfig, type ConfigInput, type ResolvedConfig } from '../config/index.js';
import { UsageError } from '../errors/index.js';

/** Where a command writes; injectable so tests run the CLI in-process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Environment variables (signing keys, CI settings). */
  env: NodeJS.ProcessEnv;
}

/** The standard streams and environment. */
export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  env: process.env,
};

/** Parsed command-line values. */
export interface CommandArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  io: Io;
}

/** One CLI command: its usage text, its options, and what it runs (returning the exit code). */
export interface Command {
  /** Words that select it, e.g. `check` or `ca init`. */
  name: string;
  /** Full help text shown by `--help`. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /**
   * Old option spellings kept for one release: old name → new name. The old name must also be in
   * `options`; the CLI warns on stderr and hands the value to the command under the new name.
   */
  renamed?: Record<string, string>;
  /** How many positionals it takes, [min, max]. @default [0, 0] */
  positionals?: [number, number];
  run: (args: CommandArgs) => Promise<number>;
}

/** Reads a string option, or the default. */
export const str = (args: CommandArgs, name: string, fallback?: string): string | undefined => {
  const v = args.values[name];
  return typeof v === 'string' ? v : fallback;
};

/**
 * The settings of a run from the flags every store command spells the same way (`--store`,
 * `--base-url`, `--unsigned`, `--published`, `--fetch`) and the environment; resolved once per
 * command (src/config/). Folders a command names its own way (`build --out`, `serve --dir`)
 * come in `extra`.
 */
export function storeConfig(args: CommandArgs, extra: ConfigInput = {}): ResolvedConfig {
  const flag = (name: string) => str(args, name) || undefined;
  return resolveConfig({
    storeDir: flag('store'),
    baseUrl: flag('base-url'),
    published: flag('published'),
    unsigned: args.values.unsigned === true,
    fetch: args.values.fetch === true,
    ...extra,
    env: args.io.env,
  });
}

/**
 * The positionals of a command that once took CHANNEL as its second positional (`pin APP CHANNEL
 * VERSION`) and now takes `--channel`: returns [APP, CHANNEL, ...rest], warning on the old form.
 * The positional range of such a command admits one more than the new form.
 */
export function channelArgs(args: CommandArgs, form: string): string[] {
  const [id, ...rest] = args.positionals as [string, ...string[]];
  const flag = str(args, 'channel');
  const wanted = form.split(' ').filter((w) => /^[A-Z]+$/.test(w)).length - 2;
  if (rest.length > wanted) {
    if (flag !== undefined) throw new UsageError(`Give the channel once: with --channel, it is \`appshelf ${form}\`.`);
    args.io.err(`warning: the channel as a positional is deprecated and will be removed in the next release; use \`appshelf ${form}\`.\n`);
    return [id, ...rest];
  }
  if (rest.length < wanted) throw new UsageError('Missing arguments.');
  if (flag === undefined) throw new UsageError('--channel CHANNEL is required.');
  return [id, flag, ...rest];
}

/** `sign` and `verify` take the bytes from a FILE positional or from `--text` (an app id), exactly one. */
export function fileOrText(args: CommandArgs): { file?: string; text?: string } {
  const text = str(args, 'text');
  const [file] = args.positionals;
  if ((text === undefined) === (file === undefined)) {
    throw new UsageError(text === undefined ? 'Give a FILE or --text APP_ID.' : 'Give either a FILE or --text, not both.');
  }
  return { file, text };
}
