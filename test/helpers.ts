import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** The example store. */
export const exampleStore = path.join(repoRoot, 'store');
/** A fixture folder under test/fixtures/. */
export const fixture = (name: string): string => path.join(repoRoot, 'test', 'fixtures', name);

const made: string[] = [];
const cleanups: (() => unknown)[] = [];

/**
 * Runs `fn` when the current test file ends. Helpers register their clean-up here rather than
 * with a module-level afterAll: test files share a worker's modules (vitest `isolate: false`), so
 * a helper module runs once per worker, while test/setup.ts runs {@link endOfFile} for every file.
 */
export const atEndOfFile = (fn: () => unknown): void => void cleanups.push(fn);

/** Runs the clean-ups of the file that ended (newest first), then removes its temporary folders. */
export async function endOfFile(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A fresh temporary folder, removed after the test file. */
export function tmpDir(prefix = 'appshelf-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * A temporary working folder holding a copy of a store (the example store by default) under
 * `store/`, with `files` written over it (path relative to the folder → content).
 */
export function tmpStore(files: Record<string, string | Uint8Array> = {}, from: string | null = exampleStore): string {
  const dir = tmpDir();
  if (from) cpSync(from, path.join(dir, 'store'), { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return dir;
}

/** Result of running the CLI. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with `cwd` as the working directory. */
export async function runCli(argv: string[], cwd: string = repoRoot, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const prev = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(argv, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: { ...process.env, ...env } });
    return { code, stdout, stderr };
  } finally {
    process.chdir(prev);
  }
}

/** Runs the compiled bin (lib/cli/main.js) as a real process. */
export function runBin(argv: string[], cwd: string = repoRoot, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'lib/cli/main.js'), ...argv], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
