import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { append, git, gitRepo, remove } from '../policy/git-repo.js';

const policyCodes = (stderr: string) => [...stderr.matchAll(/ error (E_POLICY_\w+):/g)].map((m) => m[1]);

/** Merges a branch into main the way GitHub does for a pull request, and returns the merge commit. */
function mergePullRequest(dir: string, branch: string, pr: number): string {
  git(dir, 'checkout', '-q', 'main');
  git(dir, 'merge', '-q', '--no-ff', branch, '-m', `Merge pull request #${pr} from ${branch}`);
  return git(dir, 'rev-parse', 'HEAD').trim();
}

/** A pull request branch made with the authoring commands, committed. */
async function pullRequest(dir: string, branch: string, from: string, ...commands: string[][]): Promise<void> {
  git(dir, 'checkout', '-q', '-b', branch, from);
  for (const argv of commands) {
    const r = await runCli(argv, dir);
    expect(r.stderr, argv.join(' ')).toBe('');
    expect(r.code, argv.join(' ')).toBe(0);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', branch);
}

function served(dir: string, channel: string, os: string, p: number): string | null {
  const file = path.join(dir, 'dist/update/notes', channel, os, 'x86-64', `${p}.json`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { signed: { candidates: { version: string }[] } };
  return manifest.signed.candidates[0]?.version ?? null;
}

describe('the GitOps flow in a real git repository', () => {
  it('release candidate → review → merge → build, and what stays out', async () => {
    const dir = gitRepo();
    writeFileSync(path.join(dir, 'notes-1.2.0-linux.txt'), 'notes 1.2.0 for linux\n');
    git(dir, 'add', 'notes-1.2.0-linux.txt');
    git(dir, 'commit', '-q', '-m', 'Build output of the app repository (stands in for CI)');

    // 1. The candidate: a new release, staged to 25% of stable.
    await pullRequest(
      dir,
      'dev/release-x',
      'main',
      [
        'release',
        'add',
        'notes',
        '1.2.0',
        '--file',
        'notes-1.2.0-linux.txt',
        '--os',
        'linux',
        '--arch',
        'x86-64',
        '--channel',
        'stable',
        '--channel',
        'beta',
      ],
      ['rollout', 'notes', '1.2.0', '--channel', 'stable', '--percent', '25'],
    );
    const good = await runCli(['check', '--base', 'main', '--actor', 'notes-dev', '--summary', 'summary.md'], dir);
    expect(good.stderr).toContain('✓ store is valid and the change against main follows the policy');
    expect(good.code).toBe(0);
    const summary = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(summary).toContain('## ✅ appshelf release candidate: 0 errors, 0 warnings');
    expect(summary).toContain('**New release 1.2.0** · channels: stable (rollout 25%), beta · signature: unsigned');
    expect(summary).toContain('| stable / linux x86-64 | 0–24 → 1.2.0 (was 1.1.0), 25–99 → 1.1.0 |');
    expect(summary).toContain('| beta / linux x86-64 | 0–99 → 1.2.0 (was 1.1.0) |');

    // 2. Candidates that must be refused, each with its own reason.
    git(dir, 'checkout', '-q', '-b', 'dev/edit-archive', 'main');
    append(dir, 'store/apps/notes/files/notes-1.1.0-linux.txt', 'patched\n');
    git(dir, 'commit', '-q', '-am', 'Patch the 1.1.0 archive');
    const edited = await runCli(['check', '--base', 'main'], dir);
    expect(edited.code).toBe(1);
    expect(policyCodes(edited.stderr)).toEqual(['E_POLICY_ARCHIVE_CHANGED']);

    git(dir, 'checkout', '-q', '-b', 'dev/delete', 'main');
    remove(dir, 'store/apps/notes/releases/1.0.0.yaml');
    git(dir, 'commit', '-q', '-am', 'Remove 1.0.0');
    const deleted = await runCli(['check', '--base', 'main'], dir);
    expect(deleted.code).toBe(1);
    expect(policyCodes(deleted.stderr)).toEqual(['E_POLICY_RELEASE_DELETED']);

    git(dir, 'checkout', '-q', '-b', 'dev/locked', 'main');
    const locked = readFileSync(path.join(dir, 'store/apps/legacy/releases/2.0.0.yaml'), 'utf8').replace(
      'version: 2.0.0',
      'version: 2.1.0',
    );
    writeFileSync(path.join(dir, 'store/apps/legacy/releases/2.1.0.yaml'), locked);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'legacy 2.1.0');
    const lockedRun = await runCli(['check', '--base', 'main', '--actor', 'legacy-team'], dir);
    expect(lockedRun.code).toBe(1);
    expect(policyCodes(lockedRun.stderr)).toEqual(['E_POLICY_APP_LOCKED']);

    git(dir, 'checkout', '-q', 'dev/release-x');
    const stranger = await runCli(['check', '--base', 'main', '--actor', 'mallory'], dir);
    expect(stranger.code).toBe(1);
    expect(policyCodes(stranger.stderr)).toEqual(['E_POLICY_NOT_OWNER']);

    // 3. Merging is the approval: the build serves 1.2.0 to the first quarter of stable.
    const merge = mergePullRequest(dir, 'dev/release-x', 12);
    const built = await runCli(['build', '--out', 'dist'], dir);
    expect(built.code).toBe(0);
    expect([0, 24, 25, 99].map((p) => served(dir, 'stable', 'linux', p))).toEqual(['1.2.0', '1.2.0', '1.1.0', '1.1.0']);
    expect(served(dir, 'beta', 'linux', 99)).toBe('1.2.0');
    expect(served(dir, 'stable', 'windows', 0)).toBe('1.1.0');

    // 4. Later pull requests: full rollout, a pin that restores 1.1.0, then versioning locked.
    await pullRequest(dir, 'dev/rollout', 'main', ['rollout', 'notes', '1.2.0', '--channel', 'stable', '--percent', '100']);
    expect((await runCli(['check', '--base', 'main', '--actor', 'notes-dev'], dir)).code).toBe(0);
    const rolloutMerge = mergePullRequest(dir, 'dev/rollout', 13);
    await pullRequest(dir, 'dev/restore', 'main', ['pin', 'notes', '1.1.0', '--channel', 'stable']);
    const pinMerge = mergePullRequest(dir, 'dev/restore', 14);
    await pullRequest(dir, 'dev/lock', 'main', ['lock', 'notes']);
    expect((await runCli(['check', '--base', 'main', '--actor', 'notes-dev'], dir)).code).toBe(0);
    const lockMerge = mergePullRequest(dir, 'dev/lock', 15);
    expect((await runCli(['build', '--out', 'dist'], dir)).code).toBe(0);
    expect([0, 99].map((p) => served(dir, 'stable', 'linux', p))).toEqual(['1.1.0', '1.1.0']);
    expect(served(dir, 'beta', 'linux', 50)).toBe('1.2.0');

    // 5. The release log: what landed with which merge commit and pull request, and what changed later.
    const api = JSON.parse(readFileSync(path.join(dir, 'dist/api/v1/apps/notes.json'), 'utf8')) as {
      locked: boolean;
      pins: Record<string, string>;
      releases: { version: string; release: number; commit?: string; pullRequest?: number }[];
      releaseLog: { kind: string; version?: string; channel?: string; sha?: string; pr?: number; from?: unknown; to?: unknown }[];
    };
    expect(api.locked).toBe(true);
    expect(api.pins).toEqual({ stable: '1.1.0' });
    expect(api.releases.find((r) => r.version === '1.2.0')).toMatchObject({ release: 3, commit: merge, pullRequest: 12 });
    const log = api.releaseLog.map(({ kind, version, channel, sha, pr }) => ({ kind, version, channel, sha, pr }));
    expect(log.slice(2)).toEqual([
      { kind: 'released', version: '1.2.0', channel: undefined, sha: merge, pr: 12 },
      { kind: 'rollout', version: '1.2.0', channel: undefined, sha: rolloutMerge, pr: 13 },
      { kind: 'pinned', version: '1.1.0', channel: 'stable', sha: pinMerge, pr: 14 },
      { kind: 'locked', version: undefined, channel: undefined, sha: lockMerge, pr: 15 },
    ]);
    expect(api.releaseLog[3]).toMatchObject({ from: { stable: 25, beta: 100 }, to: { stable: 100, beta: 100 } });

    // 6. Locked now: the next candidate is refused.
    await pullRequest(dir, 'dev/after-lock', 'main', ['unlock', 'notes']);
    expect(policyCodes((await runCli(['check', '--base', 'main', '--actor', 'notes-dev'], dir)).stderr)).toEqual(['E_POLICY_UNLOCK_ADMIN']);
    expect((await runCli(['check', '--base', 'main', '--actor', 'store-admin'], dir)).code).toBe(0);
  }, 120_000);
});
