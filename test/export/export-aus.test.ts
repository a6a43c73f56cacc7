// import aus → export aus → import aus: the exported updates/ folder holds the same entries as the
// original (as auto-update-server would load them), and importing it again gives the same store.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportAus } from '../../src/export/index.js';
import { importAus, parseAusFiles, readAusFolder } from '../../src/import/index.js';
import { fixture, runCli, tmpDir } from '../helpers.js';

const original = path.join(fixture('aus-basic'), 'updates');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string, under = ''): string[] {
  return readdirSync(path.join(dir, under), { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? listFiles(dir, path.join(under, d.name)) : [path.join(under, d.name)]))
    .sort();
}

/**
 * What auto-update-server would serve from a folder, one row per app × version × channel ×
 * architecture × file: os, ranges, format, percentage and the archive's bytes (by hash).
 */
function served(dir: string): string[] {
  const { entries } = parseAusFiles(readAusFolder(dir, () => {}));
  return entries
    .flatMap((e) =>
      e.channels.flatMap((c) =>
        e.architectures.map((a) =>
          [e.app, e.version, c, e.os, a, e.osversion, e.appversion, e.format, e.percentage, sha(e.archive)].join(' '),
        ),
      ),
    )
    .sort();
}

let work: string;
let exported: Awaited<ReturnType<typeof exportAus>>;

beforeAll(async () => {
  work = tmpDir();
  await importAus(original, path.join(work, 'store'));
  exported = await exportAus(path.join(work, 'store'), path.join(work, 'updates'));
});

describe('appshelf export aus', () => {
  it('writes the entries auto-update-server loaded from the original folder (the ones it serves)', () => {
    expect(exported.out).toBe(path.join(work, 'updates'));
    expect([exported.apps, exported.releases, exported.entries]).toEqual([5, 9, 16]);
    expect(served(path.join(work, 'updates'))).toEqual(served(original));
  });

  it('turns per-entry percentages into entries and channel sets into files, several files of one format into entries with their ranges', () => {
    const dir = path.join(work, 'updates', 'split');
    expect(listFiles(dir)).toEqual([
      '2.0.0.1.json',
      '2.0.0.2.json',
      '2.0.0/split-2.0.0-osx.tar.gz',
      '2.0.0/split-2.0.0-win.zip',
      '2.0.0/split-2.0.0-win10.zip',
      '2.0.0/split_2.0.0_amd64.deb',
    ]);
    const beta = JSON.parse(readFileSync(path.join(dir, '2.0.0.1.json'), 'utf8'));
    const release = JSON.parse(readFileSync(path.join(dir, '2.0.0.2.json'), 'utf8'));
    expect(beta).toMatchObject({
      app: 'Split',
      version: '2.0.0',
      channels: ['beta'],
      entries: [{ os: 'linux', format: 'deb', path: '2.0.0/split_2.0.0_amd64.deb' }],
    });
    expect(
      release.entries.map((e: { osversion: string; percentage?: number; path: string }) => [e.osversion, e.percentage, e.path]),
    ).toEqual([
      ['<6.1', 10, '2.0.0/split-2.0.0-win.zip'],
      ['>=6.1', 30, '2.0.0/split-2.0.0-win10.zip'],
      ['*', 60, '2.0.0/split-2.0.0-osx.tar.gz'],
    ]);
    // The release date is the update file's date, so an import finds it again.
    expect(statSync(path.join(dir, '2.0.0.2.json')).mtime.toISOString()).toBe(statSync(path.join(dir, '2.0.0.1.json')).mtime.toISOString());
  });

  it('gives the same store when the export is imported again', async () => {
    const again = await importAus(path.join(work, 'updates'), path.join(work, 'store2'));
    expect(again.diagnostics).toEqual([]);
    const first = path.join(work, 'store');
    const second = path.join(work, 'store2');
    expect(listFiles(second)).toEqual(listFiles(first));
    // Only where the files came from differs: the comment naming them, and the store's description.
    const text = (dir: string, f: string) =>
      readFileSync(path.join(dir, f), 'utf8')
        .replace(/^# Imported from auto-update-server: .*\n/, '')
        .replace(/^description: Imported from .*\n/m, '');
    for (const f of listFiles(first)) expect(text(second, f), f).toBe(text(first, f));
  });

  it('is deterministic, halts per platform, and warns with file and line what it cannot express', async () => {
    const second = await exportAus(path.join(work, 'store'), path.join(work, 'updates-b'));
    const files = listFiles(path.join(work, 'updates'));
    expect(listFiles(path.join(work, 'updates-b'))).toEqual(files);
    for (const f of files)
      expect(readFileSync(path.join(work, 'updates-b', f)).equals(readFileSync(path.join(work, 'updates', f))), f).toBe(true);
    expect(second.diagnostics.map((d) => `${path.relative(work, d.file!)}:${d.line} ${d.code}`)).toEqual([
      'store/apps/tie/releases/3.0.0-1.yaml:2 W_EXPORT_VERSION_TIE',
    ]);

    // Halt Split 2.0.0 on osx for release: the osx entry goes, the windows ones stay at 10 and 30 %.
    expect(
      (await runCli(['rollout', 'split', '2.0.0', '--channel', 'release', '--percent', '0', '--os', 'osx', '--store', 'store'], work)).code,
    ).toBe(0);
    const halted = await runCli(['export', 'aus', '--store', 'store', '--out', 'halted'], work);
    expect(halted.stderr).toContain('✓ exported 5 app(s), 9 release(s), 15 entries into halted/ (0 errors, 1 warning)');
    const release = JSON.parse(readFileSync(path.join(work, 'halted', 'split', '2.0.0.2.json'), 'utf8'));
    expect(release.entries.map((e: { os: string; percentage?: number }) => `${e.os} ${e.percentage}`)).toEqual([
      'windows 10',
      'windows 30',
    ]);

    // Remote archives: nothing auto-update-server could serve.
    const remote = await runCli(['export', 'aus', '--store', fixture('platform-rollout') + '/store', '--out', 'remote'], work);
    expect(remote.code).toBe(1);
    expect(remote.stderr).toMatch(
      /platform-rollout\/store\/apps\/desk\/releases\/1\.0\.0\.yaml:\d+:\d+: warning W_EXPORT_REMOTE_ARCHIVE: Not exported: this 1\.0\.0 file lives at https:\/\/dl\.example\.com\/desk-1\.0\.0-win\.zip/,
    );
    expect(remote.stderr).toContain('error E_EXPORT_NOTHING');
    expect((await runCli(['export', 'aus', '--store', 'store', '--out', 'halted'], work)).stderr).toContain(
      'error E_EXPORT_TARGET_EXISTS: halted already exists and is not empty.',
    );
    expect((await runCli(['export', 'aus', '--store', 'store'], work)).code).toBe(2);

    // An archive that is a link (here to a file outside the store) is never followed: the store's error stops the export.
    const archive = path.join(work, 'store/apps/text/files/1.0.0/text-1.0.0.tar.gz');
    rmSync(archive);
    symlinkSync(path.join(original, 'text/text-1.0.0.tar.gz'), archive);
    const linked = await exportAus(path.join(work, 'store'), path.join(work, 'linked'));
    expect([linked.out, linked.diagnostics.map((d) => d.code)]).toEqual([undefined, ['E_SYMLINK']]);
  });
});
