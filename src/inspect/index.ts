import { isStoreFileProblem, statStoreFile } from '../util/store-files.js';
import { diag, Errors, type Diagnostic, type Position } from '../errors/index.js';
import type { ResolvedApp, ResolvedEntry, ResolvedRelease, ResolvedStore } from '../resolve/index.js';
import type { InfoXml } from '../schema/info-xml.js';
import { changelogMember, infoXmlMember, readBundle } from './_bundle.js';
import { changelogHeading, changelogSection } from './_changelog.js';
import { parseInfoXml, type InfoXmlProblem, type InfoXmlResult } from './_info-xml.js';
import { mapLimit } from './_map-limit.js';

/** Facts read from a release's archives. */
interface BundleFacts {
  /** The section of CHANGELOG.md for this version; set only when the release file has no changelog. */
  changelog?: string;
  /** appinfo/info.xml as plain data (see `schemas/info-xml.schema.json`); set only when it is valid. */
  info?: InfoXml;
}

/** What inspection found: problems, and facts per release. */
export interface InspectReport {
  diagnostics: Diagnostic[];
  /** Facts of a release, by app id and version. */
  facts: (app: string, version: string) => BundleFacts | undefined;
}

/** Options of {@link inspectStore}. */
export interface InspectOptions {
  /** Absolute path of an entry's archive bytes: the committed file, or the verified download; undefined when not available. */
  archivePath: (entry: ResolvedEntry) => string | undefined;
}

export { fetchRemoteArchives } from './fetch.js';
export { parseInfoXml } from './_info-xml.js';

/**
 * Reads every entry of every app bundle (`bundle: true`) safely — streamed, never extracted —
 * and checks it against the bundle rules, info.xml and the release; collects the info.xml
 * metadata and, for releases without a changelog, the CHANGELOG.md section. Other apps' files
 * are opaque here (size, sha256 and signature are the verify stage's), and entries whose bytes
 * are not available (a remote archive not downloaded) are skipped.
 */
export async function inspectStore(store: ResolvedStore, opts: InspectOptions): Promise<InspectReport> {
  const tasks: { app: ResolvedApp; release: ResolvedRelease; entry: ResolvedEntry; file: string }[] = [];
  for (const app of store.apps) {
    if (!app.bundle) continue;
    for (const release of app.releases) {
      for (const entry of release.entries) {
        const file = opts.archivePath(entry);
        // A committed archive that is a link, a folder, a FIFO or over the size limit is never opened; verify reports it.
        const st = entry.file ? statStoreFile(store.root, entry.file) : undefined;
        if (st && (isStoreFileProblem(st) || st.size > store.limits.archiveSize)) continue;
        if (file) tasks.push({ app, release, entry, file });
      }
    }
  }
  const results = await mapLimit(tasks, CONCURRENCY, (t) => inspectEntry(store, t.app, t.release, t.entry, t.file));
  const facts = new Map<string, BundleFacts>();
  const diagnostics: Diagnostic[] = [];
  results.forEach((r, i) => {
    diagnostics.push(...r.diagnostics);
    const { app, release } = tasks[i]!;
    const key = `${app.id}@${release.version}`;
    // The first entry that yields facts speaks for the release; all entries must pass the same rules anyway.
    const known = facts.get(key) ?? {};
    if (known.info === undefined && r.info !== undefined) known.info = r.info;
    if (known.changelog === undefined && r.changelog !== undefined) known.changelog = r.changelog;
    facts.set(key, known);
  });
  return { diagnostics, facts: (app, version) => facts.get(`${app}@${version}`) };
}

// --- internal ---

/** Archives read at once: each is a file stream plus gunzip, so a few in flight keep the disk and zlib busy. */
const CONCURRENCY = 4;

interface EntryResult extends BundleFacts {
  diagnostics: Diagnostic[];
}

async function inspectEntry(
  store: ResolvedStore,
  app: ResolvedApp,
  release: ResolvedRelease,
  entry: ResolvedEntry,
  file: string,
): Promise<EntryResult> {
  const archive = entry.fileName;
  const at = entry.at;
  let read;
  try {
    read = await readBundle(file, { archive, appId: app.id, limits: store.limits, at });
  } catch (e) {
    // A missing or unreadable file is the verify stage's to report (E_ARCHIVE_NOT_FOUND).
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { diagnostics: [] };
    return { diagnostics: [diag(Errors.ReadFailed, [archive, (e as Error).message], at)] };
  }
  const diagnostics = [...read.diagnostics];
  const result: EntryResult = { diagnostics };
  if (!read.complete || read.folder === undefined) return result;

  const infoMember = infoXmlMember(read.folder);
  const infoBytes = read.metadata.get(infoMember);
  if (infoBytes) {
    const text = decodeUtf8(infoBytes);
    const parsed: InfoXmlResult =
      text === undefined ? { problems: [{ kind: 'malformed', line: 1, reason: 'the file is not UTF-8 text.' }] } : parseInfoXml(text);
    for (const p of parsed.problems) diagnostics.push(infoXmlDiagnostic(p, archive, infoMember, at));
    if (parsed.id !== undefined && parsed.id !== app.id)
      diagnostics.push(diag(Errors.InfoXmlId, [archive, infoMember, parsed.id, app.id], at));
    // info.xml versions carry no build metadata, so the release version is compared without it.
    if (parsed.version !== undefined && parsed.version !== release.semver.version) {
      diagnostics.push(diag(Errors.InfoXmlVersion, [archive, infoMember, parsed.version, release.version], at));
    }
    if (parsed.info) result.info = parsed.info;
  }

  if (release.changelog === undefined) {
    const member = changelogMember(read.folder);
    const bytes = read.metadata.get(member);
    if (bytes) {
      const section = changelogSection(bytes.toString('utf8'), release.version, release.nightly);
      if (section === undefined) {
        diagnostics.push(
          diag(Errors.ChangelogNoSection, [archive, member, `## ${changelogHeading(release.version, release.nightly)}`], at),
        );
      } else {
        result.changelog = section;
      }
    }
  }
  return result;
}

function infoXmlDiagnostic(p: InfoXmlProblem, archive: string, member: string, at: Position): Diagnostic {
  switch (p.kind) {
    case 'entities':
      return diag(Errors.InfoXmlEntities, [archive, member, p.what], at);
    case 'malformed':
      return diag(Errors.InfoXmlMalformed, [archive, member, p.line, p.reason], at);
    case 'no-english':
      return diag(Errors.InfoXmlNoEnglish, [archive, member, p.element], at);
    case 'invalid':
      return diag(Errors.InfoXmlInvalid, [archive, member, p.element, p.detail], at);
  }
}

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}
export { inspectMedia, type AppMedia } from './media.js';
