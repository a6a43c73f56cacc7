// Helpers shared by the serve benchmarks (bench-serve.mjs, bench-serve-scale.mjs): the tools they
// need, free ports and the nginx they are compared with.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Installs nginx and wrk with apt-get when missing (as root); false, with a note, when they cannot be had. */
export function ensureTools() {
  const missing = ['nginx', 'wrk'].filter((c) => !has(c));
  if (!missing.length) return true;
  const root = process.getuid?.() === 0;
  if (has('apt-get') && root) {
    console.error(`installing ${missing.join(' ')} with apt-get …`);
    const r = spawnSync(
      'sh',
      [
        '-c',
        `apt-get install -y ${missing.join(' ')} >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y ${missing.join(' ')} >/dev/null 2>&1)`,
      ],
      { stdio: 'inherit' },
    );
    if (r.status === 0 && missing.every(has)) return true;
  }
  console.log(
    `_skipped: ${missing.join(' and ')} not found and could not be installed (${root ? 'apt-get failed' : 'not root'}); install them (Debian: apt-get install nginx wrk) and run again._`,
  );
  return false;
}

/** A free TCP port on 127.0.0.1. */
export const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** nginx with one worker serving `dist` on `port`, configured for a fair comparison (keep-alive, sendfile). */
export function startNginx(tmp, dist, port) {
  const conf = path.join(tmp, 'nginx.conf');
  // As root, the worker keeps root's rights: a store made by BENCH_STORE_DIR may not be readable by `nobody`.
  writeFileSync(
    conf,
    `daemon off;
${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
pid ${tmp}/nginx.pid;
error_log ${tmp}/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/json;
  client_body_temp_path ${tmp}/body; proxy_temp_path ${tmp}/proxy; fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi; scgi_temp_path ${tmp}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${dist};
    location / { try_files $uri =404; }
  }
}
`,
  );
  return spawn('nginx', ['-p', tmp, '-c', conf, '-e', path.join(tmp, 'nginx-error.log')], { stdio: 'ignore' });
}
