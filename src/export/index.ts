// `appshelf export aus`: a store → an auto-update-server updates/ folder, for teams that keep that
// server as a fallback. Reading and writing happen here; exportAusFiles in between is pure.
import { existsSync, promises as fs, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { diag, Errors, hasErrors, StoreError, type Diagnostic, type Position } from '../errors/index.js';
import type { ResolvedRelease } from '../resolve/index.js';
import { loadStore } from '../load/index.js';
import { resolveStore } from '../resolve/index.js';
import { displayPath } from '../util/paths.js';
import { isStoreFileProblem, readStoreFile, statStoreFile, type FolderMemo } from '../util/store-files.js';
import { validateDocs } from '../validate/index.js';
import { exportAusFiles, type ExportFileContent } from './aus.js';

/** What {@link exportAus} did. */
export interface ExportReport {
  /** The store's errors (nothing is written then), and what could not be expressed, as warnings. */
  diagnostics: Diagnostic[];
  apps: number;
  releases: number;
  entries: number;
  /** The folder written (absolute); undefined when nothing was written. */
  out?: string;
}

/** An archive the store commits: a regular file inside the store, no link on the way (the confined reader's rule). */
function storeArchive(root: string): (rel: string) => string | undefined {
  const folders: FolderMemo = new Map();
  return (rel) => (isStoreFileProblem(statStoreFile(root, rel, folders)) ? undefined : path.join(root, rel));
}

// A release file was read whole by the load stage already; this bound only keeps a swapped one cheap.
const RELEASE_FILE_BYTES = 4 * 1024 * 1024;

/** The line of a release file's `version:` key (resolve keeps only the file of a release). */
function versionLine(root: string): (r: ResolvedRelease) => Position {
  return (r) => {
    const read = readStoreFile(root, r.rel, RELEASE_FILE_BYTES);
    const text = isStoreFileProblem(read) ? '' : read.bytes.toString('utf8');
    const i = text.search(/^version\s*:/m);
    return { ...r.at, line: i < 0 ? 1 : text.slice(0, i).split('\n').length, column: 1 };
  };
}

/** Writes the files into a temporary sibling folder, then renames it into place. */
async function writeFolder(out: string, files: ReadonlyMap<string, ExportFileContent>): Promise<void> {
  const tmp = `${out}.tmp-${process.pid}-${Date.now()}`;
  try {
    for (const [rel, content] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const target = path.join(tmp, rel);
      await fs.mkdir(path.dirname(target), { recursive: true });
      if ('copyFrom' in content) await fs.copyFile(content.copyFrom, target);
      else {
        await fs.writeFile(target, content.text);
        // The release date comes back as the date when the folder is imported again.
        if (content.mtime) await fs.utimes(target, content.mtime, content.mtime);
      }
    }
    if (existsSync(out)) await fs.rmdir(out); // only ever an empty folder (checked before)
    await fs.rename(tmp, out);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw e;
  }
}

/**
 * Exports the store at `storeDir` as an auto-update-server `updates/` folder `outDir` (new or
 * empty): loads and resolves the store (its errors stop the export), converts, copies the
 * archives and writes atomically. The same store gives the same files.
 */
export async function exportAus(storeDir: string, outDir: string): Promise<ExportReport> {
  const out = path.resolve(outDir);
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length))
    throw new StoreError(diag(Errors.ExportTargetExists, [displayPath(out)]));
  const { store, diagnostics } = resolveStore(validateDocs(loadStore(storeDir)));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!store || hasErrors(errors)) return { diagnostics: errors, apps: 0, releases: 0, entries: 0 };
  const made = exportAusFiles(store, storeArchive(store.root), versionLine(store.root));
  const report: ExportReport = { diagnostics: made.diagnostics, apps: made.apps, releases: made.releases, entries: made.entries };
  if (!made.entries) {
    made.diagnostics.push(diag(Errors.ExportNothing, [displayPath(store.root)]));
    return report;
  }
  await writeFolder(out, made.files);
  return { ...report, out };
}
