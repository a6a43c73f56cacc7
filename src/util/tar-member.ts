// The one safety rule for tar members, applied by the build's bundle inspector and by the
// client's extractor alike: a member is judged by its normalized name, so `a/./b`, `a//b`,
// `a\b` and `a/b/` cannot pass as different members or hide a reserved path.

/** Why a member is refused by every reader of archives. */
export type MemberProblem = 'absolute' | 'traversal' | 'symlink' | 'hardlink' | 'special' | 'duplicate';

/** Member types that hold plain data or a folder; everything else is refused. */
const REGULAR = new Set(['File', 'OldFile', 'ContiguousFile']);

/** True for the tar entry types that are plain files. */
export const isRegularMember = (type: string | undefined): boolean => type === undefined || REGULAR.has(type);

/**
 * The canonical spelling of a member name: backslashes are separators (Windows tools write
 * them), repeated and trailing slashes and `.` segments are dropped. `..` segments are kept so
 * the traversal rule sees them; a leading slash or drive letter is kept out of `parts` and
 * reported by {@link memberProblems}.
 */
function normalizeMember(name: string): { key: string; parts: string[] } {
  const parts = name
    .replace(/\\/g, '/')
    .replace(/^[A-Za-z]:/, '')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  return { key: parts.join('/'), parts };
}

/** Folds tar member names and remembers which were seen, to refuse a second spelling of one. */
export class MemberSet {
  readonly #seen = new Set<string>();

  /**
   * The problems of one member: its name (absolute, `..`), its type (link, device, FIFO) and
   * whether a member of the same normalized name came before.
   */
  check(name: string, type: string | undefined): { key: string; parts: string[]; problems: MemberProblem[] } {
    const { key, parts } = normalizeMember(name);
    const problems: MemberProblem[] = [];
    if (/^([\\/]|[A-Za-z]:)/.test(name)) problems.push('absolute');
    if (parts.includes('..')) problems.push('traversal');
    if (type === 'SymbolicLink') problems.push('symlink');
    else if (type === 'Link') problems.push('hardlink');
    else if (type !== undefined && !REGULAR.has(type) && type !== 'Directory') problems.push('special');
    if (this.#seen.has(key)) problems.push('duplicate');
    this.#seen.add(key);
    return { key, parts, problems };
  }

  /** Whether a member of this normalized name was seen. */
  has(key: string): boolean {
    return this.#seen.has(normalizeMember(key).key);
  }
}
