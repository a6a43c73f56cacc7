// A per-platform halt, end to end: an imported store, `appshelf rollout … --os osx --percent 0`
// as a pull request, and what it shows in the PR summary, the static manifests, the update index
// and /update.json.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStore } from '../../src/index.js';
import { importAus } from '../../src/import/index.js';
import { createStoreServer, type StoreServer } from '../../src/serve/index.js';
import { fixture, runCli, tmpDir } from '../helpers.js';
import { request } from '../serve/_http.js';

let dir: string;
let check: Awaited<ReturnType<typeof runCli>>;
let server: StoreServer;
let port: number;
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: dir, stdio: 'pipe' });
const site = (...p: string[]) => JSON.parse(readFileSync(path.join(dir, 'dist', ...p), 'utf8'));

beforeAll(async () => {
  dir = tmpDir();
  // Split 2.0.0 on release: two windows zips (by osversion range) at 10 % and 30 %, osx at 60 %.
  await importAus(path.join(fixture('aus-basic'), 'updates'), path.join(dir, 'store'));
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'base');
  expect((await runCli(['rollout', 'split', '2.0.0', '--channel', 'release', '--percent', '0', '--os', 'osx'], dir)).code).toBe(0);
  // Halting all of windows leaves its two zips at their own (more specific) percentages, and says so;
  // the channel's percentage removes that override again.
  const windows = await runCli(['rollout', 'split', '2.0.0', '--channel', 'release', '--percent', '0', '--os', 'windows'], dir);
  expect(windows.stdout).toContain(
    '  note: more specific overrides still apply: windows x86 zip osversion <6.1 appversion * (10%), windows x86 zip osversion >=6.1 appversion * (30%); set them too to change those files.\n',
  );
  expect((await runCli(['rollout', 'split', '2.0.0', '--channel', 'release', '--percent', '60', '--os', 'windows'], dir)).code).toBe(0);
  check = await runCli(['check', '--base', 'HEAD', '--summary', 'summary.md'], dir);
  const built = await buildStore({ storeDir: path.join(dir, 'store'), outDir: path.join(dir, 'dist'), cacheDir: path.join(dir, 'cache') });
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  server = await createStoreServer(path.join(dir, 'dist'));
  port = await server.listen(0);
});
afterAll(() => server?.close());

describe('a per-platform halt (osx on release) while windows goes on, each of its zips at its own percentage', () => {
  it('shows in the pull-request summary of check --base', () => {
    expect(check.code).toBe(0);
    const md = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(md).toContain(
      '→ beta (rollout 0%; linux 100%), release (rollout 60%; linux 0%; windows x86 zip osversion <6.1 appversion * 10%; windows x86 zip osversion >=6.1 appversion * 30%; osx 0%)',
    );
    expect(md).toContain('| release / osx x86-64 | 0–59 → nothing (was 2.0.0)');
    expect(md).not.toContain('release / windows');
  });

  it('shows in the static manifests', () => {
    expect(site('update/split/release/osx/x86-64/0.json').signed.candidates).toEqual([]);
    const files = (p: number) =>
      site(`update/split/release/windows/x86/${p}.json`).signed.candidates.flatMap((c: { files: { osversion: string }[] }) =>
        c.files.map((f) => f.osversion),
      );
    expect([files(0), files(10), files(30)]).toEqual([['<6.1', '>=6.1'], ['>=6.1'], []]);
  });

  it('shows in the update index', () => {
    const split = site('api/v1/update-index.json').apps.find((a: { id: string }) => a.id === 'split');
    expect(split.releases[0].platformRollout).toContainEqual({ channel: 'release', os: 'osx', percent: 0 });
    expect(split.releases[0].platformRollout).toContainEqual({
      appversion: '*',
      arch: 'x86',
      channel: 'release',
      format: 'zip',
      os: 'windows',
      osversion: '>=6.1',
      percent: 30,
    });
  });

  it('shows in /update.json', async () => {
    expect((await request(port, '/update.json?app=Split&os=osx&percentile=0')).status).toBe(404);
    const win = await request(port, '/update.json?app=Split&os=windows&osversion=10.0&percentile=30');
    expect([win.status, JSON.parse(win.text).percentage]).toEqual([200, 30]);
  });

  it("lets `rollout --os-version/--app-version` set one file's override (after the build above)", async () => {
    const one = [
      'rollout',
      'split',
      '2.0.0',
      '--channel',
      'release',
      '--percent',
      '0',
      '--os',
      'windows',
      '--arch',
      'x86',
      '--archive-format',
      'zip',
    ];
    const halt = await runCli([...one, '--os-version', '>=6.1', '--app-version', '*'], dir);
    expect(halt.stdout).toBe(
      '✓ split 2.0.0 on release, windows x86 zip osversion >=6.1 appversion *: rollout halted (0%) in store/apps/split/releases/2.0.0.yaml\n',
    );
    expect(readFileSync(path.join(dir, 'store/apps/split/releases/2.0.0.yaml'), 'utf8')).toContain(
      '    osversion: ">=6.1"\n    appversion: "*"\n    percent: 0\n',
    );
    const none = await runCli([...one, '--os-version', '<5.0'], dir);
    expect([none.code, none.stderr]).toEqual([
      1,
      expect.stringContaining(
        'E_ROLLOUT_PLATFORM: Rollout override for windows x86 zip osversion <5.0, for which the release has no file.',
      ),
    ]);
  });
});
