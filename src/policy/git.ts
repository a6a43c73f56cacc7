import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { diag, Errors, StoreError } from '../errors/index.js';

const run = promisify(execFile);

/** The store as it was at a git ref, extracted into a temporary folder. */
export interface StoreAtRef {
  /** The ref as given, e.g. `origin/main`. */
  ref: string;
  /** The commit the ref points to. */
  commit: string;
  /** The extracted store folder; undefined when the ref has no store yet (the pull request creates it). */
  storeDir?: string;
  /** Removes the temporary folder. */
  cleanup: () => void;
}

/** Where a store lives in its git repository. */
export interface StoreLocation {
  /** Absolute path of the repository's top folder. */
  root: string;
  /** The store folder relative to the root, with forward slashes (`store`, or `` for the root itself). */
  storeRel: string;
}

async function git(cwd: string, args: string[], ref: string): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; code?: string | number; message: string };
    const reason = err.code === 'ENOENT' ? 'git is not installed' : (err.stderr?.trim().split('\n').pop() ?? err.message);
    throw new StoreError(diag(Errors.BaseRefUnreadable, [ref, reason]));
  }
}

/** Finds the repository that holds `storeDir`. */
export async function locateStore(storeDir: string, ref: string): Promise<StoreLocation> {
  const abs = realpathSync(path.resolve(storeDir));
  const root = realpathSync((await git(abs, ['rev-parse', '--show-toplevel'], ref)).trim());
  return { root, storeRel: path.relative(root, abs).split(path.sep).join('/') };
}

/**
 * Extracts the store folder as committed at `ref` (`git archive REF -- store | tar -x`), so the
 * base can be loaded, validated and resolved with the same stages as the working tree.
 */
export async function readStoreAt(loc: StoreLocation, ref: string): Promise<StoreAtRef> {
  const commit = (await git(loc.root, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`], ref)).trim();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'appshelf-base-'));
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  const spec = loc.storeRel || '.';
  const exists = await run('git', ['cat-file', '-e', `${commit}:${loc.storeRel}`], { cwd: loc.root }).then(
    () => true,
    () => false,
  );
  if (!exists) return { ref, commit, cleanup };
  try {
    // tar is loaded here, not at import: `appshelf check` without --base never needs it.
    const { extract } = await import('tar');
    const child = spawn('git', ['archive', '--format=tar', commit, '--', spec], { cwd: loc.root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
    await pipeline(child.stdout, extract({ cwd: tmp, strict: true }));
    const code = await exited;
    if (code !== 0) throw new StoreError(diag(Errors.BaseRefUnreadable, [ref, stderr.trim() || `git archive exited with ${code}`]));
  } catch (e) {
    cleanup();
    throw e;
  }
  return { ref, commit, storeDir: path.join(tmp, loc.storeRel), cleanup };
}

/**
 * Store files that differ between `ref` and the working tree (committed or not, deleted, and new
 * untracked files), relative to the store folder. This is what a reviewer sees in the pull request.
 */
export async function changedPaths(loc: StoreLocation, ref: string): Promise<string[]> {
  const spec = loc.storeRel || '.';
  const [diff, untracked] = await Promise.all([
    git(loc.root, ['diff', '--name-only', '--no-renames', '-z', ref, '--', spec], ref),
    git(loc.root, ['ls-files', '--others', '--exclude-standard', '-z', '--', spec], ref),
  ]);
  const prefix = loc.storeRel ? `${loc.storeRel}/` : '';
  const all = [...diff.split('\0'), ...untracked.split('\0')].filter((p) => p && p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  return [...new Set(all)].sort();
}

/**
 * Repository files outside the store folder that differ between `ref` and the working tree
 * (committed or not, and new untracked files), relative to the repository's top.
 */
export async function changedOutside(loc: StoreLocation, ref: string): Promise<string[]> {
  const [diff, untracked] = await Promise.all([
    git(loc.root, ['diff', '--name-only', '--no-renames', '-z', ref, '--', '.'], ref),
    git(loc.root, ['ls-files', '--others', '--exclude-standard', '-z', '--', '.'], ref),
  ]);
  const prefix = loc.storeRel ? `${loc.storeRel}/` : '';
  const all = [...diff.split('\0'), ...untracked.split('\0')].filter((p) => p && (!prefix || !p.startsWith(prefix)) && prefix !== '');
  return [...new Set(all)].sort();
}

/**
 * Files that decide what every later check and build trusts, whatever else the repository holds:
 * the workflows and GitHub settings, the dependency manifests and lock files, CODEOWNERS, .npmrc.
 */
export const isAdminFile = (rel: string): boolean =>
  /^\.github\//.test(rel) || /^(package\.json|package-lock\.json|npm-shrinkwrap\.json|\.npmrc|CODEOWNERS|docs\/CODEOWNERS)$/.test(rel);
