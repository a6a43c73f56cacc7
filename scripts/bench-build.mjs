#!/usr/bin/env node
// Cold, one-release incremental and no-change builds of a synthetic store (scripts/gen-large-store.mjs):
// wall time, peak RSS, files in the site, files written, bytes on disk (du of dist/ and dist.objects/),
// and where the time went. Prints the BENCHMARKS.md "build" table.
// Usage: node scripts/bench-build.mjs [APPS=1000] [RELEASES=20]   (needs lib/: npm run build:lib)
// BENCH_STORE_DIR=<folder>: use a store made earlier (store/ in git, signing.key beside it, as
// scripts/bench-serve-scale.mjs leaves it) instead of generating one; its first build is then
// not cold (warm caches, maybe a dist/ of another appshelf), and the folder is kept.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [apps = '1000', releases = '20'] = process.argv.slice(2);
const repo = new URL('..', import.meta.url).pathname;
const given = process.env.BENCH_STORE_DIR && path.resolve(process.env.BENCH_STORE_DIR);
const dir = given ?? mkdtempSync(path.join(os.tmpdir(), 'appshelf-bench-build-'));
// What `appshelf build` does (src/cli/commands/build.ts calls buildStore the same way), plus the report as JSON.
const buildScript = `
const { buildStore } = await import(${JSON.stringify(path.join(repo, 'lib/pipeline/index.js'))});
const now = process.env.BENCH_NOW ? new Date(process.env.BENCH_NOW) : undefined;
const r = await buildStore({ storeDir: 'store', outDir: 'dist', now });
if (!r.ok) { console.error(JSON.stringify(r.diagnostics.slice(0, 5))); process.exit(1); }
console.log(JSON.stringify({ written: r.written, timings: r.timings, reused: r.reused.length }));
`;
try {
  const git = (...args) =>
    execFileSync('git', ['-c', 'gc.auto=0', ...args], {
      cwd: dir,
      env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@e' },
    });
  let signingKey;
  if (given) {
    if (!existsSync(path.join(dir, 'store/store.yaml')) || !existsSync(path.join(dir, 'signing.key')))
      throw new Error(`${dir} has no store/store.yaml and signing.key`);
    signingKey = readFileSync(path.join(dir, 'signing.key'), 'utf8');
  } else {
    execFileSync(process.execPath, [path.join(repo, 'scripts/gen-large-store.mjs'), dir, apps, releases], { stdio: 'inherit' });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = (k, type) => k.export({ type, format: 'pem' });
    appendFileSync(
      path.join(dir, 'store/store.yaml'),
      `signing:\n  publicKey: |\n${pem(publicKey, 'spki')
        .trim()
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')}\n`,
    );
    git('commit', '-qam', 'Signing key');
    signingKey = pem(privateKey, 'pkcs8');
  }
  const env = { ...process.env, APPSHELF_SIGNING_KEY: signingKey };
  writeFileSync(path.join(dir, 'build.mjs'), buildScript);
  const build = (label, now) => {
    // Let the writes of the previous step reach the disk first: they would be counted against this build.
    execFileSync('sync');
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, 'build.mjs'], {
      cwd: dir,
      env: now ? { ...env, BENCH_NOW: now } : env,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`${label} build failed:\n${r.stderr}`);
    const [wall, rssKb] = r.stderr.trim().split('\n').pop().split(' ');
    const { written: w, timings, reused } = JSON.parse(r.stdout);
    const du = execFileSync('du', ['-skc', 'dist', 'dist.objects'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop().split('\t')[0];
    const steps = { ...timings, ...Object.fromEntries(Object.entries(w.timings).map(([k, v]) => [`write.${k}`, v])) };
    delete steps.write;
    return {
      label,
      wall: Number(wall),
      rssMb: Math.round(Number(rssKb) / 1024),
      reused,
      files: w.files,
      written: w.written,
      unchanged: w.reused,
      objects: w.objects,
      duMb: Math.round(Number(du) / 1024),
      steps,
    };
  };
  const rows = [build(given ? 'first (given store: warm caches)' : 'cold')];
  // One release changes: its rollout widens, as `appshelf rollout` would do in a pull request
  // (three times, in three apps: the machine is noisy).
  for (const [n, app] of [
    [1, 'app_0001'],
    [2, 'app_0005'],
    [3, 'app_0009'],
  ]) {
    const rel = path.join(dir, 'store/apps', app, 'releases', `1.${Number(releases) - 1}.0.yaml`);
    // A given store may already have that rollout: another percentage makes it a change.
    const text = readFileSync(rel, 'utf8');
    const pct = /rollout:\n {2}\w+: 60\b/.test(text) ? 61 : 60;
    writeFileSync(rel, text.replace(/rollout:\n {2}(\w+): \d+/, `rollout:\n  $1: ${pct}`));
    git('commit', '-qam', `Widen the rollout of ${app} (#${n + 1})`);
    rows.push(build(`one release changed (${n})`));
  }
  rows.push(build('nothing changed'));
  // The next UTC days only the fresh documents are signed again (docs/manifests.md): no app is checked, no object made.
  for (const days of [1, 2]) rows.push(build(`next day (+${days})`, new Date(Date.now() + days * 86_400_000).toISOString()));
  console.log(
    `\nStore: ${apps} apps × ${releases} releases × 4 platforms × 3 channels, ${os.cpus().length} cores, Node ${process.version}\n`,
  );
  console.log(
    '| build | wall s | peak RSS MB | apps from records | files | written | unchanged | objects made / reused / removed | du MB |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.label} | ${r.wall} | ${r.rssMb} | ${r.reused} | ${r.files} | ${r.written} | ${r.unchanged} | ${r.objects.created} / ${r.objects.reused} / ${r.objects.removed} | ${r.duMb} |`,
    );
  console.log('\nWhere the time went (ms):\n');
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.steps)))];
  console.log(`| build | ${names.join(' | ')} |`);
  console.log(`|---|${names.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.label} | ${names.map((n) => r.steps[n] ?? '').join(' | ')} |`);
  const first = rows[0];
  for (const r of rows.filter((x) => x.label.startsWith('next day'))) {
    // A given store's first build is not cold: it hardlinks archives the earlier objects had.
    const ofCold = given ? '' : ` (${((100 * r.written) / first.written).toFixed(2)}% of the ${first.written} the cold build wrote)`;
    console.log(
      `\n${r.label}: ${r.written} files written = ${((100 * r.written) / first.files).toFixed(3)}% of the site's ${first.files} files${ofCold}`,
    );
  }
} finally {
  if (!given) rmSync(dir, { recursive: true, force: true });
}
