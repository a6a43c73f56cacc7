#!/usr/bin/env node
import { appshelfVersion } from '../config/index.js';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StoreError, UsageError, formatText } from '../errors/index.js';
import { closest } from '../util/suggest.js';
import { processIo, type Command, type CommandArgs, type Io } from './command.js';
import { commands } from './registry.js';

function overview(): string {
  const lines = Object.entries(commands).map(([name, load]) => `  ${name.padEnd(16)} ${load.summary}`);
  return `appshelf — a GitOps app store

Usage: appshelf <command> [options]

Commands:
${lines.join('\n')}

Run \`appshelf <command> --help\` for the options of a command.
`;
}

function findCommand(argv: readonly string[]): { key: string; rest: string[] } | undefined {
  for (const n of [2, 1]) {
    const key = argv.slice(0, n).join(' ');
    if (argv.length >= n && commands[key]) return { key, rest: argv.slice(n) };
  }
  return undefined;
}

/** The option names a command takes, as typed (`--name`), for suggestions. */
const optionNames = (cmd: Command): string[] => [...Object.keys(cmd.options).filter((n) => !cmd.renamed?.[n]), 'help'].map((n) => `--${n}`);

/**
 * Parses in two passes: a lenient one whose tokens name every option given, so an unknown one is
 * reported in our words with the nearest known name, then the strict one for values and types.
 */
function parse(cmd: Command, rest: string[], io: Io) {
  const options = { ...cmd.options, help: { type: 'boolean', short: 'h' } } as const;
  const { tokens } = parseArgs({ args: rest, options, allowPositionals: true, strict: false, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name in options) continue;
    const given = t.rawName.startsWith('--') ? `--${t.name}` : t.rawName;
    const near = closest(given, optionNames(cmd));
    throw new UsageError(`Unknown option ${given} for \`appshelf ${cmd.name}\`.${near ? ` Did you mean ${near}?` : ''}`);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (e) {
    if (!(e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw e;
    const types: Record<string, { type: string }> = options;
    const bad = tokens.find((t) => t.kind === 'option' && (types[t.name]?.type === 'string') === (t.value === undefined));
    if (bad?.kind === 'option') {
      throw new UsageError(
        bad.value === undefined ? `Option --${bad.name} needs a value.` : `Option --${bad.name} takes no value (got "${bad.value}").`,
      );
    }
    throw new UsageError((e as Error).message.split('. ')[0]!.replaceAll("'", '') + '.');
  }
  const values: CommandArgs['values'] = { ...parsed.values };
  for (const [old, now] of Object.entries(cmd.renamed ?? {})) {
    if (values[old] === undefined) continue;
    if (values[now] !== undefined) throw new UsageError(`Give --${now} only: --${old} is its old spelling.`);
    io.err(`warning: --${old} is deprecated and will be removed in the next release; use --${now}.\n`);
    values[now] = values[old];
    delete values[old];
  }
  const { positionals } = parsed;
  const [min, max] = cmd.positionals ?? [0, 0];
  if (!values.help && (positionals.length < min || positionals.length > max)) {
    throw new UsageError(positionals.length < min ? 'Missing arguments.' : `Unexpected argument "${positionals[max]}".`);
  }
  return { values, positionals };
}

/** The nearest command to a mistyped one: two words (`ca sing`) before one (`chek`). */
function suggestCommand(argv: readonly string[]): string | undefined {
  const names = Object.keys(commands);
  const two =
    argv[1] && !argv[1].startsWith('-')
      ? closest(
          argv.slice(0, 2).join(' '),
          names.filter((n) => n.includes(' ')),
        )
      : undefined;
  return (
    two ??
    closest(
      argv[0]!,
      names.filter((n) => !n.includes(' ')),
    )
  );
}

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 the store or input has errors, 2 wrong usage,
 * 3 internal error. Only the bin entry calls process.exit, so tests can call this in-process.
 */
export async function main(argv: string[] = process.argv.slice(2), io: Io = processIo): Promise<number> {
  if (!argv.length || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(overview());
    return argv.length ? 0 : 2;
  }
  if (argv[0] === '--version') {
    io.out(`appshelf ${appshelfVersion()}\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = Object.keys(commands).filter((n) => n.startsWith(`${argv[0]} `));
    const near = suggestCommand(argv);
    const shown = (group.length || near?.includes(' ')) && argv[1] && !argv[1].startsWith('-') ? argv.slice(0, 2).join(' ') : argv[0];
    const tail = near
      ? ` Did you mean \`appshelf ${near}\`?`
      : group.length
        ? ` It takes one of: ${group.join(', ')}.`
        : ' Run `appshelf --help` for the commands.';
    io.err(`Unknown command "${shown}".${tail}\n`);
    return 2;
  }
  const { command } = await commands[found.key]!();
  try {
    const args = parse(command, found.rest, io);
    if (args.values.help) {
      io.out(command.usage + '\n');
      return 0;
    }
    return await command.run({ ...args, io });
  } catch (e) {
    if (e instanceof StoreError) {
      for (const d of e.diagnostics) io.err(formatText(d) + '\n');
      return 1;
    }
    if (e instanceof UsageError) {
      // One line in our words; the full usage stays behind --help, where it does not bury the message.
      io.err(`${e.message} See \`appshelf ${command.name} --help\`.\n`);
      return 2;
    }
    io.err(`appshelf: internal error (please report it with the command you ran):\n${(e as Error).stack ?? String(e)}\n`);
    return 3;
  }
}

// Run only as the bin (npm links it through a symlink, hence realpath).
const self = fileURLToPath(import.meta.url);
if (process.argv[1] && realpathSync(process.argv[1]) === self) {
  main().then((code) => {
    process.exitCode = code;
  });
}
