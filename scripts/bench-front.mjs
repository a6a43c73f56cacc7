#!/usr/bin/env node
// The store front of a synthetic store (scripts/gen-large-store.mjs): a cold build, a build after
// one release changed (its app page is the only page object made again), and what a browser
// transfers for the home page before any user action (Debian's chromium via playwright-core,
// the front's files served with their precompressed variants by a minimal static server: appshelf
// serve keeps a large site's small files in memory, which is not what is measured here).
// Usage: node scripts/bench-front.mjs [APPS=1000] [RELEASES=20]   (needs lib/: npm run build:lib)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [apps = '1000', releases = '20'] = process.argv.slice(2);
const repo = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(path.join(os.tmpdir(), 'appshelf-bench-front-'));
const buildScript = `
const { buildStore } = await import(${JSON.stringify(path.join(repo, 'lib/pipeline/index.js'))});
const r = await buildStore({ storeDir: 'store', outDir: 'dist', env: {} });
if (!r.ok) { console.error(JSON.stringify(r.diagnostics.slice(0, 5))); process.exit(1); }
console.log(JSON.stringify({ written: r.written, reused: r.reused.length }));
`;
try {
  execFileSync(process.execPath, [path.join(repo, 'scripts/gen-large-store.mjs'), dir, apps, releases], { stdio: 'inherit' });
  writeFileSync(path.join(dir, 'build.mjs'), buildScript);
  const git = (...args) =>
    execFileSync('git', args, {
      cwd: dir,
      env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@e' },
    });
  const build = (label) => {
    execFileSync('sync');
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, 'build.mjs'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${label} build failed:\n${r.stderr}`);
    const [wall, rssKb] = r.stderr.trim().split('\n').pop().split(' ');
    const { written, reused } = JSON.parse(r.stdout);
    return {
      label,
      wall: Number(wall),
      rssMb: Math.round(Number(rssKb) / 1024),
      reused,
      written: written.written,
      objects: written.objects,
    };
  };
  const header = () => {
    console.log(`\nStore: ${apps} apps × ${releases} releases, ${os.cpus().length} cores, Node ${process.version}\n`);
    console.log('| build | wall s | peak RSS MB | apps from records | files written | objects made / reused / removed |');
    console.log('|---|---|---|---|---|---|');
  };
  const row = (r) =>
    console.log(
      `| ${r.label} | ${r.wall} | ${r.rssMb} | ${r.reused} | ${r.written} | ${r.objects.created} / ${r.objects.reused} / ${r.objects.removed} |`,
    );
  header();
  const rows = [build('cold')];
  row(rows[0]);
  const rel = path.join(dir, 'store/apps/app_0001/releases', `1.${Number(releases) - 1}.0.yaml`);
  writeFileSync(rel, readFileSync(rel, 'utf8').replace(/rollout:\n {2}(\w+): \d+/, 'rollout:\n  $1: 60'));
  git('commit', '-qam', 'Widen the rollout of app_0001 (#2)');
  rows.push(build('one release changed'));
  row(rows[1]);

  const site = path.join(dir, 'dist');
  const types = {
    html: 'text/html; charset=utf-8',
    css: 'text/css',
    js: 'text/javascript',
    json: 'application/json',
    png: 'image/png',
    atom: 'application/atom+xml',
  };
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/\/$/, '/index.html').slice(1);
    if (rel.includes('..') || !existsSync(path.join(site, rel))) return res.writeHead(404).end();
    const type = types[rel.split('.').pop()] ?? 'application/octet-stream';
    const br = /\bbr\b/.test(req.headers['accept-encoding'] ?? '') && existsSync(path.join(site, `${rel}.br`));
    res.writeHead(200, { 'content-type': type, ...(br ? { 'content-encoding': 'br' } : {}) });
    res.end(readFileSync(path.join(site, br ? `${rel}.br` : rel)));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const weigh = async (url) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}${url}`, { waitUntil: 'networkidle' });
    const sizes = await page.evaluate(() =>
      [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((e) => ({
        name: e.name,
        transfer: e.transferSize,
        body: e.decodedBodySize,
      })),
    );
    await page.close();
    return {
      url,
      requests: sizes.length,
      transferKb: sizes.reduce((n, s) => n + s.transfer, 0) / 1024,
      decodedKb: sizes.reduce((n, s) => n + s.body, 0) / 1024,
    };
  };
  const pages = [await weigh('/'), await weigh('/apps/app_0001/'), await weigh('/search.html?q=photos')];
  await browser.close();
  server.close();
  const kb = (rel) => (statSync(path.join(dir, 'dist', rel)).size / 1024).toFixed(1);

  console.log('\n| page (before any user action) | requests | transferred KB | decoded KB |');
  console.log('|---|---|---|---|');
  for (const p of pages) console.log(`| ${p.url} | ${p.requests} | ${p.transferKb.toFixed(1)} | ${p.decodedKb.toFixed(1)} |`);
  console.log(
    `\nOn disk: index.html ${kb('index.html')} KB (${kb('index.html.br')} KB brotli), search-index.json ${kb('search-index.json')} KB (${kb('search-index.json.br')} KB brotli)`,
  );
} finally {
  // Retried: a background `git gc` of the store may still be writing into .git.
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 500 });
}
