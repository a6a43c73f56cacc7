// `init` as a library verb: the repository's files as edits, after every refusal.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { appshelfVersion } from '../config/index.js';
import { diag, Errors, StoreError, UsageError } from '../errors/index.js';
import { displayPath, isInside } from '../util/paths.js';
import { appshelfSpecOf, initFiles } from './init-files.js';
import type { FileEdit, StoreEdit } from './store-edits.js';

/** What `init` is asked to make. */
export interface InitRepositoryInput {
  /** The repository folder (new, or holding only a package.json that names appshelf). */
  dir: string;
  name?: string;
  baseUrl: string;
  /** How package.json names appshelf (else what it names already). */
  appshelf?: string;
  admins: string[];
  deploy: 'pages' | 's3';
  /** Where the CA key will go. @default <keysDir>/<package name>/ca.key */
  caKeyOut?: string;
  keysDir: string;
}

/**
 * `init`: the files of a store repository (store.yaml, package.json, workflows, CODEOWNERS, README …)
 * as edits, after refusing anything that would overwrite a file; and where the CA key goes (outside
 * the repository). The CA itself is made by `createStoreCa` once store.yaml is written.
 */
export function initRepository(input: InitRepositoryInput): StoreEdit<{ files: string[]; caKey: string }> {
  const { dir } = input;
  const folder = path.basename(dir);
  const packageName =
    folder
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+/, '') || 'app-store';
  const pkgFile = path.join(dir, 'package.json');
  const existingPackageJson = existsSync(pkgFile) ? readFileSync(pkgFile, 'utf8') : undefined;
  let kept: string | undefined;
  try {
    kept = existingPackageJson === undefined ? undefined : appshelfSpecOf(existingPackageJson);
  } catch {
    throw new UsageError(`${displayPath(pkgFile)} is not valid JSON; fix or remove it first.`);
  }
  // Never a bare name: "appshelf" on a public registry need not be this package.
  if (!input.appshelf && !kept) {
    throw new UsageError(
      `package.json must say where appshelf comes from: run \`npm install --save-dev <appshelf tarball or git URL>\` first, or pass --appshelf SPEC (e.g. --appshelf https://…/appshelf-${appshelfVersion()}.tgz).`,
    );
  }
  const files = initFiles({
    name: input.name ?? folder,
    packageName,
    baseUrl: input.baseUrl,
    appshelf: input.appshelf,
    existingPackageJson,
    admins: input.admins,
    deploy: input.deploy,
  });
  const clash = [...files.keys(), 'store/trust/ca.crt', 'store/trust/revoked.yaml'].filter(
    (rel) => rel !== 'package.json' && existsSync(path.join(dir, rel)),
  );
  if (existsSync(path.join(dir, 'store')) && readdirSync(path.join(dir, 'store')).length) clash.unshift('store/');
  if (clash.length)
    throw new StoreError(diag(Errors.InitExists, [[...new Set(clash)].map((rel) => displayPath(path.join(dir, rel))).join(', ')]));
  const caKey = path.resolve(input.caKeyOut ?? path.join(input.keysDir, packageName, 'ca.key'));
  if (isInside(dir, caKey)) throw new StoreError(diag(Errors.KeygenInsideStore, [displayPath(caKey)]));
  const edits: FileEdit[] = [...files].map(([rel, text]) => ({ path: path.join(dir, rel), file: displayPath(path.join(dir, rel)), text }));
  return { edits, result: { files: [...files.keys()], caKey } };
}
