import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commands } from '../../src/cli/registry.js';
import { SUMMARY_MARKER } from '../../src/policy/index.js';
import { ACTIONS, checkWorkflow, initFiles, publishWorkflow, WORKFLOW_NODE } from '../../src/author/index.js';
import { repoRoot } from '../helpers.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
  id?: string;
  'working-directory'?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { steps: Step[]; needs?: string; environment?: unknown; permissions?: Record<string, string>; if?: string }>;
}

// This repository's workflows, and the ones `appshelf init` writes for a store repository.
const storeRepo = initFiles({
  name: 'S',
  packageName: 's',
  baseUrl: 'https://o.github.io/s/',
  appshelf: 'file:appshelf-0.1.0.tgz',
  admins: ['alice'],
});
// `appshelf init --deploy s3`: publish.yml deploys to a bucket (`init-s3:publish.yml`).
const s3Repo = initFiles({
  name: 'S',
  packageName: 's',
  baseUrl: 'https://store.example.org/',
  appshelf: 'file:appshelf-0.1.0.tgz',
  admins: ['alice'],
  deploy: 's3',
});
const text = (name: string) =>
  name.startsWith('init:')
    ? storeRepo.get(`.github/workflows/${name.slice(5)}`)!
    : name.startsWith('init-s3:')
      ? s3Repo.get(`.github/workflows/${name.slice(8)}`)!
      : readFileSync(path.join(repoRoot, '.github/workflows', name), 'utf8');
const workflow = (name: string) => parse(text(name)) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
};

// Binaries every GitHub-hosted Ubuntu runner has.
const WELL_KNOWN = new Set(['cat', 'echo', 'printf', 'test', 'git', 'mkdir', 'cp', 'ls', 'tee', 'node', 'tar', 'gh']);

/** Splits a shell line into words, honouring quotes (enough for workflow one-liners). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** The simple commands of a `run:` script: split on newlines, `&&`, `||`, `;` and pipes; env assignments dropped. */
function simpleCommands(script: string): string[][] {
  return script
    .replace(/\\\n/g, ' ')
    .split(/\n|&&|\|\||;|\|/)
    .map((c) => words(c.replace(/>>?\s*\S+/g, '')))
    .map((w) => w.slice(w.findIndex((x) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(x))))
    .filter((w) => w.length && !w[0]!.startsWith('#'));
}

/** Why a command would not run, or undefined when it exists (npm scripts, appshelf subcommands and flags, known binaries). */
async function missing(cmd: string[]): Promise<string | undefined> {
  const [bin, ...args] = cmd;
  if (bin === 'npm') {
    const [sub, script] = args;
    if (sub === 'ci' || sub === 'install') return undefined;
    if (sub === 'test') return pkg.scripts.test ? undefined : 'no "test" script';
    if (sub === 'run' || sub === 'run-script') return script && pkg.scripts[script] ? undefined : `no npm script "${script}"`;
    return `unknown npm command "${sub}"`;
  }
  if (bin === 'npx') {
    // `npx --prefix DIR appshelf`: the appshelf installed in DIR (the base branch's checkout).
    const [tool, ...rest] = args[0] === '--prefix' ? args.slice(2) : args;
    if (tool !== 'appshelf' || !pkg.bin.appshelf) return `npx ${tool} is not a bin of this package`;
    const end = rest.findIndex((w) => w.startsWith('-'));
    const positional = end < 0 ? rest : rest.slice(0, end);
    const key = [2, 1].map((n) => positional.slice(0, n).join(' ')).find((k) => commands[k]);
    if (!key) return `no appshelf command "${positional.join(' ')}"`;
    const { command } = await commands[key]!();
    const unknown = rest
      .filter((w) => w.startsWith('--'))
      .map((w) => w.slice(2).split('=')[0]!)
      .filter((f) => !(f in command.options));
    return unknown.length ? `appshelf ${key} has no option --${unknown.join(', --')}` : undefined;
  }
  return WELL_KNOWN.has(bin!) ? undefined : `"${bin}" is not a known binary`;
}

describe('GitHub workflows', () => {
  for (const name of ['check.yml', 'publish.yml', 'init:check.yml', 'init:publish.yml', 'init-s3:publish.yml']) {
    it(`${name} passes the workflow linter`, () => {
      expect(validateWorkflow(text(name)).errors).toEqual([]);
    });

    it(`${name}: every run step calls a command that exists`, async () => {
      const runs = steps(workflow(name)).flatMap((s) => (s.run ? simpleCommands(s.run) : []));
      expect(runs.length).toBeGreaterThan(0);
      const problems = (await Promise.all(runs.map(async (c) => [c.join(' '), await missing(c)] as const))).filter(([, why]) => why);
      expect(problems).toEqual([]);
    });
  }

  it('the linter and the command check do catch mistakes', async () => {
    const broken = text('check.yml').replace('runs-on: ubuntu-24.04', 'runs_on: ubuntu-24.04');
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
    expect(await missing(['npx', 'appshelf', 'chek'])).toBe('no appshelf command "chek"');
    expect(await missing(['npx', 'appshelf', 'check', '--bse', 'x'])).toBe('appshelf check has no option --bse');
    expect(await missing(['npm', 'run', 'nope'])).toBe('no npm script "nope"');
    expect(await missing(['make'])).toBe('"make" is not a known binary');
    expect(simpleCommands('FOO=1 npx appshelf check --base "origin/$B" && cat summary.md >> "$GITHUB_STEP_SUMMARY"')).toEqual([
      ['npx', 'appshelf', 'check', '--base', 'origin/$B'],
      ['cat', 'summary.md'],
    ]);
  });

  it('this repository runs the same workflows as a store made by init (without --repo: it also holds the code)', () => {
    expect(text('check.yml')).toBe(checkWorkflow({ repo: false }));
    expect(text('publish.yml')).toBe(publishWorkflow({ repo: false }));
    expect(text('init:check.yml')).toBe(checkWorkflow({ repo: true }));
  });

  for (const prefix of ['', 'init:']) {
    it(`${prefix}check.yml: the base branch's appshelf judges the pull request's files as data, against the merge base, without secrets`, () => {
      const w = workflow(`${prefix}check.yml`);
      expect(Object.keys(w.on)).toEqual(['pull_request']);
      expect(text(`${prefix}check.yml`)).not.toMatch(/secrets\.|pull_request_target/);
      expect(w.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
      const all = steps(w);
      const checkouts = all.filter((s) => s.uses?.startsWith('actions/checkout@'));
      expect(checkouts.map((s) => s.with)).toEqual([
        { ref: '${{ github.event.pull_request.base.sha }}', path: 'base', 'persist-credentials': false },
        { path: 'candidate', 'fetch-depth': 2, 'persist-credentials': false },
      ]);
      expect(all.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with).toMatchObject({ 'node-version': WORKFLOW_NODE });
      expect(all.find((s) => s.run?.startsWith('npm ci'))?.['working-directory']).toBe('base');
      const check = all.find((s) => s.run?.includes('appshelf check'))!;
      expect(check['working-directory']).toBe('candidate');
      expect(check.run).toBe(
        `npx --prefix ../base appshelf check --base HEAD^1${prefix ? ' --repo' : ''} --actor "$ACTOR" --format github --summary ../summary.md`,
      );
      expect(check.env).toEqual({ ACTOR: '${{ github.event.pull_request.user.login }}' });
      expect(all.find((s) => s.run?.includes('GITHUB_STEP_SUMMARY'))?.if).toContain('!cancelled()');
      const comment = all.find((s) => s.uses?.startsWith('actions/github-script@'))!;
      expect(comment.with?.script).toContain(`const marker = '${SUMMARY_MARKER}';`);
      expect(comment.with?.script).toContain('github.rest.issues.updateComment');
    });

    it(`${prefix}publish.yml: checks a push against the commit before it, signs in an environment, deploys to Pages, keeps its schedule alive`, () => {
      const w = workflow(`${prefix}publish.yml`);
      expect(w.on).toMatchObject({ push: { branches: ['main'] }, schedule: [{ cron: expect.any(String) }] });
      expect(w.permissions).toEqual({ contents: 'read' });
      expect(w.concurrency).toEqual({ group: 'publish-pages', 'cancel-in-progress': false });
      const build = w.jobs.build!;
      expect(build.environment).toBe('publish');
      const policy = build.steps.find((s) => s.run?.includes('appshelf check'))!;
      expect(policy.env).toEqual({ BEFORE: '${{ github.event.before }}' });
      expect(policy.run).toMatch(/^npx appshelf check --base "\$BEFORE"/);
      expect(policy.if).toContain("github.event_name == 'push'");
      const steps = build.steps.map((s) => s.run ?? s.uses ?? '');
      expect(steps.findIndex((s) => s.includes('appshelf check'))).toBeLessThan(steps.findIndex((s) => s.includes('appshelf build')));
      const sign = build.steps.find((s) => s.run?.includes('appshelf build'))!;
      expect(sign.env).toEqual({ APPSHELF_SIGNING_KEY: '${{ secrets.APPSHELF_SIGNING_KEY }}' });
      // The secret is named in this one step only.
      expect(text(`${prefix}publish.yml`).match(/secrets\./g)).toHaveLength(1);
      expect(build.steps.find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'))?.with).toEqual({ path: 'dist' });
      expect(w.jobs.deploy!.needs).toBe('build');
      expect(w.jobs.deploy!.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
      expect(w.jobs.keepalive!.if).toContain("github.event_name == 'schedule'");
      expect(w.jobs.keepalive!.permissions).toEqual({ actions: 'write' });
    });
  }

  it('init --deploy s3: publish.yml builds the same way, then deploys with an OIDC-assumed role and no stored AWS key', () => {
    const w = workflow('init-s3:publish.yml');
    expect(s3Repo.get('.github/workflows/check.yml')).toBe(storeRepo.get('.github/workflows/check.yml'));
    expect(w.permissions).toEqual({ contents: 'read' });
    expect(w.concurrency).toEqual({ group: 'publish-s3', 'cancel-in-progress': false });
    const build = w.jobs.build!;
    expect(build.environment).toBe('publish');
    expect(build.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const uses = build.steps.map((s) => s.run ?? s.uses ?? '');
    const at = (what: string) => uses.findIndex((s) => s.includes(what));
    expect(at('appshelf check')).toBeLessThan(at('appshelf build'));
    expect(at('appshelf build')).toBeLessThan(at('aws-actions/configure-aws-credentials@'));
    expect(at('aws-actions/configure-aws-credentials@')).toBeLessThan(at('appshelf deploy'));
    const creds = build.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))!;
    expect(creds.with).toEqual({
      'role-to-assume': '${{ vars.APPSHELF_AWS_ROLE_ARN }}',
      'aws-region': '${{ vars.APPSHELF_AWS_REGION }}',
      'role-session-name': 'appshelf-publish',
    });
    expect(build.steps.find((s) => s.run?.includes('appshelf deploy'))!.run).toBe('npx appshelf deploy --dir dist --to "$TARGET"');
    // Only the signing key is a secret: no AWS key exists to store.
    expect(text('init-s3:publish.yml').match(/secrets\.[A-Z_]+/g)).toEqual(['secrets.APPSHELF_SIGNING_KEY']);
    expect(text('init-s3:publish.yml')).not.toMatch(/aws-access-key-id|aws-secret-access-key|upload-pages-artifact/);
    const setup = build.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!;
    expect(setup.with?.['node-version']).toBe(WORKFLOW_NODE);
  });

  it('pins every action to a full commit SHA', () => {
    for (const name of ['check.yml', 'publish.yml', 'init:check.yml', 'init:publish.yml', 'init-s3:publish.yml']) {
      const uses = steps(workflow(name)).flatMap((s) => s.uses ?? []);
      expect(uses.length).toBeGreaterThan(1);
      for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    }
    for (const pin of Object.values(ACTIONS)) expect(pin).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });
});
