import { Document } from 'yaml';
import { diag, Errors, StoreError } from '../errors/index.js';
import { addToSeq, deletePruning, flowSeq, openYaml, withHeader, yamlText, type YamlFile } from './yaml-edit.js';

/** What `app register` writes into app.yaml. */
export interface RegisterInput {
  id: string;
  /** Display name; for a new app.yaml the id when not given. */
  name?: string;
  /** The certificate file name, relative to the app folder (`<id>.crt`). */
  certificate: string;
  /** Base64 RSA-SHA512 signature over the app id. */
  signature: string;
  /** Owners to add (git host user names). */
  owners?: readonly string[];
  /** First comment line of a new file, e.g. the `yaml-language-server` schema line. */
  header?: string;
}

/**
 * Registers an app: sets `certificate` and `signature` in its app.yaml (created when `existing`
 * is undefined), keeping everything else of an existing file as it was.
 */
export function registerApp(existing: YamlFile | undefined, input: RegisterInput): string {
  if (!existing) {
    const doc = new Document({
      id: input.id,
      name: input.name ?? input.id,
      ...(input.owners?.length ? { owners: [] } : {}),
      certificate: input.certificate,
      signature: input.signature,
    });
    if (input.owners?.length) doc.set('owners', flowSeq(doc, input.owners));
    return withHeader(yamlText(doc), input.header);
  }
  const { doc, at } = openYaml(existing);
  const id = doc.get('id');
  if (id !== undefined && id !== input.id) throw new StoreError(diag(Errors.AppIdMismatch, [String(id), input.id], at(['id'])));
  if (input.name) doc.set('name', input.name);
  for (const o of input.owners ?? []) addToSeq(doc, ['owners'], o);
  doc.set('certificate', input.certificate);
  doc.set('signature', input.signature);
  return yamlText(doc);
}

/** Pins a channel to a version: the channel serves it even when newer releases exist. */
export function pinChannel(app: YamlFile, channel: string, version: string): string {
  const { doc } = openYaml(app);
  doc.setIn(['pins', channel], version);
  return yamlText(doc);
}

/** Removes a channel's pin (and `pins:` when it becomes empty). Unchanged text when there was none. */
export function unpinChannel(app: YamlFile, channel: string): string {
  const { doc } = openYaml(app);
  if (!doc.hasIn(['pins', channel])) return app.text;
  deletePruning(doc, ['pins', channel]);
  return yamlText(doc);
}

/** Sets `locked: true`, or removes `locked` (the default is unlocked). */
export function setLocked(app: YamlFile, locked: boolean): string {
  const { doc } = openYaml(app);
  if (locked) {
    if (doc.get('locked') === true) return app.text;
    doc.set('locked', true);
  } else {
    if (!doc.has('locked')) return app.text;
    doc.delete('locked');
  }
  return yamlText(doc);
}

/** Sets the app's docker image (`docker.image`), which its releases' tags refer to. */
export function setDockerImage(app: YamlFile, image: string): string {
  const { doc } = openYaml(app);
  doc.setIn(['docker', 'image'], image);
  return yamlText(doc);
}
