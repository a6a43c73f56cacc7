import { describe, expect, it } from 'vitest';
import { changelogHeading, changelogSection } from '../../src/inspect/_changelog.js';

const md = `# Changelog
All notable changes.

## [Unreleased]
### Added
- Something new

## [v0.6.0] – 2026-02-01
- Six

## 0.4.3 – 2016-12-08
### Added
- Four three

### Fixed
- A bug

## 0.3 - 2016-01-01
- Old two-part heading
`;

describe('CHANGELOG.md sections (Nextcloud heading rule)', () => {
  it('takes ## x.y.z, ## [vx.y.z] with anything after the version', () => {
    expect(changelogSection(md, '0.4.3', false)).toBe('### Added\n- Four three\n\n### Fixed\n- A bug');
    expect(changelogSection(md, '0.6.0', false)).toBe('- Six');
  });

  it('files nightlies and pre-releases under ## [Unreleased]', () => {
    expect(changelogHeading('0.7.0-beta.1', false)).toBe('[Unreleased]');
    expect(changelogHeading('0.7.0', true)).toBe('[Unreleased]');
    expect(changelogSection(md, '0.7.0-beta.1', false)).toBe('### Added\n- Something new');
    expect(changelogSection(md, '0.6.0', true)).toBe('### Added\n- Something new');
  });

  it('ignores build metadata and matches versions exactly', () => {
    expect(changelogSection(md, '0.4.3+build.9', false)).toBe('### Added\n- Four three\n\n### Fixed\n- A bug');
    // "## 0.3" is the key "0.3": neither 0.3.0 nor 0.3.2 match it, as on Nextcloud's store.
    expect(changelogSection(md, '0.3.0', false)).toBeUndefined();
    expect(changelogSection(md, '9.9.9', false)).toBeUndefined();
  });

  it('reads CRLF files with a BOM', () => {
    expect(changelogSection('\uFEFF## 1.0.0\r\n- One\r\n', '1.0.0', false)).toBe('- One');
  });
});
