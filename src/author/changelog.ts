const ANY_VERSION = /(?:^|[\s[(])v?\d+\.\d+\.\d+/;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The notes of one version from a CHANGELOG.md: the text under the heading that names the version,
 * up to the next heading of the same or a higher level, or the next heading naming a version. Understands Keep a Changelog
 * (`## [1.6.0] - 2026-03-20`), semantic-release / conventional-changelog
 * (`# [1.6.0](https://…/compare/v1.5.0...v1.6.0) (2026-03-20)`) and plain `## v1.6.0` headings.
 * Undefined when there is no such heading or the section is empty.
 */
export function changelogSection(markdown: string, version: string): string | undefined {
  const names = new RegExp(`(?:^|[\\s\\[(])v?${escapeRegExp(version)}(?=$|[\\s\\])])`);
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  let fence = false;
  let level = 0;
  const out: string[] = [];
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const heading = fence ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (level) {
      // semantic-release writes patch releases one level deeper (`##`) than minor ones (`#`).
      if (heading && (heading[1]!.length <= level || ANY_VERSION.test(heading[2]!))) break;
      out.push(line);
    } else if (heading && names.test(heading[2]!)) {
      level = heading[1]!.length;
    }
  }
  const text = out.join('\n').trim();
  return text ? text : undefined;
}
