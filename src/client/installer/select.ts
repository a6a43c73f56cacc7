// Choosing a release is the embeddable client's job (src/client/pick.ts); the CLI client uses the same code.
export { selectUpdate as selectRelease, pickRollback, isNewer, type Offer, type Selection } from '../index.js';
