import { isNode, LineCounter, parseDocument, type Document } from 'yaml';

/** Which store file a document is. */
export type SourceKind = 'store' | 'app' | 'release';

/** A store file as read from disk: its text, the parsed data, and what maps data paths to lines. */
export interface SourceDoc {
  kind: SourceKind;
  /** Path as shown to users, e.g. `store/apps/news/releases/1.2.0.yaml`. */
  file: string;
  /** Path relative to the store folder, with forward slashes. */
  rel: string;
  /** Absolute path. */
  abs: string;
  text: string;
  /** Content key of the text (see `ParseCache.keyOf`), when loaded by `loadStore`. */
  hash?: string;
  /** The parsed data; `undefined` when the file did not parse. */
  data: unknown;
  /**
   * Kept only to map a data path to a line; see {@link positionOf}. Documents made by
   * {@link lazySource} parse the text again on first access (a diagnostic needs a position),
   * so a build whose data came from the parse cache keeps no YAML Document in memory.
   */
  readonly doc?: Document;
  readonly lineCounter?: LineCounter;
}

/** A source document whose `doc` and `lineCounter` are made from its text only when asked for. */
export function lazySource(fields: Omit<SourceDoc, 'doc' | 'lineCounter'>, json = false): SourceDoc {
  let parsed: { doc?: Document; lineCounter: LineCounter } | undefined;
  const positions = () => (parsed ??= parseSource(fields.text, json));
  const source = { ...fields } as SourceDoc;
  Object.defineProperties(source, {
    doc: { get: () => positions().doc, enumerable: true },
    lineCounter: { get: () => positions().lineCounter, enumerable: true },
  });
  return source;
}

/**
 * A position whose line and column are looked up on first read, so stages can attach positions
 * to everything they make without re-parsing a file whose data came from the parse cache; only
 * a position a diagnostic reads costs a parse.
 */
export function lazyPosition(
  source: SourceDoc,
  pointer: string | readonly (string | number)[] = '',
  key = false,
): { file: string; line?: number; column?: number } {
  let found: { line: number; column: number } | undefined | null = null;
  const find = () => (found === null ? (found = positionOf(source, pointer, key)) : found);
  const at = { file: source.file } as { file: string; line?: number; column?: number };
  Object.defineProperties(at, {
    line: { get: () => find()?.line, enumerable: true },
    column: { get: () => find()?.column, enumerable: true },
  });
  return at;
}

/** A syntax error found while parsing a source file. */
export interface ParseProblem {
  message: string;
  line?: number;
  column?: number;
  /** Set when the text parsed but its data is refused: too many alias uses, or nested too deep. */
  kind?: 'aliases' | 'too-deep';
}

/** Most uses of YAML aliases in one file: an alias bomb expands exponentially. */
export const MAX_ALIAS_COUNT = 100;
/** Deepest nesting of store data; real store files are a few levels deep. */
export const MAX_DEPTH = 64;

/**
 * Parses YAML or JSON (JSON through the YAML parser, so positions work the same way).
 * `allText` reads every scalar as text (for files of hex serials and the like).
 */
export function parseSource(
  text: string,
  json = false,
  opts: { allText?: boolean } = {},
): { data: unknown; doc?: Document; lineCounter: LineCounter; problems: ParseProblem[] } {
  try {
    return parseUnguarded(text, json, opts.allText ?? false);
  } catch (e) {
    // The parser recurses per nesting level: runaway nesting overflows the stack before any limit applies.
    if (e instanceof RangeError)
      return { data: undefined, lineCounter: new LineCounter(), problems: [{ message: e.message, kind: 'too-deep', line: 1, column: 1 }] };
    throw e;
  }
}

function parseUnguarded(
  text: string,
  json: boolean,
  allText: boolean,
): { data: unknown; doc?: Document; lineCounter: LineCounter; problems: ParseProblem[] } {
  const lineCounter = new LineCounter();
  if (json) {
    // JSON.parse names the JSON mistake precisely; the YAML parser below only adds positions.
    try {
      JSON.parse(text);
    } catch (e) {
      const message = (e as Error).message.replace(/ in JSON at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
      const offset = Number((e as Error).message.match(/at position (\d+)/)?.[1] ?? text.length);
      parseDocument(text, { lineCounter });
      const pos = lineCounter.linePos(offset);
      return { data: undefined, lineCounter, problems: [{ message, line: pos.line, column: pos.col }] };
    }
  }
  // allText (YAML's failsafe schema): every scalar is the text as written, so a hex serial such as
  // 1234 or 12e4 is not read as a number (and never loses digits as a float).
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: true,
    uniqueKeys: true,
    ...(allText ? { schema: 'failsafe' as const } : {}),
  });
  if (doc.errors.length) {
    // Later errors are nearly always consequences of the first one.
    const problems = doc.errors.slice(0, 1).map((e) => {
      const pos = e.linePos?.[0];
      // prettyErrors appends " at line N, column M:" and a code frame; the position is reported separately.
      const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      // The parser turns its own stack overflow on runaway nesting into a syntax error.
      const kind = /Maximum call stack/i.test(message) ? ('too-deep' as const) : undefined;
      return { message, line: pos?.line, column: pos?.col, ...(kind ? { kind } : {}) };
    });
    return { data: undefined, lineCounter, problems };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (!(e instanceof ReferenceError) || !/alias/i.test(e.message)) throw e;
    const at = firstAlias(text, lineCounter);
    return { data: undefined, lineCounter, problems: [{ message: e.message, kind: 'aliases', ...at }] };
  }
  const deep = tooDeepAt(data);
  if (deep) {
    const pos = positionOf({ doc, lineCounter }, deep);
    return {
      data: undefined,
      lineCounter,
      problems: [{ message: `nested deeper than ${MAX_DEPTH}`, kind: 'too-deep', line: pos?.line ?? 1, column: pos?.column ?? 1 }],
    };
  }
  return { data, doc, lineCounter, problems: [] };
}

/** The path to the first value nested deeper than {@link MAX_DEPTH}, found without recursion. */
function tooDeepAt(data: unknown): (string | number)[] | undefined {
  const stack: [unknown, (string | number)[]][] = [[data, []]];
  while (stack.length) {
    const [value, at] = stack.pop()!;
    if (!value || typeof value !== 'object') continue;
    if (at.length >= MAX_DEPTH) return at;
    for (const [k, v] of Object.entries(value)) stack.push([v, [...at, Array.isArray(value) ? Number(k) : k]]);
  }
  return undefined;
}

/** Where the first alias (`*name`) of a text is, to point an alias-bomb error at it. */
function firstAlias(text: string, lineCounter: LineCounter): { line: number; column: number } {
  const m = /(^|[\s,[{:-])\*[^\s,\]}]/m.exec(text);
  const pos = lineCounter.linePos(m ? m.index + m[1]!.length : 0);
  return { line: pos.line, column: pos.col };
}

/** Line and column (1-based) of the value at a JSON-pointer-like path, or of the closest parent that exists. */
export function positionOf(
  source: Pick<SourceDoc, 'doc' | 'lineCounter'>,
  pointer: string | readonly (string | number)[],
  key = false,
): { line: number; column: number } | undefined {
  const { doc, lineCounter } = source;
  if (!doc || !lineCounter) return undefined;
  let segments: (string | number)[] =
    typeof pointer === 'string'
      ? pointer
          .split('/')
          .slice(1)
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
          .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
      : [...pointer];
  while (true) {
    let node: unknown;
    if (key && segments.length) {
      // Point at the key itself (for unknown keys), not at its value.
      const parent = segments.length > 1 ? doc.getIn(segments.slice(0, -1), true) : doc.contents;
      const last = segments[segments.length - 1];
      const pair = (parent as { items?: { key: unknown }[] } | null)?.items?.find(
        (p) => isNode(p.key) && (p.key as { value?: unknown }).value === last,
      );
      node = pair?.key;
    } else {
      node = segments.length ? doc.getIn(segments, true) : doc.contents;
    }
    if (isNode(node) && node.range) {
      const pos = lineCounter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
    if (!segments.length) return undefined;
    segments = segments.slice(0, -1);
    key = false;
  }
}
