import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, readdir, readlink, rename, rm, stat, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { MemberSet, type MemberProblem } from '../../util/tar-member.js';
import type { ReadEntry } from 'tar';
import { diag, Errors, StoreError } from '../../errors/index.js';
import { diskOp } from './http.js';
import { parseState, serializeState, type ClientState } from './state.js';
import { LockHeld, takeLock } from '../../util/lock.js';

/** Where everything of one install root lives. */
export const layout = {
  state: (root: string) => path.join(root, 'state.json'),
  lock: (root: string) => path.join(root, '.lock'),
  /** Staging and trash: same file system as the app folders, so renames are atomic. */
  tmp: (root: string) => path.join(root, '.tmp'),
  app: (root: string, app: string) => path.join(root, app),
  version: (root: string, app: string, version: string) => path.join(root, app, version),
  current: (root: string, app: string) => path.join(root, app, 'current'),
};

/** Reads `<root>/state.json`; `undefined` when there is none yet. */
export async function readState(root: string): Promise<ClientState | undefined> {
  const file = layout.state(root);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return diskOp('read', file, () => Promise.reject(e));
  }
  const parsed = parseState(text);
  if ('problem' in parsed) throw new StoreError(diag(Errors.InstallStateInvalid, [file, parsed.problem]));
  return parsed.state;
}

/** Writes the state atomically: a synced temp file renamed over `state.json` (the commit point). */
export async function writeState(root: string, state: ClientState): Promise<void> {
  const file = layout.state(root);
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await diskOp('write', file, async () => {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(serializeState(state));
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  });
}

/**
 * Runs `work` holding `<root>/.lock`, so two clients never change one root at once. A lock left
 * by a process that no longer runs is taken over. Before `work`, leftovers of an interrupted
 * run are cleaned up (see {@link recover}).
 */
export async function withLock<T>(root: string, work: () => Promise<T>): Promise<T> {
  await diskOp('create', root, () => mkdir(root, { recursive: true }));
  const lock = layout.lock(root);
  const release = await takeRootLock(lock);
  try {
    await recover(root);
    return await work();
  } finally {
    // Staging folders are gone by now; the lock says no one else is using .tmp.
    await removeQuietly(layout.tmp(root));
    release();
  }
}

/** A fresh staging folder under `<root>/.tmp`. */
export async function makeStaging(root: string): Promise<string> {
  const tmp = layout.tmp(root);
  await diskOp('create', tmp, () => mkdir(tmp, { recursive: true }));
  return diskOp('create', tmp, () => mkdtemp(path.join(tmp, 'stage-')));
}

/** Removes a folder, never failing (used for cleanup after the commit point). */
export const removeQuietly = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true }).catch(() => undefined);

/**
 * Unpacks a .tar.gz into `dest` (an empty staging folder) with the `tar` package. Only plain
 * files and folders with relative paths inside `dest` are accepted: an absolute path, a `..`
 * part, a link or a device refuses the whole archive (E_INSTALL_UNSAFE_ARCHIVE).
 */
export async function unpackTarGz(archive: string, dest: string, url: string): Promise<void> {
  let unsafe: { entry: string; why: string } | undefined;
  // The same rule as the build's bundle inspector, so a name the build refused is refused here too.
  const members = new MemberSet();
  const filter = (name: string, entry: ReadEntry | unknown): boolean => {
    const [problem] = members.check(name, (entry as ReadEntry).type).problems;
    const why = problem && UNSAFE[problem](entry as ReadEntry);
    if (why && !unsafe) unsafe = { entry: name, why };
    return !why && !unsafe;
  };
  // tar is loaded on the first unpack, not at import: list and uninstall never need it.
  const { extract } = await import('tar');
  try {
    await extract({
      file: archive,
      cwd: dest,
      strict: true,
      filter,
      preservePaths: false,
      preserveOwner: false,
      noChmod: false,
      gzip: true,
    });
  } catch (e) {
    if (unsafe) throw new StoreError(diag(Errors.InstallUnsafeArchive, [url, unsafe.entry, unsafe.why]));
    const err = e as NodeJS.ErrnoException;
    if (err.code && /^E[A-Z]+$/.test(err.code) && err.code !== 'EOF')
      throw new StoreError(diag(Errors.InstallDisk, ['unpack into', dest, err.message]));
    throw new StoreError(diag(Errors.InstallArchiveCorrupt, [url, err.message.replace(/^TAR_[A-Z_]+: /, '')]));
  }
  if (unsafe) throw new StoreError(diag(Errors.InstallUnsafeArchive, [url, unsafe.entry, unsafe.why]));
}

/**
 * Moves a staged tree to `<root>/<app>/<version>` with one rename. A folder already there (left
 * by an interrupted run, or a version installed before) is first moved to the trash.
 */
export async function placeVersion(root: string, app: string, version: string, staged: string): Promise<void> {
  const target = layout.version(root, app, version);
  await diskOp('create', layout.app(root, app), () => mkdir(layout.app(root, app), { recursive: true }));
  if (await exists(target)) await trash(root, target);
  await diskOp('move', target, () => rename(staged, target));
}

/**
 * Points `<root>/<app>/current` at a version folder: a new symlink (a junction on Windows) is
 * made beside it and renamed over the old one, so `current` is never missing or half-made.
 */
export async function switchCurrent(root: string, app: string, version: string): Promise<void> {
  const current = layout.current(root, app);
  const tmp = `${current}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await diskOp('switch', current, async () => {
    if (process.platform === 'win32') await symlink(layout.version(root, app, version), tmp, 'junction');
    else await symlink(version, tmp, 'dir');
    try {
      await rename(tmp, current);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  });
}

/** Moves a folder into `<root>/.tmp` (a rename: instant and atomic), then deletes it. */
export async function trash(root: string, dir: string): Promise<void> {
  const tmp = layout.tmp(root);
  await diskOp('create', tmp, () => mkdir(tmp, { recursive: true }));
  const bin = path.join(tmp, `trash-${randomBytes(6).toString('hex')}`);
  await diskOp('remove', dir, () => rename(dir, bin));
  await removeQuietly(bin);
}

/** The version `current` points at, if it is a link. */
async function currentTarget(root: string, app: string): Promise<string | undefined> {
  try {
    return path.basename(await readlink(layout.current(root, app)));
  } catch {
    return undefined;
  }
}

// --- internal ---

/** How the client names each refused member in E_INSTALL_UNSAFE_ARCHIVE. */
const UNSAFE: Record<MemberProblem, (e: ReadEntry) => string> = {
  absolute: () => 'has an absolute path',
  traversal: () => 'points outside the install folder (..)',
  symlink: () => 'is a symbolic link',
  hardlink: () => 'is a hard link',
  special: (e) => `is a ${e.type} entry`,
  duplicate: () => 'repeats an earlier member under another spelling',
};

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function takeRootLock(lock: string): Promise<() => void> {
  try {
    return await takeLock(lock);
  } catch (e) {
    if (e instanceof LockHeld) throw new StoreError(diag(Errors.InstallLocked, [lock, e.holder]));
    return diskOp('create', lock, () => Promise.reject(e));
  }
}

/**
 * Puts a root back in order after a run was killed: staging folders and temp files go, and
 * `current` of each installed app points at the version the state records (the state is the
 * commit point; a crash between the switch and the state write leaves them apart).
 */
async function recover(root: string): Promise<void> {
  await removeQuietly(layout.tmp(root));
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (name.startsWith('state.json.tmp-')) await rm(path.join(root, name), { force: true });
  }
  const state = await readState(root);
  for (const [app, installed] of Object.entries(state?.apps ?? {})) {
    if ((await currentTarget(root, app)) !== installed.version && (await exists(layout.version(root, app, installed.version)))) {
      await switchCurrent(root, app, installed.version);
    }
  }
}
