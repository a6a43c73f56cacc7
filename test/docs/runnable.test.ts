import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleStore, repoRoot, tmpDir } from '../helpers.js';

/** The fenced blocks of a page whose info string is `sh runnable`, in page order. */
function runnableBlocks(text: string): string[] {
  return [...text.matchAll(/^```sh runnable\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

const pages = ['README.md', ...readdirSync(path.join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)]
  .map((page) => ({ page, blocks: runnableBlocks(readFileSync(path.join(repoRoot, page), 'utf8')) }))
  .filter((p) => p.blocks.length);

// Docs say `npx appshelf`; a shim on PATH runs the compiled CLI, so no npm or network is involved.
function sandbox(): { cwd: string; env: NodeJS.ProcessEnv } {
  const cwd = tmpDir('appshelf-docs-');
  cpSync(exampleStore, path.join(cwd, 'store'), { recursive: true });
  cpSync(path.join(repoRoot, 'demo-keys'), path.join(cwd, 'demo-keys'), { recursive: true });
  const bin = path.join(cwd, '.bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\n[ "$1" = appshelf ] || exit 127\nshift\nexec node ${JSON.stringify(path.join(repoRoot, 'lib/cli/main.js'))} "$@"\n`, { mode: 0o755 });
  // HOME too: keys the commands write by default land in the sandbox, never in the user's home.
  return { cwd, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, HOME: cwd, APPSHELF_HOME: path.join(cwd, 'apps') } };
}

describe('the runnable examples of the README and docs', () => {
  it('finds some', () => {
    expect(pages.length).toBeGreaterThan(0);
  });

  for (const { page, blocks } of pages) {
    it(`${page}: every \`sh runnable\` block succeeds, in order, against a copy of the example store`, () => {
      const { cwd, env } = sandbox();
      for (const block of blocks) {
        try {
          execFileSync('bash', ['-euo', 'pipefail', '-c', block], { cwd, env, stdio: 'pipe' });
        } catch (e) {
          const { stderr, stdout } = e as { stderr?: Buffer; stdout?: Buffer };
          throw new Error(`${page}: this block failed:\n${block}\n${stdout ?? ''}${stderr ?? ''}`, { cause: e });
        }
      }
    });
  }
});
