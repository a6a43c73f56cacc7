import { constants, existsSync, promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { diag, Errors, StoreError } from '../errors/index.js';
import { displayPath, isInside } from '../util/paths.js';
import { isCopy, type SiteFiles } from './site-files.js';

/** What {@link writeOutput} did. */
export interface WriteReport {
  /** Files in the new site. */
  files: number;
  /** Files whose bytes changed (or are new) compared with the previous site. */
  written: number;
  /** Files carried over unchanged from the previous site (hardlinked, not rewritten). */
  reused: number;
}

/** Refuses output folders whose replacement would destroy something: `/`, the repository, the store. */
export function assertSafeOutDir(outDir: string, storeDir: string): void {
  const out = path.resolve(outDir);
  const store = path.resolve(storeDir);
  const why = out === path.parse(out).root ? 'it is the file-system root'
    : isInside(out, store) ? 'it contains the store'
    : isInside(store, out) ? 'it is inside the store'
    : out === process.cwd() ? 'it is the working directory'
    : undefined;
  if (why) throw new StoreError(diag(Errors.OutDirUnsafe, [displayPath(out), why]));
}

async function sameBytes(file: string, data: Uint8Array): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    if (st.size !== data.byteLength) return false;
    return Buffer.from(data).equals(await fs.readFile(file));
  } catch {
    return false;
  }
}

async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [sa, sb] = await Promise.all([fs.stat(a), fs.stat(b)]);
    if (sa.size !== sb.size) return false;
    if (sa.ino === sb.ino && sa.dev === sb.dev) return true;
    return (await fs.readFile(a)).equals(await fs.readFile(b));
  } catch {
    return false;
  }
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

// A killed build leaves `<out>.tmp-<pid>-*` (never swapped in) or, if killed between the two
// renames, only `<out>.old-<pid>-*`: put the old site back and drop the leftovers of dead builds.
async function recoverInterruptedBuilds(out: string): Promise<void> {
  const dir = path.dirname(out);
  if (!existsSync(dir)) return;
  const base = path.basename(out);
  const leftovers = readdirSync(dir)
    .map((name) => ({ name, m: name.slice(base.length).match(/^\.(tmp|old)-(\d+)-\d+$/) }))
    .filter((x) => x.name.startsWith(base) && x.m && !isRunning(Number(x.m[2])));
  const olds = leftovers.filter((x) => x.m![1] === 'old').map((x) => x.name).sort();
  if (!existsSync(out) && olds.length) await fs.rename(path.join(dir, olds.pop()!), out);
  for (const x of leftovers) if (existsSync(path.join(dir, x.name))) await fs.rm(path.join(dir, x.name), { recursive: true, force: true });
}

async function runLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Writes the site atomically: everything goes to a fresh sibling folder, which then replaces
 * `outDir` by rename. A failed or killed build leaves the previous site as it was. Files whose
 * bytes did not change are hardlinked from the previous site instead of being rewritten.
 */
export async function writeOutput(outDir: string, files: SiteFiles): Promise<WriteReport> {
  const out = path.resolve(outDir);
  await recoverInterruptedBuilds(out);
  const tmp = `${out}.tmp-${process.pid}-${Date.now()}`;
  const report: WriteReport = { files: files.size, written: 0, reused: 0 };
  try {
    await fs.mkdir(tmp, { recursive: true });
    const dirs = new Set<string>();
    for (const p of files.keys()) dirs.add(path.posix.dirname(p));
    for (const d of [...dirs].sort()) await fs.mkdir(path.join(tmp, d), { recursive: true });
    const hasOld = existsSync(out);
    await runLimited([...files.keys()].sort(), 32, async (rel) => {
      const content = files.get(rel)!;
      const target = path.join(tmp, rel);
      const previous = path.join(out, rel);
      const unchanged = hasOld && (isCopy(content) ? await sameFile(content.copyFrom, previous) : await sameBytes(previous, content));
      if (unchanged) {
        try {
          await fs.link(previous, target);
          report.reused++;
          return;
        } catch {
          // Another file system or no hardlink support: fall through and write.
        }
      }
      if (isCopy(content)) await fs.copyFile(content.copyFrom, target, constants.COPYFILE_FICLONE);
      else await fs.writeFile(target, content);
      report.written++;
    });
    const old = `${out}.old-${process.pid}-${Date.now()}`;
    if (hasOld) await fs.rename(out, old);
    await fs.rename(tmp, out);
    if (hasOld) await fs.rm(old, { recursive: true, force: true });
    return report;
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
    if (e instanceof StoreError) throw e;
    throw new StoreError(diag(Errors.WriteFailed, [displayPath(out), (e as NodeJS.ErrnoException).code ?? String(e)]), { cause: e });
  }
}
