/** How serious a diagnostic is: errors fail `check` and `build`, warnings do not. */
export type Severity = 'error' | 'warning';

/** A position in a source file, 1-based as editors show it. */
export interface Position {
  /** Path relative to the working directory, with forward slashes. */
  file: string;
  line?: number;
  column?: number;
}

/** One problem found in a run. Stages collect these and never stop at the first. */
export interface Diagnostic {
  /** Stable code from the catalog, e.g. `E_SCHEMA_UNKNOWN_KEY`. Never renamed. */
  code: string;
  severity: Severity;
  /** What happened, in one sentence, without an "Error:" prefix. */
  message: string;
  /** What to do about it. */
  hint?: string;
  file?: string;
  line?: number;
  column?: number;
}

/** A catalog entry: a stable code, a message built from arguments, and an optional hint. */
export interface ErrorSpec<A extends readonly unknown[] = any[]> {
  code: string;
  /** Defaults to `error`. */
  severity?: Severity;
  message: (...args: A) => string;
  hint?: string | ((...args: A) => string);
}

type ArgsOf<S> = S extends { message: (...args: infer A) => string } ? A : never;

/** Makes a diagnostic from a catalog entry, its message arguments and where it happened. */
export function diag<S extends ErrorSpec>(spec: S, args: ArgsOf<S>, at?: Position, severity?: Severity): Diagnostic {
  const shown = args.map(bounded) as ArgsOf<S>;
  const hint = typeof spec.hint === 'function' ? spec.hint(...shown) : spec.hint;
  const d: Diagnostic = { code: spec.code, severity: severity ?? spec.severity ?? 'error', message: spec.message(...shown) };
  if (hint) d.hint = hint;
  if (at) {
    d.file = at.file;
    if (at.line !== undefined) d.line = at.line;
    if (at.column !== undefined) d.column = at.column;
  }
  return d;
}

/**
 * Arguments are mostly values quoted from store files, which strangers write: a 1 MB token must
 * not become a 1 MB message (or a CI log line). Longer ones keep their first {@link MAX_QUOTE}
 * characters; the slack keeps ordinary long paths and lists whole.
 */
const bounded = (a: unknown): unknown => (typeof a === 'string' && a.length > MAX_QUOTE + 56 ? `${a.slice(0, MAX_QUOTE)}…` : a);
/** Characters of a quoted value kept in a message. */
export const MAX_QUOTE = 200;

/** True when any diagnostic is an error. */
export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');

/**
 * Thrown for a user error that stops a command outright (a missing store, an unreadable key).
 * Carries diagnostics so the CLI prints them like any other; never shown with a stack trace.
 */
export class StoreError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: Diagnostic | readonly Diagnostic[], options?: ErrorOptions) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics as Diagnostic];
    super(list.map((d) => d.message).join('\n'), options);
    this.name = 'StoreError';
    this.diagnostics = list;
  }
}

/** Thrown for wrong command-line usage (exit code 2). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Stable order for printing: by file, line, column, then code. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.code.localeCompare(b.code),
  );
}
