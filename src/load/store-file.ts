import path from 'node:path';
import { diag, Errors, type Diagnostic, type Position } from '../errors/index.js';
import { displayPath } from '../util/paths.js';
import { MAX_ALIAS_COUNT, MAX_DEPTH, type ParseProblem } from './source.js';
import { decodeStoreText, isStoreFileProblem, readStoreFile, type FolderMemo, type StoreFileProblem } from '../util/store-files.js';

/**
 * The diagnostic for a store path that cannot be used. Messages name only the store-relative
 * path the store itself wrote (or the link inside the store): nothing about what a link points
 * at. `missing` gives the caller's own code for a file that is not there.
 */
export function storeFileDiagnostic(
  problem: StoreFileProblem,
  root: string,
  rel: string,
  at: Position,
  what: string,
  missing?: () => Diagnostic,
): Diagnostic {
  const shown = displayPath(path.join(root, rel));
  switch (problem.kind) {
    case 'outside':
      return diag(Errors.PathOutsideStore, [what, rel], at);
    case 'symlink':
      return diag(Errors.StoreSymlink, [problem.at ? displayPath(path.join(root, problem.at)) : shown], at);
    case 'directory':
      return diag(Errors.NotAFile, [problem.at ? displayPath(path.join(root, problem.at)) : shown], at);
    case 'special':
      return diag(Errors.StoreSpecialFile, [shown], at);
    case 'too-large':
      return diag(Errors.FileTooLarge, [shown, problem.size, problem.limit, what], at);
    case 'unreadable':
      return diag(Errors.ReadFailed, [shown, problem.code], at);
    case 'missing':
      return missing ? missing() : diag(Errors.ReadFailed, [shown, 'ENOENT'], at);
  }
}

/**
 * Reads a UTF-8 text file of the store (store.yaml, an app or release file, a certificate, the
 * revocation list) through the confined reader: links, folders, special files, files over
 * `limit` bytes and text that is not UTF-8 each become their own diagnostic, pushed to `out`.
 * `at` is where the path was written (for a path named in another file), else the file itself.
 */
export function readStoreText(
  root: string,
  rel: string,
  limit: number,
  out: Diagnostic[],
  opts: { at?: Position; what?: string; missing?: () => Diagnostic; folders?: FolderMemo } = {},
): string | undefined {
  const file = displayPath(path.join(root, rel));
  const at = opts.at ?? { file };
  const read = readStoreFile(root, rel, limit, opts.folders);
  if (isStoreFileProblem(read)) {
    out.push(storeFileDiagnostic(read, root, rel, at, opts.what ?? 'a store file', opts.missing));
    return undefined;
  }
  const decoded = decodeStoreText(read.bytes);
  if ('text' in decoded) return decoded.text;
  const spec = decoded.kind === 'utf16' ? Errors.FileUtf16 : decoded.kind === 'nul' ? Errors.FileNul : Errors.FileEncoding;
  out.push(diag(spec, [file], { file, line: decoded.line, column: decoded.column }));
  return undefined;
}

/** The diagnostic for a problem the parser found in a store file. */
export function parseProblemDiagnostic(p: ParseProblem, file: string, json = false): Diagnostic {
  const at = { file, line: p.line, column: p.column };
  if (p.kind === 'aliases') return diag(Errors.YamlAliases, [MAX_ALIAS_COUNT], at);
  if (p.kind === 'too-deep') return diag(Errors.YamlTooDeep, [MAX_DEPTH], at);
  return diag(json ? Errors.JsonSyntax : Errors.YamlSyntax, [p.message], at);
}
