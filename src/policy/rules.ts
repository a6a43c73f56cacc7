import path from 'node:path';
import semver from 'semver';
import { diag, Errors, type Diagnostic, type Position } from '../errors/index.js';
import { positionOf, type SourceDoc } from '../load/index.js';
import type { ResolvedApp, ResolvedEntry, ResolvedRelease } from '../resolve/index.js';
import type { PolicyInput, StoreSnapshot } from './types.js';

type Report = (d: Diagnostic) => void;

/** Looks up source documents by store-relative path and turns data paths into positions. */
interface Locator {
  at: (rel: string, pointer?: (string | number)[] | string) => Position;
  has: (rel: string) => boolean;
}

function locator(snap: StoreSnapshot): Locator {
  const docs = new Map<string, SourceDoc>();
  if (snap.loaded.store) docs.set(snap.loaded.store.rel, snap.loaded.store);
  for (const a of snap.loaded.apps) {
    if (a.app) docs.set(a.app.rel, a.app);
    for (const r of a.releases) docs.set(r.rel, r);
  }
  return {
    at: (rel, pointer = '') => {
      const source = docs.get(rel);
      return { file: path.posix.join(snap.display, rel), ...(source ? positionOf(source, pointer) : {}) };
    },
    has: (rel) => docs.has(rel),
  };
}

/** Short, readable rendering of a value in a message. */
function show(v: unknown): string {
  if (v === undefined || v === null) return '(none)';
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  const s = String(v);
  return s.length > 24 ? `${s.slice(0, 16)}…` : s;
}

const sameCert = (a: string | undefined, b: string | undefined) => (a ?? '').trim() === (b ?? '').trim();

/** Whether the app's certificate text differs between base and head (a re-registration). */
function certificateChanged(input: PolicyInput, id: string): boolean {
  const before = input.base.certificates.get(id);
  const after = input.head.certificates.get(id);
  return before !== undefined && after !== undefined && !sameCert(before, after);
}

/** Reports one field of a released version that a pull request changed, at its line in the head. */
const releaseChanged =
  (app: ResolvedApp, br: ResolvedRelease, hr: ResolvedRelease, head: Locator, report: Report) =>
  (field: string, was: unknown, now: unknown, pointer: (string | number)[]) =>
    report(diag(Errors.ReleaseChanged, [app.id, br.version, field, show(was), show(now)], head.at(hr.rel, pointer)));

function compareEntries(
  input: PolicyInput,
  app: ResolvedApp,
  br: ResolvedRelease,
  hr: ResolvedRelease,
  head: Locator,
  report: Report,
): void {
  const changed = releaseChanged(app, br, hr, head, report);
  if (br.entries.length !== hr.entries.length) {
    changed('the number of entries', br.entries.length, hr.entries.length, ['entries']);
    return;
  }
  const resigned = certificateChanged(input, app.id);
  br.entries.forEach((be, i) => {
    const he = hr.entries[i]!;
    const ptr = (field: string) => ['entries', he.index, field];
    const fields: (keyof ResolvedEntry)[] = ['os', 'architectures', 'format', 'file', 'url', 'size', 'sha256'];
    for (const f of fields) {
      const a = be[f];
      const b = he[f];
      if (JSON.stringify(a) !== JSON.stringify(b)) changed(`entries[${he.index}].${f}`, a, b, ptr(f));
    }
    // A signature may be added to an unsigned entry (same bytes), or replaced when the app's certificate changes.
    if (be.signature !== undefined && he.signature !== be.signature && (he.signature === undefined || !resigned)) {
      changed(`entries[${he.index}].signature`, be.signature, he.signature, ptr('signature'));
    }
    if (be.file && be.file === he.file && input.changed.includes(be.file)) {
      const before = input.base.archives.get(be.file);
      const after = input.head.archives.get(be.file);
      if (before !== undefined && after !== undefined && before !== after) {
        report(
          diag(Errors.ArchiveChanged, [app.id, br.version, path.posix.join(input.head.display, be.file)], head.at(hr.rel, ptr('file'))),
        );
      }
    }
  });
}

function compareRelease(
  input: PolicyInput,
  app: ResolvedApp,
  br: ResolvedRelease,
  hr: ResolvedRelease,
  head: Locator,
  report: Report,
): void {
  const changed = releaseChanged(app, br, hr, head, report);
  if (br.rel !== hr.rel) {
    report(diag(Errors.VersionExists, [app.id, hr.version, path.posix.join(input.head.display, br.rel)], head.at(hr.rel, ['version'])));
  } else if (br.version !== hr.version) {
    changed('version', br.version, hr.version, ['version']);
  }
  if (br.date !== hr.date) changed('date', br.date, hr.date, ['date']);
  if (br.nightly !== hr.nightly) changed('nightly', br.nightly, hr.nightly, ['nightly']);
  if (br.docker?.tag !== hr.docker?.tag) changed('docker.tag', br.docker?.tag, hr.docker?.tag, ['docker', 'tag']);
  if (br.docker?.digest !== hr.docker?.digest) changed('docker.digest', br.docker?.digest, hr.docker?.digest, ['docker', 'digest']);
  compareEntries(input, app, br, hr, head, report);
}

/** Released versions stay as they are: no deletion, no change of version, date, files, sizes, hashes, signatures or docker tag. */
function releasedAreImmutable(input: PolicyInput, head: Locator, report: Report): void {
  for (const baseApp of input.base.store?.apps ?? []) {
    const headApp = input.head.store?.apps.find((a) => a.id === baseApp.id);
    if (!headApp) {
      // A folder whose app.yaml no longer validates is reported by the check itself, not as a deletion.
      const folderKept = input.head.loaded.apps.some((a) => a.folder === baseApp.id);
      if (!folderKept && baseApp.releases.length) {
        report(
          diag(Errors.AppDeleted, [baseApp.id, baseApp.releases.map((r) => r.version).join(', ')], {
            file: path.posix.join(input.head.display, baseApp.rel),
          }),
        );
      }
      continue;
    }
    for (const br of baseApp.releases) {
      const hr = headApp.releases.find((r) => semver.eq(r.semver, br.semver));
      if (hr) compareRelease(input, headApp, br, hr, head, report);
      else if (!head.has(br.rel)) {
        report(
          diag(Errors.ReleaseDeleted, [baseApp.id, br.version, path.posix.join(input.head.display, br.rel)], head.at(headApp.rel, ['id'])),
        );
      }
    }
  }
}

/** New versions only: none for a locked app. */
function lockedAppsTakeNoReleases(input: PolicyInput, head: Locator, report: Report): void {
  for (const headApp of input.head.store?.apps ?? []) {
    const baseApp = input.base.store?.apps.find((a) => a.id === headApp.id);
    if (!baseApp?.locked) continue;
    for (const hr of headApp.releases) {
      if (!baseApp.releases.some((r) => semver.eq(r.semver, hr.semver))) {
        report(diag(Errors.AppLocked, [headApp.id, hr.version], head.at(hr.rel, ['version'])));
      }
    }
  }
}

/** A new certificate means every released signature must be replaced in the same pull request. */
function certificateChangeResigns(input: PolicyInput, head: Locator, report: Report): void {
  for (const headApp of input.head.store?.apps ?? []) {
    const baseApp = input.base.store?.apps.find((a) => a.id === headApp.id);
    if (!baseApp || !certificateChanged(input, headApp.id)) continue;
    const stale = baseApp.releases.filter((br) => {
      const hr = headApp.releases.find((r) => semver.eq(r.semver, br.semver));
      return hr?.entries.some((he) => he.signature !== undefined && br.entries.some((be) => be.signature === he.signature));
    });
    if (stale.length) {
      report(
        diag(Errors.CertificateNotResigned, [headApp.id, stale.map((r) => r.version).join(', ')], head.at(headApp.rel, ['certificate'])),
      );
    }
  }
}

/** With an actor: apps change only by their owners, the store files and unlocking only by admins. */
function ownership(input: PolicyInput, actor: string, head: Locator, report: Report): void {
  const admins = input.base.store?.admins ?? input.head.store?.admins ?? [];
  const me = actor.toLowerCase();
  // Git host user names are case-insensitive (GitHub logins are).
  const among = (list: readonly string[]) => list.some((n) => n.toLowerCase() === me);
  if (among(admins)) return;
  const adminList = admins.join(', ') || 'none';
  for (const file of input.outside ?? []) report(diag(Errors.AdminOnly, [actor, file, adminList], { file }));
  const byApp = new Map<string, string[]>();
  for (const p of input.changed) {
    const m = /^apps\/([^/]+)\//.exec(p);
    if (m) byApp.set(m[1]!, [...(byApp.get(m[1]!) ?? []), p]);
    else report(diag(Errors.AdminOnly, [actor, path.posix.join(input.head.display, p), adminList], head.at(p)));
  }
  for (const [folder, paths] of byApp) {
    const baseApp = input.base.store?.apps.find((a) => a.id === folder);
    const headApp = input.head.store?.apps.find((a) => a.id === folder);
    // A new app is registered by its own owners; an existing one is changed by the owners it had before.
    const owners = baseApp?.owners ?? headApp?.owners ?? [];
    const where = headApp ? head.at(headApp.rel, ['owners']) : head.at(paths[0]!);
    if (!among(owners)) report(diag(Errors.NotOwner, [actor, folder, owners.join(', ') || 'none'], where));
    if (baseApp?.locked && headApp && !headApp.locked) {
      report(diag(Errors.UnlockAdminOnly, [actor, folder, adminList], head.at(headApp.rel, ['locked'])));
    }
  }
}

/**
 * Admin-only files in a change checked without an actor (a push to main): store.yaml, trust/ and
 * the files outside the store (workflows, dependencies). One warning naming them all.
 */
function adminFilesChanged(input: PolicyInput, report: Report): void {
  const inStore = input.changed.filter((p) => !/^apps\//.test(p)).map((p) => path.posix.join(input.head.display, p));
  const all = [...(input.outside ?? []), ...inStore];
  if (!all.length) return;
  const shown = all.length > 12 ? [...all.slice(0, 12), `and ${all.length - 12} more`] : all;
  report(diag(Errors.AdminFilesChanged, [shown.join(', ')], { file: all[0]! }));
}

/**
 * The pull-request policy: compares the head (working tree) with the base (the default branch)
 * and reports every violation with the file and line in the head. Pure: all bytes-level facts
 * (certificates, archive hashes, changed paths) come in with the input.
 */
export function checkPolicy(input: PolicyInput): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report: Report = (d) => void diagnostics.push(d);
  const head = locator(input.head);
  releasedAreImmutable(input, head, report);
  lockedAppsTakeNoReleases(input, head, report);
  certificateChangeResigns(input, head, report);
  // With an actor, ownership() already refuses these for anyone but an admin.
  if (input.actor) ownership(input, input.actor, head, report);
  else adminFilesChanged(input, report);
  return diagnostics;
}
