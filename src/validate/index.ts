export { validateDocs, schemaDiagnostics, type Checked, type CheckedApp, type ValidatedStore } from './validate-docs.js';
