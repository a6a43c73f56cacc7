#!/usr/bin/env node
// The store front of a synthetic store (scripts/gen-large-store.mjs): a cold build, a build after
// one release changed (its app page is the only page object made again), and what a browser
// transfers for the home page before any user action (Debian's chromium via playwright-core,
// the site served by appshelf's server with its precompressed variants).
// Usage: node scripts/bench-front.mjs [APPS=1000] [RELEASES=20]   (needs lib/: npm run build:lib)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [apps = '1000', releases = '20'] = process.argv.slice(2);
const repo = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(path.join(os.tmpdir(), 'appshelf-bench-front-'));
const buildScript = `
const { buildStore } = await import(${JSON.stringify(path.join(repo, 'lib/build/index.js'))});
const r = await buildStore({ storeDir: 'store', outDir: 'dist', env: {} });
if (!r.ok) { console.error(JSON.stringify(r.diagnostics.slice(0, 5))); process.exit(1); }
console.log(JSON.stringify({ written: r.written, reused: r.reused.length }));
`;
try {
  execFileSync(process.execPath, [path.join(repo, 'scripts/gen-large-store.mjs'), dir, apps, releases], { stdio: 'inherit' });
  writeFileSync(path.join(dir, 'build.mjs'), buildScript);
  const git = (...args) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@e' } });
  const build = (label) => {
    execFileSync('sync');
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, 'build.mjs'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${label} build failed:\n${r.stderr}`);
    const [wall, rssKb] = r.stderr.trim().split('\n').pop().split(' ');
    const { written, reused } = JSON.parse(r.stdout);
    return { label, wall: Number(wall), rssMb: Math.round(Number(rssKb) / 1024), reused, written: written.written, objects: written.objects };
  };
  const rows = [build('cold')];
  const rel = path.join(dir, 'store/apps/app_0001/releases', `1.${Number(releases) - 1}.0.yaml`);
  writeFileSync(rel, readFileSync(rel, 'utf8').replace(/rollout:\n  (\w+): \d+/, 'rollout:\n  $1: 60'));
  git('commit', '-qam', 'Widen the rollout of app_0001 (#2)');
  rows.push(build('one release changed'));

  const { createStoreServer } = await import(path.join(repo, 'lib/serve/index.js'));
  const server = await createStoreServer(path.join(dir, 'dist'), { snapshots: false });
  const port = await server.listen(0, '127.0.0.1');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const weigh = async (url) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}${url}`, { waitUntil: 'networkidle' });
    const sizes = await page.evaluate(() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((e) => ({ name: e.name, transfer: e.transferSize, body: e.decodedBodySize })));
    await page.close();
    return { url, requests: sizes.length, transferKb: sizes.reduce((n, s) => n + s.transfer, 0) / 1024, decodedKb: sizes.reduce((n, s) => n + s.body, 0) / 1024 };
  };
  const pages = [await weigh('/'), await weigh('/apps/app_0001/'), await weigh('/search.html?q=photos')];
  await browser.close();
  await server.close();
  const kb = (rel) => (statSync(path.join(dir, 'dist', rel)).size / 1024).toFixed(1);

  console.log(`\nStore: ${apps} apps × ${releases} releases, ${os.cpus().length} cores, Node ${process.version}\n`);
  console.log('| build | wall s | peak RSS MB | apps from records | files written | objects made / reused / removed |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.label} | ${r.wall} | ${r.rssMb} | ${r.reused} | ${r.written} | ${r.objects.created} / ${r.objects.reused} / ${r.objects.removed} |`);
  console.log('\n| page (before any user action) | requests | transferred KB | decoded KB |');
  console.log('|---|---|---|---|');
  for (const p of pages) console.log(`| ${p.url} | ${p.requests} | ${p.transferKb.toFixed(1)} | ${p.decodedKb.toFixed(1)} |`);
  console.log(`\nOn disk: index.html ${kb('index.html')} KB (${kb('index.html.br')} KB brotli), search-index.json ${kb('search-index.json')} KB (${kb('search-index.json.br')} KB brotli)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}.objects`, { recursive: true, force: true });
}
