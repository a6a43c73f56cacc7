import semver from 'semver';
import type { ManifestCandidate } from '../schema/manifest.js';

/** A release the client may install (a manifest candidate, or a release of the API). */
export type Offer = Pick<ManifestCandidate, 'version' | 'files'>;

/** One file of an {@link Offer}. */
export type OfferFile = ManifestCandidate['files'][number];

/** A file the client can download: it has a URL, a size and a SHA-256. */
export type DownloadableFile = OfferFile & { url: string; size: number; sha256: string };

/** What the client asks for. */
export interface SelectRequest {
  /** This machine's OS version (full semver). */
  osVersion: string;
  /** The installed version, for updates: a file's appversion range must admit it. Fresh installs ignore appversion. */
  installed?: string;
  /** Exactly this version (`--version`). */
  version?: string;
  /** Only files of this format (`--format`). */
  format?: string;
}

/** The chosen release and file. */
export type Selection = Readonly<{ version: string; file: DownloadableFile }>;

/** The choice, or why nothing fits (one reason per release looked at, newest first). */
export type SelectResult = { selected: Selection } | { selected?: undefined; reasons: string[] };

const opts = { includePrerelease: true } as const;

/**
 * Picks the newest offer (or exactly `version`) that has a downloadable file whose osversion
 * range admits this OS version, whose appversion range admits the installed version, and whose
 * format matches. A release with several fitting files gives its first one (the order of the
 * release file). Invalid ranges never match, as in auto-update-server.
 */
export function selectRelease(offers: readonly Offer[], req: SelectRequest): SelectResult {
  const reasons: string[] = [];
  const sorted = [...offers].filter((o) => semver.valid(o.version)).sort((a, b) => semver.rcompare(a.version, b.version));
  for (const offer of sorted) {
    if (req.version !== undefined && !semver.eq(offer.version, req.version)) continue;
    const why: string[] = [];
    for (const file of offer.files) {
      const problem = fileProblem(file, req);
      if (!problem) return { selected: { version: offer.version, file: file as DownloadableFile } };
      why.push(problem);
    }
    reasons.push(`${offer.version}: ${why.length ? [...new Set(why)].join('; ') : 'no file for this platform'}`);
  }
  return { reasons };
}

/** True when `candidate` is newer than `installed` (semver order, prereleases below their release). */
export const isNewer = (candidate: string, installed: string): boolean => semver.gt(candidate, installed);

// --- internal ---

function fileProblem(file: OfferFile, req: SelectRequest): string | undefined {
  if (file.format === 'docker' || !file.url || file.size === undefined || !file.sha256) {
    return file.ref ? `a docker image (${file.ref}), not installed by this client` : 'no downloadable file';
  }
  if (req.format !== undefined && file.format !== req.format) return `format ${file.format}, not ${req.format}`;
  if (!satisfies(req.osVersion, file.osversion)) return `needs OS ${file.osversion} (this is ${req.osVersion})`;
  if (req.installed !== undefined && !satisfies(req.installed, file.appversion)) return `updates only ${file.appversion} (installed: ${req.installed})`;
  return undefined;
}

function satisfies(version: string, range: string): boolean {
  try {
    return semver.satisfies(version, new semver.Range(range, opts), opts);
  } catch {
    return false;
  }
}
