import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import type { FormatsPlugin } from 'ajv-formats';
import { appSchema, type AppFile } from './app.js';
import { releaseSchema, type ReleaseFile } from './release.js';
import { storeSchema, type StoreFile } from './store.js';

// Loading ajv and compiling a schema cost ~0.1 s together; a command (or a build of a store
// without bundles or revocations) should pay only for the validators it runs. ajv and
// ajv-formats are CommonJS, so they load synchronously on first use and compiling stays sync.
let instance: Ajv | undefined;

/**
 * One set of options for the validators compiled here and those precompiled at build time
 * (scripts/gen-validators.mjs): strict catches schema typos, allErrors reports every problem,
 * verbose keeps parentSchema on errors, which the unknown-key suggestion reads.
 */
export const AJV_OPTIONS = { strict: true, allErrors: true, allowUnionTypes: true, verbose: true } as const;

/** The key of a schema among the precompiled validators: a hash of its JSON. */
export const schemaKey = (schema: object): string => createHash('sha256').update(JSON.stringify(schema)).digest('hex');

type Precompiled = { hashes: Record<string, string> } & Record<string, ValidateFunction>;
let precompiled: Precompiled | null | undefined;

/**
 * The validator compiled for exactly this schema when the package was built (`_validators.cjs`
 * beside this module in lib/): no ajv compile at run time, ~0.1 s less for every command that
 * validates. Undefined when there is none (TypeScript sources, or a schema changed since).
 */
function precompiledFor<T>(schema: object): ValidateFunction<T> | undefined {
  if (precompiled === undefined) {
    try {
      precompiled = createRequire(import.meta.url)('./_validators.cjs') as Precompiled;
    } catch {
      precompiled = null;
    }
  }
  const name = precompiled?.hashes[schemaKey(schema)];
  return name ? (precompiled![name] as ValidateFunction<T>) : undefined;
}

function ajv(): Ajv {
  if (!instance) {
    const require = createRequire(import.meta.url);
    const { Ajv } = require('ajv') as typeof import('ajv');
    const formats = require('ajv-formats') as { default: FormatsPlugin };
    // One instance for the whole program.
    instance = new Ajv(AJV_OPTIONS);
    formats.default(instance);
  }
  return instance;
}

/**
 * A validator for a schema, compiled on its first call (then once for the whole program); its
 * `errors` are those of the last call, as with ajv's own. Generic over the data type only (a
 * generic over the schema hits TS2589).
 */
export function compileValidator<T>(schema: object): ValidateFunction<T> {
  let compiled: ValidateFunction<T> | undefined;
  const get = () => (compiled ??= precompiledFor<T>(schema) ?? ajv().compile<T>(schema));
  const validate = function (this: unknown, data: unknown, dataCxt?: Parameters<ValidateFunction<T>>[1]) {
    const fn = get();
    const ok = fn.call(this, data, dataCxt);
    validate.errors = fn.errors;
    return ok;
  } as ValidateFunction<T>;
  validate.schema = schema;
  Object.defineProperties(validate, {
    schemaEnv: { get: () => get().schemaEnv, enumerable: true },
    evaluated: { get: () => get().evaluated, enumerable: true },
    source: { get: () => get().source, enumerable: true },
  });
  return validate;
}

export const validateStoreFile = compileValidator<StoreFile>(storeSchema);
export const validateAppFile = compileValidator<AppFile>(appSchema);
export const validateReleaseFile = compileValidator<ReleaseFile>(releaseSchema);
