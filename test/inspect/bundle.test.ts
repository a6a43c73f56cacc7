import { crc32, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors/index.js';
import { buildStore } from '../../src/index.js';
import { runCli } from '../helpers.js';
import { bundleStore, ENTRY_LINE, infoXml, newsMembers, tarBytes, tgz, type BundleStoreOptions, type Member } from './_bundles.js';

const RELEASE = 'store/apps/news/releases/1.1.0.yaml';
const ARCHIVE = 'news-1.1.0.tar.gz';

/** Runs `appshelf check` on a one-bundle store and returns the exit code and diagnostics. */
async function check(archive: Buffer, opts: BundleStoreOptions = {}): Promise<{ code: number; diagnostics: Diagnostic[] }> {
  const cwd = bundleStore(archive, opts);
  const r = await runCli(['check', '--store', 'store', '--format', 'json'], cwd);
  return { code: r.code, diagnostics: (JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }).diagnostics };
}

const codes = (ds: readonly Diagnostic[]) => ds.map((d) => d.code).sort();
/** Codes of this stage only (a build also warns about unsigned manifests, which is not ours to test). */
const inspectCodes = (ds: readonly Diagnostic[]) => codes(ds).filter((c) => /^[EW]_(ARCHIVE|BUNDLE|INFO_XML|CHANGELOG|FETCH)_/.test(c));

/** A news bundle with its members renamed from `news/` to `folder/`. */
const renamed = (folder: string) => newsMembers().map((m) => ({ ...m, path: m.path.replace(/^news\//, folder) }));

/** A one-file zip archive (stored, no compression). */
function zipBytes(name: string, body: string): Buffer {
  const data = Buffer.from(body);
  const fileName = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const localLength = local.length + fileName.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(localLength, 16);
  return Buffer.concat([local, fileName, data, central, fileName, end]);
}

const XXE = `<?xml version="1.0"?>
<!DOCTYPE info [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<info><id>news</id><name>&xxe;</name></info>`;

const LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<info><id>news</id><name>&lol4;</name></info>`;

interface Case {
  name: string;
  members: Member[];
  code: string;
  /** Text the message must contain (the member or element it is about). */
  says: string;
}

const cases: Case[] = [
  {
    name: 'path traversal',
    members: [...newsMembers(), { path: 'news/../../etc/cron.d/evil', body: 'x' }],
    code: 'E_ARCHIVE_PATH_TRAVERSAL',
    says: 'news/../../etc/cron.d/evil',
  },
  {
    name: 'absolute path',
    members: [...newsMembers(), { path: '/etc/cron.d/evil', body: 'x' }],
    code: 'E_ARCHIVE_ABSOLUTE_PATH',
    says: '/etc/cron.d/evil',
  },
  {
    name: 'symlink',
    members: [...newsMembers(), { path: 'news/lib/passwd', type: 'SymbolicLink', linkpath: '/etc/passwd' }],
    code: 'E_ARCHIVE_SYMLINK',
    says: 'news/lib/passwd → /etc/passwd',
  },
  {
    name: 'hard link',
    members: [...newsMembers(), { path: 'news/lib/Copy.php', type: 'Link', linkpath: 'news/lib/Feed.php' }],
    code: 'E_ARCHIVE_HARDLINK',
    says: 'news/lib/Copy.php → news/lib/Feed.php',
  },
  {
    name: 'symlinked info.xml',
    members: [
      ...newsMembers({ 'news/appinfo/info.xml': null }),
      { path: 'news/appinfo/info.xml', type: 'SymbolicLink', linkpath: '/etc/passwd' },
    ],
    code: 'E_ARCHIVE_SYMLINK',
    says: 'news/appinfo/info.xml',
  },
  {
    name: 'two top-level folders',
    members: [...newsMembers(), { path: 'other/', body: '' }, { path: 'other/x.txt', body: 'x' }],
    code: 'E_BUNDLE_EXTRA_FOLDER',
    says: '"other"',
  },
  {
    name: 'top-level file',
    members: [...newsMembers(), { path: 'README.md', body: 'hi' }],
    code: 'E_BUNDLE_TOP_LEVEL_FILE',
    says: 'README.md',
  },
  {
    name: 'macOS AppleDouble file',
    members: [{ path: '._news', body: 'x' }, ...newsMembers()],
    code: 'E_BUNDLE_TOP_LEVEL_FILE',
    says: '._news',
  },
  { name: 'upper-case folder', members: renamed('News/'), code: 'E_BUNDLE_FOLDER_NAME', says: '"News"' },
  { name: 'folder is not the app id', members: renamed('newsreader/'), code: 'E_BUNDLE_FOLDER_ID', says: '"newsreader"' },
  {
    name: 'missing info.xml',
    members: newsMembers({ 'news/appinfo/info.xml': null }),
    code: 'E_INFO_XML_MISSING',
    says: 'news/appinfo/info.xml',
  },
  {
    name: 'malformed XML',
    members: newsMembers({ 'news/appinfo/info.xml': '<info><id>news</id><name>News</info>' }),
    code: 'E_INFO_XML_MALFORMED',
    says: 'news/appinfo/info.xml is not well-formed XML (line 1)',
  },
  {
    name: 'XXE',
    members: newsMembers({ 'news/appinfo/info.xml': XXE }),
    code: 'E_INFO_XML_ENTITIES',
    says: 'news/appinfo/info.xml contains a <!DOCTYPE> declaration',
  },
  {
    name: 'billion laughs',
    members: newsMembers({ 'news/appinfo/info.xml': LAUGHS }),
    code: 'E_INFO_XML_ENTITIES',
    says: 'news/appinfo/info.xml',
  },
  {
    name: 'entity without DOCTYPE',
    members: newsMembers({ 'news/appinfo/info.xml': '<!ENTITY x "y"><info/>' }),
    code: 'E_INFO_XML_ENTITIES',
    says: '<!ENTITY>',
  },
  {
    name: 'info.xml version is not the release',
    members: newsMembers({ 'news/appinfo/info.xml': infoXml({}, { version: '1.0.0' }) }),
    code: 'E_INFO_XML_VERSION',
    says: 'info.xml <version> is "1.0.0", but the release is 1.1.0',
  },
  {
    name: 'info.xml id is not the app',
    members: newsMembers({ 'news/appinfo/info.xml': infoXml({}, { id: 'newsreader' }) }),
    code: 'E_INFO_XML_ID',
    says: 'info.xml <id> is "newsreader"',
  },
  {
    name: 'missing English name',
    members: newsMembers({ 'news/appinfo/info.xml': infoXml({ name: '<name lang="de">Nachrichten</name>' }) }),
    code: 'E_INFO_XML_NO_ENGLISH',
    says: 'no English <name>',
  },
  {
    name: 'nextcloud without max-version',
    members: newsMembers({
      'news/appinfo/info.xml': infoXml({ dependencies: '<dependencies><nextcloud min-version="30"/></dependencies>' }),
    }),
    code: 'E_INFO_XML_INVALID',
    says: 'info.xml <nextcloud max-version> is missing',
  },
  {
    name: 'unknown licence',
    members: newsMembers({ 'news/appinfo/info.xml': infoXml({ licence: '<licence>WTFPL</licence>' }) }),
    code: 'E_INFO_XML_INVALID',
    says: 'info.xml <licence> is "WTFPL"; allowed: AGPL-3.0-only',
  },
  {
    name: 'version with build metadata',
    members: newsMembers({ 'news/appinfo/info.xml': infoXml({ version: '<version>1.1.0+7</version>' }) }),
    code: 'E_INFO_XML_INVALID',
    says: '<version> is "1.1.0+7", which is not a semantic version without build metadata',
  },
  {
    name: 'deprecated element',
    members: newsMembers({ 'news/appinfo/info.xml': infoXml({ bugs: '<requiremin>9</requiremin>' }) }),
    code: 'E_INFO_XML_INVALID',
    says: '<requiremin> is no longer supported',
  },
  {
    name: '.git folder',
    members: [...newsMembers(), { path: 'news/.git/', body: '' }, { path: 'news/.git/HEAD', body: 'ref: refs/heads/main\n' }],
    code: 'E_ARCHIVE_GIT_FOLDER',
    says: 'news/.git/',
  },
  { name: 'FIFO', members: [...newsMembers(), { path: 'news/pipe', type: 'FIFO' }], code: 'E_ARCHIVE_SPECIAL_FILE', says: 'type FIFO' },
  {
    name: 'duplicate member',
    members: [...newsMembers(), { path: 'news/appinfo/info.xml', body: infoXml({}, { version: '9.9.9' }) }],
    code: 'E_ARCHIVE_DUPLICATE_MEMBER',
    says: 'news/appinfo/info.xml more than once',
  },
];

describe('app bundle rules', () => {
  it.each(cases)('refuses $name with $code', async ({ members, code, says }) => {
    const r = await check(tgz(members));
    expect(codes(r.diagnostics)).toEqual([code]);
    const d = r.diagnostics[0]!;
    expect(d).toMatchObject({ severity: 'error', file: RELEASE, line: ENTRY_LINE });
    expect(d.message).toContain(ARCHIVE);
    expect(d.message).toContain(says);
    expect(r.code).toBe(1);
  });

  it('reads an archive built with a ./ prefix as the same members (names are normalized before every rule)', async () => {
    const r = await check(tgz([{ path: './', body: '' }, ...renamed('./news/')]));
    expect(codes(r.diagnostics)).toEqual([]);
  });

  it('finds a duplicate member or a reserved path behind another spelling', async () => {
    const r = await check(
      tgz([...newsMembers(), { path: 'news/./appinfo//info.xml', body: 'second' }, { path: 'news\\.git\\config', body: '' }]),
    );
    expect(codes(r.diagnostics)).toEqual(['E_ARCHIVE_DUPLICATE_MEMBER', 'E_ARCHIVE_GIT_FOLDER']);
  });

  it('reports every broken rule of one archive, each once', async () => {
    const r = await check(
      tgz([
        ...newsMembers({
          'news/appinfo/info.xml': infoXml({ name: '<name lang="de">N</name>', licence: '<licence>WTFPL</licence>' }, { version: '2.0.0' }),
        }),
        { path: 'news/a', type: 'SymbolicLink', linkpath: 'b' },
        { path: 'news/c', type: 'SymbolicLink', linkpath: 'd' },
        { path: 'README', body: '' },
      ]),
    );
    expect(codes(r.diagnostics)).toEqual([
      'E_ARCHIVE_SYMLINK',
      'E_BUNDLE_TOP_LEVEL_FILE',
      'E_INFO_XML_INVALID',
      'E_INFO_XML_NO_ENGLISH',
      'E_INFO_XML_VERSION',
    ]);
  });
});

describe('archive container', () => {
  it('refuses non-gzip data named .tar.gz', async () => {
    const r = await check(Buffer.from('This is not an archive, just text.\n'));
    expect(codes(r.diagnostics)).toEqual(['E_ARCHIVE_NOT_GZIP']);
    expect(r.diagnostics[0]!.message).toBe(
      `${ARCHIVE} is not gzip-compressed (it looks like data of an unknown kind); app bundles must be .tar.gz archives.`,
    );
  });

  it('refuses a zip file and says it is one', async () => {
    const r = await check(zipBytes('news/appinfo/info.xml', infoXml()));
    expect(codes(r.diagnostics)).toEqual(['E_ARCHIVE_ZIP']);
    expect(r.diagnostics[0]!.message).toBe(`${ARCHIVE} is a zip archive; app bundles must be gzip-compressed tar archives (.tar.gz).`);
  });

  it('refuses an uncompressed tar and says it is one', async () => {
    const r = await check(tarBytes(newsMembers()));
    expect(codes(r.diagnostics)).toEqual(['E_ARCHIVE_PLAIN_TAR']);
    expect(r.diagnostics[0]!.message).toContain('is an uncompressed tar archive');
  });

  it('names other compressions', async () => {
    const r = await check(Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(100)]));
    expect(codes(r.diagnostics)).toEqual(['E_ARCHIVE_NOT_GZIP']);
    expect(r.diagnostics[0]!.message).toContain('it looks like bzip2-compressed data');
  });

  it('refuses a truncated archive', async () => {
    const whole = tgz(newsMembers());
    const r = await check(whole.subarray(0, Math.floor(whole.length / 2)));
    expect(codes(r.diagnostics)).toEqual(['E_ARCHIVE_TRUNCATED']);
  });

  it('refuses a tar cut off inside a member, even when the gzip stream is whole', async () => {
    const tar = tarBytes([...newsMembers(), { path: 'news/big.bin', body: Buffer.alloc(4096, 1) }], false);
    const r = await check(gzipSync(tar.subarray(0, tar.length - 2048)));
    expect(codes(r.diagnostics)).toEqual(['E_ARCHIVE_TRUNCATED']);
  });

  it('refuses damaged gzip data', async () => {
    const r = await check(Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.alloc(200, 0xff)]));
    expect(codes(r.diagnostics)).toEqual(['E_ARCHIVE_CORRUPT']);
  });

  it('refuses gzip data that is not a tar archive', async () => {
    const r = await check(gzipSync(Buffer.from('hello world\n'.repeat(100))));
    expect(codes(r.diagnostics)).toEqual(['E_ARCHIVE_CORRUPT']);
    expect(r.diagnostics[0]!.message).toContain('invalid tar data');
  });

  it('refuses an empty archive', async () => {
    const r = await check(gzipSync(Buffer.alloc(1024)));
    expect(codes(r.diagnostics)).toEqual(['E_BUNDLE_EMPTY']);
  });
});

describe('limits from store.yaml', () => {
  it('refuses an archive larger than limits.archiveSize', async () => {
    const r = await check(tgz(newsMembers()), { storeYaml: 'limits:\n  archiveSize: 100' });
    expect(codes(r.diagnostics)).toEqual(['E_ARCHIVE_TOO_LARGE']);
  });

  it('refuses more entries than limits.entries', async () => {
    const r = await check(tgz(newsMembers()), { storeYaml: 'limits:\n  entries: 3' });
    expect(codes(r.diagnostics)).toEqual(['E_ARCHIVE_TOO_MANY_ENTRIES']);
  });

  it('does not read a metadata file larger than limits.metadataFileSize', async () => {
    const r = await check(tgz(newsMembers({ 'news/CHANGELOG.md': `## 1.1.0\n${'x'.repeat(5000)}\n` })), {
      storeYaml: 'limits:\n  metadataFileSize: 4096',
    });
    expect(codes(r.diagnostics)).toEqual(['E_BUNDLE_METADATA_TOO_LARGE']);
    expect(r.diagnostics[0]!.message).toContain('news/CHANGELOG.md is 5010 bytes');
  });

  it('stops at limits.uncompressedSize while inflating', async () => {
    // Many members, each small enough on its own: refused by the running total.
    const chunk = Buffer.alloc(1024 * 1024);
    const members = Array.from({ length: 12 }, (_, i) => ({ path: `news/lib/blob${i}.bin`, body: chunk }));
    const r = await check(tgz([...newsMembers(), ...members]), { storeYaml: 'limits:\n  uncompressedSize: 4194304' });
    expect(codes(r.diagnostics)).toEqual(['E_ARCHIVE_UNCOMPRESSED_TOO_LARGE']);
    expect(r.diagnostics[0]!.message).toMatch(/unpacks to more than 4 MiB \(at member news\/lib\/blob\d+\.bin\)/);
  });
});

describe('valid bundles', () => {
  it('pass, and their info.xml and CHANGELOG.md section appear in the built API', async () => {
    const cwd = bundleStore(tgz(newsMembers()));
    const r = await buildStore({ storeDir: `${cwd}/store`, write: false });
    expect(r.ok).toBe(true);
    expect(inspectCodes(r.diagnostics)).toEqual([]);
    const api = JSON.parse(Buffer.from(r.files.get('api/v1/apps/news.json') as Uint8Array).toString('utf8'));
    const release = api.releases[0];
    expect(release.changelog).toBe('### Added\n- Keyboard shortcuts');
    expect(release.info).toEqual({
      id: 'news',
      version: '1.1.0',
      name: { en: 'News', de: 'Nachrichten' },
      summary: { en: 'An RSS/Atom feed reader' },
      description: { en: '# Description\nReads feeds & more.' },
      licence: ['AGPL-3.0-or-later'],
      author: [{ name: 'Demo & Author', mail: 'demo@example.com', homepage: 'https://example.com' }],
      category: ['multimedia'],
      bugs: 'https://example.com/news/issues',
      dependencies: { php: { 'min-version': '8.1' }, nextcloud: { 'min-version': '30', 'max-version': '32' } },
    });
  });

  it("keep the release file's changelog over CHANGELOG.md", async () => {
    const cwd = bundleStore(tgz(newsMembers()), { changelog: 'Written in the release.' });
    const r = await buildStore({ storeDir: `${cwd}/store`, write: false });
    const api = JSON.parse(Buffer.from(r.files.get('api/v1/apps/news.json') as Uint8Array).toString('utf8'));
    expect(api.releases[0].changelog).toBe('Written in the release.');
  });

  it("take a nightly's notes from ## [Unreleased]", async () => {
    const version = '1.2.0-nightly.20260320';
    const cwd = bundleStore(tgz(newsMembers({}, version)), { version, nightly: true });
    const r = await buildStore({ storeDir: `${cwd}/store`, write: false });
    expect(r.ok).toBe(true);
    expect(inspectCodes(r.diagnostics)).toEqual([]);
    const api = JSON.parse(Buffer.from(r.files.get('api/v1/apps/news.json') as Uint8Array).toString('utf8'));
    expect(api.releases[0].changelog).toBe('### Added\n- Folder colours');
    expect(api.releases[0].info.version).toBe(version);
  });

  it('match a release with build metadata against the info.xml version without it', async () => {
    const r = await check(tgz(newsMembers()), { version: '1.1.0+build.7' });
    expect(r.diagnostics).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('warn when CHANGELOG.md has no section for the release', async () => {
    const r = await check(tgz(newsMembers({}, '1.0.1')), { version: '1.0.1' });
    expect(r.diagnostics).toMatchObject([
      { code: 'W_CHANGELOG_NO_SECTION', severity: 'warning', file: 'store/apps/news/releases/1.0.1.yaml', line: ENTRY_LINE },
    ]);
    expect(r.diagnostics[0]!.message).toContain('news/CHANGELOG.md has no "## 1.0.1" section');
    expect(r.diagnostics[0]!.hint).toBe(
      'Add a "## 1.0.1" section to news/CHANGELOG.md ("## [1.0.1]" and "## v1.0.1" work too), or set `changelog:` in the release file.',
    );
    expect(r.code).toBe(0);
  });

  it('may leave out the tar end-of-archive blocks', async () => {
    const r = await check(gzipSync(tarBytes(newsMembers(), false)));
    expect(r.diagnostics).toEqual([]);
  });
});
