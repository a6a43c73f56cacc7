#!/usr/bin/env node
// `npm run bench [-- NAME…]`: runs scripts/bench-<name>.mjs one after another (all by default).
// Each benchmark is bounded in time and prints a markdown section to paste into BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const dir = new URL('./', import.meta.url);
const wanted = process.argv.slice(2);
const all = readdirSync(dir)
  .filter((f) => /^bench-.+\.mjs$/.test(f))
  .sort();
const run = wanted.length ? all.filter((f) => wanted.some((w) => f === `bench-${w}.mjs`)) : all;
if (!run.length) {
  console.error(`No benchmark matches ${wanted.join(', ')}; available: ${all.map((f) => f.slice(6, -4)).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const f of run) {
  console.log(`\n## ${f}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', new URL(f, dir).pathname], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
