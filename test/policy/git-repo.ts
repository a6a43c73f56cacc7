import { execFileSync } from 'node:child_process';
import { appendFileSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { atEndOfFile, fixture, tmpDir, tmpStore } from '../helpers.js';

/** The base store of the GitOps tests. */
export const gitopsStore = fixture('gitops-base/store');

/** Runs git in `cwd` and returns its output (throws on failure). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Committed base repositories of this test file, by store folder. */
const templates = new Map<string, string>();

/**
 * A real git repository in a temp folder: the store under `store/` committed on `main` as the
 * base of a pull request, with a local identity (never the machine's global git config).
 * Made once per test file and store, then copied (`cp -a`): six git processes per test saved.
 */
export function gitRepo(from: string = gitopsStore): string {
  let template = templates.get(from);
  if (!template) {
    template = tmpStore({ '.gitignore': '.appshelf-cache/\ndist/\nsummary.md\n' }, from);
    git(template, 'init', '-q', '-b', 'main');
    git(template, 'config', 'user.name', 'Store Admin');
    git(template, 'config', 'user.email', 'admin@example.com');
    git(template, 'config', 'commit.gpgsign', 'false');
    git(template, 'add', '-A');
    git(template, 'commit', '-q', '-m', 'Initial store');
    templates.set(from, template);
    atEndOfFile(() => templates.delete(from));
  }
  const dir = path.join(tmpDir(), 'repo');
  execFileSync('cp', ['-a', template, dir]);
  return dir;
}

/** Writes a file of the working tree (path relative to the repository). */
export function put(dir: string, rel: string, content: string | Uint8Array): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), content);
}

/** Replaces text in a file of the working tree; fails when the text is not there. */
export function edit(dir: string, rel: string, from: string | RegExp, to: string): void {
  const file = path.join(dir, rel);
  const before = readFileSync(file, 'utf8');
  const after = before.replace(from, to);
  if (after === before) throw new Error(`${rel}: ${String(from)} not found`);
  writeFileSync(file, after);
}

/** Appends to a file of the working tree. */
export const append = (dir: string, rel: string, text: string): void => appendFileSync(path.join(dir, rel), text);

/** Deletes a file or folder of the working tree. */
export const remove = (dir: string, rel: string): void => rmSync(path.join(dir, rel), { recursive: true, force: true });
