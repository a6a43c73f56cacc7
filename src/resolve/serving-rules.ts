import { diag, Errors, type Diagnostic } from '../errors/index.js';
import type { ResolvedStore } from './types.js';

/** Rules about what the manifests serve that need the whole resolved app: a pin must not name a yanked release. */
export function checkServing(store: ResolvedStore): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const app of store.apps) {
    for (const [channel, version] of Object.entries(app.pins)) {
      if (app.releases.find((r) => r.version === version)?.yanked) out.push(diag(Errors.PinYanked, [channel, version], app.at));
    }
  }
  return out;
}
