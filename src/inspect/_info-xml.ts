import { createRequire } from 'node:module';
import type { XMLParser } from 'fast-xml-parser';
import type { ErrorObject } from 'ajv';
import { compileValidator } from '../schema/ajv.js';
import { infoXmlLicences, infoXmlSchema, type InfoXml } from '../schema/info-xml.js';

/** One problem with an info.xml, before it is given an archive and a position. */
export type InfoXmlProblem =
  | { kind: 'entities'; what: string }
  | { kind: 'malformed'; line: number; reason: string }
  | { kind: 'invalid'; element: string; detail: string }
  | { kind: 'no-english'; element: string };

/** What {@link parseInfoXml} found: the data when it is valid, and every problem. */
export interface InfoXmlResult {
  info?: InfoXml;
  /** `<id>` and `<version>` when they are valid themselves, even if other elements are not. */
  id?: string;
  version?: string;
  problems: InfoXmlProblem[];
}

/**
 * Parses and validates the text of an info.xml. DOCTYPE and entity declarations are refused
 * before parsing (XXE, billion laughs), and the parser never expands entities either.
 */
export function parseInfoXml(text: string): InfoXmlResult {
  const declaration = /<!(DOCTYPE|ENTITY)/i.exec(text);
  if (declaration) {
    const what = declaration[1]!.toUpperCase() === 'DOCTYPE' ? 'a <!DOCTYPE> declaration' : 'an <!ENTITY> declaration';
    return { problems: [{ kind: 'entities', what }] };
  }
  const { XMLValidator } = xml();
  const wellFormed = XMLValidator.validate(text);
  if (wellFormed !== true) {
    return { problems: [{ kind: 'malformed', line: wellFormed.err.line, reason: wellFormed.err.msg }] };
  }
  const doc = parser().parse(text) as Record<string, unknown>;
  const roots = Object.keys(doc);
  const info = doc.info as XmlNode[] | undefined;
  if (roots.length !== 1 || !info || info.length !== 1) {
    return {
      problems: [
        {
          kind: 'malformed',
          line: 1,
          reason: `the document must have exactly one root element <info> (found ${roots.map((r) => `<${r}>`).join(', ') || 'none'}).`,
        },
      ],
    };
  }
  const problems: InfoXmlProblem[] = [];
  const data = toData(info[0]!, problems);
  if (!validateInfoXml(data)) {
    const seen = new Set<string>();
    for (const e of validateInfoXml.errors ?? []) {
      const p = describe(e);
      const key = JSON.stringify(p);
      if (p && !seen.has(key)) problems.push(p);
      seen.add(key);
    }
  }
  const named = new Set(problems.map((p) => ('element' in p ? p.element : '')));
  const field = (name: 'id' | 'version') =>
    typeof data[name] === 'string' && !named.has(`<${name}>`) ? (data[name] as string) : undefined;
  const result: InfoXmlResult = { problems, id: field('id'), version: field('version') };
  if (!problems.length) result.info = data as InfoXml;
  return result;
}

// --- internal ---

/** An element as fast-xml-parser gives it with the options below: text, `@attributes`, child arrays. */
type XmlNode = { '#text'?: string } & { [key: string]: XmlNode[] | string | undefined };

// fast-xml-parser is needed only for stores with bundles: loaded (its CommonJS build, so
// parseInfoXml stays synchronous) and configured on the first info.xml.
let xmlModule: typeof import('fast-xml-parser') | undefined;
let xmlParser: XMLParser | undefined;

function xml(): typeof import('fast-xml-parser') {
  xmlModule ??= createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
  return xmlModule;
}

function parser(): XMLParser {
  xmlParser ??= new (xml().XMLParser)({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    // Defence in depth: declarations are refused above, and nothing is ever expanded.
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    alwaysCreateTextNode: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
  });
  return xmlParser;
}

const validateInfoXml = compileValidator<InfoXml>(infoXmlSchema);

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five predefined XML entities and character references, the only ones a DOCTYPE-free document has. */
function decode(s: string): string {
  return s.replace(
    /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g,
    (all, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
      if (name) return PREDEFINED[name]!;
      const code = hex ? parseInt(hex, 16) : Number(dec);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    },
  );
}

const textOf = (n: XmlNode): string => decode(n['#text'] ?? '');
const attrOf = (n: XmlNode, name: string): string | undefined => {
  const v = n[`@${name}`];
  return typeof v === 'string' ? decode(v) : undefined;
};
const children = (n: XmlNode | undefined, name: string): XmlNode[] => {
  const v = n?.[name];
  return Array.isArray(v) ? v : [];
};

/** Elements info.xsd no longer allows; Nextcloud refuses them rather than silently ignoring them. */
const DEPRECATED: Record<string, string> = {
  standalone: 'remove it',
  default_enable: 'remove it',
  shipped: 'remove it',
  public: 'remove it',
  remote: 'remove it',
  requiremin: 'use <dependencies><nextcloud min-version="…"> instead',
  requiremax: 'use <dependencies><nextcloud max-version="…"> instead',
};

/**
 * Maps the parsed XML to the plain data of info-xml.schema.json, applying Nextcloud's
 * normalisations (summary defaults to the description, licences compared case-insensitively,
 * no category means `tools`, `auth` means `security`). Unknown elements are ignored, as
 * Nextcloud's pre-info.xslt drops them.
 */
function toData(root: XmlNode, problems: InfoXmlProblem[]): Record<string, unknown> {
  const one = (parent: XmlNode | undefined, name: string, path = `<${name}>`): XmlNode | undefined => {
    const list = children(parent, name);
    if (list.length > 1) problems.push({ kind: 'invalid', element: path, detail: `appears ${list.length} times; only one is allowed` });
    return list[0];
  };
  const put = (o: Record<string, unknown>, key: string, value: unknown) => {
    if (value !== undefined) o[key] = value;
  };
  const l10n = (name: string): Record<string, string> | undefined => {
    const list = children(root, name);
    if (!list.length) return undefined;
    const byLang: Record<string, string> = {};
    for (const n of list) {
      const lang = attrOf(n, 'lang') ?? 'en';
      if (lang in byLang) problems.push({ kind: 'invalid', element: `<${name} lang="${lang}">`, detail: 'appears more than once' });
      byLang[lang] = textOf(n);
    }
    return byLang;
  };
  const attrs = (n: XmlNode | undefined, names: readonly string[], base: Record<string, unknown> = {}) => {
    if (!n) return undefined;
    for (const a of names) put(base, a, attrOf(n, a));
    return base;
  };

  for (const [name, fix] of Object.entries(DEPRECATED)) {
    if (children(root, name).length) problems.push({ kind: 'invalid', element: `<${name}>`, detail: `is no longer supported: ${fix}` });
  }
  const data: Record<string, unknown> = {};
  put(data, 'id', one(root, 'id') && textOf(one(root, 'id')!));
  const description = l10n('description');
  put(data, 'name', l10n('name'));
  put(data, 'summary', l10n('summary') ?? description);
  put(data, 'description', description);
  const version = one(root, 'version');
  put(data, 'version', version && textOf(version));
  const licences = children(root, 'licence').map((n) => {
    const v = textOf(n);
    return infoXmlLicences.find((l) => l.toLowerCase() === v.toLowerCase()) ?? v;
  });
  put(data, 'licence', licences.length ? licences : undefined);
  const authors = children(root, 'author').map((n) => attrs(n, ['mail', 'homepage'], { name: textOf(n) }));
  put(data, 'author', authors.length ? authors : undefined);
  const namespace = one(root, 'namespace');
  put(data, 'namespace', namespace && textOf(namespace));
  const categories = children(root, 'category').map((n) => {
    const v = textOf(n);
    return v === 'auth' ? 'security' : v;
  });
  put(data, 'category', categories.length ? [...new Set(categories)] : ['tools']);
  for (const name of ['website', 'discussion', 'bugs'] as const) {
    const n = one(root, name);
    put(data, name, n && textOf(n));
  }
  const repository = one(root, 'repository');
  put(data, 'repository', repository && attrs(repository, ['type'], { url: textOf(repository) }));
  const docs = one(root, 'documentation');
  if (docs) {
    const d: Record<string, unknown> = {};
    for (const k of ['user', 'admin', 'developer']) {
      const n = one(docs, k, `<documentation><${k}>`);
      put(d, k, n && textOf(n));
    }
    data.documentation = d;
  }
  const shots = children(root, 'screenshot').map((n) => attrs(n, ['small-thumbnail'], { url: textOf(n) }));
  put(data, 'screenshot', shots.length ? shots : undefined);
  const deps = one(root, 'dependencies');
  if (deps) {
    const d: Record<string, unknown> = {};
    put(d, 'php', attrs(one(deps, 'php', '<php>'), ['min-version', 'max-version', 'min-int-size']));
    const named = (name: string) => {
      const list = children(deps, name).map((n) => attrs(n, ['min-version', 'max-version'], { name: textOf(n) }));
      return list.length ? list : undefined;
    };
    put(d, 'database', named('database'));
    const commands = children(deps, 'command').map(textOf);
    put(d, 'command', commands.length ? commands : undefined);
    put(d, 'lib', named('lib'));
    const arch = children(deps, 'architecture').map(textOf);
    put(d, 'architecture', arch.length ? arch : undefined);
    put(d, 'nextcloud', attrs(one(deps, 'nextcloud', '<nextcloud>'), ['min-version', 'max-version']));
    data.dependencies = d;
  }
  return data;
}

/** Keys of the data that are XML attributes, not elements. */
const ATTRIBUTES = new Set(['mail', 'homepage', 'type', 'small-thumbnail', 'min-version', 'max-version', 'min-int-size']);
/** Keys that hold the text of their element. */
const TEXT = new Set(['name', 'url']);
const L10N = new Set(['name', 'summary', 'description']);

/** `<nextcloud max-version>`, `<name lang="de">`, `<author>` … for a path into the data. */
function elementOf(segments: string[]): string {
  const keys = segments.filter((s) => !/^\d+$/.test(s));
  if (keys.length === 0) return '<info>';
  if (keys.length === 2 && L10N.has(keys[0]!)) return `<${keys[0]} lang="${keys[1]}">`;
  const last = keys[keys.length - 1]!;
  if (keys.length > 1 && ATTRIBUTES.has(last)) return `<${keys[keys.length - 2]} ${last}>`;
  if (keys.length > 1 && TEXT.has(last)) return `<${keys[keys.length - 2]}>`;
  return `<${last}>`;
}

function describe(e: ErrorObject): InfoXmlProblem | undefined {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  // A bad language code fails `propertyNames`; ajv reports the inner error with the name, then a summary.
  const propertyName = (e as { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    return {
      kind: 'invalid',
      element: `<${path[0]} lang="${propertyName}">`,
      detail: 'has a lang attribute that is not a language code such as en, de or pt-br',
    };
  }
  if (e.keyword === 'propertyNames') return undefined;
  const value = typeof e.data === 'string' ? `"${e.data}"` : JSON.stringify(e.data);
  const explain = (e.parentSchema as { description?: string } | undefined)?.description;
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      if (missing === 'en' && path.length === 1 && L10N.has(path[0]!)) return { kind: 'no-english', element: `<${path[0]}>` };
      return { kind: 'invalid', element: elementOf([...path, missing]), detail: 'is missing' };
    }
    case 'enum':
      return {
        kind: 'invalid',
        element: elementOf(path),
        detail: `is ${value}; allowed: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`,
      };
    case 'pattern':
    case 'format':
      return { kind: 'invalid', element: elementOf(path), detail: `is ${value}, which is not ${explain ?? 'in the expected form'}` };
    case 'minLength':
      return { kind: 'invalid', element: elementOf(path), detail: 'is empty' };
    case 'maxLength':
      return { kind: 'invalid', element: elementOf(path), detail: `is longer than ${(e.params as { limit: number }).limit} characters` };
    case 'maxItems':
      return { kind: 'invalid', element: elementOf(path), detail: `appears more than ${(e.params as { limit: number }).limit} times` };
    case 'uniqueItems':
      return { kind: 'invalid', element: elementOf(path), detail: 'lists the same value twice' };
    default:
      return { kind: 'invalid', element: elementOf(path), detail: e.message ?? 'is not valid' };
  }
}
