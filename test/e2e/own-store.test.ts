// A store in a repository of its own, as a new user makes it: appshelf packed and installed from
// the tarball with npm, `appshelf init`, keys, an app and a release from a pull request, the
// workflows' steps run as GitHub runs them (their `run:` text, env and refs), the site served
// and the app installed by the client; then each way of fooling the workflows, refused.
// It installs packages (from the local npm cache), so it runs when APPSHELF_E2E_PACK=1 (.ci/run sets it).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot, tmpDir } from '../helpers.js';

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}
type Workflow = { jobs: Record<string, { steps: Step[] }> };

const work = tmpDir('appshelf-own-store-');
const home = path.join(work, 'home');
const shop = path.join(work, 'shop');
const npmCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
// A clean environment: no signing key of the test run, HOME in the temp folder, the npm cache as it is.
const baseEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries({
    ...process.env,
    HOME: home,
    npm_config_cache: npmCache,
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
    GIT_AUTHOR_NAME: 'Store Admin',
    GIT_AUTHOR_EMAIL: 'admin@example.com',
    GIT_COMMITTER_NAME: 'Store Admin',
    GIT_COMMITTER_EMAIL: 'admin@example.com',
  }).filter(([k]) => !k.startsWith('APPSHELF_')),
);

/** Runs a program; `all` is what it printed on both streams (`--format github` writes to stdout). */
function sh(
  cwd: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { code: number; out: string; err: string; all: string } {
  const t = Date.now();
  const r = spawnSync(cmd, args, { cwd, env: { ...baseEnv, ...env }, encoding: 'utf8' });
  if (process.env.APPSHELF_E2E_TIMES) console.log(`${Date.now() - t} ms: ${cmd} ${args.join(' ').slice(0, 80)}`);
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr, all: r.stdout + r.stderr };
}
const ok = (cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string => {
  const r = sh(cwd, cmd, args, env);
  expect(r.code, `${cmd} ${args.join(' ')}\n${r.err}`).toBe(0);
  return r.out;
};
const git = (cwd: string, ...args: string[]) => ok(cwd, 'git', args);
const appshelf = (cwd: string, ...args: string[]) => sh(cwd, path.join(cwd, 'node_modules/.bin/appshelf'), args);

/**
 * Runs a workflow step as the runner does: its `run:` text in bash -e, in its working directory
 * under the workspace, with its `env:` after the `${{ … }}` expressions are given their values.
 */
function runStep(workflow: string, job: string, name: RegExp, workspace: string, values: Record<string, string>) {
  // The workflows as init wrote them (a pull request may edit its own copy: GitHub runs main's).
  const text = git(shop, 'show', `main:.github/workflows/${workflow}`);
  const step = (parse(text) as Workflow).jobs[job]!.steps.find((s) => s.run && (name.test(s.name ?? '') || name.test(s.run)))!;
  expect(step, `${workflow}: ${name}`).toBeDefined();
  const expr = (v: string) =>
    v.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, e: string) => {
      if (!(e in values)) throw new Error(`no value for \${{ ${e} }}`);
      return values[e]!;
    });
  const env = { GITHUB_WORKSPACE: workspace, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expr(v)])) };
  return sh(path.join(workspace, step['working-directory'] ?? ''), 'bash', ['-e', '-c', step.run!], env);
}

/** The two checkouts of the check workflow: the base commit, and the pull request merged onto it. */
function checkouts(baseSha: string, branch: string): void {
  // The base's node_modules survive, as setup-node's npm cache would keep the install cheap.
  const kept = path.join(work, 'node_modules.kept');
  rmSync(kept, { recursive: true, force: true });
  if (existsSync(path.join(work, 'base/node_modules'))) renameSync(path.join(work, 'base/node_modules'), kept);
  for (const d of ['base', 'candidate']) rmSync(path.join(work, d), { recursive: true, force: true });
  git(work, 'clone', '-q', shop, 'base');
  if (existsSync(kept)) renameSync(kept, path.join(work, 'base/node_modules'));
  git(path.join(work, 'base'), 'checkout', '-q', '--detach', baseSha);
  git(work, 'clone', '-q', shop, 'candidate');
  const candidate = path.join(work, 'candidate');
  git(candidate, 'checkout', '-q', '--detach', baseSha);
  git(candidate, 'merge', '-q', '--no-ff', `origin/${branch}`, '-m', `Merge ${branch} into ${baseSha}`);
}

/** The check workflow on a pull request from `branch` by `actor`. */
function pullRequestCheck(branch: string, actor: string) {
  const baseSha = git(shop, 'rev-parse', 'main').trim();
  checkouts(baseSha, branch);
  // The lock file does not change in these pull requests: the first install serves them all.
  if (!existsSync(path.join(work, 'base/node_modules'))) {
    const install = runStep('check.yml', 'check', /^Install the base/, work, {});
    expect(install.code, install.err).toBe(0);
  }
  return runStep('check.yml', 'check', /^Check the release candidate/, work, { 'github.event.pull_request.user.login': actor });
}

/** The publish workflow's policy and build steps on a push to main from `before`. */
function publish(before: string, key: string) {
  const values = { 'github.event.before': before, 'secrets.APPSHELF_SIGNING_KEY': key };
  const policy = runStep('publish.yml', 'build', /appshelf check/, shop, values);
  if (policy.code !== 0) return { step: 'policy', ...policy };
  return { step: 'build', ...runStep('publish.yml', 'build', /^Build the signed site/, shop, values) };
}

function merge(branch: string, pr: number, date?: string): void {
  git(shop, 'checkout', '-q', 'main');
  ok(
    shop,
    'git',
    ['merge', '-q', '--no-ff', branch, '-m', `Merge pull request #${pr} from ${branch}`],
    date ? { GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date } : {},
  );
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

let server: ChildProcess | undefined;
afterAll(() => void server?.kill('SIGTERM'));

describe.skipIf(process.env.APPSHELF_E2E_PACK !== '1')('a store repository of its own, with appshelf from npm pack', () => {
  it('init → install → keys → pull request → publish → serve → client install, and every way of fooling the workflows refused', async () => {
    // 1. The package: lib/ (compiled by the test setup), the precompiled validators, public/, the test vectors; no sources.
    const packed = JSON.parse(ok(repoRoot, 'npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work])) as [
      { filename: string; files: { path: string }[] },
    ];
    const names = packed[0].files.map((f) => f.path);
    expect(names).toEqual(
      expect.arrayContaining([
        'lib/cli/main.js',
        'lib/schema/_validators.cjs',
        'public/assets/style.css',
        'public/assets/search.js',
        'test-vectors/manifests/vectors.json',
        'package.json',
        'README.md',
      ]),
    );
    expect(names.filter((n) => /^(src|test|scripts|store|demo-keys)\//.test(n))).toEqual([]);
    const tarball = path.join(work, packed[0].filename);

    // 2. A new repository, as the README says: the dependency from the tarball, then init.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    mkdirSync(shop, { recursive: true });
    git(shop, 'init', '-q', '-b', 'main');
    ok(shop, 'npm', ['install', '--save-dev', `../${path.basename(tarball)}`, '--no-audit', '--no-fund']);
    expect(appshelf(shop, 'init', '--base-url', url, '--admin', 'admin', '--ca-bits', '2048').code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(shop, 'package.json'), 'utf8')).devDependencies).toEqual({
      appshelf: `file:../${path.basename(tarball)}`,
    });
    expect(appshelf(shop, 'check').code).toBe(0);
    expect(appshelf(shop, 'build', '--unsigned').code).toBe(0);
    const signingKey = path.join(home, 'keys/manifest-signing.key');
    expect(appshelf(shop, 'keygen', '--key-out', signingKey).code).toBe(0);
    git(shop, 'add', '-A');
    git(shop, 'commit', '-q', '-m', 'A new store');
    expect(git(shop, 'ls-files')).not.toMatch(/node_modules|\.key\b/);
    const key = readFileSync(signingKey, 'utf8');

    // 3. An app developer's pull request: certificate from the admin, the app, a release.
    const dev = path.join(home, 'dev');
    mkdirSync(dev, { recursive: true });
    writeFileSync(path.join(dev, 'hello-1.0.0.txt'), 'hello 1.0.0\n');
    git(shop, 'checkout', '-q', '-b', 'dev/hello');
    for (const argv of [
      ['cert', 'request', 'hello', '--out', dev, '--bits', '2048'],
      ['ca', 'sign', path.join(dev, 'hello.csr'), '--key', path.join(home, '.appshelf/keys/shop/ca.key')],
      ['app', 'register', 'hello', '--cert', 'store/apps/hello/hello.crt', '--key', path.join(dev, 'hello.key'), '--owner', 'dev'],
      [
        'release',
        'add',
        'hello',
        '1.0.0',
        '--file',
        path.join(dev, 'hello-1.0.0.txt'),
        '--os',
        'linux',
        '--arch',
        'x86-64',
        '--channel',
        'stable',
        '--key',
        path.join(dev, 'hello.key'),
      ],
    ]) {
      const r = appshelf(shop, ...argv);
      expect(r.code, `${argv.join(' ')}\n${r.err}`).toBe(0);
    }
    git(shop, 'add', '-A');
    git(shop, 'commit', '-q', '-m', 'hello 1.0.0');
    const pr = pullRequestCheck('dev/hello', 'dev');
    expect(pr.all).toBe('');
    expect(pr.code).toBe(0);
    expect(readFileSync(path.join(work, 'summary.md'), 'utf8')).toContain('**New release 1.0.0**');

    // 4. Merged: the publish workflow checks the push, builds signed, and the site is served.
    const before = git(shop, 'rev-parse', 'main').trim();
    merge('dev/hello', 1);
    const published = publish(before, key);
    expect(published.all).toContain('W_PUBLISHED_UNREADABLE'); // the first publish: nothing is served yet
    expect(published.code, published.all).toBe(0);
    server = spawn(path.join(shop, 'node_modules/.bin/appshelf'), ['serve', '--dir', 'dist', '--port', String(port)], {
      cwd: shop,
      env: baseEnv,
    });
    let logs = '';
    server.stderr!.on('data', (d) => (logs += d));
    await new Promise<void>((resolve) => server!.stdout!.once('data', () => resolve()));
    expect(logs).not.toContain('point at');
    const pub = path.join(home, 'store-key.pem');
    writeFileSync(pub, ok(shop, 'openssl', ['pkey', '-in', signingKey, '-pubout']));
    const installed = appshelf(
      shop,
      'install',
      'hello',
      '--store-url',
      url,
      '--dir',
      path.join(home, 'apps'),
      '--os',
      'linux',
      '--arch',
      'x86-64',
      '--public-key',
      pub,
    );
    expect(installed.err).toContain('installed hello 1.0.0 (stable)');
    expect(installed.code).toBe(0);
    const serial = (JSON.parse(await (await fetch(`${url}api/v1/signing.json`)).text()) as { serial: number }).serial;

    // 5. A merge whose commit is dated in the past still raises the serial the clients saw.
    writeFileSync(path.join(dev, 'hello-1.1.0.txt'), 'hello 1.1.0\n');
    git(shop, 'checkout', '-q', '-b', 'dev/hello-1.1', 'main');
    expect(
      appshelf(
        shop,
        'release',
        'add',
        'hello',
        '1.1.0',
        '--file',
        path.join(dev, 'hello-1.1.0.txt'),
        '--os',
        'linux',
        '--arch',
        'x86-64',
        '--channel',
        'stable',
        '--key',
        path.join(dev, 'hello.key'),
      ).code,
    ).toBe(0);
    git(shop, 'add', '-A');
    git(shop, 'commit', '-q', '-m', 'hello 1.1.0');
    expect(pullRequestCheck('dev/hello-1.1', 'dev').code).toBe(0);
    const before2 = git(shop, 'rev-parse', 'main').trim();
    merge('dev/hello-1.1', 2, '2020-01-01T00:00:00Z');
    const again = publish(before2, key);
    expect(again.code, again.all).toBe(0);
    expect(again.all).not.toMatch(/W_PUBLISHED|E_SERIAL/);
    expect((JSON.parse(readFileSync(path.join(shop, 'dist/api/v1/signing.json'), 'utf8')) as { serial: number }).serial).toBeGreaterThan(
      serial,
    );

    // 6. The build without the key (a missing secret is an empty string): refused.
    const unsigned = publish(before2, '');
    expect(unsigned.step).toBe('build');
    expect(unsigned.code).toBe(1);
    expect(unsigned.all).toContain('E_SIGNING_KEY_REQUIRED');

    // 7. A pull request that edits the workflow, and one that adds a link: refused by the base's check.
    git(shop, 'checkout', '-q', '-b', 'dev/workflow', 'main');
    writeFileSync(path.join(shop, '.github/workflows/check.yml'), 'name: check\non: pull_request\njobs: {}\n');
    git(shop, 'commit', '-q', '-am', 'A friendlier check');
    const workflow = pullRequestCheck('dev/workflow', 'dev');
    expect(workflow.code).toBe(1);
    expect(workflow.all).toContain(
      '::error file=.github/workflows/check.yml,title=E_POLICY_ADMIN_ONLY::dev changes .github/workflows/check.yml, which only store admins (admin) may change.',
    );
    git(shop, 'checkout', '-q', '-b', 'dev/link', 'main');
    symlinkSync('../../../../package.json', path.join(shop, 'store/apps/hello/files/notes.txt'));
    git(shop, 'add', '-A');
    git(shop, 'commit', '-q', '-m', 'A link');
    const link = pullRequestCheck('dev/link', 'dev');
    expect(link.code).toBe(1);
    expect(link.all).toContain('E_SYMLINK');

    // 8. A direct push that deletes a released version: the publish workflow refuses to deploy it.
    git(shop, 'checkout', '-q', 'main');
    const before3 = git(shop, 'rev-parse', 'main').trim();
    git(shop, 'rm', '-q', 'store/apps/hello/releases/1.0.0.yaml');
    git(shop, 'commit', '-q', '-m', 'Tidy up');
    const deleted = publish(before3, key);
    expect(deleted.step).toBe('policy');
    expect(deleted.code).toBe(1);
    expect(deleted.all).toContain('E_POLICY_RELEASE_DELETED');
  }, 180_000);
});
