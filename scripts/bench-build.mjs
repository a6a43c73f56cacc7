#!/usr/bin/env node
// Cold, one-release incremental and no-change builds of a synthetic store (scripts/gen-large-store.mjs):
// wall time, peak RSS, files in the site, files written, bytes on disk (du of dist/ and dist.objects/),
// and where the time went. Prints the BENCHMARKS.md "build" table.
// Usage: node scripts/bench-build.mjs [APPS=1000] [RELEASES=20]   (needs lib/: npm run build:lib)
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [apps = '1000', releases = '20'] = process.argv.slice(2);
const repo = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(path.join(os.tmpdir(), 'appshelf-bench-build-'));
// What `appshelf build` does (src/cli/commands/build.ts calls buildStore the same way), plus the report as JSON.
const buildScript = `
const { buildStore } = await import(${JSON.stringify(path.join(repo, 'lib/build/index.js'))});
const now = process.env.BENCH_NOW ? new Date(process.env.BENCH_NOW) : undefined;
const r = await buildStore({ storeDir: 'store', outDir: 'dist', now });
if (!r.ok) { console.error(JSON.stringify(r.diagnostics.slice(0, 5))); process.exit(1); }
console.log(JSON.stringify({ written: r.written, timings: r.timings, reused: r.reused.length }));
`;
try {
  execFileSync(process.execPath, [path.join(repo, 'scripts/gen-large-store.mjs'), dir, apps, releases], { stdio: 'inherit' });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = (k, type) => k.export({ type, format: 'pem' });
  appendFileSync(path.join(dir, 'store/store.yaml'), `signing:\n  publicKey: |\n${pem(publicKey, 'spki').trim().split('\n').map((l) => `    ${l}`).join('\n')}\n`);
  const git = (...args) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@e' } });
  git('commit', '-qam', 'Signing key');
  const env = { ...process.env, APPSHELF_SIGNING_KEY: pem(privateKey, 'pkcs8') };
  writeFileSync(path.join(dir, 'build.mjs'), buildScript);
  const build = (label, now) => {
    // Let the writes of the previous step reach the disk first: they would be counted against this build.
    execFileSync('sync');
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, 'build.mjs'], { cwd: dir, env: now ? { ...env, BENCH_NOW: now } : env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${label} build failed:\n${r.stderr}`);
    const [wall, rssKb] = r.stderr.trim().split('\n').pop().split(' ');
    const { written: w, timings, reused } = JSON.parse(r.stdout);
    const du = execFileSync('du', ['-skc', 'dist', 'dist.objects'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop().split('\t')[0];
    const steps = { ...timings, ...Object.fromEntries(Object.entries(w.timings).map(([k, v]) => [`write.${k}`, v])) };
    delete steps.write;
    return { label, wall: Number(wall), rssMb: Math.round(Number(rssKb) / 1024), reused, files: w.files, written: w.written, unchanged: w.reused, objects: w.objects, duMb: Math.round(Number(du) / 1024), steps };
  };
  const rows = [build('cold')];
  // One release changes: its rollout widens, as `appshelf rollout` would do in a pull request
  // (three times, in three apps: the machine is noisy).
  for (const [n, app] of [[1, 'app_0001'], [2, 'app_0005'], [3, 'app_0009']]) {
    const rel = path.join(dir, 'store/apps', app, 'releases', `1.${Number(releases) - 1}.0.yaml`);
    writeFileSync(rel, readFileSync(rel, 'utf8').replace(/rollout:\n {2}(\w+): \d+/, 'rollout:\n  $1: 60'));
    git('commit', '-qam', `Widen the rollout of ${app} (#${n + 1})`);
    rows.push(build(`one release changed (${n})`));
  }
  rows.push(build('nothing changed'));
  // The next UTC day every manifest is signed again (new expiry): every app is checked, every manifest object made anew.
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
  rows.push(build('next day (re-sign all)', tomorrow));
  console.log(`\nStore: ${apps} apps × ${releases} releases × 4 platforms × 3 channels, ${os.cpus().length} cores, Node ${process.version}\n`);
  console.log('| build | wall s | peak RSS MB | apps from records | files | written | unchanged | objects made / reused / removed | du MB |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.label} | ${r.wall} | ${r.rssMb} | ${r.reused} | ${r.files} | ${r.written} | ${r.unchanged} | ${r.objects.created} / ${r.objects.reused} / ${r.objects.removed} | ${r.duMb} |`);
  console.log('\nWhere the time went (ms):\n');
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.steps)))];
  console.log(`| build | ${names.join(' | ')} |`);
  console.log(`|---|${names.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.label} | ${names.map((n) => r.steps[n] ?? '').join(' | ')} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
