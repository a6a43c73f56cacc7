import { execFileSync } from 'node:child_process';

// Tests that spawn the real `appshelf` bin (servers, signals) need lib/ to match src/.
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/gen-validators.mjs'], { stdio: 'inherit' });
}
