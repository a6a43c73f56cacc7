import { createHash } from 'node:crypto';
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { append, edit, git, gitRepo, put, remove } from './git-repo.js';

const rel110 = 'store/apps/notes/releases/1.1.0.yaml';

async function check(dir: string, ...extra: string[]) {
  const r = await runCli(['check', '--base', 'main', ...extra], dir);
  const problems = [...r.stderr.matchAll(/^(\S+): (error|warning) (\w+):/gm)].map((m) => `${m[1]} ${m[3]}`);
  return { ...r, problems };
}

function addRelease(dir: string, app = 'notes', version = '1.2.0', extra = ''): void {
  put(dir, `store/apps/${app}/files/${app}-${version}.txt`, `${app} ${version}\n`);
  put(
    dir,
    `store/apps/${app}/releases/${version}.yaml`,
    `version: ${version}
channels: [stable, beta]
${extra}entries:
  - os: linux
    architectures: [x86-64]
    format: txt
    file: files/${app}-${version}.txt
    size: ${`${app} ${version}\n`.length}
    sha256: ${sha(`${app} ${version}\n`)}
`,
  );
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('check --base: released versions are immutable', () => {
  it('accepts a new release and edits of the editable fields', async () => {
    const dir = gitRepo();
    addRelease(dir, 'notes', '1.2.0', 'rollout:\n  stable: 25\n');
    edit(dir, rel110, 'channels: [stable, beta]', 'channels: [stable]');
    edit(dir, rel110, '  Release 1.1.0.', '  Release 1.1.0, with better notes.');
    edit(dir, rel110, 'entries:', 'yanked: true\nyankReason: breaks sync\nentries:');
    const r = await check(dir);
    expect(r.problems).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('✓ store is valid and the change against main follows the policy: 3 apps, 5 releases');
  });

  it('refuses an archive of a released version changed in place', async () => {
    const dir = gitRepo();
    append(dir, 'store/apps/notes/files/notes-1.1.0-linux.txt', 'tampered\n');
    const r = await check(dir);
    expect(r.code).toBe(1);
    expect(r.problems).toContain(`${rel110}:10:11 E_POLICY_ARCHIVE_CHANGED`);
    expect(r.stderr).toContain(
      'The archive store/apps/notes/files/notes-1.1.0-linux.txt of released version 1.1.0 of "notes" was changed in place.',
    );
  });

  it('refuses changed sizes, hashes, files, dates and docker tags, each on its line', async () => {
    const dir = gitRepo();
    edit(dir, rel110, 'size: 18', 'size: 19');
    edit(dir, rel110, /sha256: 70bc\w+/, `sha256: ${'a'.repeat(64)}`);
    edit(dir, rel110, 'file: files/notes-1.1.0-windows.txt', 'file: files/notes-1.0.0-windows.txt');
    edit(dir, rel110, 'date: 2026-01-10T00:00:00Z', 'date: 2026-02-01T00:00:00Z');
    edit(dir, 'store/apps/dash/releases/3.0.0.yaml', 'tag: v3.0.0', 'tag: latest');
    const r = await check(dir);
    expect(r.code).toBe(1);
    const policy = r.problems.filter((p) => p.includes('E_POLICY'));
    expect(policy).toEqual([
      'store/apps/dash/releases/3.0.0.yaml:5:8 E_POLICY_RELEASE_CHANGED',
      `${rel110}:3:7 E_POLICY_RELEASE_CHANGED`,
      `${rel110}:11:11 E_POLICY_RELEASE_CHANGED`,
      `${rel110}:12:13 E_POLICY_RELEASE_CHANGED`,
      `${rel110}:16:11 E_POLICY_RELEASE_CHANGED`,
    ]);
    expect(r.stderr).toContain('Released version 1.1.0 of "notes" is immutable, but entries[0].size changed (was 18, now 19).');
    expect(r.stderr).toContain('Released version 3.0.0 of "dash" is immutable, but docker.tag changed (was v3.0.0, now latest).');
    expect(r.stderr).toContain(
      'hint: Released versions are immutable. To withdraw one, set `yanked: true` with a `yankReason`; to ship a fix, add a new version.',
    );
  });

  it('refuses adding or removing an entry of a released version', async () => {
    const dir = gitRepo();
    edit(dir, rel110, / {2}- os: windows[\s\S]*$/, '');
    const r = await check(dir);
    expect(r.problems).toContain(`${rel110}:7:3 E_POLICY_RELEASE_CHANGED`);
    expect(r.stderr).toContain('the number of entries changed (was 2, now 1)');
  });

  it('refuses deleting a release, and deleting a whole app', async () => {
    const dir = gitRepo();
    remove(dir, 'store/apps/notes/releases/1.0.0.yaml');
    remove(dir, 'store/apps/dash');
    const r = await check(dir);
    expect(r.code).toBe(1);
    expect(r.problems).toEqual(['store/apps/dash/app.yaml E_POLICY_APP_DELETED', 'store/apps/notes/app.yaml:2:5 E_POLICY_RELEASE_DELETED']);
    expect(r.stderr).toContain('Released version 1.0.0 of "notes" was deleted (store/apps/notes/releases/1.0.0.yaml).');
    expect(r.stderr).toContain('App "dash" was deleted together with its released versions 3.0.0.');
  });

  it('refuses a version that already exists, under another file name', async () => {
    const dir = gitRepo();
    const text = readFileSync(path.join(dir, rel110), 'utf8');
    remove(dir, rel110);
    put(dir, 'store/apps/notes/releases/1.1.0+rebuild.yaml', text.replace('version: 1.1.0', 'version: 1.1.0+rebuild'));
    const r = await check(dir);
    expect(r.problems).toContain('store/apps/notes/releases/1.1.0+rebuild.yaml:1:10 E_POLICY_VERSION_EXISTS');
    expect(r.stderr).toContain(
      'Version 1.1.0+rebuild of "notes" already exists (store/apps/notes/releases/1.1.0.yaml); a version cannot be added again.',
    );
  });

  it('refuses a new release of an app locked at the base, also in the pull request that unlocks it', async () => {
    const dir = gitRepo();
    addRelease(dir, 'legacy', '2.1.0');
    edit(dir, 'store/apps/legacy/app.yaml', 'locked: true\n', '');
    const r = await check(dir, '--format', 'github');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      '::error file=store/apps/legacy/releases/2.1.0.yaml,line=1,col=10,title=E_POLICY_APP_LOCKED::App "legacy" is locked and accepts no new releases, but this change adds 2.1.0. ' +
        '(A store admin unlocks the app in a separate pull request (`appshelf unlock APP`); until then no release candidate can be merged.)\n',
    );
  });

  it('fails clearly when the base ref does not exist', async () => {
    const dir = gitRepo();
    const r = await check(dir, '--actor', 'notes-dev');
    expect(r.code).toBe(0);
    const bad = await runCli(['check', '--base', 'origin/nope'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /error E_POLICY_BASE_REF: Cannot read the store at git ref "origin\/nope": .+\.\n {2}hint: Run inside the git checkout/,
    );
  });

  it('needs --base for --actor', async () => {
    const r = await runCli(['check', '--actor', 'someone'], gitRepo());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--actor needs --base');
  });
});

describe('check --base --actor: ownership', () => {
  it('lets owners change their app and admins change anything', async () => {
    const dir = gitRepo();
    addRelease(dir);
    expect((await check(dir, '--actor', 'notes-dev')).problems).toEqual([]);
    expect((await check(dir, '--actor', 'Notes-Dev')).problems).toEqual([]);
    edit(dir, 'store/store.yaml', 'name: GitOps test store', 'name: Renamed store');
    expect((await check(dir, '--actor', 'store-admin')).problems).toEqual([]);
  });

  it('refuses a change by someone who does not own the app', async () => {
    const dir = gitRepo();
    addRelease(dir);
    const r = await check(dir, '--actor', 'mallory');
    expect(r.code).toBe(1);
    expect(r.problems).toEqual(['store/apps/notes/app.yaml:5:9 E_POLICY_NOT_OWNER']);
    expect(r.stderr).toContain('mallory changes app "notes" but is neither one of its owners (notes-dev) nor a store admin.');
  });

  it('takes the owners from the base, so nobody adds themselves', async () => {
    const dir = gitRepo();
    edit(dir, 'store/apps/notes/app.yaml', 'owners: [notes-dev]', 'owners: [notes-dev, mallory]');
    expect((await check(dir, '--actor', 'mallory')).problems).toEqual(['store/apps/notes/app.yaml:5:9 E_POLICY_NOT_OWNER']);
  });

  it('lets a new app be registered by its own owners only', async () => {
    const dir = gitRepo();
    put(dir, 'store/apps/fresh/app.yaml', 'id: fresh\nname: Fresh\nowners: [newbie]\n');
    expect((await check(dir, '--actor', 'newbie')).problems).toEqual([]);
    expect((await check(dir, '--actor', 'notes-dev')).problems).toEqual(['store/apps/fresh/app.yaml:3:9 E_POLICY_NOT_OWNER']);
  });

  it('keeps store files and unlocking for admins', async () => {
    const dir = gitRepo();
    edit(dir, 'store/store.yaml', 'name: GitOps test store', 'name: Renamed store');
    edit(dir, 'store/apps/legacy/app.yaml', 'locked: true', 'locked: false');
    const r = await check(dir, '--actor', 'legacy-team');
    expect(r.problems).toEqual(['store/apps/legacy/app.yaml:5:9 E_POLICY_UNLOCK_ADMIN', 'store/store.yaml:2:1 E_POLICY_ADMIN_ONLY']);
    expect(r.stderr).toContain('legacy-team changes store/store.yaml, which only store admins (store-admin) may change.');
    expect(r.stderr).toContain('legacy-team unlocks app "legacy", which only store admins (store-admin) may do.');
    expect((await check(dir, '--actor', 'store-admin')).problems).toEqual([]);
  });

  it('lets an owner lock the app', async () => {
    const dir = gitRepo();
    edit(dir, 'store/apps/notes/app.yaml', 'owners: [notes-dev]\n', 'owners: [notes-dev]\nlocked: true\n');
    expect((await check(dir, '--actor', 'notes-dev')).problems).toEqual([]);
  });

  it('checks the pull request as committed on a branch too', async () => {
    const dir = gitRepo();
    git(dir, 'checkout', '-q', '-b', 'dev/feature');
    addRelease(dir);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'Add notes 1.2.0');
    expect((await check(dir, '--actor', 'mallory')).problems).toEqual(['store/apps/notes/app.yaml:5:9 E_POLICY_NOT_OWNER']);
    expect((await check(dir, '--actor', 'notes-dev')).code).toBe(0);
  });
});

describe('check --base: files outside the store', () => {
  it('reports workflow and dependency edits as admin-only, and with --repo every file outside the store', async () => {
    const dir = gitRepo();
    put(dir, '.github/workflows/check.yml', 'name: check\non: push\n');
    put(dir, 'package.json', '{}\n');
    put(dir, 'notes.txt', 'hello\n');
    const r = await check(dir, '--actor', 'notes-dev');
    expect(r.code).toBe(1);
    expect(r.problems).toEqual(['.github/workflows/check.yml E_POLICY_ADMIN_ONLY', 'package.json E_POLICY_ADMIN_ONLY']);
    expect(r.stderr).toContain('notes-dev changes .github/workflows/check.yml, which only store admins (store-admin) may change.');
    expect((await check(dir, '--actor', 'notes-dev', '--repo')).problems).toContain('notes.txt E_POLICY_ADMIN_ONLY');
    expect((await check(dir, '--actor', 'store-admin', '--repo')).problems).toEqual([]);
    const push = await check(dir, '--repo');
    expect(push.code).toBe(0);
    expect(push.problems).toEqual(['.github/workflows/check.yml W_POLICY_ADMIN_FILES']);
    expect(push.stderr).toContain('edits admin-only files: .github/workflows/check.yml, notes.txt, package.json.');
  });
});

describe('check --base: links', () => {
  it('refuses a symbolic link added to the store', async () => {
    const dir = gitRepo();
    symlinkSync('/etc/passwd', path.join(dir, 'store/apps/notes/files/evil.txt'));
    const r = await check(dir);
    expect(r.code).toBe(1);
    expect(r.problems).toEqual(['store/apps/notes/files/evil.txt E_SYMLINK']);
  });
});
