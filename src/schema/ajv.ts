import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { appSchema, type AppFile } from './app.js';
import { releaseSchema, type ReleaseFile } from './release.js';
import { storeSchema, type StoreFile } from './store.js';

// One instance for the whole program: strict catches schema typos, allErrors reports every problem.
// verbose keeps parentSchema on errors, which the unknown-key suggestion reads.
const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true, verbose: true });
formats.default(ajv);

/** Compiles a schema once; generic over the data type only (a generic over the schema hits TS2589). */
export const compileValidator = <T>(schema: object): ValidateFunction<T> => ajv.compile<T>(schema);

export const validateStoreFile = compileValidator<StoreFile>(storeSchema);
export const validateAppFile = compileValidator<AppFile>(appSchema);
export const validateReleaseFile = compileValidator<ReleaseFile>(releaseSchema);

export type { ErrorObject };
