// The part of semver the embeddable client needs (compare versions, match the ranges the store
// checked with node-semver), without a runtime dependency. Pre-releases are ordinary versions
// here, as the build resolves them (node-semver's `includePrerelease: true`).

/** A parsed version: numbers and pre-release identifiers (build metadata dropped). */
export type Version = Readonly<{ major: number; minor: number; patch: number; pre: readonly (string | number)[] }>;

const FULL = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Parses a full semantic version (`1.2.3`, `1.6.0-beta.1`, `v2.0.0+build.5`); undefined otherwise. */
export function parseVersion(text: string): Version | undefined {
  const m = FULL.exec(text.trim());
  if (!m) return undefined;
  const pre = m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [];
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre };
}

/**
 * An OS or app version as a client reports it, completed to a full version: `10` → 10.0.0,
 * `10.0.19045` as is, `23.1` → 23.1.0; undefined when it does not start with a number.
 */
export function coerceVersion(text: string): Version | undefined {
  const exact = parseVersion(text);
  if (exact) return exact;
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), pre: [] } : undefined;
}

/** Semver precedence: negative when a < b, 0 when equal (build metadata ignored), positive when a > b. */
export function compareVersions(a: Version, b: Version): number {
  const d = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (d) return d;
  if (!a.pre.length || !b.pre.length) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Whether `a` is newer than `b` (both full versions); false when either does not parse. */
export function isNewer(a: string, b: string): boolean {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return !!x && !!y && compareVersions(x, y) > 0;
}

/**
 * Whether a version satisfies a range in node-semver's syntax: `*`, comparators (`>=10.13`,
 * `<2`), `^`, `~`, x-ranges (`1.x`), hyphen ranges and `||`. A range that does not parse
 * matches nothing (as auto-update-server treats invalid ranges).
 */
export function satisfies(version: Version, range: string): boolean {
  const sets = range.split('||').map((s) => comparators(s.trim()));
  return sets.some((set) => set !== undefined && set.every(([op, v]) => test(version, op, v)));
}

// --- internal ---

type Op = '<' | '<=' | '>' | '>=' | '=';
type Comparator = [Op, Version];

const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;

function test(v: Version, op: Op, bound: Version): boolean {
  const c = compareVersions(v, bound);
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '>=' ? c >= 0 : c === 0;
}

/** A range without `||` as a list of comparators; undefined when it does not parse. */
function comparators(text: string): Comparator[] | undefined {
  if (text === '' || text === '*' || /^[xX]$/.test(text)) return [];
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (hyphen) {
    const lo = partial(hyphen[1]!);
    const hi = partial(hyphen[2]!);
    if (!lo || !hi) return undefined;
    // node-semver (includePrerelease) starts a hyphen range at the lowest pre-release of its first version.
    const from = lo.n === 3 && !lo.pre.length ? { ...floor(lo), pre: [0] } : floor(lo);
    return [...(lo.n ? [['>=', from] as Comparator] : []), ...upper(hi, true)];
  }
  const out: Comparator[] = [];
  // "> = 1.2" and ">= 1.2" are spelled with spaces in the wild: join an operator with its version.
  for (const token of text.replace(/([<>=~^]+)\s+/g, '$1').split(/\s+/)) {
    const m = /^(<=|>=|<|>|=|\^|~>?|)(.*)$/.exec(token)!;
    const p = partial(m[2]!);
    if (!p) return undefined;
    const op = m[1]!;
    if (op === '^') out.push(...caret(p));
    else if (op.startsWith('~')) out.push(...tilde(p));
    else if (op === '' || op === '=')
      out.push(...(p.n === 3 ? [['=', floor(p)] as Comparator] : p.n ? [['>=', floor(p)] as Comparator, ...upper(p, false)] : []));
    else if (op === '>=') out.push(...(p.n ? [['>=', floor(p)] as Comparator] : []));
    else if (op === '<') out.push(p.n ? ['<', floor(p)] : ['<', { major: 0, minor: 0, patch: 0, pre: [0] }]);
    else if (op === '>') {
      if (p.n === 3) out.push(['>', floor(p)]);
      else if (p.n) out.push(['>=', next(p)]);
      else return undefined;
    } else if (op === '<=') out.push(...(p.n === 3 ? [['<=', floor(p)] as Comparator] : p.n ? [['<', next(p)] as Comparator] : []));
  }
  return out;
}

/** A version with `n` given numbers (0 for `*`); the rest are wildcards. */
type Partial = { n: number; parts: [number, number, number]; pre: readonly (string | number)[] };

function partial(text: string): Partial | undefined {
  const m = PARTIAL.exec(text);
  if (!m) return undefined;
  const given = [m[1], m[2], m[3]].map((x) => (x === undefined || /^[xX*]$/.test(x) ? undefined : Number(x)));
  let n = 0;
  while (n < 3 && given[n] !== undefined) n++;
  // "1.x.3" is as wide as "1.x".
  const parts = [0, 1, 2].map((i) => (i < n ? given[i]! : 0)) as [number, number, number];
  const pre = n === 3 && m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [];
  return { n, parts, pre };
}

// A partial version's floor carries the lowest pre-release ("1.2" → 1.2.0-0), as node-semver's includePrerelease reads it.
const floor = (p: Partial): Version => ({ major: p.parts[0], minor: p.parts[1], patch: p.parts[2], pre: p.n === 3 ? p.pre : [0] });

/** The first version above every version the partial stands for ("1.2" → 1.3.0-0): pre-releases of it excluded. */
function next(p: Partial): Version {
  const [a, b] = p.parts;
  return p.n === 1 ? v(a + 1, 0, 0) : v(a, b + 1, 0);
}

function upper(p: Partial, inclusive: boolean): Comparator[] {
  if (p.n === 0) return [];
  if (p.n === 3) return [[inclusive ? '<=' : '<', floor(p)]];
  return [['<', next(p)]];
}

function caret(p: Partial): Comparator[] {
  if (p.n === 0) return [];
  const [a, b, c] = p.parts;
  const hi = a > 0 || p.n === 1 ? v(a + 1, 0, 0) : b > 0 || p.n === 2 ? v(a, b + 1, 0) : v(a, b, c + 1);
  return [
    ['>=', floor(p)],
    ['<', hi],
  ];
}

function tilde(p: Partial): Comparator[] {
  if (p.n === 0) return [];
  const [a, b] = p.parts;
  return [
    ['>=', floor(p)],
    ['<', p.n === 1 ? v(a + 1, 0, 0) : v(a, b + 1, 0)],
  ];
}

// Upper bounds carry the lowest pre-release, so "<2.0.0" from "^1.2" also excludes 2.0.0-beta.
const v = (major: number, minor: number, patch: number): Version => ({ major, minor, patch, pre: [0] });
