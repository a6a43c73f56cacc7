#!/usr/bin/env node
// `npm run bench -- serve-scale`: `appshelf serve` on the 1,000-app store (scripts/gen-large-store.mjs
// 1000 20, built cold first, ~1.5–3 min): time until it answers /healthz, a manifest and an
// /update.json query; resident memory after start, during and after 30 s of a Zipf-like load over
// all apps; req/s of one hot manifest against nginx serving the same dist/ and of a hot
// /update.json query, in interleaved rounds of the same run; then a reload under that load (one
// release changed, incremental build, the server reloading by --watch) counting failed responses.
// Needs nginx and wrk (installed with apt-get when missing and possible).
// Environment: BENCH_STORE_DIR (a folder with store/, dist/ and signing.key made by an earlier
// run: skips generating and the cold build; it is changed by the reload step), BENCH_SECONDS (per
// round, default 5), BENCH_ROUNDS (default 3), BENCH_LOAD_SECONDS (default 30).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTools, freePort, startNginx } from './_serve-bench.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
const APPS = 1000;
const RELEASES = 20;
const HOT_MANIFEST = '/update/app_0000/stable/osx/arm64/50.json';
const HOT_QUERY = '/update.json?app=app_0000&os=osx&architecture=arm64&osversion=14.1&channel=stable&percentile=50';
const PLATFORMS = [
  ['windows', 'x86-64', 'zip'],
  ['osx', 'arm64', 'gz'],
  ['linux', 'x86-64', 'gz'],
  ['linux', 'arm64', 'gz'],
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

/** Builds `dir/store` into `dir/dist` in a child process (what `appshelf build` does); returns wall seconds. */
function build(dir) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [path.join(repo, 'lib/cli/main.js'), 'build', '--store', 'store', '--out', 'dist'], {
    cwd: dir,
    env: { ...process.env, APPSHELF_SIGNING_KEY_FILE: path.join(dir, 'signing.key') },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
  return (performance.now() - started) / 1000;
}

function makeStore(dir) {
  execFileSync(process.execPath, [path.join(repo, 'scripts/gen-large-store.mjs'), dir, String(APPS), String(RELEASES)], {
    stdio: 'inherit',
  });
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
  writeFileSync(path.join(dir, 'signing.key'), pem(privateKey, 'pkcs8'));
  execFileSync('git', ['-c', 'gc.auto=0', 'commit', '-qam', 'Signing key'], { cwd: dir, env: gitEnv });
  console.error('cold build of the 1,000-app store …');
  return build(dir);
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** GET on a fresh connection (a kept-alive one may have been closed by the server meanwhile): status and body. */
const get = (url) =>
  new Promise((resolve) => {
    http
      .get(url, { agent: false }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      })
      .on('error', () => resolve({ status: 0, body: Buffer.alloc(0) }));
  });

/** Resident memory of a process in MB (from /proc). */
function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Starts `appshelf serve --watch`; resolves when /healthz, a manifest and an /update.json query all answered 200. */
async function startAppshelf(dist, port) {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(repo, 'lib/cli/main.js'), 'serve', '--dir', dist, '--port', String(port), '--watch'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.log = '';
  child.stderr.on('data', (d) => (child.log += d));
  const base = `http://127.0.0.1:${port}`;
  for (const target of ['/healthz', HOT_MANIFEST, HOT_QUERY]) {
    for (;;) {
      const { status } = await get(`${base}${target}`);
      if (status === 200) break;
      if (status !== 0) throw new Error(`${target} answered ${status}`);
      if (child.exitCode !== null) throw new Error(`appshelf serve exited: ${child.log}`);
      if (performance.now() - started > 120_000) throw new Error('appshelf serve did not answer within 120 s');
      await sleep(10);
    }
  }
  return { child, readyS: (performance.now() - started) / 1000, readyCpuS: cpuSeconds(child.pid) };
}

/** Runs wrk (synchronously, or in the background with `background: true`); returns req/s, p99 in ms, requests and errors. */
function wrk(url, { connections = 64, duration = seconds, script, background = false } = {}) {
  const args = ['-t2', `-c${connections}`, `-d${duration}s`, '--timeout', '10s', '--latency', ...(script ? ['-s', script] : []), url];
  const parse = (out) => {
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
    const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
    const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    return {
      rps,
      p99: p99 ? Number(p99[1]) * { us: 0.001, ms: 1, s: 1000 }[p99[2]] : NaN,
      requests: Number(/(\d+) requests in/.exec(out)?.[1]),
      errors: (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + non2xx,
      raw: out,
    };
  };
  if (!background) return parse(execFileSync('wrk', args, { encoding: 'utf8' }));
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(parse(out)) : reject(new Error(`wrk exited ${code}`))));
  });
}

/**
 * A wrk script drawing apps with Zipf-like weights (1/rank) over all apps: 60 % per-percentile
 * manifests (random platform and percentile), 25 % /update.json queries (random platform and
 * installed version, always answered 200), 15 % the app's API document.
 */
function zipfScript(file) {
  writeFileSync(
    file,
    `local n = ${APPS}
local cdf, total = {}, 0
for k = 1, n do total = total + 1 / k; cdf[k] = total end
local platforms = { ${PLATFORMS.map(([o, a, f]) => `{ "${o}", "${a}", "${f}" }`).join(', ')} }
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
local function app()
  local r, lo, hi = math.random() * total, 1, n
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < r then lo = mid + 1 else hi = mid end
  end
  return string.format("app_%04d", lo - 1)
end
request = function()
  local id, p, kind = app(), platforms[math.random(#platforms)], math.random(100)
  if kind <= 60 then
    return wrk.format("GET", string.format("/update/%s/stable/%s/%s/%d.json", id, p[1], p[2], math.random(0, 99)))
  elseif kind <= 85 then
    return wrk.format("GET", string.format("/update.json?app=%s&os=%s&architecture=%s&format=%s&osversion=10.0&channel=stable&appversion=1.%d.0", id, p[1], p[2], p[3], math.random(0, 10)))
  end
  return wrk.format("GET", "/api/v1/apps/" .. id .. ".json")
end
`,
  );
}

/** Samples the RSS of `pid` every 200 ms until `stop()`; returns the peak. */
function sampleRss(pid) {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // the process is gone
    }
  }, 200);
  return () => (clearInterval(timer), peak);
}

async function main() {
  if (!ensureTools()) return;
  const given = process.env.BENCH_STORE_DIR;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'appshelf-bench-serve-scale-'));
  // nginx started as root serves as `nobody`, which must be able to read the site.
  chmodSync(tmp, 0o755);
  const dir = given ? path.resolve(given) : path.join(tmp, 'big');
  const children = [];
  try {
    const coldS = given && existsSync(path.join(dir, 'dist')) ? undefined : makeStore(dir);
    const dist = path.join(dir, 'dist');
    const siteMb =
      Number(execFileSync('du', ['-skL', '--apparent-size', path.join(dist, 'api')], { encoding: 'utf8' }).split('\t')[0]) / 1024;

    const nginxPort = await freePort();
    const appPort = await freePort();
    const nginx = startNginx(tmp, dist, nginxPort);
    children.push(nginx);
    // Other work on the machine settles a moment after the build.
    await sleep(1000);
    const { child: server, readyS, readyCpuS } = await startAppshelf(dist, appPort);
    children.push(server);
    await sleep(500);
    const rssStart = rssMb(server.pid);
    // The worker answers; the master only starts it.
    const nginxWorker = Number(
      execFileSync('pgrep', ['-P', String(nginx.pid)], { encoding: 'utf8' })
        .trim()
        .split('\n')[0],
    );
    const nginxUrl = `http://127.0.0.1:${nginxPort}`;
    const appUrl = `http://127.0.0.1:${appPort}`;
    if (!(await get(`${nginxUrl}${HOT_MANIFEST}`)).body.equals((await get(`${appUrl}${HOT_MANIFEST}`)).body))
      throw new Error('nginx and appshelf serve other bytes');

    // 30 s of Zipf-like load over all apps.
    const zipf = path.join(tmp, 'zipf.lua');
    zipfScript(zipf);
    let stop = sampleRss(server.pid);
    const load = await wrk(appUrl, { duration: loadSeconds, script: zipf, background: true });
    const rssLoadPeak = stop();
    const rssAfterLoad = rssMb(server.pid);
    const health = JSON.parse((await get(`${appUrl}/healthz`)).body);

    // Hot set in cache: one manifest (nginx and appshelf) and one /update.json query, interleaved.
    for (const u of [`${nginxUrl}${HOT_MANIFEST}`, `${appUrl}${HOT_MANIFEST}`, `${appUrl}${HOT_QUERY}`]) wrk(u, { duration: 2 });
    // CPU time of the serving process per request: what the shared machine's noise hardly touches.
    const measured = (pid, url) => {
      const before = cpuSeconds(pid);
      const r = wrk(url);
      return { ...r, cpuUs: ((cpuSeconds(pid) - before) / r.requests) * 1e6 };
    };
    const runs = { nginx: [], manifest: [], query: [] };
    for (let r = 0; r < rounds; r++) {
      runs.nginx.push(measured(nginxWorker, `${nginxUrl}${HOT_MANIFEST}`));
      runs.manifest.push(measured(server.pid, `${appUrl}${HOT_MANIFEST}`));
      runs.query.push(measured(server.pid, `${appUrl}${HOT_QUERY}`));
    }
    const pick = (k) => ({
      rps: median(runs[k].map((x) => x.rps)),
      p99: median(runs[k].map((x) => x.p99)),
      cpuUs: median(runs[k].map((x) => x.cpuUs)),
      errors: runs[k].reduce((a, x) => a + x.errors, 0),
    });
    const hot = { nginx: pick('nginx'), manifest: pick('manifest'), query: pick('query') };
    const ratios = runs.manifest.map((m, i) => m.rps / runs.nginx[i].rps);

    // A reload under the same load: one release's rollout widens, committed, built incrementally;
    // the server (--watch) notices the swap. Every answer of the load must be a 200.
    const before = health.build.id;
    stop = sampleRss(server.pid);
    const reloadLoad = wrk(appUrl, { duration: 20, script: zipf, background: true });
    await sleep(3000);
    const rel = path.join(dir, 'store/apps/app_0001/releases', `1.${RELEASES - 1}.0.yaml`);
    const text = readFileSync(rel, 'utf8');
    const widened = /rollout:\n {2}(\w+): (\d+)/.exec(text);
    writeFileSync(
      rel,
      widened
        ? text.replace(widened[0], `rollout:\n  ${widened[1]}: ${Number(widened[2]) === 99 ? 98 : 99}`)
        : text.replace('entries:', `rollout:\n  beta: 50\nentries:`),
    );
    execFileSync('git', ['-c', 'gc.auto=0', 'commit', '-qam', 'Widen a rollout'], { cwd: dir, env: gitEnv });
    const incrementalS = build(dir);
    const builtAt = performance.now();
    let reloadedS = NaN;
    for (let i = 0; i < 600; i++) {
      const { status, body } = await get(`${appUrl}/healthz`);
      const id = status === 200 ? JSON.parse(body).build.id : before;
      if (id !== before) {
        reloadedS = (performance.now() - builtAt) / 1000;
        break;
      }
      await sleep(50);
    }
    const reload = await reloadLoad;
    const rssReloadPeak = stop();

    const nginxVersion = spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr.trim().replace('nginx version: ', '');
    const loadavg = os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(', ');
    console.log(
      `Command: \`npm run bench -- serve-scale\`. Store: ${APPS} apps × ${RELEASES} releases × 4 platforms × 3 channels (scripts/gen-large-store.mjs)` +
        `${coldS ? `, cold build ${fmt(coldS, 1)} s` : ' (built by an earlier run)'}; api/ of the site ${fmt(siteMb)} MB. ${os.cpus().length} cores shared by wrk, nginx, node and`,
    );
    console.log(
      `other work (load average at the end: ${loadavg}); Node ${process.version}, ${nginxVersion} (1 worker, sendfile, no access log); wrk -t2 -c64; loopback.`,
    );
    console.log('');
    console.log('| what | value |');
    console.log('|---|---:|');
    console.log(
      `| time to ready (spawn → /healthz, a manifest and an /update.json query answered) | **${fmt(readyS, 2)} s** (CPU time of the process by then: ${fmt(readyCpuS, 2)} s) |`,
    );
    console.log(`| RSS after start | **${fmt(rssStart)} MB** |`);
    console.log(
      `| Zipf-like load over all ${APPS} apps, ${loadSeconds} s (60 % manifests, 25 % /update.json, 15 % API documents) | ${fmt(load.rps)} req/s, p99 ${fmt(load.p99, 1)} ms, ${load.errors} errors |`,
    );
    console.log(`| RSS during that load (peak) / after it | **${fmt(rssLoadPeak)} MB** / ${fmt(rssAfterLoad)} MB |`);
    console.log(
      `| cache after it: files / bytes (limit) | ${fmt(health.cache.files)} / ${fmt(health.cache.bytes / 1048576, 1)} MB (${fmt(health.cache.limit / 1048576)} MB) |`,
    );
    console.log(
      `| hot manifest \`${HOT_MANIFEST}\`, nginx | ${fmt(hot.nginx.rps)} req/s, p99 ${fmt(hot.nginx.p99, 2)} ms, ${fmt(hot.nginx.cpuUs, 1)} µs CPU/request |`,
    );
    console.log(
      `| the same, appshelf serve | ${fmt(hot.manifest.rps)} req/s, p99 ${fmt(hot.manifest.p99, 2)} ms, ${fmt(hot.manifest.cpuUs, 1)} µs CPU/request: **${fmt(hot.manifest.rps / hot.nginx.rps, 2)} × nginx** (rounds: ${ratios.map((x) => fmt(x, 2)).join(', ')}) |`,
    );
    console.log(
      `| hot \`${HOT_QUERY}\` | ${fmt(hot.query.rps)} req/s, p99 ${fmt(hot.query.p99, 2)} ms, ${fmt(hot.query.cpuUs, 1)} µs CPU/request: **${fmt(hot.query.rps / hot.manifest.rps, 2)} × the manifest** (rounds: ${runs.query.map((q, i) => fmt(q.rps / runs.manifest[i].rps, 2)).join(', ')}) |`,
    );
    console.log(
      `| reload under the Zipf load (20 s): incremental build ${fmt(incrementalS, 1)} s, then new build answering after | ${fmt(reloadedS, 2)} s |`,
    );
    console.log(
      `| requests during the reload run / **errors** (socket errors + non-2xx/3xx) | ${fmt(reload.requests)} / **${reload.errors}** |`,
    );
    console.log(`| RSS peak during the reload run | ${fmt(rssReloadPeak)} MB |`);
    const errors = load.errors + reload.errors + hot.nginx.errors + hot.manifest.errors + hot.query.errors;
    if (errors || Number.isNaN(reloadedS)) {
      console.error(`${errors} errors; reloaded: ${!Number.isNaN(reloadedS)}\n${server.log}`);
      process.exitCode = 1;
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await sleep(500);
    // git may still be finishing in the store's .git (retried, as rimraf does).
    rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
  }
}

await main();
