import type { Diagnostic } from './diagnostic.js';

/** Output formats of `appshelf check`. */
export type DiagnosticFormat = 'text' | 'json' | 'github';

function location(d: Diagnostic): string {
  if (!d.file) return '';
  return `${d.file}${d.line ? `:${d.line}` : ''}${d.line && d.column ? `:${d.column}` : ''}: `;
}

/** `store/apps/news/releases/1.2.0.yaml:7:3: error E_CODE: message` plus an indented hint line. */
export function formatText(d: Diagnostic): string {
  const head = `${location(d)}${d.severity} ${d.code}: ${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

// Workflow commands treat %, CR and LF specially; properties also ':' and ','.
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** A GitHub Actions annotation: `::error file=…,line=…,col=…,title=CODE::message`. */
export function formatGithub(d: Diagnostic): string {
  const props: string[] = [];
  if (d.file) props.push(`file=${escapeProperty(d.file)}`);
  if (d.line) props.push(`line=${d.line}`);
  if (d.column) props.push(`col=${d.column}`);
  props.push(`title=${escapeProperty(d.code)}`);
  const text = d.hint ? `${d.message} (${d.hint})` : d.message;
  return `::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(text)}`;
}

/** Renders all diagnostics in one format; `json` is one document, the others one line per problem. */
export function formatDiagnostics(list: readonly Diagnostic[], format: DiagnosticFormat): string {
  if (format === 'json') {
    const errors = list.filter((d) => d.severity === 'error').length;
    return JSON.stringify({ errors, warnings: list.length - errors, diagnostics: list }, null, 2) + '\n';
  }
  const render = format === 'github' ? formatGithub : formatText;
  return list.map((d) => render(d) + '\n').join('');
}
