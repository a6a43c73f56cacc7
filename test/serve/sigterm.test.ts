import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tmpDir } from '../helpers.js';
import { load, request } from './_http.js';

describe('appshelf serve (the real bin)', () => {
  it('finishes requests in flight on SIGTERM, refuses new ones, and exits 0', async () => {
    const site = tmpDir();
    const big = randomBytes(24 * 1024 * 1024);
    mkdirSync(path.join(site, 'files', 'big', '1.0.0'), { recursive: true });
    writeFileSync(path.join(site, 'files', 'big', '1.0.0', 'big.bin'), big);
    writeFileSync(path.join(site, 'hello.json'), '{"hello":"world"}\n');
    const child = spawn(process.execPath, [path.join(repoRoot, 'lib/cli/main.js'), 'serve', '--dir', site, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', () => reject(new Error(`server exited: ${stderr}`)));
    });

    // Load that keeps running through the signal, plus three slow downloads still in flight then.
    const stop = { now: false };
    const running = load(port, { connections: 20, seconds: 30, paths: ['/hello.json'], stop });
    const downloads = Array.from(
      { length: 3 },
      () =>
        new Promise<{ status: number; bytes: number; res: http.IncomingMessage }>((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port, path: '/files/big/1.0.0/big.bin' }, (res) => {
              res.pause();
              resolve({ status: res.statusCode!, bytes: 0, res });
            })
            .on('error', reject);
        }),
    );
    const started = await Promise.all(downloads);
    await new Promise((r) => setTimeout(r, 300));

    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await expect(request(port, '/hello.json')).rejects.toThrow(/ECONNREFUSED/);
    stop.now = true;
    const loaded = await running;
    // Every answer was complete and 200; after the signal, only connections are refused or closed.
    expect(loaded.badAnswers).toBe(0);
    expect(loaded.errors.filter((e) => !/ECONNREFUSED|ECONNRESET|socket hang up/.test(e))).toEqual([]);
    expect(loaded.requests).toBeGreaterThan(100);

    const received = await Promise.all(
      started.map(
        ({ res }) =>
          new Promise<number>((resolve, reject) => {
            let n = 0;
            res.on('data', (c: Buffer) => (n += c.byteLength));
            res.on('end', () => resolve(n));
            res.on('error', reject);
            res.resume();
          }),
      ),
    );
    expect(started.map((s) => s.status)).toEqual([200, 200, 200]);
    expect(received).toEqual([big.byteLength, big.byteLength, big.byteLength]);
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGTERM: finishing requests in flight, then stopping');
  }, 60_000);
});
