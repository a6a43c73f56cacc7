import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors/index.js';
import { fixture, runCli, tmpStore } from '../helpers.js';
import { check, edit } from '../verify/_trust.js';

// Everything a store names is read through one confined reader (src/util/store-files.ts). These
// tests place a canary file beside the store and try every way of making check or build read it.

const NEWS = 'store/apps/news';
const NEWS_110 = `${NEWS}/releases/1.1.0.yaml`;
const ARCHIVE_110 = `${NEWS}/files/news-1.1.0.tar.gz`;

/** A copy of the one-app signed store (news). */
const newsStore = (): string => tmpStore({}, fixture('signed-bundle/store'));

/** A store copy with a canary file outside it, and what must never be printed about it. */
function storeWithCanary(): { dir: string; canary: string; secrets: string[] } {
  const dir = newsStore();
  const content = `CANARY-${Math.random().toString(36).slice(2)}-SECRET`;
  const canary = path.join(dir, 'canary.txt');
  writeFileSync(canary, content);
  const bytes = Buffer.from(content);
  return {
    dir,
    canary,
    secrets: [content, createHash('sha256').update(bytes).digest('hex'), `${bytes.length} bytes`, `is ${bytes.length}`],
  };
}

/** Sets one field of the first entry of news 1.1.0. */
function setEntry(dir: string, field: string, value: string | number): void {
  edit(dir, NEWS_110, (t) => t.replace(new RegExp(`^    ${field}: .*$`, 'm'), `    ${field}: ${value}`));
}

function codes(diagnostics: Diagnostic[]): string[] {
  return [...new Set(diagnostics.map((d) => d.code))].sort();
}

/** Runs check (json and text) and build; asserts no output and no built file reveals the canary. */
async function expectNothingRevealed(dir: string, secrets: string[]): Promise<Diagnostic[]> {
  const json = await runCli(['check', '--store', 'store', '--format', 'json'], dir);
  const text = await runCli(['check', '--store', 'store'], dir);
  const build = await runCli(['build', '--store', 'store', '--out', 'dist'], dir);
  for (const run of [json, text, build]) {
    expect(run.code).toBe(1);
    for (const s of secrets) expect(run.stdout + run.stderr).not.toContain(s);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
  }
  // A failed build publishes nothing: no dist/ at all here.
  expect(existsSync(path.join(dir, 'dist'))).toBe(false);
  return JSON.parse(json.stdout).diagnostics as Diagnostic[];
}

describe('symbolic links are never followed', () => {
  it('an archive linked to a file outside the store fails without its size, hash or content in any output or in dist/', async () => {
    const { dir, canary, secrets } = storeWithCanary();
    const bytes = readFileSync(canary);
    rmSync(path.join(dir, ARCHIVE_110));
    symlinkSync(canary, path.join(dir, ARCHIVE_110));
    // The attacker even "fixes" size and sha256 to the canary's: it must not matter.
    setEntry(dir, 'size', bytes.length);
    setEntry(dir, 'sha256', createHash('sha256').update(bytes).digest('hex'));
    const diagnostics = await expectNothingRevealed(dir, secrets);
    // Reported where the release names it, and as a link found in the app folder.
    expect(diagnostics.filter((d) => d.code === 'E_SYMLINK').map((d) => [d.file, d.line])).toEqual([
      [ARCHIVE_110, undefined],
      [NEWS_110, 7],
    ]);
    expect(diagnostics.find((d) => d.file === NEWS_110)?.message).toBe(
      `${ARCHIVE_110} is a symbolic link; appshelf never follows links in a store.`,
    );
  });

  it('links as app.yaml, as a release file, as an app folder, in trust/ and as store.yaml are each refused', async () => {
    const { dir, canary, secrets } = storeWithCanary();
    const outside = path.join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'app.yaml'), readFileSync(path.join(dir, `${NEWS}/app.yaml`)));
    // The scenario has one app (news, kept intact for the links below): the app.yaml link gets a folder of its own.
    mkdirSync(path.join(dir, 'store/apps/linked'));
    symlinkSync(canary, path.join(dir, 'store/apps/linked/app.yaml'));
    symlinkSync(canary, path.join(dir, `${NEWS}/releases/9.9.9.yaml`));
    symlinkSync(outside, path.join(dir, 'store/apps/evil'));
    symlinkSync(canary, path.join(dir, 'store/trust/extra.crt'));
    symlinkSync(canary, path.join(dir, `${NEWS}/files/unused.tar.gz`));
    const diagnostics = await expectNothingRevealed(dir, secrets);
    expect(
      diagnostics
        .filter((d) => d.code === 'E_SYMLINK')
        .map((d) => d.file)
        .sort(),
    ).toEqual([
      'store/apps/evil',
      'store/apps/linked/app.yaml',
      `${NEWS}/files/unused.tar.gz`,
      `${NEWS}/releases/9.9.9.yaml`,
      'store/trust/extra.crt',
    ]);

    const other = storeWithCanary();
    rmSync(path.join(other.dir, 'store/store.yaml'));
    symlinkSync(other.canary, path.join(other.dir, 'store/store.yaml'));
    const run = await runCli(['check', '--store', 'store'], other.dir);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('store/store.yaml is a symbolic link');
    for (const s of other.secrets) expect(run.stdout + run.stderr).not.toContain(s);
  });
});

describe('paths written in store files stay inside the store', () => {
  it('certificate, trust.ca and trust.revoked pointing out of the store are refused before any open', async () => {
    const { dir, secrets } = storeWithCanary();
    edit(dir, `${NEWS}/app.yaml`, (t) => t.replace(/^certificate: .*$/m, 'certificate: ../../../canary.txt'));
    edit(dir, 'store/store.yaml', (t) =>
      t.replace(/^(\s+)ca: .*$/m, `$1ca: ${path.join(dir, 'canary.txt')}`).replace(/^(\s+)revoked: .*$/m, '$1revoked: ..\\canary.txt'),
    );
    const diagnostics = await expectNothingRevealed(dir, secrets);
    const outside = diagnostics.filter((d) => d.code === 'E_PATH_OUTSIDE_STORE');
    expect(outside.map((d) => d.message.split(' "')[0]).sort()).toEqual(['certificate', 'trust.ca', 'trust.revoked']);
    expect(outside.every((d) => d.file && d.line)).toBe(true);
  });

  it('a release file: path out of the app folder, absolute or with backslashes, is refused', async () => {
    const { dir, secrets } = storeWithCanary();
    setEntry(dir, 'file', '..\\..\\..\\canary.txt');
    const diagnostics = await expectNothingRevealed(dir, secrets);
    expect(codes(diagnostics)).toContain('E_FILE_OUTSIDE');
  });
});

describe('the file system cannot surprise the check', () => {
  it('a FIFO as archive is refused at once (no hang), a folder where a file is expected has its own code', async () => {
    const dir = newsStore();
    rmSync(path.join(dir, ARCHIVE_110));
    execFileSync('mkfifo', [path.join(dir, ARCHIVE_110)]);
    mkdirSync(path.join(dir, `${NEWS}/releases/2.0.0.yaml`));
    edit(dir, `${NEWS}/app.yaml`, (t) => t.replace(/^certificate: .*$/m, 'certificate: files'));
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(diagnostics.find((d) => d.code === 'E_SPECIAL_FILE')).toMatchObject({
      file: NEWS_110,
      message: `${ARCHIVE_110} is not a regular file (a FIFO, socket or device).`,
    });
    expect(
      diagnostics
        .filter((d) => d.code === 'E_NOT_A_FILE')
        .map((d) => d.message)
        .sort(),
    ).toEqual([`${NEWS}/files is a folder where a file is expected.`, `${NEWS}/releases/2.0.0.yaml is a folder where a file is expected.`]);
  });

  it('apps/ or releases/ as a file is refused with its own code', async () => {
    const dir = newsStore();
    rmSync(path.join(dir, `${NEWS}/releases`), { recursive: true });
    writeFileSync(path.join(dir, `${NEWS}/releases`), 'not a folder\n');
    const { diagnostics } = await check(dir);
    expect(diagnostics.find((d) => d.code === 'E_NOT_A_FOLDER')?.file).toBe(`${NEWS}/releases`);

    const flat = newsStore();
    rmSync(path.join(flat, 'store/apps'), { recursive: true });
    writeFileSync(path.join(flat, 'store/apps'), '');
    expect((await check(flat)).diagnostics.map((d) => d.code)).toEqual(['E_NOT_A_FOLDER']);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable store file gives E_READ_FAILED naming it', async () => {
    const dir = newsStore();
    chmodSync(path.join(dir, NEWS_110), 0);
    const { diagnostics } = await check(dir);
    expect(diagnostics.find((d) => d.code === 'E_READ_FAILED')?.file).toBe(NEWS_110);
  });

  it('invalid UTF-8, a NUL byte and UTF-16 each get their own code and position', async () => {
    const dir = newsStore();
    const text = readFileSync(path.join(dir, NEWS_110), 'utf8');
    writeFileSync(
      path.join(dir, NEWS_110),
      Buffer.concat([Buffer.from('version: 1.1.0\nchannels: [st'), Buffer.from([0xe9]), Buffer.from('able]\n')]),
    );
    writeFileSync(path.join(dir, `${NEWS}/releases/1.0.0.yaml`), Buffer.from('version: 1.0.0\n\0\n'));
    writeFileSync(path.join(dir, `${NEWS}/app.yaml`), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    const at = (c: string) => diagnostics.filter((d) => d.code === c).map((d) => [d.file, d.line, d.column]);
    expect(at('E_FILE_ENCODING')).toEqual([[NEWS_110, 2, 14]]);
    expect(at('E_FILE_NUL')).toEqual([[`${NEWS}/releases/1.0.0.yaml`, 2, 1]]);
    expect(at('E_FILE_UTF16')).toEqual([[`${NEWS}/app.yaml`, 1, 1]]);
  });
});

describe('limits: sizes, alias bombs, nesting, long tokens', () => {
  it('a store file over the limit is refused before parsing; store.yaml can raise the limit', async () => {
    const dir = newsStore();
    const big = `version: 1.1.0\nchannels: [stable]\nchangelog: "${'x'.repeat(1024 * 1024)}"\n`;
    writeFileSync(path.join(dir, NEWS_110), big);
    const { diagnostics } = await check(dir);
    expect(diagnostics.find((d) => d.code === 'E_FILE_TOO_LARGE')).toMatchObject({
      file: NEWS_110,
      message: `${NEWS_110} is ${big.length} bytes, over the 1048576-byte limit for a store file.`,
    });
    edit(dir, 'store/store.yaml', (t) => `${t}\nlimits:\n  storeFileSize: 2097152\n`);
    expect((await check(dir)).diagnostics.map((d) => d.code)).not.toContain('E_FILE_TOO_LARGE');
  });

  it('an alias bomb, runaway nesting and a 100,000-character token give diagnostics, exit 1 and no stack trace', async () => {
    const dir = newsStore();
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    writeFileSync(path.join(dir, `${NEWS}/releases/1.0.0.yaml`), `${bomb.join('\n')}\n`);
    writeFileSync(path.join(dir, NEWS_110), `${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    writeFileSync(path.join(dir, `${NEWS}/releases/1.2.0-nightly.20260320.yaml`), `version: 1.2.0\nchannels: [${'y'.repeat(100_000)}]\n`);
    const run = await runCli(['check', '--store', 'store'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/releases\/1\.0\.0\.yaml:\d+:\d+: error E_YAML_ALIASES/);
    expect(run.stdout + run.stderr).toMatch(/releases\/1\.1\.0\.yaml:\d+:\d+: error E_YAML_TOO_DEEP/);
    expect(run.stdout + run.stderr).not.toMatch(/Maximum call stack|\n\s+at /);
    for (const line of (run.stdout + run.stderr).split('\n')) expect(line.length).toBeLessThan(600);
  });
});

describe('the catalog', () => {
  it('gives every code a hint', async () => {
    const { allErrorSpecs } = await import('../../src/errors/index.js');
    expect(allErrorSpecs.filter((s) => !s.hint).map((s) => s.code)).toEqual([]);
  });
});
