// Helpers of the trust tests: demo keys, quick key pairs, edits of a temp store, check runs.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkStore } from '../../src/index.js';
import type { Diagnostic } from '../../src/errors/index.js';
import { createCaCertificate, createCsr, generateRsaKey, issueCertificate, readCsr } from '../../src/verify/index.js';
import { fixture, repoRoot, runCli } from '../helpers.js';

/** A demo key of the example store (demo-keys/<name>.key). */
export const demoKey = (name: string): string => readFileSync(path.join(repoRoot, 'demo-keys', `${name}.key`), 'utf8');
/** The CA certificate of the demo CA key, as the scenario stores hold it. */
export const demoCa = (): string => readFileSync(fixture('signed-bundle/store/trust/ca.crt'), 'utf8');

/** A 2048-bit key pair (4096 is the default of the commands, but slow for tests). */
export const quickKey = (): string => generateRsaKey(2048).privateKey;

/** A CA (key + root) for tests. */
export function makeCa(cn = 'Other CA'): { key: string; cert: string } {
  const key = quickKey();
  return { key, cert: createCaCertificate(key, { cn, days: 365 }) };
}

/** An app certificate for `cn` and `appKey`, issued by `ca` (the demo CA by default). */
export function issue(cn: string, appKey: string, ca = { key: demoKey('ca'), cert: demoCa() }, days = 365, now?: Date): string {
  return issueCertificate(readCsr(createCsr(cn, appKey), `${cn}.csr`), { caCertPem: ca.cert, caKeyPem: ca.key, days, now });
}

/** Edits a file of a temp folder in place. */
export function edit(dir: string, rel: string, change: (text: string) => string): void {
  const file = path.join(dir, rel);
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

/** Replaces the `signature:` value of the n-th signature line (0-based) of a YAML file. */
export function setSignature(dir: string, rel: string, value: string, nth = 0): void {
  edit(dir, rel, (text) => {
    let i = -1;
    return text.replace(/^(\s*signature: ).*$/gm, (line, head: string) => (++i === nth ? `${head}${value}` : line));
  });
}

/** The `signature:` value of the n-th signature line of a YAML file. */
export function getSignature(dir: string, rel: string, nth = 0): string {
  return [...readFileSync(path.join(dir, rel), 'utf8').matchAll(/^\s*signature: (.*)$/gm)][nth]![1]!;
}

/** `appshelf check --format json` in `dir`: exit code and diagnostics. */
export async function check(dir: string): Promise<{ code: number; diagnostics: Diagnostic[] }> {
  const run = await runCli(['check', '--store', 'store', '--format', 'json'], dir);
  return { code: run.code, diagnostics: JSON.parse(run.stdout).diagnostics as Diagnostic[] };
}

/** checkStore on `dir/store` with the cache inside the temp folder. */
export async function checkAt(dir: string, now?: Date) {
  const prev = process.cwd();
  process.chdir(dir);
  try {
    return await checkStore({ storeDir: 'store', now });
  } finally {
    process.chdir(prev);
  }
}

/** The real openssl binary. */
export const openssl = (args: string[], input?: string | Buffer, cwd?: string): Buffer =>
  execFileSync('/usr/bin/openssl', args, { input, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
