// `appshelf import aus`: an auto-update-server updates/ folder → an appshelf store.
// Reading and writing happen here; parseAusFiles and convertAus in between are pure.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, promises as fs, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { diag, Errors, StoreError, type Diagnostic } from '../errors/index.js';
import { displayPath } from '../util/paths.js';
import { convertAus, type ArchiveFacts, type StoreFileContent } from './aus-convert.js';
import { parseAusFiles, type AusSourceFile } from './aus-parse.js';

export { parseAusFiles, type AusSourceFile } from './aus-parse.js';
export { convertAus, appIdFor } from './aus-convert.js';

/** What {@link importAus} did. */
export interface ImportReport {
  /** Everything skipped or approximated, as warnings (with an error when nothing was importable). */
  diagnostics: Diagnostic[];
  apps: number;
  releases: number;
  entries: number;
  /** The store folder written (absolute); undefined when nothing was written. */
  store?: string;
}

/**
 * Walks the folder like the reference server (recursively, following links, skipping every name
 * that starts with "."; only names ending in ".json" are update files), in sorted order so the
 * import is the same on every machine.
 */
export function readAusFolder(dir: string, report: (d: Diagnostic) => void): AusSourceFile[] {
  const out: AusSourceFile[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const abs = path.join(folder, name);
      const st = statSync(abs, { throwIfNoEntry: false });
      if (!st) continue;
      if (name.startsWith('.')) {
        report(diag(Errors.AusHidden, [st.isDirectory() ? 'folder' : 'file'], { file: displayPath(abs) }));
        continue;
      }
      if (st.isDirectory()) walk(abs);
      else if (name.endsWith('.json')) out.push({ file: displayPath(abs), abs, text: readFileSync(abs, 'utf8'), mtime: st.mtime });
      else if (/\.json$/i.test(name)) report(diag(Errors.AusNotJson, [name], { file: displayPath(abs) }));
    }
  };
  walk(dir);
  return out;
}

async function archiveFacts(file: string): Promise<ArchiveFacts | undefined> {
  const st = await fs.stat(file).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return { size: st.size, sha256: hash.digest('hex') };
}

/** Writes the store into a temporary sibling folder, then renames it into place. */
async function writeStoreFiles(out: string, files: ReadonlyMap<string, StoreFileContent>): Promise<void> {
  const tmp = `${out}.tmp-${process.pid}-${Date.now()}`;
  try {
    for (const [rel, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      const target = path.join(tmp, rel);
      await fs.mkdir(path.dirname(target), { recursive: true });
      if (typeof content === 'string') await fs.writeFile(target, content);
      else await fs.copyFile(content.copyFrom, target);
    }
    if (existsSync(out)) await fs.rmdir(out); // only ever an empty folder (checked before)
    await fs.rename(tmp, out);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw e;
  }
}

/**
 * Imports an auto-update-server `updates/` folder into a new store folder `storeDir`: reads every
 * update file, hashes the archives they name, converts, and writes. Reports every file or entry it
 * skipped; when nothing at all is importable it writes nothing and adds an error.
 */
export async function importAus(updatesDir: string, storeDir: string, opts: { name?: string } = {}): Promise<ImportReport> {
  const src = path.resolve(updatesDir);
  const out = path.resolve(storeDir);
  if (!statSync(src, { throwIfNoEntry: false })?.isDirectory()) throw new StoreError(diag(Errors.AusDirMissing, [displayPath(src)]));
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length))
    throw new StoreError(diag(Errors.AusTargetExists, [displayPath(out)]));
  const diagnostics: Diagnostic[] = [];
  const sources = readAusFolder(src, (d) => diagnostics.push(d));
  const parsed = parseAusFiles(sources);
  diagnostics.push(...parsed.diagnostics);
  const archives = new Map<string, ArchiveFacts>();
  for (const file of new Set(parsed.entries.map((e) => e.archive))) {
    const facts = await archiveFacts(file);
    if (facts) archives.set(file, facts);
  }
  const converted = convertAus(parsed.entries, archives, { name: opts.name, source: displayPath(src) });
  diagnostics.push(...converted.diagnostics);
  const report: ImportReport = { diagnostics, apps: converted.apps, releases: converted.releases, entries: converted.entries };
  if (!converted.entries) {
    diagnostics.push(diag(Errors.AusNothingImported, [displayPath(src)]));
    return report;
  }
  await writeStoreFiles(out, converted.files);
  return { ...report, store: out };
}
