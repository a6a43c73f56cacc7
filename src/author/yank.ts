import { diag, Errors, StoreError } from '../errors/index.js';
import type { ResolvedApp, ResolvedRelease } from '../resolve/index.js';
import { deletePruning, openYaml, setTopLevel, yamlText, type YamlFile } from './yaml-edit.js';

/**
 * Withdraws a release: `yanked: true` and `yankReason` in its file. The release stays in the
 * files, the API and the release log, and is served to no one. A release a channel is pinned to
 * cannot be yanked (the pin would point at nothing). Unchanged text when it is already yanked
 * for the same reason.
 */
export function yankRelease(f: YamlFile, app: ResolvedApp, release: ResolvedRelease, reason: string): string {
  if (!reason.trim()) throw new StoreError(diag(Errors.YankReasonRequired, []));
  const pinned = Object.entries(app.pins)
    .filter(([, v]) => v === release.version)
    .map(([c]) => c);
  const { doc, at } = openYaml(f);
  if (pinned.length) throw new StoreError(diag(Errors.YankPinned, [release.version, pinned.join(', ')], at(['version'])));
  if (doc.get('yanked') === true && doc.get('yankReason') === reason) return f.text;
  // Next to the version, above the notes and the entries, where a reader of the file looks first.
  setTopLevel(doc, 'yanked', true, ['rollout', 'changelog', 'entries']);
  setTopLevel(doc, 'yankReason', reason, ['rollout', 'changelog', 'entries']);
  return yamlText(doc);
}

/** Serves a yanked release again: removes `yanked` and `yankReason`. Unchanged text when it was not yanked. */
export function unyankRelease(f: YamlFile): string {
  const { doc } = openYaml(f);
  if (!doc.has('yanked') && !doc.has('yankReason')) return f.text;
  deletePruning(doc, ['yanked']);
  deletePruning(doc, ['yankReason']);
  return yamlText(doc);
}
