import { randomUUID, type KeyObject } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { diag, Errors, StoreError, type Diagnostic } from '../../errors/index.js';
import { closest } from '../../util/suggest.js';
import { apiOffers, defaultChannel, fetchAppDetails, fetchCatalog, type StoreCatalog } from './catalog.js';
import type { ClientConfig } from './config.js';
import {
  layout,
  makeStaging,
  placeVersion,
  readState,
  removeQuietly,
  switchCurrent,
  trash,
  unpackTarGz,
  withLock,
  writeState,
} from './files.js';
import { diskOp, downloadFile } from './http.js';
import { fetchManifest, loadPublicKey, storeFileUrl, type FetchedManifest } from './manifest.js';
import { isNewer, pickRollback, selectRelease, type Selection } from './select.js';
import { newState, storeTrustOf, type ClientState, type InstalledApp } from './state.js';

/** Everything a client command needs besides its arguments. */
export interface ClientContext {
  config: ClientConfig;
  /** `--public-key` as given (PEM text or a file path); replaces the key kept for the store. */
  publicKey?: string;
  /**
   * `install --percentile N`: this root's rollout percentile from now on (kept in the state), so a
   * tester can step into or out of a staged rollout. Unset keeps the one drawn at the first install.
   */
  percentile?: number;
  /**
   * False (`--no-downgrade`): when an installed app's channel is pinned back below its version,
   * report the rollback (`pinnedBack`) instead of installing it. @default true
   */
  downgrade?: boolean;
  /** `update --check`: say what would be installed (`available`), download and install nothing. */
  checkOnly?: boolean;
  /** Told what a long step is doing and how far it is (downloads, in bytes), for a progress display. */
  progress?: { stage: (what: string) => void; count: (done: number, total: number, unit: 'bytes') => void };
  /** The time manifests' expiry is checked against. */
  now: () => Date;
  /** Warnings (an unverified manifest). */
  warn: (d: Diagnostic) => void;
}

/** What `install` did. */
export interface InstallOutcome {
  app: string;
  uid: string;
  version: string;
  channel: string;
  /** The version installed before, if any. */
  from?: string;
  /** False when the requested version was already installed. */
  changed: boolean;
  /** The change went back to the version the channel is pinned to (a rollback). */
  rollback?: boolean;
  /** Unchanged because of `downgrade: false`, although the channel is pinned back to this version. */
  pinnedBack?: string;
  /** `checkOnly`: `version` would be installed (`changed` is false: nothing was). */
  available?: boolean;
}

/** What `update` did for one app. */
export type UpdateOutcome = InstallOutcome;

/** What `update` did for every app it looked at, and the problems of those it could not update. */
export interface UpdateReport {
  outcomes: UpdateOutcome[];
  /** Apps that could not be checked or updated (they keep their installed version). */
  failed: string[];
  diagnostics: Diagnostic[];
}

/**
 * `appshelf install APP`: reads the app's signed manifest for this client's channel, platform and
 * percentile, picks the newest fitting release (or exactly `version`), downloads and verifies it,
 * and installs it atomically. Installing an installed app moves it forward only; an explicit
 * `version` may also go back.
 */
export async function installApp(ctx: ClientContext, app: string, opts: { version?: string } = {}): Promise<InstallOutcome> {
  const { root } = ctx.config;
  return withLock(root, async () => {
    const state = (await readState(root)) ?? newState(ctx.percentile);
    if (ctx.percentile !== undefined && state.percentile !== ctx.percentile) {
      state.percentile = ctx.percentile;
      await writeState(root, state);
    }
    const installed = state.apps[app];
    const storeUrl = ctx.config.storeUrl ?? installed?.store ?? onlyStore(state) ?? fail(noStoreUrl(state));
    const catalog = await fetchCatalog(storeUrl);
    const known = catalog.apps.map((a) => a.id);
    if (!known.includes(app)) throw new StoreError(diag(Errors.InstallUnknownApp, [app, storeUrl, closest(app, known)]));
    const channel = ctx.config.channel ?? installed?.channel ?? defaultChannel(catalog)!;
    checkChannel(catalog, channel);
    const platform = { os: ctx.config.os, arch: ctx.config.arch };
    const key = trustKey(ctx, state, storeUrl);
    const fetched = await readManifest(ctx, state, key, { storeUrl, app, channel, ...platform, percentile: state.percentile });
    const where = `${channel}, ${platform.os}/${platform.arch}, OS ${ctx.config.osVersion}`;
    const format = ctx.config.format;
    let selection: Selection | undefined;
    if (opts.version !== undefined) {
      if (installed && installed.version === opts.version) return unchanged(app, installed, state, root, fetched, key, storeUrl);
      const picked = selectRelease(fetched.manifest.candidates, { osVersion: ctx.config.osVersion, version: opts.version, format });
      selection = picked.selected ?? (await fromApi(ctx, storeUrl, app, opts.version, key !== undefined, where));
    } else {
      const picked = selectRelease(fetched.manifest.candidates, {
        osVersion: ctx.config.osVersion,
        installed: installed?.version,
        format: format ?? installed?.format,
      });
      if (installed && (!picked.selected || !isNewer(picked.selected.version, installed.version))) {
        const back = await followPin(
          ctx,
          state,
          installed,
          { app, storeUrl, channel, ...platform, fetched, key },
          format ?? installed.format,
        );
        if (back) return back;
      }
      if (!picked.selected) throw new StoreError(noCandidate(app, where, fetched, picked.reasons, state.percentile));
      selection = picked.selected;
      if (installed && !isNewer(selection.version, installed.version))
        return unchanged(app, installed, state, root, fetched, key, storeUrl);
    }
    return commitInstall(ctx, state, { app, storeUrl, channel, ...platform, selection, fetched, key });
  });
}

/**
 * `appshelf update [APP]`: for each installed app (or one), reads its manifest with the channel,
 * platform and store it was installed from, and installs a newer fitting release if there is
 * one; goes back only to the version its channel is pinned back to (the manifest marks it
 * `rollback`), unless `ctx.downgrade` is false. An app that fails is reported and the others go on.
 */
export async function updateApps(ctx: ClientContext, only?: string): Promise<UpdateReport> {
  const { root } = ctx.config;
  return withLock(root, async () => {
    const first = (await readState(root)) ?? newState();
    const apps = only !== undefined ? [only] : Object.keys(first.apps).sort();
    if (only !== undefined && !first.apps[only]) throw new StoreError(notInstalled(only, first));
    const report: UpdateReport = { outcomes: [], failed: [], diagnostics: [] };
    for (const app of apps) {
      try {
        // Re-read: the previous app's commit wrote a new state.
        const state = (await readState(root))!;
        report.outcomes.push(await updateOne(ctx, state, app));
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        report.failed.push(app);
        report.diagnostics.push(...e.diagnostics.map((d) => ({ ...d, message: `${app}: ${d.message}` })));
      }
    }
    return report;
  });
}

/**
 * `appshelf uninstall APP`: drops the app from the state (the commit point), then moves its
 * folder to the trash and deletes it. Gives the uid the app was installed under.
 */
export async function uninstallApp(
  ctx: Pick<ClientContext, 'config'>,
  app: string,
): Promise<{ app: string; uid: string; version: string }> {
  const { root } = ctx.config;
  return withLock(root, async () => {
    const state = (await readState(root)) ?? newState();
    const installed = state.apps[app];
    if (!installed) throw new StoreError(notInstalled(app, state));
    delete state.apps[app];
    await writeState(root, state);
    await trash(root, layout.app(root, app)).catch(() => undefined);
    return { app, uid: installed.uid, version: installed.version };
  });
}

/** One installed app as `appshelf list` shows it. */
export type ListedApp = Readonly<{ app: string; path: string } & InstalledApp>;

/** This root's rollout percentile, or undefined before the first install drew one. */
export async function clientPercentile(root: string): Promise<number | undefined> {
  return (await readState(root))?.percentile;
}

/** `appshelf list`: the installed apps by id, from the state (no lock, no network). */
export async function listInstalled(root: string): Promise<ListedApp[]> {
  const state = await readState(root);
  return Object.entries(state?.apps ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([app, i]) => ({ app, path: layout.current(root, app), ...i }));
}

/** `appshelf list --available`: the store's catalog, from the given store URL or the one apps were installed from. */
export async function listAvailable(ctx: Pick<ClientContext, 'config'>): Promise<{ storeUrl: string; catalog: StoreCatalog }> {
  const state = await readState(ctx.config.root);
  const storeUrl = ctx.config.storeUrl ?? (state && onlyStore(state)) ?? fail(noStoreUrl(state));
  return { storeUrl, catalog: await fetchCatalog(storeUrl) };
}

// --- internal ---

const fail = (d: Diagnostic): never => {
  throw new StoreError(d);
};

/** Why no store URL could be taken from the state: nothing installed yet, or apps from several stores. */
function noStoreUrl(state: ClientState | undefined): Diagnostic {
  const stores = [...new Set(Object.values(state?.apps ?? {}).map((a) => a.store))].sort();
  return diag(Errors.InstallNoStoreUrl, [stores]);
}

/** The one store every installed app came from, as the default for commands without a URL. */
function onlyStore(state: ClientState): string | undefined {
  const stores = new Set(Object.values(state.apps).map((a) => a.store));
  return stores.size === 1 ? [...stores][0] : undefined;
}

function checkChannel(catalog: StoreCatalog, channel: string): void {
  const names = catalog.channels.map((c) => c.name);
  if (!names.includes(channel))
    throw new StoreError(diag(Errors.InstallUnknownChannel, [channel, names.join(', '), closest(channel, names)]));
}

const notInstalled = (app: string, state: ClientState) =>
  diag(Errors.InstallNotInstalled, [app, Object.keys(state.apps).sort().join(', ')]);

/** The key manifests of a store must be signed with: `--public-key`, else the one kept in the state. */
function trustKey(ctx: ClientContext, state: ClientState, storeUrl: string): { key: KeyObject; pem: string } | undefined {
  if (ctx.publicKey !== undefined) return loadPublicKey(ctx.publicKey, '--public-key');
  const kept = state.stores[storeUrl]?.publicKey;
  return kept === undefined ? undefined : loadPublicKey(kept, `the state (${layout.state(ctx.config.root)})`);
}

type Target = Parameters<typeof fetchManifest>[0];

async function readManifest(
  ctx: ClientContext,
  state: ClientState,
  key: { key: KeyObject } | undefined,
  target: Target,
): Promise<FetchedManifest> {
  const serials = state.stores[target.storeUrl]?.serials;
  try {
    return await fetchManifest(target, { publicKey: key?.key, serials, now: ctx.now() }, ctx.warn);
  } catch (e) {
    if (!(e instanceof StoreError) || e.diagnostics[0]?.code !== Errors.InstallNoManifest.code) throw e;
    const offered = await platformsOf(target.storeUrl, target.app);
    throw new StoreError(diag(Errors.InstallNoManifest, [target.app, target.channel, `${target.os}/${target.arch}`, offered]));
  }
}

/** The platforms the app's releases have files for (`linux/x86-64, windows/x86`), or undefined when the API does not say. */
async function platformsOf(storeUrl: string, app: string): Promise<string | undefined> {
  const details = await fetchAppDetails(storeUrl, app).catch(() => undefined);
  const platforms = new Set(
    details?.releases.filter((r) => !r.yanked).flatMap((r) => r.files.flatMap((f) => f.architectures.map((a) => `${f.os}/${a}`))),
  );
  return platforms.size ? [...platforms].sort().join(', ') : undefined;
}

/** Remembers what a verified manifest taught: the key (first use) and the highest serial. */
function recordTrust(state: ClientState, storeUrl: string, fetched: FetchedManifest, key: { pem: string } | undefined): boolean {
  if (!key) return false;
  const trust = storeTrustOf(state, storeUrl);
  let changed = false;
  if (trust.publicKey !== key.pem) [trust.publicKey, changed] = [key.pem, true];
  // A pinned manifest's rollback check is its fresh document's serial (src/client/check.ts).
  const [at, serial] = fetched.fresh ? [fetched.fresh.path, fetched.fresh.doc.serial] : [fetched.path, fetched.manifest.serial];
  if (serial !== undefined && serial > (trust.serials[at] ?? -1)) [trust.serials[at], changed] = [serial, true];
  return changed;
}

async function unchanged(
  app: string,
  installed: InstalledApp,
  state: ClientState,
  root: string,
  fetched: FetchedManifest,
  key: { pem: string } | undefined,
  storeUrl: string,
): Promise<InstallOutcome> {
  if (recordTrust(state, storeUrl, fetched, key)) await writeState(root, state);
  return { app, uid: installed.uid, version: installed.version, channel: installed.channel, from: installed.version, changed: false };
}

function noCandidate(app: string, where: string, fetched: FetchedManifest, reasons: string[], percentile: number): Diagnostic {
  const why = fetched.manifest.candidates.length
    ? reasons.join('; ')
    : `the channel serves no release to this platform at rollout percentile ${percentile}`;
  return diag(Errors.InstallNoCandidate, [app, where, why]);
}

/**
 * A `--version` the signed manifest does not list (an older release): taken from the API, which
 * is not signed, so only a client without a public key may use it.
 */
async function fromApi(
  ctx: ClientContext,
  storeUrl: string,
  app: string,
  version: string,
  verifying: boolean,
  where: string,
): Promise<Selection> {
  const details = await fetchAppDetails(storeUrl, app);
  const release = details.releases.find((r) => r.version === version);
  if (release?.yanked) throw new StoreError(diag(Errors.InstallVersionYanked, [app, version, release.yankReason ?? '']));
  const picked = selectRelease(apiOffers(details, ctx.config.os, ctx.config.arch), {
    osVersion: ctx.config.osVersion,
    version,
    format: ctx.config.format,
  });
  if (!picked.selected) {
    const why = picked.reasons[0] ? ` (${picked.reasons[0]})` : '';
    throw new StoreError(diag(Errors.InstallVersionNotFound, [app, version, `${where}${why}`]));
  }
  if (verifying) throw new StoreError(diag(Errors.InstallVersionUnverifiable, [app, version]));
  return picked.selected;
}

async function updateOne(ctx: ClientContext, state: ClientState, app: string): Promise<UpdateOutcome> {
  const installed = state.apps[app]!;
  const key = trustKey(ctx, state, installed.store);
  const target = {
    storeUrl: installed.store,
    app,
    channel: installed.channel,
    os: installed.os,
    arch: installed.arch,
    percentile: state.percentile,
  };
  const fetched = await readManifest(ctx, state, key, target);
  const picked = selectRelease(fetched.manifest.candidates, {
    osVersion: ctx.config.osVersion,
    installed: installed.version,
    format: installed.format,
  });
  if (!picked.selected || !isNewer(picked.selected.version, installed.version)) {
    const plan = { app, storeUrl: installed.store, channel: installed.channel, os: installed.os, arch: installed.arch, fetched, key };
    return (
      (await followPin(ctx, state, installed, plan, installed.format)) ??
      unchanged(app, installed, state, ctx.config.root, fetched, key, installed.store)
    );
  }
  return commitInstall(ctx, state, {
    app,
    storeUrl: installed.store,
    channel: installed.channel,
    os: installed.os,
    arch: installed.arch,
    selection: picked.selected,
    fetched,
    key,
  });
}

interface Plan {
  app: string;
  storeUrl: string;
  channel: string;
  os: string;
  arch: string;
  selection: Selection;
  fetched: FetchedManifest;
  key: { pem: string } | undefined;
  /** Going back to the channel's pin. */
  rollback?: boolean;
}

/**
 * Nothing newer fits an installed app: when its channel is pinned back below the installed
 * version (the manifest marks the pin `rollback`), installs the pin, or with `ctx.downgrade`
 * false only reports it. Undefined when the manifest offers no rollback.
 */
async function followPin(
  ctx: ClientContext,
  state: ClientState,
  installed: InstalledApp,
  plan: Omit<Plan, 'selection'>,
  format: string,
): Promise<InstallOutcome | undefined> {
  const back = pickRollback(plan.fetched.manifest, { appversion: installed.version, osversion: ctx.config.osVersion, format });
  if (!back) return undefined;
  if (ctx.downgrade === false) {
    return {
      ...(await unchanged(plan.app, installed, state, ctx.config.root, plan.fetched, plan.key, plan.storeUrl)),
      pinnedBack: back.candidate.version,
    };
  }
  return commitInstall(ctx, state, { ...plan, selection: { version: back.candidate.version, file: back.file }, rollback: true });
}

/**
 * Download → verify → unpack in a staging folder; then the version folder is renamed into place,
 * `current` is switched and the state is written (the commit point). Anything that fails before
 * the commit leaves the previous install and the state as they were. After it, the version kept
 * for rollback before this one is deleted.
 */
async function commitInstall(ctx: ClientContext, state: ClientState, plan: Plan): Promise<InstallOutcome> {
  const { root } = ctx.config;
  const { app, selection } = plan;
  const url = archiveUrl(plan.storeUrl, selection.file.url);
  if (ctx.checkOnly) {
    const before = state.apps[app];
    return {
      app,
      uid: before?.uid ?? '',
      version: selection.version,
      channel: plan.channel,
      from: before?.version,
      changed: false,
      available: true,
      ...(plan.rollback ? { rollback: true } : {}),
    };
  }
  const staging = await makeStaging(root);
  try {
    const archive = path.join(staging, 'download');
    ctx.progress?.stage(`downloading ${app} ${selection.version}`);
    const size = selection.file.size;
    await downloadFile(url, archive, { size, sha256: selection.file.sha256 }, undefined, (received) =>
      ctx.progress?.count(received, size, 'bytes'),
    );
    ctx.progress?.stage(`installing ${app} ${selection.version}`);
    const tree = path.join(staging, 'tree');
    await diskOp('create', tree, () => mkdir(tree));
    let file: string | undefined;
    if (isTarball(selection.file.format, url)) await unpackTarGz(archive, tree, url);
    else {
      file = fileNameOf(url, app, selection.version, selection.file.format);
      await diskOp('move', archive, () => rename(archive, path.join(tree, file!)));
    }
    const before = state.apps[app];
    await placeVersion(root, app, selection.version, tree);
    await switchCurrent(root, app, selection.version);
    const now = ctx.now().toISOString();
    const previous = before && before.version !== selection.version ? before.version : before?.previous;
    state.apps[app] = {
      uid: before?.uid ?? randomUUID(),
      version: selection.version,
      channel: plan.channel,
      store: plan.storeUrl,
      os: plan.os,
      arch: plan.arch,
      format: selection.file.format,
      url,
      sha256: selection.file.sha256,
      size: selection.file.size,
      ...(file !== undefined ? { file } : {}),
      installedAt: before?.installedAt ?? now,
      updatedAt: now,
      ...(previous !== undefined && previous !== selection.version ? { previous } : {}),
      ...(plan.rollback && before ? { rolledBackFrom: before.version } : {}),
    };
    recordTrust(state, plan.storeUrl, plan.fetched, plan.key);
    await writeState(root, state);
    // Only the version just replaced is kept for rollback; the one kept before it goes now.
    const dropped = before?.previous;
    if (dropped !== undefined && dropped !== selection.version && dropped !== previous)
      await removeQuietly(layout.version(root, app, dropped));
    return {
      app,
      uid: state.apps[app]!.uid,
      version: selection.version,
      channel: plan.channel,
      from: before?.version,
      changed: true,
      ...(plan.rollback ? { rollback: true } : {}),
    };
  } finally {
    await removeQuietly(staging);
  }
}

function archiveUrl(storeUrl: string, ref: string): string {
  let url: URL;
  try {
    url = new URL(storeFileUrl(storeUrl, ref));
  } catch {
    throw new StoreError(diag(Errors.InstallArchiveUrl, [ref]));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new StoreError(diag(Errors.InstallArchiveUrl, [ref]));
  return url.href;
}

/** A gzip-compressed tar: the `gz` format (as the example store names it) or a .tar.gz/.tgz file. */
const isTarball = (format: string, url: string): boolean =>
  ['gz', 'tgz', 'tar.gz'].includes(format) || /\.(tar\.gz|tgz)$/i.test(new URL(url).pathname);

/** The name an opaque archive keeps: the last part of its URL, or `<app>-<version>.<format>`. */
function fileNameOf(url: string, app: string, version: string, format: string): string {
  const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  return /^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(last) ? last : `${app}-${version}.${format.replace(/[^A-Za-z0-9]/g, '') || 'bin'}`;
}
