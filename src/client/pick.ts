import type { ManifestCandidate, UpdateManifest } from '../schema/manifest.js';
import { coerceVersion, compareVersions, parseVersion, satisfies } from './semver.js';

/** A release a client may install: a manifest candidate (or a release of the API, same fields). */
export type Offer = Pick<ManifestCandidate, 'version' | 'files'>;

/** One file of an {@link Offer}. */
export type OfferFile = ManifestCandidate['files'][number];

/** A file the client can download: it has a URL, a size and a SHA-256. */
export type DownloadableFile = OfferFile & { url: string; size: number; sha256: string };

/** What the client asks for. */
export interface SelectRequest {
  /** This machine's OS version (`10.0.19045`, `14.4`, `6.1`); completed to a full version. Unchecked when absent. */
  osVersion?: string;
  /** The installed version, for updates: a file's appversion range must admit it. Fresh installs leave it out. */
  installed?: string;
  /** Exactly this version. */
  version?: string;
  /** Only files of this format. */
  format?: string;
}

/** The chosen release and file. */
export type Selection = Readonly<{ version: string; file: DownloadableFile }>;

/** The choice, or why nothing fits (one reason per release looked at, newest first). */
export type SelectResult = { selected: Selection } | { selected?: undefined; reasons: string[] };

/**
 * Picks the newest offer (or exactly `version`) with a downloadable file whose osversion range
 * admits this OS version, whose appversion range admits the installed version, and of the
 * wanted format. A release with several fitting files gives its first one (the order of the
 * release file). Invalid ranges never match, as in auto-update-server.
 */
export function selectUpdate(offers: readonly Offer[], req: SelectRequest): SelectResult {
  const reasons: string[] = [];
  const parsed = offers.flatMap((o) => {
    const v = parseVersion(o.version);
    return v ? [{ o, v }] : [];
  });
  parsed.sort((a, b) => compareVersions(b.v, a.v));
  const wanted = req.version === undefined ? undefined : parseVersion(req.version);
  for (const { o, v } of parsed) {
    if (req.version !== undefined && (!wanted || compareVersions(v, wanted) !== 0)) continue;
    const why: string[] = [];
    for (const file of o.files) {
      const problem = fileProblem(file, req);
      if (!problem) return { selected: { version: o.version, file: file as DownloadableFile } };
      why.push(problem);
    }
    reasons.push(`${o.version}: ${why.length ? [...new Set(why)].join('; ') : 'no file for this platform'}`);
  }
  return { reasons };
}

/** What a client installs from a manifest: the candidate, its file, and whether that goes back. */
export type PickedUpdate = { candidate: ManifestCandidate; file: DownloadableFile; rollback?: true };

/**
 * The update a client with `appversion` installed takes from a manifest: the newest candidate
 * newer than it with a file of its format whose appversion and osversion ranges admit it. When
 * the channel is pinned back below `appversion` ({@link pickRollback}), the pinned release, marked
 * `rollback: true`, unless `downgrade: false`.
 */
export function pickUpdate(
  manifest: UpdateManifest,
  client: { appversion: string; osversion?: string; format?: string; downgrade?: boolean },
): PickedUpdate | undefined {
  const installed = parseVersion(client.appversion);
  const newer = manifest.candidates.filter((c) => {
    const v = parseVersion(c.version);
    return v && (!installed || compareVersions(v, installed) > 0);
  });
  const r = selectUpdate(newer, { installed: client.appversion, osVersion: client.osversion, format: client.format });
  if (r.selected) return { candidate: newer.find((c) => c.version === r.selected.version)!, file: r.selected.file };
  return client.downgrade === false ? undefined : pickRollback(manifest, client);
}

/**
 * The rollback a manifest offers a client with `appversion` installed: its candidate marked
 * `rollback` (the channel is pinned to it) when that is older than `appversion` and has a file of
 * the client's format for its OS version. Appversion ranges are not applied: they say which
 * installed versions may move forward to a file, and going back to the pin is the store's call.
 */
export function pickRollback(
  manifest: UpdateManifest,
  client: { appversion: string; osversion?: string; format?: string },
): PickedUpdate | undefined {
  const pinned = manifest.candidates.find((c) => c.rollback);
  const installed = parseVersion(client.appversion);
  const v = pinned && parseVersion(pinned.version);
  if (!pinned || !installed || !v || compareVersions(v, installed) >= 0) return undefined;
  const r = selectUpdate([pinned], { osVersion: client.osversion, format: client.format });
  return r.selected && { candidate: pinned, file: r.selected.file, rollback: true };
}

// --- internal ---

function fileProblem(file: OfferFile, req: SelectRequest): string | undefined {
  if (file.format === 'docker' || !file.url || file.size === undefined || !file.sha256) {
    return file.ref ? `a docker image (${file.ref}), not installed by this client` : 'no downloadable file';
  }
  if (req.format !== undefined && file.format !== req.format) return `format ${file.format}, not ${req.format}`;
  if (req.osVersion !== undefined && !admits(coerceVersion(req.osVersion), file.osversion))
    return `needs OS ${file.osversion} (this is ${req.osVersion})`;
  if (req.installed !== undefined && !admits(coerceVersion(req.installed), file.appversion))
    return `updates only ${file.appversion} (installed: ${req.installed})`;
  return undefined;
}

const admits = (v: ReturnType<typeof coerceVersion>, range: string): boolean =>
  range.trim() === '*' || (v !== undefined && satisfies(v, range));
