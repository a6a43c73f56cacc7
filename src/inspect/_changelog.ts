import { readChangelogSection } from '../util/changelog.js';

export { changelogHeading } from '../util/changelog.js';

/**
 * The section of a bundle's CHANGELOG.md for one release, by Nextcloud's parse_changelog rule
 * (the `nextcloud` mode of src/util/changelog.ts; docs/archives.md): trimmed, `''` when empty,
 * undefined when there is none; `## [Unreleased]` holds the notes of nightlies and pre-releases.
 */
export function changelogSection(markdown: string, version: string, nightly: boolean): string | undefined {
  return readChangelogSection(markdown, version, { mode: 'nextcloud', nightly });
}
