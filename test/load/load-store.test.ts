import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAppFolders, loadStore, type LoadedStore } from '../../src/load/index.js';
import { fixture, tmpDir, tmpStore } from '../helpers.js';

const ALL = ['cockpit', 'news', 'shelfnotes'];

/** A copy of the documents of three apps (test/fixtures/app-documents), with `files` written over it. */
const docsStore = (files: Record<string, string> = {}): string => tmpStore(files, fixture('app-documents/store'));

/** Every document of a load as `rel → data`, and the diagnostics as `code file`. */
const docsOf = (l: LoadedStore) =>
  Object.fromEntries([l.store, ...l.apps.flatMap((a) => [a.app, ...a.releases])].filter((d) => d).map((d) => [d!.rel, d!.data]));
const diagsOf = (l: LoadedStore) => l.diagnostics.map((d) => `${d.code} ${d.file}`);

/** Identity of each shard file: a rewrite (tmp + rename) gives a new inode. */
function shardIds(cacheDir: string): Record<string, string> {
  const dir = path.join(cacheDir, 'parse-cache');
  return Object.fromEntries(
    readdirSync(dir).map((f) => {
      const s = statSync(path.join(dir, f), { bigint: true });
      return [f, `${s.ino}:${s.mtimeNs}`];
    }),
  );
}

/** The store with problems in news (a syntax error, a stray file) and a folder without app file. */
function brokenStore(): string {
  const dir = docsStore({
    'store/apps/news/releases/9.9.9.yaml': 'version: [1.0\n',
    'store/apps/news/releases/notes.txt': 'not a release\n',
    'store/apps/news/releases/.draft.yaml': 'version: [\n',
    'store/apps/news/releases/sub/1.0.0.yaml': 'version: [\n',
    'store/apps/news/App.yaml': 'id: [\n',
    'store/apps/orphan/releases/1.0.0.yaml': 'version: 1.0.0\n',
  });
  // Links are never followed: both are reported, whether they lead somewhere or not.
  symlinkSync('../../shelfnotes/releases/1.4.0.yaml', path.join(dir, 'store/apps/news/releases/1.4.0.yaml'));
  symlinkSync('../nowhere.yaml', path.join(dir, 'store/apps/news/releases/2.0.0.yaml'));
  return dir;
}

describe('listAppFolders', () => {
  it('lists the folders under apps/, sorted, without links, files and dot folders', () => {
    const dir = docsStore({ 'store/apps/.hidden/app.yaml': 'id: hidden\n', 'store/apps/README.md': 'not an app\n' });
    symlinkSync(path.join(dir, 'store/apps/news'), path.join(dir, 'store/apps/alias'));
    expect(listAppFolders(path.join(dir, 'store'))).toEqual(ALL);
  });

  it('is empty without an apps folder', () => {
    const dir = tmpDir();
    expect(listAppFolders(dir)).toEqual([]);
    expect(listAppFolders(path.join(dir, 'missing'))).toEqual([]);
  });
});

describe('loadStore of chosen app folders', () => {
  it('loads store.yaml and only the chosen folders, with the same documents and diagnostics as a whole load', () => {
    const storeDir = path.join(brokenStore(), 'store');
    const whole = loadStore(storeDir);
    const some = loadStore(storeDir, { apps: new Set(['news', 'orphan', 'gone']) });
    expect(some.apps.map((a) => a.folder)).toEqual(['news', 'orphan']);
    expect(some.apps[0]!.releases.map((r) => r.rel.replace('apps/news/releases/', ''))).toEqual([
      '1.0.0.yaml',
      '1.1.0.yaml',
      '1.2.0-nightly.20260320.yaml',
      '9.9.9.yaml',
    ]);
    expect(some.store?.data).toEqual(whole.store?.data);
    const mine = (rel: string) => rel === some.store!.rel || /^apps\/(news|orphan)\//.test(rel);
    expect(docsOf(some)).toEqual(Object.fromEntries(Object.entries(docsOf(whole)).filter(([rel]) => mine(rel))));
    expect(diagsOf(some).sort()).toEqual(diagsOf(whole).sort());
    expect(
      diagsOf(some)
        .map((d) => d.replace(/ .*\/apps\//, ' '))
        .sort(),
    ).toEqual([
      'E_APP_FILE_MISSING orphan/app.yaml',
      'E_SYMLINK news/releases/1.4.0.yaml',
      'E_SYMLINK news/releases/2.0.0.yaml',
      'E_YAML_SYNTAX news/releases/9.9.9.yaml',
      'W_UNEXPECTED_FILE news/releases/notes.txt',
    ]);
  });

  it('reports nothing of the folders it was not asked for', () => {
    const storeDir = path.join(brokenStore(), 'store');
    const some = loadStore(storeDir, { apps: new Set(['shelfnotes']) });
    expect(some.apps.map((a) => a.folder)).toEqual(['shelfnotes']);
    expect(some.apps[0]!.releases.map((r) => r.rel)).toEqual(
      ['1.4.0', '1.5.0', '1.6.0-beta.1'].map((v) => `apps/shelfnotes/releases/${v}.yaml`),
    );
    expect(some.diagnostics).toEqual([]);
  });

  it('takes folder names literally and skips names a whole load never reads', () => {
    const storeDir = path.join(docsStore({ 'store/apps/.hidden/app.yaml': 'id: [\n' }), 'store');
    expect(loadStore(storeDir, { apps: new Set(['*', 'n*', '{news,cockpit}', '.hidden', '../store/apps/news', '']) })).toMatchObject({
      apps: [],
      diagnostics: [],
    });
    expect(loadStore(storeDir, { apps: new Set() }).apps).toEqual([]);
  });
});

describe('parse cache shards', () => {
  it('keeps one shard per app folder and one for store.yaml, and rewrites only the shards that changed', () => {
    const storeDir = path.join(docsStore(), 'store');
    const cacheDir = tmpDir();
    const cold = loadStore(storeDir, { cacheDir });
    expect(readdirSync(path.join(cacheDir, 'parse-cache')).sort()).toEqual(['_store', ...ALL].map((s) => `${s}.jsonl`).sort());
    expect(readFileSync(path.join(cacheDir, 'parse-cache/news.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1 + 4);
    const ids = shardIds(cacheDir);

    // Warm: the same data, nothing written.
    const warm = loadStore(storeDir, { cacheDir });
    expect(docsOf(warm)).toEqual(docsOf(cold));
    expect(shardIds(cacheDir)).toEqual(ids);

    // One release edited: only its folder's shard is written again.
    const release = path.join(storeDir, 'apps/news/releases/1.1.0.yaml');
    writeFileSync(release, readFileSync(release, 'utf8').replace(/^version:/m, '# edited\nversion:'));
    const edited = loadStore(storeDir, { cacheDir });
    expect(docsOf(edited)).toEqual(docsOf(cold));
    const after = shardIds(cacheDir);
    expect(Object.keys(after).filter((f) => after[f] !== ids[f])).toEqual(['news.jsonl']);
    // The old text's entry is gone: each shard keeps only what its run used.
    expect(readFileSync(path.join(cacheDir, 'parse-cache/news.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1 + 4);
  });

  it('a load of chosen folders reads and writes only their shards, and leaves the others', () => {
    const storeDir = path.join(docsStore(), 'store');
    const cacheDir = tmpDir();
    loadStore(storeDir, { cacheDir });
    const ids = shardIds(cacheDir);
    const release = path.join(storeDir, 'apps/shelfnotes/releases/1.4.0.yaml');
    writeFileSync(release, `# edited\n${readFileSync(release, 'utf8')}`);
    // A broken shard of a folder not loaded is not even read.
    writeFileSync(path.join(cacheDir, 'parse-cache/cockpit.jsonl'), 'not a cache\n');
    const cockpit = shardIds(cacheDir)['cockpit.jsonl'];
    loadStore(storeDir, { cacheDir, apps: new Set(['shelfnotes', 'news']) });
    const after = shardIds(cacheDir);
    expect(Object.keys(after).sort()).toEqual(Object.keys(ids).sort());
    expect(
      Object.keys(after)
        .filter((f) => after[f] !== ids[f])
        .sort(),
    ).toEqual(['cockpit.jsonl', 'shelfnotes.jsonl']);
    expect(after['cockpit.jsonl']).toBe(cockpit);
  });

  it('deletes the shard of a chosen folder that is gone, and on a whole load those of every gone folder and the old single file', () => {
    const storeDir = path.join(docsStore(), 'store');
    const cacheDir = tmpDir();
    loadStore(storeDir, { cacheDir });
    writeFileSync(path.join(cacheDir, 'parse-cache.jsonl'), 'appshelf-parse-cache 1 old\n');
    rmSync(path.join(storeDir, 'apps/news'), { recursive: true });
    rmSync(path.join(storeDir, 'apps/cockpit'), { recursive: true });
    loadStore(storeDir, { cacheDir, apps: new Set(['news']) });
    expect(readdirSync(path.join(cacheDir, 'parse-cache')).sort()).toEqual(['_store', 'cockpit', 'shelfnotes'].map((s) => `${s}.jsonl`));
    expect(existsSync(path.join(cacheDir, 'parse-cache.jsonl'))).toBe(true);
    loadStore(storeDir, { cacheDir });
    expect(readdirSync(path.join(cacheDir, 'parse-cache')).sort()).toEqual(['_store', 'shelfnotes'].map((s) => `${s}.jsonl`));
    expect(existsSync(path.join(cacheDir, 'parse-cache.jsonl'))).toBe(false);
  });

  it('ignores a shard of another version and gives a folder that is not an app id its own shard', () => {
    const dir = docsStore();
    const storeDir = path.join(dir, 'store');
    mkdirSync(path.join(storeDir, 'apps/_store/releases'), { recursive: true });
    writeFileSync(path.join(storeDir, 'apps/_store/app.yaml'), 'id: _store\nname: clash\n');
    const cacheDir = tmpDir();
    const fresh = loadStore(storeDir);
    loadStore(storeDir, { cacheDir });
    const shards = readdirSync(path.join(cacheDir, 'parse-cache'));
    expect(shards).toHaveLength(5);
    expect(shards.filter((f) => f.startsWith('_h'))).toHaveLength(1);
    // A shard written by another parser version: its lines are not trusted, the file is parsed again.
    const news = path.join(cacheDir, 'parse-cache/news.jsonl');
    const [, ...entries] = readFileSync(news, 'utf8').split('\n');
    writeFileSync(news, ['appshelf-parse-cache 1 yaml@0.0.0', ...entries.map((l) => l.replace(/ .*/, ' {"version":"6.6.6"}'))].join('\n'));
    const warm = loadStore(storeDir, { cacheDir });
    expect(docsOf(warm)).toEqual(docsOf(fresh));
    expect(readFileSync(news, 'utf8')).not.toContain('6.6.6');
  });
});
