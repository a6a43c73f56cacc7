// The build lifecycle of a server: which build answers, loading the next one (on --watch or
// SIGHUP), switching in one assignment, and retiring the previous one.
import { readdirSync, rmSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { diag, Errors, formatText, StoreError, type Diagnostic } from '../errors/index.js';
import { displayPath } from '../util/paths.js';
import { isRunning } from '../util/process.js';
import type { FileCache } from './file-cache.js';
import { closeSite, loadSite, type Site, type SiteOptions } from './site.js';

/** The build being served and how it is replaced. */
export interface SiteLifecycle {
  /** The build answering new requests. */
  readonly current: Site;
  /** Loads the folder again and switches to it; keeps the current build on failure. */
  reload(): Promise<Site>;
  /** Stops watching, waits for a reload in progress, and releases every build. */
  close(): Promise<void>;
}

/** Options of {@link startLifecycle}. */
export interface LifecycleOptions extends SiteOptions {
  /** Reload when a build swaps the folder (watches the parent folder for the rename). */
  watch?: boolean;
  log: (line: string) => void;
  /** The small files held in memory, shared by the builds: entries still valid are carried over on reload. */
  cache: FileCache;
}

/**
 * How long a replaced build's update index stays open: a request that began on it may still be
 * looking up an app (an `/update` path route after a missed file lookup).
 */
const RETIRE_AFTER_MS = 10_000;

// Hardlinked snapshot folders (`<dir>.serve-<pid>`) left by servers of earlier versions that were killed.
function removeStaleSnapshots(root: string): void {
  const parent = path.dirname(root);
  const prefix = `${path.basename(root)}.serve-`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) ? Number(name.slice(prefix.length)) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid)) rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

/** Loads the first build of `root` and returns its lifecycle. */
export async function startLifecycle(root: string, opts: LifecycleOptions): Promise<SiteLifecycle> {
  const { log, cache } = opts;
  const report = (d: Diagnostic) => log(formatText(d));
  removeStaleSnapshots(root);
  let site = await loadSite(root, opts);
  site.diagnostics.forEach(report);
  cache.switchTo(site.generation);
  const retiring = new Set<Site>();
  let reloading: Promise<Site> | undefined;
  let reloadAgain = false;
  let closed = false;

  const retire = (old: Site) => {
    retiring.add(old);
    setTimeout(() => {
      if (retiring.delete(old)) closeSite(old);
    }, RETIRE_AFTER_MS).unref();
  };

  async function loadNext(): Promise<void> {
    const next = await loadSite(root, opts);
    next.diagnostics.forEach(report);
    // Carried over before the switch: the hot files stay hot, and none of them is read twice.
    const kept = await cache.carryOver(site.generation, next.generation, root);
    if (closed) return closeSite(next);
    const old = site;
    site = next; // the switch: requests that started earlier keep the build they took
    cache.switchTo(next.generation);
    retire(old);
    if (next.buildId !== old.buildId) {
      log(
        `reloaded ${displayPath(root)}: build ${next.buildId} (${next.updates.apps} apps in the update index; ${kept} cached files carried over)`,
      );
    }
  }

  function reload(): Promise<Site> {
    if (reloading) {
      reloadAgain = true;
      return reloading;
    }
    reloading = (async () => {
      try {
        do {
          reloadAgain = false;
          try {
            await loadNext();
          } catch (e) {
            const why = e instanceof StoreError ? e.diagnostics.map((d) => d.message).join('; ') : String((e as Error).message ?? e);
            report(diag(Errors.ServeReloadFailed, [displayPath(root), why]));
          }
        } while (reloadAgain && !closed);
        return site;
      } finally {
        reloading = undefined;
      }
    })();
    return reloading;
  }

  let watcher: FSWatcher | undefined;
  if (opts.watch) {
    let timer: NodeJS.Timeout | undefined;
    // A build renames a complete folder into place: watch the parent for that name.
    watcher = watch(path.dirname(root), (_event, name) => {
      if (name !== null && name !== path.basename(root)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 30);
    });
    watcher.on('error', (e) => log(`watch stopped: ${e.message}`));
  }

  return {
    get current() {
      return site;
    },
    reload,
    async close() {
      closed = true;
      watcher?.close();
      await reloading;
      for (const s of [site, ...retiring]) closeSite(s);
      retiring.clear();
    },
  };
}
