import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors/index.js';
import { exampleStore, runCli, tmpDir, tmpStore } from '../helpers.js';

// Property: whatever a pull request does to the store's files (bytes, YAML structure, names,
// links), `check` ends with exit 0 or 1, a diagnostic with a file for every error, no stack
// trace, in bounded time, and never reveals a canary file placed beside the store.
// `npm test` runs a short budget; APPSHELF_FUZZ_RUNS=500 npm test -- test/load/fuzz runs a long one.

const RUNS = Number(process.env.APPSHELF_FUZZ_RUNS ?? 12);
const CANARY = `canary-${'c'.repeat(1300)}-end`;
const CANARY_SHA = createHash('sha256').update(CANARY).digest('hex');

let base: string;
let files: string[];

/** Every file of the store, store-relative. */
function listFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(dir, r) : [r];
  });
}

const NASTY = [
  '*a',
  '&a [*a,*a,*a]',
  '[',
  '{',
  '\0',
  '\uFFFF',
  '\udc00',
  '../../../canary.txt',
  '/etc/passwd',
  '!!binary AAAA',
  'x'.repeat(5000),
  '---\n',
  '\t',
  ': :',
  '? ',
  'version: 1.0',
  'os: x64',
  'file: ../../../canary.txt',
  'certificate: ../../canary.txt',
  '<<: *a',
  '"\\u0000"',
  '- - - - -',
];

type Mutation =
  | { kind: 'bytes'; file: number; at: number; bytes: Uint8Array }
  | { kind: 'insert'; file: number; at: number; text: string }
  | { kind: 'truncate'; file: number; at: number }
  | { kind: 'link'; file: number }
  | { kind: 'folder'; file: number }
  | { kind: 'remove'; file: number }
  | { kind: 'rename'; file: number; name: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('bytes' as const), file: fc.nat(), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    file: fc.nat(),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 40 })),
  }),
  fc.record({ kind: fc.constant('truncate' as const), file: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('link' as const), file: fc.nat() }),
  fc.record({ kind: fc.constant('folder' as const), file: fc.nat() }),
  fc.record({ kind: fc.constant('remove' as const), file: fc.nat() }),
  fc.record({
    kind: fc.constant('rename' as const),
    file: fc.nat(),
    name: fc.constantFrom('v1.0.0.yaml', '1.0.yaml', 'app.yml', '.hidden.yaml', 'x.txt', 'UPPER.yaml'),
  }),
);

function apply(dir: string, m: Mutation): void {
  const rel = files[m.file % files.length]!;
  const abs = path.join(dir, 'store', rel);
  let st;
  try {
    st = statSync(abs);
  } catch {
    return; // removed by an earlier mutation
  }
  if (!st.isFile()) return;
  const bytes = readFileSync(abs);
  const at = (n: number) => (bytes.length ? n % (bytes.length + 1) : 0);
  switch (m.kind) {
    case 'bytes':
      return writeFileSync(abs, Buffer.concat([bytes.subarray(0, at(m.at)), m.bytes, bytes.subarray(at(m.at) + m.bytes.length)]));
    case 'insert':
      return writeFileSync(abs, Buffer.concat([bytes.subarray(0, at(m.at)), Buffer.from(m.text), bytes.subarray(at(m.at))]));
    case 'truncate':
      return writeFileSync(abs, bytes.subarray(0, at(m.at)));
    case 'link':
      rmSync(abs);
      return symlinkSync(path.join(dir, 'canary.txt'), abs);
    case 'folder':
      rmSync(abs);
      return void mkdirSync(abs);
    case 'remove':
      return rmSync(abs);
    case 'rename':
      return cpSync(abs, path.join(path.dirname(abs), m.name));
  }
}

describe('check survives any mutation of the store', () => {
  beforeAll(() => {
    // The whole example store, not a scenario: it holds every kind of file a store has (bundle,
    // desktop, docker and locked apps, images, certificates, trust/), each one a mutation target.
    base = tmpStore({}, exampleStore);
    files = listFiles(path.join(base, 'store')).sort();
  });

  it(`ends with exit 0 or 1, diagnostics with files, no stack trace and nothing of the canary (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const dir = tmpDir();
        cpSync(path.join(base, 'store'), path.join(dir, 'store'), { recursive: true });
        writeFileSync(path.join(dir, 'canary.txt'), CANARY);
        for (const m of mutations) apply(dir, m);
        const started = Date.now();
        const run = await runCli(['check', '--store', 'store', '--format', 'json'], dir);
        const output = run.stdout + run.stderr;
        expect([0, 1]).toContain(run.code);
        expect(output).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/);
        expect(output).not.toContain('canary-ccc');
        expect(output).not.toContain(CANARY_SHA);
        expect(output).not.toContain(`${CANARY.length} bytes`);
        const diagnostics = JSON.parse(run.stdout).diagnostics as Diagnostic[];
        if (run.code === 1) expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
        for (const d of diagnostics) expect(d.file, JSON.stringify(d)).toBeTruthy();
        // Not a speed test: a hang or a blow-up would take far longer.
        expect(Date.now() - started).toBeLessThan(20_000);
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: RUNS, seed: process.env.APPSHELF_FUZZ_SEED ? Number(process.env.APPSHELF_FUZZ_SEED) : undefined },
    );
    expect(process.memoryUsage().rss).toBeLessThan(2 * 1024 ** 3);
  }, 600_000);
});
