import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
// @ts-expect-error: a script without types
import { srcHash, stampFile } from '../scripts/_src-hash.mjs';

// Tests that spawn the real `appshelf` bin (servers, signals) need lib/ to match src/. On a fresh
// clone `npm ci` has just compiled it (prepare); compiling again would cost ~15 s of every run.
export default function setup(): void {
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === srcHash()) return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/gen-validators.mjs'], { stdio: 'inherit' });
}
