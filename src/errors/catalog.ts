import type { ErrorSpec } from './diagnostic.js';
import { storeErrors } from './_store.js';
import { trustErrors } from './_trust.js';
import { archiveErrors } from './_archive.js';
import { manifestErrors } from './_manifest.js';
import { policyErrors } from './_policy.js';
import { serveErrors } from './_serve.js';
import { installErrors } from './_install.js';
import { fileErrors } from './_files.js';
import { feedErrors } from './_feeds.js';
import { ownStoreErrors } from './_own-store.js';
import { frontErrors } from './_front.js';
import { rolloutErrors } from './_rollout.js';
import { exportErrors } from './_export.js';
import { freshErrors } from './_fresh.js';
import { deployErrors } from './_deploy.js';

/**
 * The one catalog of every diagnostic appshelf reports. The areas live in `_*.ts` files so each
 * stage keeps its entries together; the codes are global and stable (a test keeps them unique).
 */
export const Errors = {
  ...storeErrors,
  ...trustErrors,
  ...archiveErrors,
  ...manifestErrors,
  ...policyErrors,
  ...serveErrors,
  ...installErrors,
  ...fileErrors,
  ...feedErrors,
  ...ownStoreErrors,
  ...frontErrors,
  ...rolloutErrors,
  ...exportErrors,
  ...freshErrors,
  ...deployErrors,
} as const satisfies Record<string, ErrorSpec>;

/** Every catalog entry, for docs and the uniqueness test. */
export const allErrorSpecs: readonly ErrorSpec[] = [
  storeErrors,
  trustErrors,
  archiveErrors,
  manifestErrors,
  policyErrors,
  serveErrors,
  installErrors,
  fileErrors,
  feedErrors,
  ownStoreErrors,
  frontErrors,
  rolloutErrors,
  exportErrors,
  freshErrors,
  deployErrors,
].flatMap((area) => Object.values(area) as ErrorSpec[]);
