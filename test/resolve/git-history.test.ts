import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStore } from '../../src/index.js';
import { plainHistory, readStoreHistory } from '../../src/load/git-history.js';
import { releaseLandings } from '../../src/resolve/index.js';
import { fixture, tmpStore } from '../helpers.js';

const now = new Date('2027-01-15T12:00:00Z');

/** A copy of the one-app desktop store (shelfnotes, test/fixtures/signed-desktop). */
const desktopStore = (): string => tmpStore({}, fixture('signed-desktop/store'));

/** A git repository holding the desktop store, with a history as pull requests make it. */
function repoWithHistory(): string {
  const cwd = desktopStore();
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Dev',
        GIT_AUTHOR_EMAIL: 'd@example.com',
        GIT_COMMITTER_NAME: 'Dev',
        GIT_COMMITTER_EMAIL: 'd@example.com',
      },
    });
  const at = (date: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Dev',
        GIT_AUTHOR_EMAIL: 'd@example.com',
        GIT_COMMITTER_NAME: 'Dev',
        GIT_COMMITTER_EMAIL: 'd@example.com',
        GIT_COMMITTER_DATE: date,
        GIT_AUTHOR_DATE: date,
      },
    });
  git('init', '-q', '-b', 'main');
  const rel = 'store/apps/shelfnotes/releases';
  // 1.5.0 lands after 1.6.0-beta.1 here: numbers follow landing, not versions.
  const later = ['1.5.0.yaml'].map((f) => [f, readFileSync(path.join(cwd, rel, f), 'utf8')] as const);
  for (const [f] of later) execFileSync('mv', [path.join(cwd, rel, f), path.join(cwd, f)]);
  git('add', '-A');
  at('2026-01-01T00:00:00Z', 'commit', '-q', '-m', 'Initial store');
  git('checkout', '-q', '-b', 'release-1.5.0');
  for (const [f, text] of later) writeFileSync(path.join(cwd, rel, f), text.replace('stable: 25', 'stable: 10'));
  execFileSync('rm', [path.join(cwd, '1.5.0.yaml')]);
  git('add', '-A');
  at('2026-02-01T00:00:00Z', 'commit', '-q', '-m', 'Release shelfnotes 1.5.0');
  git('checkout', '-q', 'main');
  at('2026-02-02T00:00:00Z', 'merge', '-q', '--no-ff', 'release-1.5.0', '-m', 'Merge pull request #7 from dev/release-1.5.0');
  writeFileSync(
    path.join(cwd, rel, '1.5.0.yaml'),
    readFileSync(path.join(cwd, rel, '1.5.0.yaml'), 'utf8').replace('stable: 10', 'stable: 25'),
  );
  const appYaml = path.join(cwd, 'store/apps/shelfnotes/app.yaml');
  writeFileSync(appYaml, `${readFileSync(appYaml, 'utf8')}pins:\n  stable: 1.4.0\n`);
  git('add', '-A');
  at('2026-02-03T00:00:00Z', 'commit', '-q', '-m', 'Widen the 1.5.0 rollout, pin stable (#8)');
  return cwd;
}

describe('release history from git', async () => {
  const cwd = repoWithHistory();
  const history = await readStoreHistory(path.join(cwd, 'store'));

  it('finds who added each release, rollout changes and pins, with PR numbers', () => {
    expect(history.git).toBe(true);
    expect(history.added.get('apps/shelfnotes/releases/1.5.0.yaml')).toMatchObject({ pr: 7, date: '2026-02-02T00:00:00.000Z' });
    const log = history.events.get('shelfnotes')!.map(({ kind, pr, date, ...rest }) => ({
      kind,
      pr,
      date,
      ...('version' in rest ? { version: rest.version } : {}),
      ...('channel' in rest ? { channel: rest.channel } : {}),
    }));
    expect(log).toEqual([
      { kind: 'released', pr: undefined, date: '2026-01-01T00:00:00.000Z', version: '1.4.0' },
      { kind: 'released', pr: undefined, date: '2026-01-01T00:00:00.000Z', version: '1.6.0-beta.1' },
      { kind: 'released', pr: 7, date: '2026-02-02T00:00:00.000Z', version: '1.5.0' },
      { kind: 'pinned', pr: 8, date: '2026-02-03T00:00:00.000Z', version: '1.4.0', channel: 'stable' },
      { kind: 'rollout', pr: 8, date: '2026-02-03T00:00:00.000Z', version: '1.5.0' },
    ]);
    expect(history.events.get('shelfnotes')![4]).toMatchObject({ from: { stable: 10, beta: 100 }, to: { stable: 25, beta: 100 } });
  });

  it('numbers releases in landing order and puts them in the API with the release log', async () => {
    const r = await buildStore({ storeDir: path.join(cwd, 'store'), write: false, now, env: {}, unsigned: true });
    expect(r.ok).toBe(true);
    const app = r.store!.apps.find((a) => a.id === 'shelfnotes')!;
    expect(Object.fromEntries([...releaseLandings(app, history)].map(([v, l]) => [v, l.number]))).toEqual({
      '1.4.0': 1,
      '1.6.0-beta.1': 2,
      '1.5.0': 3,
    });
    const api = JSON.parse(Buffer.from(r.files.get('api/v1/apps/shelfnotes.json') as Uint8Array).toString('utf8'));
    expect(
      api.releases.map((x: { version: string; release: number; pullRequest?: number }) => [x.version, x.release, x.pullRequest ?? null]),
    ).toEqual([
      ['1.6.0-beta.1', 2, null],
      ['1.5.0', 3, 7],
      ['1.4.0', 1, null],
    ]);
    expect(api.releases[1].updatedAt).toBe('2026-02-03T00:00:00.000Z');
    expect(api.live).toEqual({ stable: '1.4.0', beta: '1.6.0-beta.1', nightly: '1.6.0-beta.1' });
    expect(api.releaseLog.map((e: { kind: string }) => e.kind)).toEqual(['released', 'released', 'released', 'pinned', 'rollout']);
  });

  it('numbers by version order outside git', async () => {
    const plain = await readStoreHistory(path.join(desktopStore(), 'store'));
    expect(plain.git).toBe(false);
  });

  it('reads only the new commits with a cache, and gives the same history as a full read', async () => {
    const repo = repoWithHistory();
    const store = path.join(repo, 'store');
    const cacheDir = path.join(repo, '.cache');
    const first = await readStoreHistory(store, { cacheDir });
    expect(first.appCommit.get('shelfnotes')).toMatch(/^[0-9a-f]{40}$/);
    const rel = path.join(store, 'apps/shelfnotes/releases/1.5.0.yaml');
    writeFileSync(rel, readFileSync(rel, 'utf8').replace('stable: 25', 'stable: 50'));
    const edited = await readStoreHistory(store, { cacheDir });
    expect(edited.dirty.has('shelfnotes')).toBe(true);
    expect(edited.appCommit.has('shelfnotes')).toBe(false);
    execFileSync('git', ['commit', '-qam', 'Widen 1.5.0 (#9)'], {
      cwd: repo,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Dev',
        GIT_AUTHOR_EMAIL: 'd@example.com',
        GIT_COMMITTER_NAME: 'Dev',
        GIT_COMMITTER_EMAIL: 'd@example.com',
      },
    });
    const cached = await readStoreHistory(store, { cacheDir });
    const full = await readStoreHistory(store);
    expect(plainHistory(cached)).toEqual(plainHistory(full));
    expect(cached.events.get('shelfnotes')!.at(-1)).toMatchObject({ kind: 'rollout', pr: 9, to: { stable: 50, beta: 100 } });
    expect(cached.appCommit.get('shelfnotes')).not.toBe(first.appCommit.get('shelfnotes'));
    expect(JSON.parse(readFileSync(path.join(cacheDir, 'history', 'history.json'), 'utf8')).head).toBe(
      execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim(),
    );
  });

  it('marks an app folder holding ignored files as not clean', async () => {
    const repo = repoWithHistory();
    writeFileSync(path.join(repo, '.gitignore'), '*.bin\n');
    writeFileSync(path.join(repo, 'store/apps/shelfnotes/extra.bin'), 'x');
    const h = await readStoreHistory(path.join(repo, 'store'));
    expect(h.dirty.has('shelfnotes')).toBe(false);
    expect(h.appCommit.has('shelfnotes')).toBe(false);
    expect(h.appChangedAt.has('shelfnotes')).toBe(true);
  });
});
