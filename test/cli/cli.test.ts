import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { progress } from '../../src/cli/progress.js';
import { commands } from '../../src/cli/registry.js';
import { allErrorSpecs } from '../../src/errors/index.js';
import { exampleStore, repoRoot, runBin, runCli } from '../helpers.js';

describe('the appshelf CLI', () => {
  it('lists the commands with --help and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const name of Object.keys(commands)) expect(r.stdout).toContain(`  ${name}`);
  });

  it('exits 2 with the overview when no command is given', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Usage: appshelf <command>');
  });

  it('exits 2 on an unknown command, with the nearest one in one line', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Unknown command "frobnicate". Run `appshelf --help` for the commands.\n');
    expect((await runCli(['chek'])).stderr).toBe('Unknown command "chek". Did you mean `appshelf check`?\n');
    expect((await runCli(['ca', 'sing'])).stderr).toContain('Did you mean `appshelf ca sign`?');
    expect((await runCli(['ca'])).stderr).toContain('It takes one of: ca init, ca sign, ca revoke.');
  });

  for (const name of Object.keys(commands)) {
    it(`prints the usage of "${name}" with --help`, async () => {
      const r = await runCli([...name.split(' '), '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: appshelf ${name}\\b`));
    });
  }

  it('exits 2 on an unknown option with one line in its own words', async () => {
    const r = await runCli(['check', '--formt', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Unknown option --formt for `appshelf check`. Did you mean --format? See `appshelf check --help`.\n');
    const missing = await runCli(['check', '--store']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('Option --store needs a value. See `appshelf check --help`.\n');
  });

  it('exits 2 on a bad --format', async () => {
    const r = await runCli(['check', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be one of text, json, github (got "xml")');
  });

  it('exits 1 without a stack trace when the store does not exist', async () => {
    const r = await runCli(['check', '--store', 'no/such/store']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error E_STORE_NOT_FOUND: No store found at no/such/store');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('accepts the example store (as the real bin)', async () => {
    const r = await runBin(['check', '--store', exampleStore], repoRoot);
    expect(r.stderr).toContain('✓ store is valid: 4 apps');
    expect(r.code).toBe(0);
  });
});

describe('the error catalog', () => {
  it('has unique, well-formed codes', () => {
    const codes = allErrorSpecs.map((s) => s.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const s of allErrorSpecs) expect(s.code).toMatch(s.severity === 'warning' ? /^[WE]_[A-Z0-9_]+$/ : /^E_[A-Z0-9_]+$/);
  });
});

describe('the flags', () => {
  it('the README table lists every flag more than one command takes, and only real flags', async () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Flags'), readme.indexOf('## Documentation'));
    const listed = new Set([...section.matchAll(/^\| (.+?) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`--([a-z-]+)/g)].map((f) => f[1]!)));
    const takers = new Map<string, number>();
    for (const load of Object.values(commands)) {
      const { command } = await load();
      for (const name of Object.keys(command.options)) if (!command.renamed?.[name]) takers.set(name, (takers.get(name) ?? 0) + 1);
    }
    const shared = [...takers].filter(([, n]) => n > 1).map(([name]) => name);
    expect(shared.filter((f) => !listed.has(f))).toEqual([]);
    expect([...listed].filter((f) => !takers.has(f))).toEqual([]);
  });
});

describe('progress', () => {
  const capture = () => {
    const err: string[] = [];
    return { io: { out: () => undefined, err: (t: string) => void err.push(t), env: {} }, err };
  };

  it('redraws one line on a terminal and clears it before the summary', () => {
    const { io, err } = capture();
    const p = progress(io, 'build', { tty: true });
    p.stage('reading the store');
    expect(p.done()).toMatch(/^ in \d+\.\d s$/);
    expect(err).toEqual(['\r\x1b[2Kbuild: reading the store…', '\r\x1b[2K']);
  });

  it('shows how far a stage is (items or megabytes); the first and last count of a stage are always drawn', () => {
    const { io, err } = capture();
    const p = progress(io, 'update', { tty: true });
    p.stage('downloading hello 1.0.0');
    p.count(1_000_000, 3_000_000, 'bytes');
    p.count(3_000_000, 3_000_000, 'bytes');
    p.stage('verifying');
    p.count(1, 300);
    p.done();
    expect(err).toEqual([
      '\r\x1b[2Kupdate: downloading hello 1.0.0…',
      '\r\x1b[2Kupdate: downloading hello 1.0.0… 1.0/3.0 MB',
      '\r\x1b[2Kupdate: downloading hello 1.0.0… 3.0/3.0 MB',
      '\r\x1b[2Kupdate: verifying…',
      '\r\x1b[2Kupdate: verifying… 1/300',
      '\r\x1b[2K',
    ]);
  });

  it('draws nothing when not a terminal or with --quiet', () => {
    for (const opts of [{ tty: false }, { tty: true, quiet: true }]) {
      const { io, err } = capture();
      const p = progress(io, 'check', opts);
      p.stage('reading the store');
      p.count(1, 2);
      p.done();
      expect(err).toEqual([]);
    }
  });
});
