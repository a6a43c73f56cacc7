import { formatDiagnostics, type Diagnostic, type DiagnosticFormat } from '../errors/index.js';
import { UsageError } from '../errors/index.js';
import type { Io } from './command.js';

const FORMATS: readonly DiagnosticFormat[] = ['text', 'json', 'github'];

/** Validates a `--format` value. */
export function parseFormat(value: string | undefined): DiagnosticFormat {
  const f = (value ?? 'text') as DiagnosticFormat;
  if (!FORMATS.includes(f)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got "${value}").`);
  return f;
}

/** One line that sums up a run: counts of errors and warnings. */
export function summaryLine(list: readonly Diagnostic[]): string {
  const errors = list.filter((d) => d.severity === 'error').length;
  const warnings = list.length - errors;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** Prints diagnostics in the chosen format (json and github go to stdout, text to stderr). */
export function printDiagnostics(list: readonly Diagnostic[], format: DiagnosticFormat, io: Io): void {
  if (!list.length && format !== 'json') return;
  const text = formatDiagnostics(list, format);
  if (format === 'text') io.err(text);
  else io.out(text);
}

/** `1 app`, `2 apps`: a count with its noun. */
export const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
