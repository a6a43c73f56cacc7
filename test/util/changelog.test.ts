import { describe, expect, it } from 'vitest';
import { parseHeading, readChangelogSection } from '../../src/util/changelog.js';

const nextcloud = (md: string, version: string, nightly = false) => readChangelogSection(md, version, { mode: 'nextcloud', nightly });
const authoring = (md: string, version: string) => readChangelogSection(md, version, { mode: 'authoring' });

const keepAChangelog = `# Changelog

## [Unreleased]
- Work in progress

## [1.6.0] - 2026-03-20
### Added
- Tags in the sidebar
## Changed
- Faster search

## [1.5.0] - 2026-02-01
- Search

[1.6.0]: https://example.org/compare/v1.5.0...v1.6.0
`;

describe('the Markdown heading parser', () => {
  it('reads ATX headings, dropping closing hashes', () => {
    expect(parseHeading('## [1.6.0] - 2026-03-20 ##')).toMatchObject({ level: 2, text: '[1.6.0] - 2026-03-20' });
    expect(parseHeading('###### x')).toMatchObject({ level: 6, text: 'x' });
    expect(parseHeading('#hashtag')).toBeUndefined();
    expect(parseHeading('####### seven')).toBeUndefined();
  });
});

describe('changelog sections, both modes', () => {
  it('agree on a Keep a Changelog file for release versions, same-level non-version headings included', () => {
    for (const version of ['1.6.0', '1.5.0']) expect(authoring(keepAChangelog, version)).toBe(nextcloud(keepAChangelog, version));
    expect(authoring(keepAChangelog, '1.6.0')).toBe('### Added\n- Tags in the sidebar\n## Changed\n- Faster search');
    expect(authoring(`\uFEFF## 1.0.0\r\n- One\r\n`, '1.0.0')).toBe(nextcloud(`\uFEFF## 1.0.0\r\n- One\r\n`, '1.0.0'));
  });

  it('keep the first section of a repeated heading', () => {
    const md = '## 1.0.0\n- first\n## 1.0.0\n- second\n';
    expect(nextcloud(md, '1.0.0')).toBe('- first');
    expect(authoring(md, '1.0.0')).toBe('- first');
  });

  it('nextcloud: pre-releases and nightlies read [Unreleased]; only `## <version>` lines count; no fences; empty is ""', () => {
    expect(nextcloud(keepAChangelog, '1.7.0-beta.1')).toBe('- Work in progress');
    expect(nextcloud(keepAChangelog, '1.6.0', true)).toBe('- Work in progress');
    expect(nextcloud('# [1.6.0](https://x) (2026-03-20)\n- Notes\n', '1.6.0')).toBeUndefined();
    expect(nextcloud('### 1.6.0\n- Notes\n', '1.6.0')).toBeUndefined();
    expect(nextcloud('## 1.6.0\n```\n## 1.5.0\n```\n', '1.6.0')).toBe('```');
    expect(nextcloud('## 1.6.0\n# Appendix\n- more\n', '1.6.0')).toBe('# Appendix\n- more');
    expect(nextcloud('## 1.6.0\n## 1.5.0\n', '1.6.0')).toBe('');
  });

  it("authoring: semantic-release levels, a pre-release's own heading, fences, higher headings end a section", () => {
    expect(authoring(keepAChangelog, '1.7.0-beta.1')).toBeUndefined();
    expect(authoring('## [1.7.0-beta.1]\n- Beta\n', '1.7.0-beta.1')).toBe('- Beta');
    expect(authoring('# [1.6.0](https://x) (2026-03-20)\n### Features\n* a\n## [1.5.1](https://x)\n* b\n', '1.6.0')).toBe(
      '### Features\n* a',
    );
    expect(authoring('## 1.6.0\n```\n## 1.5.0\n```\n', '1.6.0')).toBe('```\n## 1.5.0\n```');
    expect(authoring('## 1.6.0\n# Appendix\n- more\n', '1.6.0')).toBeUndefined();
    expect(authoring('## 1.6.0\n## 1.5.0\n', '1.6.0')).toBeUndefined();
  });
});
