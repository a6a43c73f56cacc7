/**
 * The one Markdown changelog reader: one heading parser and one section reader with two modes.
 *
 * - `nextcloud` — Nextcloud's `parse_changelog`, exactly, for the CHANGELOG.md of app bundles
 *   (the build): sections start at `## 1.2.3`, `## [v1.2.3] - date`, … (the version right after
 *   `## `, two or three parts, keyed without what follows) or `## [Unreleased]`, which holds the
 *   notes of nightlies and pre-releases; every other line, `## Changed` or `# Title` included,
 *   belongs to the section above it; code fences mean nothing.
 * - `authoring` — `release add --changelog-from`: Keep a Changelog, semantic-release
 *   (`# [1.6.0](…) (date)`, patch releases one level deeper) and `## v1.6.0`: a section starts at
 *   a heading of any level naming the exact version (a pre-release names its own) and ends at the
 *   next heading naming a version or `[Unreleased]`, or at a heading of a higher level; headings
 *   inside code fences are text.
 *
 * Both take the first section when a heading repeats, read CRLF and a BOM, and trim the section;
 * on a Keep a Changelog file they give the same notes for a release version.
 */

/** One ATX heading line: its level (1–6) and its text without the closing `#`s. */
export interface Heading {
  level: number;
  text: string;
  /** The whole line, for rules that look at it as written. */
  line: string;
}

/** The heading a line is, or undefined when it is not an ATX heading (`#` … `######`, then a space). */
export function parseHeading(line: string): Heading | undefined {
  const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
  return m ? { level: m[1]!.length, text: m[2]!, line } : undefined;
}

/** Which rule reads the file; see the module comment. */
export type ChangelogMode = { mode: 'nextcloud'; nightly: boolean } | { mode: 'authoring' };

/**
 * The heading a release's notes are filed under in CHANGELOG.md, by Nextcloud's rule: the
 * version without build metadata, or `[Unreleased]` for nightlies and pre-releases.
 */
export function changelogHeading(version: string, nightly: boolean): string {
  const plain = version.replace(/\+.*$/, '');
  return nightly || plain.includes('-') ? '[Unreleased]' : plain;
}

/**
 * The section of `version` in a Markdown changelog, trimmed. Undefined when there is no such
 * heading; an empty section is `''` in the `nextcloud` mode (as Nextcloud returns it) and
 * undefined in the `authoring` mode (there are no notes to record).
 */
export function readChangelogSection(markdown: string, version: string, how: ChangelogMode): string | undefined {
  const rule = how.mode === 'nextcloud' ? nextcloudRule(changelogHeading(version, how.nightly)) : authoringRule(version);
  let fence = false;
  let level = 0;
  let section: string[] | undefined;
  for (const line of markdown.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (rule.fences && FENCE.test(line)) fence = !fence;
    const heading = fence ? undefined : parseHeading(line);
    const opens = heading && rule.opens(heading);
    if (section) {
      if (heading && (opens !== undefined || (rule.endsAtHigherLevel && heading.level < level))) break;
      section.push(line);
    } else if (opens === 'wanted') {
      section = [];
      level = heading!.level;
    }
  }
  if (!section) return undefined;
  const text = section.join('\n').trim();
  return text || rule.empty;
}

// --- internal ---

interface SectionRule {
  /** Whether a heading starts the wanted section, another one, or none (it is then text of the section above). */
  opens: (h: Heading) => 'wanted' | 'other' | undefined;
  fences: boolean;
  endsAtHigherLevel: boolean;
  empty: '' | undefined;
}

const FENCE = /^\s*(```|~~~)/;

// Nextcloud's expressions, on the line as written: `re.search(r'^## (?:\[)?(?:v)?(\d+\.\d+(\.\d+)?)')`, `re.match(r'^## \[Unreleased\]')`.
const NEXTCLOUD_VERSION = /^## (?:\[)?(?:v)?(\d+\.\d+(?:\.\d+)?)/;
const NEXTCLOUD_UNRELEASED = /^## \[Unreleased\]/i;

function nextcloudRule(wanted: string): SectionRule {
  const keyOf = (h: Heading) => NEXTCLOUD_VERSION.exec(h.line)?.[1] ?? (NEXTCLOUD_UNRELEASED.test(h.line) ? '[Unreleased]' : undefined);
  return {
    opens: (h) => {
      const key = keyOf(h);
      return key === undefined ? undefined : key === wanted ? 'wanted' : 'other';
    },
    fences: false,
    endsAtHigherLevel: false,
    empty: '',
  };
}

const ANY_VERSION = /(?:^|[\s[(])v?\d+\.\d+\.\d+/;
const UNRELEASED = /^\[Unreleased\]/i;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function authoringRule(version: string): SectionRule {
  const names = new RegExp(`(?:^|[\\s\\[(])v?${escapeRegExp(version)}(?=$|[\\s\\])])`);
  return {
    opens: (h) => (names.test(h.text) ? 'wanted' : ANY_VERSION.test(h.text) || UNRELEASED.test(h.text) ? 'other' : undefined),
    fences: true,
    endsAtHigherLevel: true,
    empty: undefined,
  };
}
