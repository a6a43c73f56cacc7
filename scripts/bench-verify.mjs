#!/usr/bin/env node
// Signature verification: 10,000 signed small archives (RSA-4096, RSA-SHA512), verified cold
// (no cache, worker threads across the cores), cold in one thread, and warm (from the cache),
// through verifyStore — compared with `openssl speed -seconds 3 rsa4096` on the same machine.
//
//   npm run bench -- verify          (or: npm run build:lib && node scripts/bench-verify.mjs)
//
// The signed fixture is made once in the OS temp folder (signing 10,000 archives with a 4096-bit
// key takes ~25 s on 2 cores) and reused by later runs; delete it to start over.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadStore, resolveStore, validateDocs, verifyStore } from '../lib/index.js';
import { createCaCertificate, createCsr, generateRsaKey, issueCertificate, readCsr, signData } from '../lib/verify/index.js';

const RELEASES = 1000;
const PER_RELEASE = 10;
const TOTAL = RELEASES * PER_RELEASE;
const root = path.join(tmpdir(), `appshelf-bench-verify-${TOTAL}`);
const store = path.join(root, 'store');
const app = path.join(store, 'apps', 'bench');

const archiveBytes = (i) => Buffer.from(`bench archive ${i}\n`.repeat(8 + (i % 50)));

/** Signs every archive in worker threads (the fixture only; verification is what is measured). */
async function signAll(keyPem) {
  const threads = availableParallelism();
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { sign, createPrivateKey } = require('node:crypto');
    const key = createPrivateKey(workerData.key);
    const out = [];
    for (let i = workerData.from; i < workerData.to; i++) {
      const bytes = Buffer.from(\`bench archive \${i}\\n\`.repeat(8 + (i % 50)));
      out.push(sign('sha512', bytes, key).toString('base64'));
    }
    parentPort.postMessage(out);`;
  const per = Math.ceil(TOTAL / threads);
  const parts = await Promise.all(
    Array.from(
      { length: threads },
      (_, t) =>
        new Promise((resolve, reject) => {
          const w = new Worker(code, { eval: true, workerData: { key: keyPem, from: t * per, to: Math.min(TOTAL, (t + 1) * per) } });
          w.once('message', (m) => {
            resolve(m);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
  return parts.flat();
}

async function makeFixture() {
  if (existsSync(path.join(root, 'done'))) return;
  rmSync(root, { recursive: true, force: true });
  const t0 = performance.now();
  const ca = generateRsaKey(4096).privateKey;
  const key = generateRsaKey(4096).privateKey;
  mkdirSync(path.join(store, 'trust'), { recursive: true });
  mkdirSync(path.join(app, 'files'), { recursive: true });
  mkdirSync(path.join(app, 'releases'), { recursive: true });
  const caCert = createCaCertificate(ca, { cn: 'bench CA', days: 3650 });
  writeFileSync(path.join(store, 'trust', 'ca.crt'), caCert);
  writeFileSync(
    path.join(app, 'bench.crt'),
    issueCertificate(readCsr(createCsr('bench', key), 'bench.csr'), { caCertPem: caCert, caKeyPem: ca, days: 3650 }),
  );
  writeFileSync(path.join(store, 'store.yaml'), 'name: bench\nchannels:\n  - name: stable\ntrust:\n  ca: trust/ca.crt\n');
  writeFileSync(path.join(app, 'app.yaml'), `id: bench\nname: Bench\ncertificate: bench.crt\nsignature: ${signData('bench', key)}\n`);
  const signatures = await signAll(key);
  for (let r = 0; r < RELEASES; r++) {
    const lines = [`version: 1.0.${r}`, 'channels: [stable]', 'entries:'];
    for (let e = 0; e < PER_RELEASE; e++) {
      const i = r * PER_RELEASE + e;
      const bytes = archiveBytes(i);
      writeFileSync(path.join(app, 'files', `a${i}.tar.gz`), bytes);
      lines.push(
        '  - os: linux',
        `    architectures: [a${e}]`,
        `    file: files/a${i}.tar.gz`,
        `    size: ${bytes.length}`,
        `    sha256: ${createHash('sha256').update(bytes).digest('hex')}`,
        `    signature: ${signatures[i]}`,
      );
    }
    writeFileSync(path.join(app, 'releases', `1.0.${r}.yaml`), lines.join('\n') + '\n');
  }
  writeFileSync(path.join(root, 'done'), '');
  console.log(`fixture: ${TOTAL} signed archives made in ${((performance.now() - t0) / 1000).toFixed(1)} s (${root})`);
}

async function time(label, fn) {
  globalThis.gc?.();
  const t0 = performance.now();
  const result = await fn();
  const s = (performance.now() - t0) / 1000;
  if (result.diagnostics.length) throw new Error(`${label}: unexpected diagnostics ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
  return s;
}

await makeFixture();
process.chdir(root);
const { store: resolved, diagnostics } = resolveStore(validateDocs(loadStore('store')));
if (!resolved || diagnostics.length) throw new Error(`fixture does not resolve: ${JSON.stringify(diagnostics.slice(0, 3))}`);
const archivePath = (e) => path.join(resolved.root, e.file);
const cacheDir = path.join(root, 'cache');

rmSync(cacheDir, { recursive: true, force: true });
const coldSingle = await time('cold, 1 thread', () => verifyStore(resolved, { archivePath, workers: 0 }));
rmSync(cacheDir, { recursive: true, force: true });
const cold = await time('cold, parallel', () => verifyStore(resolved, { archivePath, cacheDir }));
const warm = await time('warm', () => verifyStore(resolved, { archivePath, cacheDir }));
// One changed archive signature: a rebuild re-verifies just that one.
const shard = path.join(cacheDir, 'verify-cache', `${resolved.apps[0].id}.json`);
const cache = JSON.parse(readFileSync(shard, 'utf8'));
cache.verified = cache.verified.slice(1);
writeFileSync(shard, JSON.stringify(cache));
const warmOne = await time('warm, 1 changed', () => verifyStore(resolved, { archivePath, cacheDir }));

const speed = execFileSync('openssl', ['speed', '-seconds', '3', 'rsa4096'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const m = /rsa 4096 bits\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)/.exec(speed);
const opensslVerify = m ? Number(m[2]) : NaN;

const rate = (s) => Math.round(TOTAL / s).toLocaleString('en-US');
const cores = availableParallelism();
console.log(`
| run (${TOTAL.toLocaleString('en-US')} archives, RSA-4096 / SHA-512, ~0.5 KiB each) | time | archives/s |
|---|---:|---:|
| cold, 1 thread (read + sha256 + verify) | ${coldSingle.toFixed(2)} s | ${rate(coldSingle)} |
| cold, ${cores} worker threads | ${cold.toFixed(2)} s | ${rate(cold)} |
| warm (cache: stat + lookup, no read) | ${warm.toFixed(2)} s | ${rate(warm)} |
| warm, 1 signature not in the cache | ${warmOne.toFixed(2)} s | — |
| \`openssl speed -seconds 3 rsa4096\` verify, 1 core | — | ${Math.round(opensslVerify).toLocaleString('en-US')} |

Cold parallel / openssl single-core verify rate: ${(TOTAL / cold / opensslVerify).toFixed(2)}×
(theoretical ceiling with ${cores} cores ≈ ${cores}×, before reading and hashing the files).`);
