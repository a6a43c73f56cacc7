import { describe, expect, it } from 'vitest';
import { checkStore } from '../../src/index.js';
import { fixture, runCli, tmpStore } from '../helpers.js';

const minimal = `${fixture('minimal')}/store`;

/** Checks a copy of the minimal store with some files replaced; returns the diagnostics. */
async function diagnosticsOf(files: Record<string, string>) {
  const dir = tmpStore(files, minimal);
  const prev = process.cwd();
  process.chdir(dir);
  try {
    return (await checkStore({ storeDir: 'store' })).diagnostics.map(({ hint: _hint, ...d }) => d);
  } finally {
    process.chdir(prev);
  }
}

const release = (body: string) => `version: 1.1.0\nchannels: [stable]\n${body}`;

describe('the store rules', () => {
  it('accepts the minimal store', async () => {
    expect(await diagnosticsOf({})).toEqual([]);
  });

  it('reports a YAML syntax error with its position', async () => {
    expect(await diagnosticsOf({ 'store/apps/hello/app.yaml': 'id: hello\nname: "Hello\n' })).toEqual([
      {
        code: 'E_YAML_SYNTAX',
        severity: 'error',
        file: 'store/apps/hello/app.yaml',
        line: 3,
        column: 1,
        message: 'YAML syntax error: Missing closing "quote',
      },
    ]);
  });

  it('reports a JSON syntax error in a .json release', async () => {
    const d = await diagnosticsOf({ 'store/apps/hello/releases/1.2.0.json': '{"version": "1.2.0",\n "channels": [\n' });
    expect(d).toEqual([
      {
        code: 'E_JSON_SYNTAX',
        severity: 'error',
        file: 'store/apps/hello/releases/1.2.0.json',
        line: 3,
        column: 1,
        message: 'JSON syntax error: Unexpected end of JSON input',
      },
    ]);
  });

  it('rejects an unknown key and suggests the closest known one', async () => {
    expect(await diagnosticsOf({ 'store/apps/hello/app.yaml': 'id: hello\nname: Hello\nsumary: typo\n' })).toEqual([
      {
        code: 'E_SCHEMA_UNKNOWN_KEY',
        severity: 'error',
        file: 'store/apps/hello/app.yaml',
        line: 3,
        column: 1,
        message: 'Unknown key "sumary". Did you mean "summary"?',
      },
    ]);
  });

  it('rejects an unknown key inside an entry, pointing at the key', async () => {
    const d = await diagnosticsOf({
      'store/apps/hello/releases/1.1.0.yaml': release(
        'entries:\n  - os: linux\n    architectures: [x86-64]\n    file: files/hello-1.1.0.txt\n    size: 12\n    sha256: 53068fc4193d2e6bab6ca7fdebef4cfa898dae77dc544440a51129a51c671446\n    checksum: abc\n',
      ),
    });
    expect(d).toEqual([
      {
        code: 'E_SCHEMA_UNKNOWN_KEY',
        severity: 'error',
        file: 'store/apps/hello/releases/1.1.0.yaml',
        line: 9,
        column: 5,
        message: 'Unknown key "checksum" in entries[0].',
      },
    ]);
  });

  it('reports a missing required key and a wrong type', async () => {
    expect(await diagnosticsOf({ 'store/apps/hello/app.yaml': 'id: hello\nlocked: "yes"\n' })).toEqual([
      {
        code: 'E_SCHEMA_REQUIRED',
        severity: 'error',
        file: 'store/apps/hello/app.yaml',
        line: 1,
        column: 1,
        message: 'Missing required key "name".',
      },
      {
        code: 'E_SCHEMA_TYPE',
        severity: 'error',
        file: 'store/apps/hello/app.yaml',
        line: 2,
        column: 9,
        message: 'locked must be a boolean.',
      },
    ]);
  });

  it('rejects an invalid semantic version', async () => {
    expect(await diagnosticsOf({ 'store/apps/hello/releases/1.2.yaml': 'version: "1.2"\nchannels: [stable]\n' })).toEqual([
      {
        code: 'E_SEMVER',
        severity: 'error',
        file: 'store/apps/hello/releases/1.2.yaml',
        line: 1,
        column: 10,
        message: '"1.2" is not a valid semantic version.',
      },
    ]);
  });

  it('requires the file name to equal the version', async () => {
    expect(await diagnosticsOf({ 'store/apps/hello/releases/1.3.0.yaml': 'version: 1.4.0\nchannels: [stable]\n' })).toEqual([
      {
        code: 'E_VERSION_FILE',
        severity: 'error',
        file: 'store/apps/hello/releases/1.3.0.yaml',
        line: 1,
        column: 10,
        message: 'Release version "1.4.0" does not match its file name "1.3.0.yaml".',
      },
    ]);
  });

  it('requires the folder name to equal the app id', async () => {
    expect(await diagnosticsOf({ 'store/apps/hello/app.yaml': 'id: hallo\nname: Hello\n' })).toEqual([
      {
        code: 'E_APP_ID_FOLDER',
        severity: 'error',
        file: 'store/apps/hello/app.yaml',
        line: 1,
        column: 5,
        message: 'App id "hallo" does not match its folder name "hello".',
      },
    ]);
  });

  it('rejects a duplicate version (same precedence, build metadata ignored)', async () => {
    expect(await diagnosticsOf({ 'store/apps/hello/releases/1.1.0+build.7.yaml': 'version: 1.1.0+build.7\nchannels: [beta]\n' })).toEqual([
      {
        code: 'E_VERSION_DUPLICATE',
        severity: 'error',
        file: 'store/apps/hello/releases/1.1.0.yaml',
        line: 1,
        column: 10,
        message: 'Version 1.1.0 is already defined by releases/1.1.0+build.7.yaml.',
      },
    ]);
  });

  it('rejects a channel that store.yaml does not define', async () => {
    expect(await diagnosticsOf({ 'store/apps/hello/releases/1.2.0.yaml': 'version: 1.2.0\nchannels: [stable, edge]\n' })).toEqual([
      {
        code: 'E_CHANNEL_UNKNOWN',
        severity: 'error',
        file: 'store/apps/hello/releases/1.2.0.yaml',
        line: 2,
        column: 20,
        message: 'Channel "edge" is not defined in store.yaml (defined: stable, beta, nightly).',
      },
    ]);
  });

  it('rejects invalid osversion and appversion ranges', async () => {
    const d = await diagnosticsOf({
      'store/apps/hello/releases/1.1.0.yaml': release(
        'entries:\n  - os: linux\n    architectures: [x86-64]\n    osversion: ">= banana"\n    appversion: "1.x.y.z"\n    file: files/hello-1.1.0.txt\n    size: 12\n    sha256: 53068fc4193d2e6bab6ca7fdebef4cfa898dae77dc544440a51129a51c671446\n',
      ),
    });
    expect(d).toEqual([
      {
        code: 'E_RANGE',
        severity: 'error',
        file: 'store/apps/hello/releases/1.1.0.yaml',
        line: 6,
        column: 16,
        message: 'osversion ">= banana" is not a valid semver range.',
      },
      {
        code: 'E_RANGE',
        severity: 'error',
        file: 'store/apps/hello/releases/1.1.0.yaml',
        line: 7,
        column: 17,
        message: 'appversion "1.x.y.z" is not a valid semver range.',
      },
    ]);
  });

  it('checks pins: the version must exist and be in the channel', async () => {
    const d = await diagnosticsOf({
      'store/apps/hello/app.yaml': 'id: hello\nname: Hello\npins:\n  stable: 0.9.0\n  nightly: 1.0.0\n  edge: 1.0.0\n',
    });
    expect(d).toEqual([
      {
        code: 'E_PIN_UNKNOWN',
        severity: 'error',
        file: 'store/apps/hello/app.yaml',
        line: 4,
        column: 11,
        message: 'Channel "stable" is pinned to 0.9.0, which is not a release of this app.',
      },
      {
        code: 'E_PIN_CHANNEL',
        severity: 'error',
        file: 'store/apps/hello/app.yaml',
        line: 5,
        column: 12,
        message: 'Channel "nightly" is pinned to 1.0.0, but that release is not in channel "nightly".',
      },
      {
        code: 'E_CHANNEL_UNKNOWN',
        severity: 'error',
        file: 'store/apps/hello/app.yaml',
        line: 6,
        column: 3,
        message: 'Channel "edge" is not defined in store.yaml (defined: stable, beta, nightly).',
      },
    ]);
  });

  it('checks rollouts, nightlies, yanks and entry sources', async () => {
    const d = await diagnosticsOf({
      'store/apps/hello/releases/1.2.0.yaml':
        'version: 1.2.0\nchannels: [stable]\nnightly: true\nyanked: true\nrollout:\n  beta: 50\nentries:\n  - os: linux\n    architectures: [x86-64]\n    size: 1\n    sha256: 53068fc4193d2e6bab6ca7fdebef4cfa898dae77dc544440a51129a51c671446\n',
    });
    expect(d.map((x) => [x.code, x.line])).toEqual([
      ['E_NIGHTLY_CHANNEL', 2],
      ['E_YANK_REASON', 4],
      ['E_ROLLOUT_CHANNEL', 6],
      ['E_ENTRY_SOURCE', 8],
    ]);
  });

  it('rejects files outside the app folder', async () => {
    const d = await diagnosticsOf({
      'store/apps/hello/releases/1.1.0.yaml': release(
        'entries:\n  - os: linux\n    architectures: [x86-64]\n    file: ../other/x.txt\n    size: 12\n    sha256: 53068fc4193d2e6bab6ca7fdebef4cfa898dae77dc544440a51129a51c671446\n',
      ),
    });
    expect(d).toMatchObject([{ code: 'E_FILE_OUTSIDE', line: 6, column: 11 }]);
  });

  it('rejects a duplicate platform entry', async () => {
    const entry =
      '  - os: linux\n    architectures: [x86-64]\n    format: txt\n    file: files/hello-1.1.0.txt\n    size: 12\n    sha256: 53068fc4193d2e6bab6ca7fdebef4cfa898dae77dc544440a51129a51c671446\n';
    const d = await diagnosticsOf({ 'store/apps/hello/releases/1.1.0.yaml': release(`entries:\n${entry}${entry}`) });
    expect(d).toEqual([
      {
        code: 'E_ENTRY_DUPLICATE',
        severity: 'error',
        file: 'store/apps/hello/releases/1.1.0.yaml',
        line: 10,
        column: 5,
        message: 'Entries 1 and 2 both serve linux/x86-64 in format txt to the same clients (osversion * and *, appversion * and *).',
      },
    ]);
  });

  it('accepts several files of one format whose osversion or appversion ranges do not overlap, and names both that do', async () => {
    const entry = (range: string) =>
      `  - os: linux\n    architectures: [x86-64]\n    ${range}\n    format: txt\n    file: files/hello-1.1.0.txt\n    size: 12\n    sha256: 53068fc4193d2e6bab6ca7fdebef4cfa898dae77dc544440a51129a51c671446\n`;
    const fine = await diagnosticsOf({
      'store/apps/hello/releases/1.1.0.yaml': release(
        `entries:\n${entry('osversion: "<5.0"')}${entry('osversion: ">=5.0"')}${entry('osversion: ">=5.0"').replace('format: txt', 'format: zip')}`,
      ),
    });
    expect(fine).toEqual([]);
    const clash = await diagnosticsOf({
      'store/apps/hello/releases/1.1.0.yaml': release(`entries:\n${entry('osversion: "<5.0"')}${entry('appversion: ">=1.0.0"')}`),
    });
    expect(clash).toMatchObject([
      {
        code: 'E_ENTRY_DUPLICATE',
        message:
          'Entries 1 and 2 both serve linux/x86-64 in format txt to the same clients (osversion <5.0 and *, appversion * and >=1.0.0).',
      },
    ]);
  });

  it('reports a missing store clearly', async () => {
    const d = await diagnosticsOf({ 'store/store.yaml': '' });
    expect(d[0]).toMatchObject({ code: 'E_SCHEMA_TYPE', file: 'store/store.yaml' });
  });
});

describe('appshelf check on a store with every kind of mistake', () => {
  // A copy: check writes its cache under the working folder, which must not be the fixture's.
  const cwd = tmpStore({}, fixture('many-errors/store'));

  it('prints each problem on its own line with file, line and column, and exits 1', async () => {
    const r = await runCli(['check'], cwd);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => / error E_/.test(l));
    expect(lines).toEqual([
      'store/apps/broken/app.yaml:3:1: error E_YAML_SYNTAX: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
      'store/apps/hello/app.yaml:3:1: error E_SCHEMA_UNKNOWN_KEY: Unknown key "homepgae". Did you mean "homepage"?',
      'store/apps/hello/releases/1.0.0.yaml:1:10: error E_VERSION_DUPLICATE: Version 1.0.0 is already defined by releases/1.0.0.json.',
      'store/apps/hello/releases/1.0.0.yaml:2:20: error E_CHANNEL_UNKNOWN: Channel "candidate" is not defined in store.yaml (defined: stable, beta).',
      'store/apps/hello/releases/1.0.0.yaml:6:16: error E_RANGE: osversion ">=5.4 <<" is not a valid semver range.',
      'store/apps/hello/releases/1.2.yaml:1:10: error E_SEMVER: "1.2" is not a valid semantic version.',
      'store/apps/wrong_folder/app.yaml:1:5: error E_APP_ID_FOLDER: App id "other_app" does not match its folder name "wrong_folder".',
    ]);
    expect(r.stderr).toContain('✗ 7 errors, 0 warnings');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints GitHub workflow annotations with --format github', async () => {
    const r = await runCli(['check', '--format', 'github'], cwd);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(
      /^::error file=store\/apps\/hello\/app.yaml,line=3,col=1,title=E_SCHEMA_UNKNOWN_KEY::Unknown key "homepgae". Did you mean "homepage"\? \(Known keys here: id, name, .*homepage.*\)$/,
    );
  });

  it('prints one JSON document with --format json', async () => {
    const r = await runCli(['check', '--format', 'json'], cwd);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.errors).toBe(7);
    expect(doc.diagnostics[6]).toMatchObject({ code: 'E_APP_ID_FOLDER', file: 'store/apps/wrong_folder/app.yaml', line: 1, column: 5 });
  });
});
