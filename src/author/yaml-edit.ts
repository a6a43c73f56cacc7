import { Document, isMap, isSeq, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { diag, Errors, StoreError, type Position } from '../errors/index.js';
import { parseSource, positionOf } from '../load/index.js';

/** A store file to edit: where it is (as shown to users) and its text. */
export interface YamlFile {
  /** Path as shown to users, e.g. `store/apps/news/app.yaml`. */
  file: string;
  text: string;
}

/** A parsed file being edited: the document, and positions of its nodes for error messages. */
export interface Editing {
  doc: Document;
  /** File and line of the value at a path (or of its closest existing parent). */
  at: (path?: (string | number)[]) => Position;
}

// Written the way people write these files: `[stable, beta]` without inner padding, no re-wrapping.
const STRINGIFY = { flowCollectionPadding: false, lineWidth: 0 } as const;

/** Parses a store file for editing; a syntax error stops the command with its position. */
export function openYaml(f: YamlFile): Editing {
  const parsed = parseSource(f.text);
  if (!parsed.doc) {
    throw new StoreError(
      parsed.problems.map((p) => diag(Errors.YamlSyntax, [p.message], { file: f.file, line: p.line, column: p.column })),
    );
  }
  const source = { doc: parsed.doc, lineCounter: parsed.lineCounter };
  return { doc: parsed.doc, at: (path = []) => ({ file: f.file, ...positionOf(source, path) }) };
}

/** The edited text. Untouched parts (comments, quoting, flow or block style) come out as they went in. */
export function yamlText(doc: Document): string {
  return doc.toString(STRINGIFY);
}

/** A new file's text, starting with a comment line (yaml would put a blank line after a document comment). */
export function withHeader(text: string, header: string | undefined): string {
  return header ? `#${header}\n${text}` : text;
}

/**
 * Sets a top-level key; a new key goes before the first of `before` that exists, so new fields
 * land where people put them (e.g. `rollout:` above the long `entries:` list), else at the end.
 */
export function setTopLevel(doc: Document, key: string, value: unknown, before: readonly string[] = []): void {
  const map = doc.contents;
  if (!isMap(map) || map.has(key)) {
    doc.set(key, value);
    return;
  }
  const index = map.items.findIndex((p) => before.includes(String((p.key as Scalar | undefined)?.value ?? p.key)));
  const pair = doc.createPair(key, value);
  if (index < 0) map.items.push(pair);
  else map.items.splice(index, 0, pair);
}

/** A flow sequence (`[a, b]`), as hand-written store files list channels and architectures. */
export function flowSeq(doc: Document, items: readonly string[]): YAMLSeq {
  const seq = doc.createNode([...items]) as YAMLSeq;
  seq.flow = true;
  return seq;
}

/** Markdown as a literal block (`|`), so release notes stay readable in the file. */
export function literal(text: string): Scalar {
  const s = new Scalar(text.endsWith('\n') ? text : `${text}\n`);
  s.type = 'BLOCK_LITERAL';
  return s;
}

/** Adds a value to a sequence at `path`, keeping its style; creates a flow sequence when missing. */
export function addToSeq(doc: Document, path: (string | number)[], value: string): void {
  const node = doc.getIn(path, true) as Node | undefined;
  if (isSeq(node)) {
    if (!node.items.some((i) => (i as Scalar).value === value)) node.add(doc.createNode(value));
  } else doc.setIn(path, flowSeq(doc, [value]));
}

/** Deletes `path`, then its parent maps that became empty (an emptied `pins:` disappears with its comment). */
export function deletePruning(doc: Document, path: (string | number)[]): void {
  doc.deleteIn(path);
  for (let n = path.length - 1; n > 0; n--) {
    const parent = doc.getIn(path.slice(0, n), true);
    if (isMap(parent) && (parent as YAMLMap).items.length === 0) doc.deleteIn(path.slice(0, n));
    else break;
  }
}
