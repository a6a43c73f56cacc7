import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleStore, repoRoot, tmpDir } from '../helpers.js';

/** The fenced blocks of a page whose info string is `sh runnable`, in page order. */
function runnableBlocks(text: string): string[] {
  return [...text.matchAll(/^```sh runnable\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

const pages = [
  'README.md',
  ...readdirSync(path.join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
]
  .map((page) => ({ page, blocks: runnableBlocks(readFileSync(path.join(repoRoot, page), 'utf8')) }))
  .filter((p) => p.blocks.length);

// Docs say `npx appshelf` or `appshelf`; shims on PATH run the compiled CLI, so no npm or network is involved.
function sandbox(): { cwd: string; env: NodeJS.ProcessEnv } {
  const cwd = tmpDir('appshelf-docs-');
  cpSync(exampleStore, path.join(cwd, 'store'), { recursive: true });
  cpSync(path.join(repoRoot, 'demo-keys'), path.join(cwd, 'demo-keys'), { recursive: true });
  const bin = path.join(cwd, '.bin');
  mkdirSync(bin);
  const cli = JSON.stringify(path.join(repoRoot, 'lib/cli/main.js'));
  writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\n[ "$1" = appshelf ] || exit 127\nshift\nexec node ${cli} "$@"\n`, { mode: 0o755 });
  writeFileSync(path.join(bin, 'appshelf'), `#!/bin/sh\nexec node ${cli} "$@"\n`, { mode: 0o755 });
  // HOME too: keys and installs the commands write by default land in the sandbox, never in the user's home.
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, HOME: cwd };
  for (const name of ['APPSHELF_HOME', 'APPSHELF_KEYS', 'APPSHELF_STORE_URL', 'APPSHELF_SIGNING_KEY', 'APPSHELF_SIGNING_KEY_FILE'])
    delete env[name];
  return { cwd, env };
}

/**
 * One shell session per page, as a reader types the blocks into one terminal: variables and the
 * working folder carry over. Servers a page starts in the background are stopped when it ends.
 */
function pageScript(blocks: string[]): string {
  return ["trap 'kill $(jobs -p) 2>/dev/null || true' EXIT", ...blocks.map((b, i) => `echo "@@block ${i}" >&2\n${b}`)].join('\n');
}

describe('the runnable examples of the README and docs', () => {
  it('finds some', () => {
    expect(pages.length).toBeGreaterThan(0);
  });

  for (const { page, blocks } of pages) {
    it(`${page}: every \`sh runnable\` block succeeds, in order, in one shell, against a copy of the example store`, () => {
      const { cwd, env } = sandbox();
      try {
        execFileSync('bash', ['-euo', 'pipefail', '-c', pageScript(blocks)], { cwd, env, stdio: 'pipe' });
      } catch (e) {
        const { stderr, stdout } = e as { stderr?: Buffer; stdout?: Buffer };
        const err = String(stderr ?? '');
        const failed = Number([...err.matchAll(/^@@block (\d+)$/gm)].pop()?.[1] ?? 0);
        const since = err.slice(err.lastIndexOf(`@@block ${failed}`));
        throw new Error(`${page}: this block failed:\n${blocks[failed]}\n${String(stdout ?? '').slice(-2000)}${since}`, { cause: e });
      }
    }, 120_000); // a walk-through spawns the CLI some fifteen times: seconds on a quiet machine, more on a busy one
  }
});
