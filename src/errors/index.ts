export * from './diagnostic.js';
export * from './format.js';
export { Errors, allErrorSpecs } from './catalog.js';
