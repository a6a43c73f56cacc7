#!/usr/bin/env node
// `appshelf deploy` of the 1,000-app store to a local S3 server (s3rver, in its own process):
// cold, nothing changed, one release changed and next day. Two measures per case:
// - real uploads of a slice of the site (the site's real files plus the objects of the first
//   BENCH_DEPLOY_APPS apps, default 20): a cold upload of all 1.3 M objects to s3rver would take
//   hours on this machine, so the slice gives the upload rate and the wall times;
// - a --dry-run plan of the whole site against an inventory that says the previous site is
//   deployed (what the bucket would get: objects and bytes, and the planning time).
// Environment: BENCH_STORE_DIR, a folder with store/ (a git checkout of scripts/gen-large-store.mjs's
// store), signing.key and .appshelf-cache/ (as the build bench leaves it; only read, never changed).
// Usage: npm run bench -- deploy   (needs lib/: npm run build:lib)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const big = process.env.BENCH_STORE_DIR;
if (!big || !existsSync(path.join(big, 'store')) || !existsSync(path.join(big, 'signing.key'))) {
  console.error('Set BENCH_STORE_DIR to a folder with store/ (git) and signing.key, e.g. the one the serve-scale bench made.');
  process.exit(2);
}
const sliceApps = Number(process.env.BENCH_DEPLOY_APPS ?? 20);
const work = mkdtempSync(path.join(process.env.BENCH_TMP ?? os.tmpdir(), 'appshelf-bench-deploy-'));
const creds = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
// The SDK's notice about its future releases (Node 22+), which appshelf's pinned version does not need.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const buildScript = `
const { buildStore } = await import(${JSON.stringify(path.join(repo, 'lib/pipeline/index.js'))});
const now = process.env.BENCH_NOW ? new Date(process.env.BENCH_NOW) : undefined;
const r = await buildStore({ storeDir: 'store', outDir: 'dist', now, env: process.env });
if (!r.ok) { console.error(JSON.stringify(r.diagnostics.filter((d) => d.severity === 'error').slice(0, 5))); process.exit(1); }
console.log(JSON.stringify({ files: r.written.files, warnings: r.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code) }));
`;
const deployScript = `
const { deploySite } = await import(${JSON.stringify(path.join(repo, 'lib/index.js'))});
const [dir, to, endpoint, dry] = process.argv.slice(2);
const r = await deploySite({ dir, to, endpoint, dryRun: dry === 'dry' });
console.log(JSON.stringify(r));
`;
const s3Script = `
const { default: S3rver } = await import(${JSON.stringify(path.join(repo, 'node_modules/s3rver/lib/s3rver.js'))});
const s = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: process.argv[2], configureBuckets: [{ name: 'bench' }] });
console.log((await s.run()).port);
`;

let server;
try {
  // A clone of the store (a release is committed to it) with a copy of the parse/verify caches.
  execFileSync('git', ['clone', '-q', big, path.join(work, 'repo')]);
  const dir = path.join(work, 'repo');
  if (existsSync(path.join(big, '.appshelf-cache')))
    cpSync(path.join(big, '.appshelf-cache'), path.join(dir, '.appshelf-cache'), { recursive: true });
  for (const [name, text] of [
    ['build.mjs', buildScript],
    ['deploy.mjs', deployScript],
    ['s3.mjs', s3Script],
  ])
    writeFileSync(path.join(work, name), text);
  const env = { ...process.env, ...creds, APPSHELF_SIGNING_KEY_FILE: path.join(big, 'signing.key') };
  const timed = (label, args, opts) => {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...args], {
      encoding: 'utf8',
      env,
      maxBuffer: 1 << 26,
      ...opts,
    });
    if (r.status !== 0) throw new Error(`${label} failed:\n${r.stderr.slice(-3000)}`);
    const [wall, rssKb] = r.stderr.trim().split('\n').pop().split(' ');
    return { out: JSON.parse(r.stdout.trim().split('\n').pop()), wall: Number(wall), rssMb: Math.round(Number(rssKb) / 1024) };
  };
  const build = (label, now) => {
    execFileSync('sync');
    const r = timed(`${label} build`, [path.join(work, 'build.mjs')], { cwd: dir, env: now ? { ...env, BENCH_NOW: now } : env });
    console.error(`${label}: build ${r.wall} s, ${r.out.files} files ${r.out.warnings.join(' ')}`);
    return r;
  };

  // s3rver 3.7.1 makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node ≥ 17) has only in its legacy provider.
  const s3 = spawn(process.execPath, ['--openssl-legacy-provider', path.join(work, 's3.mjs'), path.join(work, 's3')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  server = s3;
  const port = await new Promise((resolve, reject) => {
    s3.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    s3.once('exit', () => reject(new Error('s3rver did not start')));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deploy = (label, site, to, dry) =>
    timed(`${label} deploy`, [path.join(work, 'deploy.mjs'), site, to, endpoint, dry ? 'dry' : 'real']);

  // The slice: every real file of the site, the links of the first apps; objects shared through a link.
  const slice = () => {
    const root = path.join(work, 'slice');
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root);
    symlinkSync(path.join(dir, 'dist.objects'), path.join(root, 'dist.objects'));
    const apps = new Set(readdirSync(path.join(dir, 'dist/update')).sort().slice(0, sliceApps));
    const walk = (from, to) => {
      mkdirSync(to, { recursive: true });
      for (const name of readdirSync(from)) {
        const a = path.join(from, name);
        const st = lstatSync(a);
        if (st.isDirectory()) walk(a, path.join(to, name));
        else if (st.isSymbolicLink()) {
          if (apps.has(name.replace(/\.xml$/, ''))) symlinkSync(readlinkSync(a), path.join(to, name));
        } else linkSync(a, path.join(to, name));
      }
    };
    walk(path.join(dir, 'dist'), path.join(root, 'dist'));
    return path.join(root, 'dist');
  };

  // The whole site's plan against an inventory saying the previous build is deployed (written as a deploy would).
  const { scanSite, hashFile } = await import(path.join(repo, 'lib/deploy/_site.js'));
  const { serializeInventory, INVENTORY_KEY } = await import(path.join(repo, 'lib/deploy/inventory.js'));
  const { S3Client, PutObjectCommand } = await import(path.join(repo, 'node_modules/@aws-sdk/client-s3/dist-cjs/index.js'));
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const markDeployed = async (prefix) => {
    const site = await scanSite(path.join(dir, 'dist'));
    const files = {};
    for (const f of site.files) files[f.path] = await hashFile(f.abs, f.size, 'sha256');
    const links = Object.fromEntries(site.links.map((l) => [l.path, l.target]));
    await client.send(
      new PutObjectCommand({
        Bucket: 'bench',
        Key: `${prefix}/${INVENTORY_KEY}`,
        Body: serializeInventory({ format: 1, files, links, unreferenced: {} }),
      }),
    );
  };

  const rows = [];
  const row = (label, b, sliced, whole) => {
    rows.push({ label, build: b?.wall, sliced, whole });
    const r = sliced.out;
    console.error(
      `${label}: slice ${r.uploaded.objects} objects ${r.uploaded.bytes} B in ${sliced.wall} s; whole site ${whole.out.uploaded.objects} objects (plan ${whole.wall} s)`,
    );
  };

  const cold = build('cold');
  const coldSlice = deploy('cold', slice(), 's3://bench/slice');
  const coldWhole = deploy('cold (whole site, plan)', path.join(dir, 'dist'), 's3://bench/empty', true);
  row('cold', cold, coldSlice, coldWhole);
  await markDeployed('whole');

  const same = deploy('nothing changed', slice(), 's3://bench/slice');
  row('nothing changed', undefined, same, deploy('nothing changed (whole)', path.join(dir, 'dist'), 's3://bench/whole', true));

  // One release of the first app that has a staged rollout widens, as `appshelf rollout` would do.
  const rollout = /rollout:\n {2}(\w+): (\d+)/;
  const [app, rel] = readdirSync(path.join(dir, 'dist/update'))
    .sort()
    .slice(0, sliceApps)
    .flatMap((a) => {
      const folder = path.join(dir, 'store/apps', a, 'releases');
      const file = readdirSync(folder).find((f) => rollout.test(readFileSync(path.join(folder, f), 'utf8')));
      return file ? [[a, path.join(folder, file)]] : [];
    })[0];
  writeFileSync(
    rel,
    readFileSync(rel, 'utf8').replace(rollout, (_, ch, p) => `rollout:\n  ${ch}: ${Number(p) === 61 ? 62 : 61}`),
  );
  execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@e', 'commit', '-qam', `Widen a rollout of ${app}`], { cwd: dir });
  const one = build('one release changed');
  row(
    'one release changed',
    one,
    deploy('one release', slice(), 's3://bench/slice'),
    deploy('one release (whole)', path.join(dir, 'dist'), 's3://bench/whole', true),
  );
  await markDeployed('whole');

  const nextDay = build('next day', new Date(Date.now() + 86_400_000).toISOString());
  row(
    'next day',
    nextDay,
    deploy('next day', slice(), 's3://bench/slice'),
    deploy('next day (whole)', path.join(dir, 'dist'), 's3://bench/whole', true),
  );
  client.destroy();

  const mb = (n) => (n / 1e6).toFixed(1);
  console.log(
    `\nStore: BENCH_STORE_DIR (${readdirSync(path.join(dir, 'dist/update')).length} apps), slice of ${sliceApps} apps, ${os.cpus().length} cores, Node ${process.version}, s3rver 3.7.1 in its own process, concurrency 16\n`,
  );
  console.log(
    '| case | build s | slice: objects uploaded | slice: MB | slice: unchanged (files + links + already there) | slice: deploy wall s | slice: peak RSS MB | whole site: objects to upload | whole site: MB | whole site: plan wall s |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const s = r.sliced.out;
    const w = r.whole.out;
    console.log(
      `| ${r.label} | ${r.build ?? '–'} | ${s.uploaded.objects} | ${mb(s.uploaded.bytes)} | ${s.unchanged.files} + ${s.unchanged.links} + ${s.alreadyThere} | ${r.sliced.wall} | ${r.sliced.rssMb} | ${w.uploaded.objects} | ${mb(w.uploaded.bytes)} | ${r.whole.wall} |`,
    );
  }
} finally {
  server?.kill();
  rmSync(work, { recursive: true, force: true });
}
