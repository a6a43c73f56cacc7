// Builds app bundles byte by byte with tar's Header and zlib, so tests can make archives no
// well-behaved tool would write (absolute paths, "..", links, bombs).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { tmpStore } from '../helpers.js';

type EntryTypeName = 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO' | 'CharacterDevice';

/** One tar member. */
export interface Member {
  path: string;
  type?: EntryTypeName;
  body?: string | Buffer;
  linkpath?: string;
}

const block = (n: number) => Math.ceil(n / 512) * 512;

/** An uncompressed tar archive of `members`, ended by the two zero blocks. */
export function tarBytes(members: readonly Member[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const body = typeof m.body === 'string' ? Buffer.from(m.body) : (m.body ?? Buffer.alloc(0));
    const type = m.type ?? (m.path.endsWith('/') ? 'Directory' : 'File');
    const header = Buffer.alloc(512);
    new Header({
      path: m.path,
      type,
      size: type === 'File' ? body.length : 0,
      mode: type === 'Directory' ? 0o755 : 0o644,
      linkpath: m.linkpath,
      mtime: new Date('2026-01-01T00:00:00Z'),
      uid: 0,
      gid: 0,
    }).encode(header);
    parts.push(header);
    if (type === 'File') parts.push(body, Buffer.alloc(block(body.length) - body.length));
  }
  if (end) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A gzip-compressed tar archive of `members`. */
export const tgz = (members: readonly Member[]): Buffer => gzipSync(tarBytes(members));

/** info.xml text; `over` replaces whole elements by name (or removes them with ''). */
export function infoXml(over: Record<string, string> = {}, { id = 'news', version = '1.1.0' } = {}): string {
  const el: Record<string, string> = {
    id: `<id>${id}</id>`,
    name: '<name lang="en">News</name>\n  <name lang="de">Nachrichten</name>',
    summary: '<summary lang="en">An RSS/Atom feed reader</summary>',
    description: '<description lang="en"><![CDATA[# Description\nReads feeds & more.]]></description>',
    version: `<version>${version}</version>`,
    licence: '<licence>AGPL-3.0-or-later</licence>',
    author: '<author mail="demo@example.com" homepage="https://example.com">Demo &amp; Author</author>',
    category: '<category>multimedia</category>',
    bugs: '<bugs>https://example.com/news/issues</bugs>',
    dependencies: '<dependencies>\n    <php min-version="8.1"/>\n    <nextcloud min-version="30" max-version="32"/>\n  </dependencies>',
    ...over,
  };
  return `<?xml version="1.0"?>\n<info>\n  ${Object.values(el).filter(Boolean).join('\n  ')}\n</info>\n`;
}

const changelog = `# Changelog

## [Unreleased]
### Added
- Folder colours

## [1.1.0] - 2026-03-02
### Added
- Keyboard shortcuts

## v1.0.0 - 2026-01-15
- First release
`;

/** The members of a valid `news` bundle; `over` replaces or adds members by path (null removes). */
export function newsMembers(over: Record<string, string | null> = {}, version = '1.1.0'): Member[] {
  const files: Record<string, string | null> = {
    'news/': '',
    'news/appinfo/': '',
    'news/appinfo/info.xml': infoXml({}, { version }),
    'news/CHANGELOG.md': changelog,
    'news/lib/Feed.php': '<?php\n',
    ...over,
  };
  return Object.entries(files)
    .filter(([, body]) => body !== null)
    .map(([path, body]) => ({ path, body: body ?? '' }));
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Options of {@link bundleStore}. */
export interface BundleStoreOptions {
  version?: string;
  nightly?: boolean;
  /** Release changelog (none by default, so CHANGELOG.md is used). */
  changelog?: string;
  /** Extra top-level YAML for store.yaml (limits, fetch). */
  storeYaml?: string;
  /** Archive file name. */
  fileName?: string;
  /** An entry with this URL instead of a committed file. */
  url?: string;
}

/** The line of the first entry (`- os: nextcloud`) in the release files {@link bundleStore} writes. */
export const ENTRY_LINE = 5;

/**
 * A fresh store with one bundle app `news` and one release whose single entry is `archive`
 * (committed under files/, or at `url`), with correct size and sha256 and signatures optional.
 */
export function bundleStore(archive: Buffer, opts: BundleStoreOptions = {}): string {
  const version = opts.version ?? '1.1.0';
  const fileName = opts.fileName ?? `news-${version}.tar.gz`;
  const source = opts.url ? `url: ${opts.url}` : `file: files/${fileName}`;
  const release = [
    `version: ${version}`,
    `channels: [${opts.nightly ? 'nightly' : 'stable'}]`,
    `nightly: ${opts.nightly ?? false}`,
    'entries:',
    '  - os: nextcloud',
    '    architectures: [any]',
    `    ${source}`,
    `    size: ${archive.length}`,
    `    sha256: ${sha256(archive)}`,
    ...(opts.changelog ? [`changelog: ${JSON.stringify(opts.changelog)}`] : []),
  ].join('\n');
  const files: Record<string, string | Buffer> = {
    'store/store.yaml': [
      'name: inspect test store',
      'channels:',
      '  - name: stable',
      '  - name: nightly',
      '    nightly: true',
      'trust:',
      '  signatures: optional',
      opts.storeYaml ?? '',
    ].join('\n'),
    'store/apps/news/app.yaml': 'id: news\nname: News\nbundle: true\n',
    [`store/apps/news/releases/${version}.yaml`]: release + '\n',
  };
  if (!opts.url) files[`store/apps/news/files/${fileName}`] = archive;
  return tmpStore(files, null);
}
