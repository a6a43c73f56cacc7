// A per-platform halt, end to end: an imported store, `appshelf rollout … --os windows --percent 0`
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
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: dir, stdio: 'pipe' });
const site = (...p: string[]) => JSON.parse(readFileSync(path.join(dir, 'dist', ...p), 'utf8'));

beforeAll(async () => {
  dir = tmpDir();
  // Split 2.0.0 on release: two windows zips at 10 %, osx at 60 %.
  await importAus(path.join(fixture('aus-basic'), 'updates'), path.join(dir, 'store'));
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'base');
  expect((await runCli(['rollout', 'split', '2.0.0', '--channel', 'release', '--percent', '0', '--os', 'windows'], dir)).code).toBe(0);
  check = await runCli(['check', '--base', 'HEAD', '--summary', 'summary.md'], dir);
  const built = await buildStore({ storeDir: path.join(dir, 'store'), outDir: path.join(dir, 'dist'), cacheDir: path.join(dir, 'cache') });
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  server = await createStoreServer(path.join(dir, 'dist'));
  port = await server.listen(0);
});
afterAll(() => server?.close());

describe('a per-platform halt (windows on release) while osx goes on', () => {
  it('shows in the pull-request summary of check --base', () => {
    expect(check.code).toBe(0);
    const md = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('release (rollout 10%; linux 0%; osx 60%) → beta (rollout 0%; linux 100%), release (rollout 10%; linux 0%; osx 60%; windows 0%)');
    expect(md).toContain('| release / windows x86 | 0–9 → nothing (was 2.0.0)');
    expect(md).not.toContain('release / osx');
  });

  it('shows in the static manifests', () => {
    expect(site('update/split/release/windows/x86/0.json').signed.candidates).toEqual([]);
    const osx = site('update/split/release/osx/x86-64/0.json').signed;
    expect([osx.candidates.map((c: { version: string }) => c.version), osx.percentiles]).toEqual([['2.0.0'], { from: 0, to: 59 }]);
  });

  it('shows in the update index', () => {
    const split = site('api/v1/update-index.json').apps.find((a: { id: string }) => a.id === 'split');
    expect(split.releases[0].platformRollout).toContainEqual({ channel: 'release', os: 'windows', percent: 0 });
    expect(split.releases[0].platformRollout).toContainEqual({ channel: 'release', os: 'osx', percent: 60 });
  });

  it('shows in /update.json', async () => {
    expect((await request(port, '/update.json?app=Split&os=windows&percentile=0')).status).toBe(404);
    expect((await request(port, '/update.json?app=Split&os=windows&osversion=10.0&percentile=0')).status).toBe(404);
    const osx = await request(port, '/update.json?app=Split&os=osx&percentile=60');
    expect([osx.status, JSON.parse(osx.text).percentage]).toEqual([200, 60]);
  });
});
