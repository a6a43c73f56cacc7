#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StoreError, UsageError, formatText } from '../errors/index.js';
import { processIo, type Command, type Io } from './command.js';
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

function parse(cmd: Command, rest: string[]) {
  const { values, positionals } = parseArgs({
    args: rest,
    options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  const [min, max] = cmd.positionals ?? [0, 0];
  if (!values.help && (positionals.length < min || positionals.length > max)) {
    throw new UsageError(positionals.length < min ? 'Missing arguments.' : `Unexpected argument "${positionals[max]}".`);
  }
  return { values, positionals };
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
    io.out('appshelf 0.1.0\n');
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.err(`Unknown command "${argv.slice(0, 2).join(' ')}".\n\n${overview()}`);
    return 2;
  }
  const { command } = await commands[found.key]!();
  try {
    const args = parse(command, found.rest);
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
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(e as Error).message}\n\n${command.usage}\n`);
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
