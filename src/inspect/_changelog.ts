/**
 * The heading a release's notes are filed under in CHANGELOG.md, by Nextcloud's rule: the
 * version without build metadata, or `[Unreleased]` for nightlies and pre-releases.
 */
export function changelogHeading(version: string, nightly: boolean): string {
  const plain = version.replace(/\+.*$/, '');
  return nightly || plain.includes('-') ? '[Unreleased]' : plain;
}

/**
 * The section of a CHANGELOG.md for one release, trimmed; undefined when there is none.
 * Headings are `## 1.2.3`, `## [1.2.3]`, `## v1.2.3` or `## [v1.2.3]`, anything may follow
 * (a date); `## [Unreleased]` holds the notes of nightlies and pre-releases. Every other line,
 * including `### Added`, belongs to the section above it — as Nextcloud's parse_changelog.
 */
export function changelogSection(markdown: string, version: string, nightly: boolean): string | undefined {
  const wanted = changelogHeading(version, nightly);
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of markdown.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const heading = HEADING.exec(line);
    const key = heading ? heading[1]! : UNRELEASED.test(line) ? '[Unreleased]' : undefined;
    if (key !== undefined) {
      // A repeated heading keeps its first section, so a stray duplicate cannot replace the notes.
      current = [];
      if (!sections.has(key)) sections.set(key, current);
      continue;
    }
    current?.push(line);
  }
  const lines = sections.get(wanted);
  return lines === undefined ? undefined : lines.join('\n').trim();
}

// --- internal ---

const HEADING = /^## (?:\[)?(?:v)?(\d+\.\d+(?:\.\d+)?)/;
const UNRELEASED = /^## \[Unreleased\]/i;
