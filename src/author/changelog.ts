import { readChangelogSection } from '../util/changelog.js';

/**
 * The notes of one version from a CHANGELOG.md for `release add --changelog-from` (the
 * `authoring` mode of src/util/changelog.ts): Keep a Changelog (`## [1.6.0] - 2026-03-20`),
 * semantic-release / conventional-changelog (`# [1.6.0](https://…/compare/v1.5.0...v1.6.0) (2026-03-20)`)
 * and plain `## v1.6.0` headings. Undefined when there is no such heading or the section is empty.
 */
export function changelogSection(markdown: string, version: string): string | undefined {
  return readChangelogSection(markdown, version, { mode: 'authoring' });
}
