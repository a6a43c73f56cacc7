import type { ErrorObject, ValidateFunction } from 'ajv';
import { diag, Errors, type Diagnostic } from '../errors/index.js';
import { positionOf, type LoadedStore, type SourceDoc } from '../load/index.js';
import {
  validateAppFile,
  validateReleaseFile,
  validateStoreFile,
  type AppFile,
  type ReleaseFile,
  type StoreFile,
} from '../schema/index.js';
import { closest } from '../util/suggest.js';

/** A source document whose data passed its schema. */
export interface Checked<T> {
  source: SourceDoc;
  data: T;
}

/** One app folder with its schema-valid files. */
export interface CheckedApp {
  folder: string;
  /** Undefined when app.yaml is missing or failed its schema; its releases are still checked. */
  app?: Checked<AppFile>;
  releases: Checked<ReleaseFile>[];
}

/** The store after the per-file schema check; files that failed are left out and reported. */
export interface ValidatedStore {
  root: string;
  store?: Checked<StoreFile>;
  apps: CheckedApp[];
  diagnostics: Diagnostic[];
}

/** `/entries/0/os` → `entries[0].os`, the way people read a path in a YAML file. */
function readablePath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

/** The value at a JSON pointer of parsed data. */
function valueAt(data: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>(
      (v, s) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[s.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined),
      data,
    );
}

function describeType(e: ErrorObject): string {
  const t = (e.params as { type?: string | string[] }).type;
  const list = Array.isArray(t) ? t : [t ?? 'valid'];
  return list.map((x) => (x === 'integer' ? 'an integer' : x === 'array' || x === 'object' ? `an ${x}` : `a ${x}`)).join(' or ');
}

/** Turns ajv's errors for one document into catalog diagnostics that point at the YAML node. */
export function schemaDiagnostics(source: SourceDoc, errors: readonly ErrorObject[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    let d: Diagnostic;
    const where = readablePath(e.instancePath);
    if (e.keyword === 'additionalProperties') {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}).filter((k) => k !== '$schema');
      const pos = positionOf(source, `${e.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, true);
      d = diag(Errors.SchemaUnknownKey, [key, where, closest(key, known), known.join(', ')], { file: source.file, ...pos });
    } else if (e.keyword === 'required') {
      const key = (e.params as { missingProperty: string }).missingProperty;
      d = diag(Errors.SchemaMissingKey, [key, where], { file: source.file, ...positionOf(source, e.instancePath) });
    } else if (e.propertyName !== undefined) {
      const pos = positionOf(source, `${e.instancePath}/${e.propertyName}`, true);
      d = diag(Errors.SchemaValue, [`Key "${e.propertyName}"${where ? ` in ${where}` : ''}`, e.message ?? 'is invalid'], {
        file: source.file,
        ...pos,
      });
    } else if (e.keyword === 'propertyNames') {
      continue; // reported through the inner error, which names the key
    } else if (e.keyword === 'type') {
      const unquotedNumber =
        typeof valueAt(source.data, e.instancePath) === 'number' && [(e.params as { type?: unknown }).type].flat().includes('string');
      d = diag(Errors.SchemaType, [where || 'The document', describeType(e), unquotedNumber], {
        file: source.file,
        ...positionOf(source, e.instancePath),
      });
    } else {
      const detail =
        e.keyword === 'enum'
          ? `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
          : e.keyword === 'pattern'
            ? `has an invalid format (expected to match ${(e.params as { pattern: string }).pattern})`
            : (e.message ?? 'is invalid');
      d = diag(Errors.SchemaValue, [where || 'The document', detail], { file: source.file, ...positionOf(source, e.instancePath) });
    }
    const key = `${d.code}|${d.line}|${d.column}|${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

function check<T>(source: SourceDoc | undefined, validate: ValidateFunction<T>, diagnostics: Diagnostic[]): Checked<T> | undefined {
  if (!source || source.data === undefined) return undefined;
  if (validate(source.data)) return { source, data: source.data };
  diagnostics.push(...schemaDiagnostics(source, validate.errors ?? []));
  return undefined;
}

/** Checks every loaded file against its JSON Schema. Pure: reads nothing from disk. */
export function validateDocs(loaded: LoadedStore): ValidatedStore {
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const store = check(loaded.store, validateStoreFile, diagnostics);
  const apps: CheckedApp[] = [];
  for (const a of loaded.apps) {
    const app = check(a.app, validateAppFile, diagnostics);
    const releases = a.releases.map((r) => check(r, validateReleaseFile, diagnostics)).filter((r) => r !== undefined);
    apps.push({ folder: a.folder, app, releases });
  }
  return { root: loaded.root, store, apps, diagnostics };
}
