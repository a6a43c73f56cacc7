#!/usr/bin/env node
// `npm run bench -- serve`: requests/s and p99 of `appshelf serve` for (a) a static manifest and
// (b) an /update.json query, side by side with nginx serving the same dist/ for (a), then 200
// connections for 30 s against a mix of routes (zero errors expected). Loopback only; about
// 2 min with the defaults. Needs nginx and wrk: installs them with apt-get when possible,
// otherwise prints why and skips. Environment: BENCH_SECONDS (per run, default 5),
// BENCH_ROUNDS (default 3), BENCH_LOAD_SECONDS (default 30).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTools, freePort, startNginx } from './_serve-bench.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
const MANIFEST = '/update/shelfnotes/stable/osx/x86-64/10.json';
const QUERY = '/update.json?app=shelfnotes&os=osx&osversion=14.1&channel=stable&percentile=10';

async function waitFor(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) =>
      net
        .connect(port, '127.0.0.1')
        .on('connect', function () {
          this.destroy();
          r(true);
        })
        .on('error', () => r(false)),
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

function startAppshelf(dist, port) {
  return spawn(process.execPath, [path.join(repo, 'lib/cli/main.js'), 'serve', '--dir', dist, '--port', String(port)], { stdio: 'ignore' });
}

/** Runs wrk; returns req/s, p99 in ms and error counts. */
function wrk(url, { connections = 64, duration = seconds, script } = {}) {
  // A 10 s timeout: on a shared 2-core machine a slow answer is latency (p99), not an error.
  const args = ['-t2', `-c${connections}`, `-d${duration}s`, '--timeout', '10s', '--latency', ...(script ? ['-s', script] : []), url];
  const out = execFileSync('wrk', args, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const ms = p99 ? Number(p99[1]) * { us: 0.001, ms: 1, s: 1000 }[p99[2]] : NaN;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + non2xx;
  return { rps, p99: ms, requests, errors, raw: out };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main() {
  if (!ensureTools()) return;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'appshelf-bench-serve-'));
  // nginx started as root serves as `nobody`, which must be able to read the site.
  chmodSync(tmp, 0o755);
  const children = [];
  try {
    const dist = path.join(tmp, 'dist');
    const { buildStore } = await import(path.join(repo, 'lib/index.js'));
    const built = await buildStore({ storeDir: path.join(repo, 'store'), outDir: dist, cacheDir: path.join(tmp, 'cache') });
    if (!built.ok) throw new Error('the example store did not build');
    const manifestBytes = readFileSync(path.join(dist, MANIFEST)).byteLength;

    const nginxPort = await freePort();
    const appPort = await freePort();
    const [nginxMaster, app] = [startNginx(tmp, dist, nginxPort), startAppshelf(dist, appPort)];
    children.push(nginxMaster, app);
    await Promise.all([waitFor(nginxPort), waitFor(appPort)]);
    const nginxUrl = `http://127.0.0.1:${nginxPort}`;
    const appUrl = `http://127.0.0.1:${appPort}`;
    const fetchBody = async (url) => {
      const r = await fetch(url);
      if (r.status !== 200) throw new Error(`${url} answered ${r.status}`);
      return Buffer.from(await r.arrayBuffer());
    };
    const expected = readFileSync(path.join(dist, MANIFEST));
    for (const u of [nginxUrl, appUrl])
      if (!(await fetchBody(`${u}${MANIFEST}`)).equals(expected)) throw new Error(`${u} serves other bytes`);
    const queryBytes = (await fetchBody(`${appUrl}${QUERY}`)).byteLength;
    for (const u of [nginxUrl, appUrl]) wrk(`${u}${MANIFEST}`, { duration: 2 }); // warm-up

    // (b) again with a new query string every time: no remembered answer, the full match runs.
    const unique = path.join(tmp, 'unique.lua');
    writeFileSync(
      unique,
      `local i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format("GET", ${JSON.stringify(QUERY)} .. "&n=" .. i)\nend\n`,
    );
    // CPU time of the serving process per request (from /proc: the nginx worker, the node process),
    // which the noise of a shared machine hardly touches, next to the req/s it does.
    const nginxWorker = Number(
      execFileSync('pgrep', ['-P', String(nginxMaster.pid)], { encoding: 'utf8' })
        .trim()
        .split('\n')[0],
    );
    const cpu = (pid) => {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    };
    const measured = (pid, url, opts) => {
      const before = cpu(pid);
      const r = wrk(url, opts);
      return { ...r, cpuUs: ((cpu(pid) - before) / r.requests) * 1e6 };
    };
    const runs = { nginx: [], static: [], update: [], fresh: [] };
    for (let r = 0; r < rounds; r++) {
      runs.nginx.push(measured(nginxWorker, `${nginxUrl}${MANIFEST}`));
      runs.static.push(measured(app.pid, `${appUrl}${MANIFEST}`));
      runs.update.push(measured(app.pid, `${appUrl}${QUERY}`));
      runs.fresh.push(measured(app.pid, appUrl, { script: unique }));
    }
    const pick = (k) => ({
      rps: median(runs[k].map((x) => x.rps)),
      p99: median(runs[k].map((x) => x.p99)),
      cpuUs: median(runs[k].map((x) => x.cpuUs)),
      errors: runs[k].reduce((a, x) => a + x.errors, 0),
    });
    const rounded = (k, base) => runs[k].map((x, i) => fmt(x.rps / runs[base][i].rps, 2)).join(', ');
    const nginx = pick('nginx');
    const stat = pick('static');
    const update = pick('update');
    const fresh = pick('fresh');

    // 200 connections over a mix of routes (manifest, API, /update.json, archive, /healthz).
    const lua = path.join(tmp, 'mix.lua');
    const paths = [MANIFEST, '/api/v1/apps.json', QUERY, '/files/shelfnotes/1.5.0/shelfnotes-1.5.0-osx.tar.gz', '/healthz'];
    writeFileSync(
      lua,
      `local paths = { ${paths.map((p) => JSON.stringify(p)).join(', ')} }\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format("GET", paths[(i % #paths) + 1])\nend\n`,
    );
    const mix = wrk(appUrl, { connections: 200, duration: loadSeconds, script: lua });

    const nginxVersion = spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr.trim().replace('nginx version: ', '');
    console.log(
      `Command: \`npm run bench -- serve\` (wrk -t2 -c64 -d${seconds}s --latency, median of ${rounds} interleaved rounds; loopback;`,
    );
    console.log(
      `${os.cpus().length} cores shared by wrk, nginx and node; Node ${process.version}, ${nginxVersion} with 1 worker, sendfile, access_log off).`,
    );
    console.log('');
    console.log('| what | server | req/s | p99 | CPU/request | ratio (req/s; per round) |');
    console.log('|---|---|---:|---:|---:|---|');
    console.log(
      `| (a) static manifest \`${MANIFEST}\` (${manifestBytes} B) | nginx | ${fmt(nginx.rps)} | ${fmt(nginx.p99, 2)} ms | ${fmt(nginx.cpuUs, 1)} µs | 1.00 |`,
    );
    console.log(
      `| (a) the same manifest | appshelf serve | ${fmt(stat.rps)} | ${fmt(stat.p99, 2)} ms | ${fmt(stat.cpuUs, 1)} µs | **${fmt(stat.rps / nginx.rps, 2)} × nginx** (aim ≥ 0.9; ${rounded('static', 'nginx')}) |`,
    );
    console.log(
      `| (b) \`${QUERY}\` (${queryBytes} B) | appshelf serve | ${fmt(update.rps)} | ${fmt(update.p99, 2)} ms | ${fmt(update.cpuUs, 1)} µs | **${fmt(update.rps / stat.rps, 2)} × (a)** (aim ≥ 0.9; ${rounded('update', 'static')}), ${fmt(update.rps / nginx.rps, 2)} × nginx |`,
    );
    console.log(
      `| (b) the same query made unique (\`&n=<counter>\`), so never answered from the remembered answers | appshelf serve | ${fmt(fresh.rps)} | ${fmt(fresh.p99, 2)} ms | ${fmt(fresh.cpuUs, 1)} µs | ${fmt(fresh.rps / stat.rps, 2)} × (a) |`,
    );
    console.log('');
    console.log(
      `Load: 200 connections for ${loadSeconds} s over ${paths.length} routes (manifest, API, /update.json, archive, /healthz): ` +
        `${fmt(mix.requests)} requests, ${fmt(mix.rps)} req/s, p99 ${fmt(mix.p99, 2)} ms, **${mix.errors} errors** (socket errors + non-2xx/3xx).`,
    );
    const errs = nginx.errors + stat.errors + update.errors + fresh.errors + mix.errors;
    if (errs) {
      console.error(
        `${errs} errors during the runs (nginx ${nginx.errors}, manifest ${stat.errors}, /update.json ${update.errors}, load ${mix.errors})`,
      );
      process.exitCode = 1;
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
