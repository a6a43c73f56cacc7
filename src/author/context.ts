import path from 'node:path';
import semver from 'semver';
import { diag, Errors, StoreError, type Diagnostic } from '../errors/index.js';
import { positionOf, type LoadedStore, type SourceDoc } from '../load/index.js';
import { platformProblem, resolveStore, type ResolvedApp, type ResolvedRelease, type ResolvedStore } from '../resolve/index.js';
import { closest } from '../util/suggest.js';
import { validateDocs } from '../validate/index.js';

/** The store an authoring command edits: as read, as resolved, and what was wrong with it. */
export interface AuthorContext {
  loaded: LoadedStore;
  store: ResolvedStore;
  /** The store folder as shown to users (`store`). */
  display: string;
  diagnostics: readonly Diagnostic[];
}

/** Refuses an os or architecture name outside the store's vocabulary, with the canonical word for an alias. */
export function requirePlatform(ctx: AuthorContext, kind: 'os' | 'arch', name: string): void {
  const problem = platformProblem(kind, name, ctx.store.platforms);
  if (problem) throw new StoreError(problem);
}

/** An app to edit, with its app.yaml as read. */
export interface AppTarget {
  app: ResolvedApp;
  source: SourceDoc;
}

/** A release to edit, with its file as read. */
export interface ReleaseTarget {
  release: ResolvedRelease;
  source: SourceDoc;
}

/** Validates and resolves a loaded store. Pure; stops only when store.yaml itself is unusable. */
export function authorContext(loaded: LoadedStore, display: string): AuthorContext {
  const { store, diagnostics } = resolveStore(validateDocs(loaded));
  if (!store) throw new StoreError(diagnostics.filter((d) => d.severity === 'error'));
  return { loaded, store, display, diagnostics };
}

const problemsOf = (ctx: AuthorContext, file: string) => ctx.diagnostics.filter((d) => d.file === file && d.severity === 'error');

/** The app with this id; an unknown app, or one whose app.yaml has errors, stops the command. */
export function requireApp(ctx: AuthorContext, id: string): AppTarget {
  const loaded = ctx.loaded.apps.find((a) => a.folder === id);
  const app = ctx.store.apps.find((a) => a.id === id);
  if (!loaded?.app) {
    const ids = ctx.store.apps.map((a) => a.id);
    throw new StoreError(
      diag(Errors.AuthorAppUnknown, [id, ids.join(', ') || 'none', closest(id, ids)], {
        file: path.posix.join(ctx.display, 'apps', id, 'app.yaml'),
      }),
    );
  }
  if (!app) throw new StoreError(problemsOf(ctx, loaded.app.file));
  return { app, source: loaded.app };
}

/** The release of an app with this version (semver precedence: `1.5.0` finds `1.5.0+build`). */
export function requireRelease(ctx: AuthorContext, target: AppTarget, version: string): ReleaseTarget {
  const { app, source } = target;
  const wanted = semver.parse(version);
  const release = app.releases.find((r) => r.version === version || (wanted && semver.eq(r.semver, wanted)));
  const loaded = ctx.loaded.apps.find((a) => a.folder === app.id)!;
  const file = release && loaded.releases.find((r) => r.rel === release.rel);
  if (!release || !file) {
    const broken = loaded.releases.find((r) => path.posix.basename(r.rel).replace(/\.(ya?ml|json)$/, '') === version);
    if (broken) throw new StoreError(problemsOf(ctx, broken.file));
    const known = app.releases.map((r) => r.version).join(', ') || 'none';
    throw new StoreError(diag(Errors.AuthorVersionUnknown, [app.id, version, known], { file: source.file, ...positionOf(source, ['id']) }));
  }
  return { release, source: file };
}

/** Stops the command when the channel is not defined in store.yaml. */
export function requireChannel(ctx: AuthorContext, channel: string): void {
  if (ctx.store.channels.some((c) => c.name === channel)) return;
  const names = ctx.store.channels.map((c) => c.name);
  const source = ctx.loaded.store!;
  throw new StoreError(
    diag(Errors.UnknownChannel, [channel, names.join(', '), closest(channel, names)], {
      file: source.file,
      ...positionOf(source, ['channels']),
    }),
  );
}
