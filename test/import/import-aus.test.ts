import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appIdFor, convertAus, importAus, parseAusFiles, type AusSourceFile } from '../../src/import/index.js';
import { fixture, runCli, tmpDir } from '../helpers.js';

const updates = path.join(fixture('aus-basic'), 'updates');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('importAus on an auto-update-server folder', () => {
  it('writes store.yaml, apps, releases and archives, and reports every skipped file', async () => {
    const out = path.join(tmpDir(), 'store');
    const r = await importAus(updates, out);
    expect([r.apps, r.releases, r.entries, r.store]).toEqual([5, 9, 16, out]);
    const shown = (f: string) => path.relative(updates, f);
    expect(r.diagnostics.map((d) => [d.code, shown(d.file!)])).toEqual([
      ['W_AUS_HIDDEN', '.hidden.json'],
      ['W_AUS_HIDDEN', '.staging'],
      ['W_AUS_NOT_JSON', 'legacy.JSON'],
      ['W_AUS_NEVER_MATCHES', '1.6/update.json'],
      ['W_AUS_MALFORMED_JSON', 'broken.json'],
      ['W_AUS_STRING_LIST', 'text/text.json'],
      ['W_AUS_STRING_LIST', 'text/text.json'],
    ]);
    expect(r.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
    expect(r.diagnostics[3]!.message).toBe('Skipped entry 3: its appversion range is missing, so auto-update-server never offers it.');
    expect(r.diagnostics[5]!.message).toContain('`channels` is the text "beta-nightly", not a list; imported as ["beta-nightly", "beta"]');
    expect(parse(readFileSync(path.join(out, 'apps/text/releases/1.0.0.yaml'), 'utf8'))).toMatchObject({
      channels: ['beta-nightly', 'beta'],
      entries: [{ architectures: ['x86-64', 'x86'] }],
    });

    expect(parse(readFileSync(path.join(out, 'store.yaml'), 'utf8'))).toEqual({
      name: 'Imported from auto-update-server',
      description: expect.stringMatching(/^Imported from .*aus-basic\/updates\.$/),
      channels: [{ name: 'release' }, { name: 'beta' }, { name: 'dev' }, { name: 'beta-nightly' }],
      includeMoreMature: false,
      trust: { signatures: 'optional' },
    });
    expect(parse(readFileSync(path.join(out, 'apps/myapp/app.yaml'), 'utf8'))).toEqual({
      id: 'myapp',
      name: 'MyApp',
      updateName: 'MyApp',
      summary: 'MyApp, imported from auto-update-server.',
    });
    expect(readdirSync(path.join(out, 'apps/myapp/releases')).sort()).toEqual(['1.4.0.yaml', '1.5.0-300.yaml', '1.6.0.yaml', '2.0.0.yaml']);
    const rel = parse(readFileSync(path.join(out, 'apps/myapp/releases/1.5.0-300.yaml'), 'utf8'));
    const osx = path.join(updates, 'MyApp-1.5.0-300/MyApp-1.5.0-300-osx.tar.gz');
    expect(rel).toMatchObject({ version: '1.5.0-300', channels: ['release'], rollout: { release: 25 } });
    expect(rel.entries[0]).toEqual({
      os: 'osx',
      architectures: ['x86-64'],
      osversion: ' >= 10.6 ',
      appversion: '*',
      format: 'gz',
      file: 'files/1.5.0-300/MyApp-1.5.0-300-osx.tar.gz',
      size: readFileSync(osx).byteLength,
      sha256: sha(osx),
    });
    expect(readFileSync(path.join(out, 'apps/myapp/files/1.5.0-300/MyApp-1.5.0-300-osx.tar.gz')).equals(readFileSync(osx))).toBe(true);
    // "2" completed to 2.0.0, "50" read as 50, the format taken from the extension
    expect(parse(readFileSync(path.join(out, 'apps/myapp/releases/2.0.0.yaml'), 'utf8'))).toMatchObject({
      version: '2.0.0',
      channels: ['dev'],
      rollout: { dev: 50 },
      entries: [{ os: 'windows', format: 'zip', osversion: '<6.1' }],
    });
    // percentage 0 means 100 (no rollout key); the entry's own app/version/channels are overwritten
    const beta = parse(readFileSync(path.join(out, 'apps/myapp/releases/1.6.0.yaml'), 'utf8'));
    expect([beta.channels, beta.rollout, beta.entries.length]).toEqual([['beta'], undefined, 2]);
    // A store version is exact semver; /update answers keep the spelling the reference server gave.
    const other = parse(readFileSync(path.join(out, 'apps/other/releases/2.3.0.yaml'), 'utf8'));
    expect([other.version, other.updateVersion]).toEqual(['2.3.0', 'v2.3.0']);
  });

  it('runs as `appshelf import aus`, refuses a non-empty target, and fails when nothing is importable', async () => {
    const cwd = tmpDir();
    const ok = await runCli(['import', 'aus', updates, '--store', 'imported'], cwd);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('✓ imported 5 app(s), 9 release(s), 16 file(s) into imported/ (0 errors, 7 warnings)');
    expect(ok.stderr).toContain('warning W_AUS_MALFORMED_JSON: Skipped: not valid JSON');
    const again = await runCli(['import', 'aus', updates, '--store', 'imported'], cwd);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error E_AUS_TARGET_EXISTS: imported already exists and is not empty');
    mkdirSync(path.join(cwd, 'bad'));
    writeFileSync(path.join(cwd, 'bad', 'x.json'), '{"app":"A","version":"1.0.0.1","channels":["release"],"path":"a.zip"}');
    const none = await runCli(['import', 'aus', 'bad', '--store', 'nothing'], cwd);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('bad/x.json: warning W_AUS_INVALID_VERSION: Skipped: version "1.0.0.1" is not a semantic version');
    expect(none.stderr).toContain('error E_AUS_NOTHING_IMPORTED: No update in bad could be imported.');
    expect(existsSync(path.join(cwd, 'nothing'))).toBe(false);
    expect((await runCli(['import', 'aus', 'missing'], cwd)).stderr).toContain(
      'error E_AUS_DIR_MISSING: missing does not exist or is not a folder.',
    );
    expect((await runCli(['import', 'aus'], cwd)).code).toBe(2);
  });
});

describe('parseAusFiles and convertAus (pure)', () => {
  const file = (name: string, data: unknown): AusSourceFile => ({
    file: name,
    abs: `/u/${name}`,
    text: typeof data === 'string' ? data : JSON.stringify(data),
    mtime: new Date('2024-05-01T10:00:00Z'),
  });
  const entry = (extra: Record<string, unknown> = {}) => ({
    os: 'osx',
    architectures: ['x86-64'],
    osversion: '*',
    appversion: '*',
    path: 'a.tar.gz',
    ...extra,
  });
  const facts = (...names: string[]) => new Map(names.map((n) => [`/u/${n}`, { size: 1, sha256: 'f'.repeat(64) }]));
  const codes = (list: { code: string }[]) => list.map((d) => d.code);

  it('reports what the reference server would crash on or never serve', () => {
    const r = parseAusFiles([
      file('bom.json', `\uFEFF${JSON.stringify({ app: 'A', version: '1.0.0', channels: ['release'], ...entry() })}`),
      file('no-path.json', { app: 'A', version: '1.0.0', channels: ['release'], ...entry({ path: undefined }) }),
      file('no-version.json', { app: 'A', channels: ['release'], ...entry() }),
      file('bad-version.json', { app: 'A', version: ' 1.0.0', channels: ['release'], ...entry() }),
      file('no-channels.json', { app: 'A', version: '1.0.0', ...entry() }),
      file('upper-os.json', { app: 'A', version: '1.0.0', channels: ['release'], ...entry({ os: 'Windows' }) }),
      file('bad-range.json', { app: 'A', version: '1.0.0', channels: ['release'], ...entry({ osversion: '>= banana' }) }),
      file('array.json', [1, 2]),
      file('entries.json', { app: 'A', version: '1.0.0', channels: ['release'], entries: [3, entry({ percentage: 150 })] }),
      file('text-lists.json', { app: 'A', version: '1.0.1', channels: 'release', ...entry({ architectures: 'x86-64' }) }),
    ]);
    expect(r.entries.map((e) => [e.file, e.version, e.percentage])).toEqual([
      ['bom.json', '1.0.0', 100],
      ['entries.json', '1.0.0', 100],
      ['text-lists.json', '1.0.1', 100],
    ]);
    // Text is widened to the names clients send that are part of it (x86 is part of "x86-64").
    expect(r.entries[2]).toMatchObject({ channels: ['release'], architectures: ['x86-64', 'x86'] });
    expect(r.diagnostics.map((d) => `${d.file} ${d.code}`)).toEqual([
      'no-path.json W_AUS_MISSING_FIELD',
      'no-version.json W_AUS_MISSING_FIELD',
      'bad-version.json W_AUS_INVALID_VERSION',
      'no-channels.json W_AUS_MISSING_FIELD',
      'upper-os.json W_AUS_UNSUPPORTED_VALUE',
      'bad-range.json W_AUS_NEVER_MATCHES',
      'array.json W_AUS_MALFORMED_JSON',
      'entries.json W_AUS_MALFORMED_JSON',
      'entries.json W_AUS_PERCENTAGE',
      'text-lists.json W_AUS_STRING_LIST',
      'text-lists.json W_AUS_STRING_LIST',
    ]);
    expect(r.diagnostics[0]!.message).toBe('Skipped the update: `path` is missing or not text (auto-update-server crashes on it).');
  });

  it("merges one version from several files, keeping one file per platform and each entry's channels and percentage", () => {
    const { entries } = parseAusFiles([
      file('osx.json', { app: 'My App!', version: '1.2.0', channels: ['release'], entries: [entry({ percentage: 50 })] }),
      file('win.json', {
        app: 'My App!',
        version: '1.2.0+b7',
        channels: ['beta'],
        entries: [entry({ os: 'windows', path: 'w.zip' }), entry({ path: 'other.tar.gz' })],
      }),
    ]);
    const r = convertAus(entries, facts('a.tar.gz', 'w.zip', 'other.tar.gz'));
    expect(codes(r.diagnostics)).toEqual(['W_AUS_MERGED', 'W_AUS_DUPLICATE_PLATFORM']);
    expect(r.diagnostics[1]!.message).toBe(
      "Skipped entry 2: My App! 1.2.0 already has a osx/x86-64/gz file (from osx.json entry 1) whose osversion and appversion ranges overlap this one's; appshelf keeps several files of one format per platform only when no client fits two of them.",
    );
    expect([...r.files.keys()].sort()).toEqual([
      'apps/my_app/app.yaml',
      'apps/my_app/files/1.2.0/a.tar.gz',
      'apps/my_app/files/1.2.0/w.zip',
      'apps/my_app/releases/1.2.0.yaml',
      'store.yaml',
    ]);
    const rel = parse(r.files.get('apps/my_app/releases/1.2.0.yaml') as string);
    // osx is on release at 50 %, windows on beta only: each keeps exactly that.
    expect(rel).toMatchObject({
      version: '1.2.0',
      channels: ['release', 'beta'],
      date: '2024-05-01T10:00:00.000Z',
      rollout: { release: 50 },
    });
    expect(rel.platformRollout).toEqual([
      { channel: 'release', os: 'windows', percent: 0 },
      { channel: 'beta', os: 'osx', percent: 0 },
    ]);
    expect(rel.entries.map((e: { os: string }) => e.os)).toEqual(['osx', 'windows']);
    expect(parse(r.files.get('apps/my_app/app.yaml') as string)).toMatchObject({ id: 'my_app', name: 'My App!', updateName: 'My App!' });
  });

  it('keeps several files of one format told apart by osversion ranges, each with its percentage, and skips only overlapping ones', () => {
    const { entries } = parseAusFiles([
      file('win.json', {
        app: 'W',
        version: '1.0.0',
        channels: ['release'],
        entries: [
          entry({ os: 'windows', osversion: '<6.2', path: 'w7.zip', percentage: 10 }),
          entry({ os: 'windows', osversion: '>=6.2', path: 'w10.zip' }),
          entry({ os: 'windows', osversion: '>=10.0', path: 'w11.zip' }),
        ],
      }),
    ]);
    const r = convertAus(entries, facts('w7.zip', 'w10.zip', 'w11.zip'));
    expect(codes(r.diagnostics)).toEqual(['W_AUS_DUPLICATE_PLATFORM']);
    const rel = parse(r.files.get('apps/w/releases/1.0.0.yaml') as string);
    // Each zip keeps its percentage: the XP one by an override naming its ranges.
    expect([rel.rollout, rel.platformRollout]).toEqual([
      undefined,
      [{ channel: 'release', os: 'windows', architecture: 'x86-64', format: 'zip', osversion: '<6.2', appversion: '*', percent: 10 }],
    ]);
    expect(rel.entries.map((e: { osversion: string; file: string }) => `${e.osversion} ${e.file}`)).toEqual([
      '<6.2 files/1.0.0/w7.zip',
      '>=6.2 files/1.0.0/w10.zip',
    ]);
  });

  it('leaves out entries whose archive is missing, and derives valid app ids', () => {
    const { entries } = parseAusFiles([file('x.json', { app: 'X', version: '1.0.0', channels: ['release'], ...entry() })]);
    const r = convertAus(entries, new Map());
    expect(codes(r.diagnostics)).toEqual(['W_AUS_MISSING_ARCHIVE']);
    expect(r.entries).toBe(0);
    expect(['MyApp', '7zip', 'Über-App', '__', 'a.b.c'].map(appIdFor)).toEqual(['myapp', 'app_7zip', 'ber_app', 'app', 'a_b_c']);
  });
});
