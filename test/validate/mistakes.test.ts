import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors/index.js';
import { fixture, runCli, tmpStore } from '../helpers.js';
import { check, demoCa, demoKey, edit } from '../verify/_trust.js';

// Everyday mistakes that once passed silently, each refused with a hint that names the fix.

const SHELF_140 = 'store/apps/shelfnotes/releases/1.4.0.yaml';

/** A copy of a scenario store (test/fixtures/<name>/store). */
const scenario = (name: 'signed-bundle' | 'signed-desktop' | 'docker-image'): string => tmpStore({}, fixture(`${name}/store`));

const find = (diagnostics: Diagnostic[], code: string): Diagnostic[] => diagnostics.filter((d) => d.code === code);

describe('platform names', () => {
  it('refuses aliases such as x64 and darwin with the canonical word, and unknown names with the list', async () => {
    const dir = scenario('signed-desktop');
    edit(dir, SHELF_140, (t) => t.replace('x86-64', 'x64').replace('os: osx', 'os: darwin').replace('os: linux', 'os: linuks'));
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    const alias = find(diagnostics, 'E_PLATFORM_ALIAS');
    expect(alias.map((d) => d.message.split(';')[0]).sort()).toEqual([
      'architecture "x64" is another tool\'s name for "x86-64"',
      'os "darwin" is another tool\'s name for "osx"',
    ]);
    expect(alias.every((d) => d.file === SHELF_140 && d.line && d.hint?.startsWith('Write "'))).toBe(true);
    expect(find(diagnostics, 'E_PLATFORM_UNKNOWN')[0]?.message).toMatch(
      /^os "linuks" is not a name this store knows \(known: windows, osx, linux/,
    );
  });

  it('accepts a name store.yaml declares, and release add refuses an alias', async () => {
    const dir = scenario('signed-desktop');
    edit(dir, SHELF_140, (t) => t.replace('x86-64', 'x64'));
    edit(dir, 'store/store.yaml', (t) => `${t}\nplatforms:\n  architectures: [x64]\n`);
    expect(find((await check(dir)).diagnostics, 'E_PLATFORM_ALIAS')).toEqual([]);

    writeFileSync(path.join(dir, 'a.tar.gz'), 'bytes');
    const run = await runCli(
      [
        'release',
        'add',
        'shelfnotes',
        '9.0.0',
        '--file',
        'a.tar.gz',
        '--os',
        'win32',
        '--arch',
        'x86-64',
        '--channel',
        'stable',
        '--key',
        path.join(dir, '../../demo-keys/x.key'),
      ],
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('E_PLATFORM_ALIAS');
    expect(run.stderr).toContain('Write "windows"');
  });
});

describe('versions', () => {
  it('v1.0.0 is refused with the right file name; an unquoted 1.0 gets a quoting hint', async () => {
    const dir = scenario('signed-desktop');
    const text = readFileSync(path.join(dir, SHELF_140), 'utf8');
    writeFileSync(path.join(dir, 'store/apps/shelfnotes/releases/v1.4.1.yaml'), text.replace('version: 1.4.0', 'version: v1.4.1'));
    writeFileSync(path.join(dir, 'store/apps/shelfnotes/releases/1.7.yaml'), text.replace('version: 1.4.0', 'version: 1.7'));
    const { diagnostics } = await check(dir);
    expect(find(diagnostics, 'E_SEMVER')).toMatchObject([
      {
        message: '"v1.4.1" is not a valid semantic version.',
        hint: 'Write 1.4.1 (semver has no "v" or "=" prefix), and name the file releases/1.4.1.yaml.',
      },
    ]);
    expect(find(diagnostics, 'E_SCHEMA_TYPE')).toMatchObject([{ file: 'store/apps/shelfnotes/releases/1.7.yaml', line: 2 }]);
    expect(find(diagnostics, 'E_SCHEMA_TYPE')[0]!.hint).toMatch(/^YAML reads an unquoted 1\.0 or 10 as a number: put the value in quotes/);
  });

  it('release add refuses a v-prefixed version', async () => {
    const dir = scenario('docker-image');
    const run = await runCli(['release', 'add', 'cockpit', 'v3.0.0', '--channel', 'stable', '--docker-tag', '3.0.0'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Write 3.0.0');
  });
});

describe('trust', () => {
  it('accepts unquoted numeric serials in revoked.yaml and still matches the certificate', async () => {
    const dir = scenario('signed-bundle');
    const serial = execFileSync('openssl', ['x509', '-noout', '-serial', '-in', path.join(dir, 'store/apps/news/news.crt')])
      .toString()
      .trim()
      .split('=')[1]!;
    // A serial of only digits is what an unquoted YAML number would mangle.
    writeFileSync(
      path.join(dir, 'store/trust/revoked.yaml'),
      'revoked:\n  - serial: 1234567890123456789012345678901234567890\n    reason: test\n    date: 2026-01-01\n',
    );
    expect((await check(dir)).diagnostics).toEqual([]);
    writeFileSync(
      path.join(dir, 'store/trust/revoked.yaml'),
      `revoked:\n  - serial: ${serial}\n    reason: leaked\n    date: 2026-01-01\n`,
    );
    expect(find((await check(dir)).diagnostics, 'E_CERT_REVOKED')).toHaveLength(1);
  });

  it('refuses a certificate with two CNs, in check and in ca sign', async () => {
    const dir = scenario('signed-bundle');
    const key = path.join(dir, 'news.key');
    writeFileSync(key, demoKey('news'));
    writeFileSync(path.join(dir, 'ca.crt'), demoCa());
    writeFileSync(path.join(dir, 'ca.key'), demoKey('ca'));
    execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/CN=news/CN=evil', '-out', path.join(dir, 'two.csr')]);
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        path.join(dir, 'two.csr'),
        '-CA',
        path.join(dir, 'ca.crt'),
        '-CAkey',
        path.join(dir, 'ca.key'),
        '-set_serial',
        '7',
        '-days',
        '30',
        '-out',
        path.join(dir, 'store/apps/news/news.crt'),
      ],
      { stdio: 'ignore' },
    );
    expect(find((await check(dir)).diagnostics, 'E_CERT_CN_MISMATCH')[0]?.message).toBe(
      'The certificate\'s CN is "news", "evil", but the app id is "news"; it must have exactly one CN, equal to the id.',
    );

    const sign = await runCli(['ca', 'sign', 'two.csr', '--key', 'ca.key', '--force'], dir);
    expect(sign.code).toBe(1);
    expect(sign.stderr).toContain('its subject has 2 CNs ("news", "evil"); exactly one, the app id, is allowed');
  });

  it('release add refuses an unsigned entry when the store requires signatures', async () => {
    const dir = scenario('signed-desktop');
    writeFileSync(path.join(dir, 'a.tar.gz'), 'bytes');
    const run = await runCli(
      ['release', 'add', 'shelfnotes', '9.0.0', '--file', 'a.tar.gz', '--os', 'linux', '--arch', 'x86-64', '--channel', 'stable'],
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('E_AUTHOR_SIGNATURE_REQUIRED');
    expect(run.stderr).toContain('--key');
  });
});
