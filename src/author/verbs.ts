// The authoring verbs of the CLI as library calls: each reads the store once, applies the rules,
// and returns the edits (written together by writeEdits) and what to report. The CLI only parses
// arguments and prints.
import type { ResolvedConfig } from '../config/index.js';
import { diag, Errors, StoreError } from '../errors/index.js';
import { loadStore, positionOf } from '../load/index.js';
import { overrideLabel } from '../resolve/rollout.js';
import { displayPath } from '../util/paths.js';
import { pinChannel, setLocked, unpinChannel } from './app.js';
import { authorContext, requireApp, requireChannel, requireRelease, type AuthorContext } from './context.js';
import { promoteRelease, setPlatformRollout, setRollout, type RolloutPlatform } from './release.js';
import type { FileEdit, StoreEdit } from './store-edits.js';
import { unyankRelease, yankRelease } from './yank.js';

/** Reads and resolves the store a verb edits. */
export function openStore(config: Pick<ResolvedConfig, 'root'>): AuthorContext {
  return authorContext(loadStore(config.root), displayPath(config.root));
}

const edit = (source: { abs: string; file: string }, text: string): FileEdit => ({ path: source.abs, file: source.file, text });

/** `pin`: the channel serves exactly this version (docs/manifests.md, pins). */
export function pinVersion(
  config: Pick<ResolvedConfig, 'root'>,
  input: { app: string; channel: string; version: string },
): StoreEdit<{ version: string; was?: string; file: string }> {
  const ctx = openStore(config);
  const app = requireApp(ctx, input.app);
  requireChannel(ctx, input.channel);
  const { release, source } = requireRelease(ctx, app, input.version);
  if (!release.channels.includes(input.channel)) {
    throw new StoreError(
      diag(Errors.PinNotInChannel, [input.channel, release.version], { file: source.file, ...positionOf(source, ['channels']) }),
    );
  }
  if (release.yanked)
    throw new StoreError(diag(Errors.AuthorPinYanked, [release.version], { file: source.file, ...positionOf(source, ['yanked']) }));
  return {
    edits: [edit(app.source, pinChannel(app.source, input.channel, release.version))],
    result: { version: release.version, was: app.app.pins[input.channel], file: app.source.file },
  };
}

/** `unpin`: the channel follows its releases and rollouts again. No edits when it was not pinned. */
export function unpinVersion(
  config: Pick<ResolvedConfig, 'root'>,
  input: { app: string; channel: string },
): StoreEdit<{ was?: string; file: string }> {
  const ctx = openStore(config);
  const app = requireApp(ctx, input.app);
  requireChannel(ctx, input.channel);
  const was = app.app.pins[input.channel];
  return { edits: was ? [edit(app.source, unpinChannel(app.source, input.channel))] : [], result: { was, file: app.source.file } };
}

/** `lock` / `unlock`: whether pull requests may add releases of the app. No edits when it already is so. */
export function setAppLocked(config: Pick<ResolvedConfig, 'root'>, input: { app: string; locked: boolean }): StoreEdit<{ file: string }> {
  const app = requireApp(openStore(config), input.app);
  const same = (app.app.locked === true) === input.locked;
  return { edits: same ? [] : [edit(app.source, setLocked(app.source, input.locked))], result: { file: app.source.file } };
}

/** `yank` (with a reason) / `unyank` (without): withdraw a version or serve it again. No edits when nothing changes. */
export function setYanked(
  config: Pick<ResolvedConfig, 'root'>,
  input: { app: string; version: string; reason?: string },
): StoreEdit<{ version: string; file: string }> {
  const ctx = openStore(config);
  const app = requireApp(ctx, input.app);
  const { release, source } = requireRelease(ctx, app, input.version);
  const text = input.reason !== undefined ? yankRelease(source, app.app, release, input.reason) : unyankRelease(source);
  return { edits: text === source.text ? [] : [edit(source, text)], result: { version: release.version, file: source.file } };
}

/** Which clients of one platform a rollout applies to (an override of the channel's percentage). */
export type RolloutTarget = RolloutPlatform;

/** How specific an override is: the most specific one that matches a file wins. */
const specificity = (o: { arch?: string; format?: string; osversion?: string; appversion?: string }) =>
  (o.osversion !== undefined || o.appversion !== undefined ? 4 : 0) + (o.arch !== undefined ? 2 : 0) + (o.format !== undefined ? 1 : 0);

/** `rollout`: the percentage of clients a release reaches on a channel, or on one platform of it. */
export function setReleaseRollout(
  config: Pick<ResolvedConfig, 'root'>,
  input: { app: string; version: string; channel: string; percent: number; platform?: RolloutTarget },
): StoreEdit<{ version: string; was?: number; file: string; stillApply: { label: string; percent: number }[] }> {
  const ctx = openStore(config);
  const app = requireApp(ctx, input.app);
  requireChannel(ctx, input.channel);
  const { release, source } = requireRelease(ctx, app, input.version);
  const text = input.platform
    ? setPlatformRollout(source, release.version, input.channel, input.percent, input.platform)
    : setRollout(source, release.version, input.channel, input.percent);
  // Overrides more specific than this one keep deciding for their files: the user is told which.
  const p = input.platform;
  const stillApply = p
    ? (release.platformRollout ?? [])
        .filter(
          (o) =>
            o.channel === input.channel &&
            o.os === p.os &&
            (p.arch === undefined || o.arch === p.arch) &&
            (p.format === undefined || o.format === p.format) &&
            specificity(o) > specificity(p),
        )
        .map((o) => ({ label: overrideLabel(o), percent: o.percent }))
    : [];
  return {
    edits: [edit(source, text)],
    result: { version: release.version, was: p ? undefined : release.rollout[input.channel], file: source.file, stillApply },
  };
}

/** `promote`: add a release to a (more mature) channel, optionally staged. No edits when it is there already. */
export function promoteVersion(
  config: Pick<ResolvedConfig, 'root'>,
  input: { app: string; version: string; channel: string; percent?: number },
): StoreEdit<{ version: string; file: string }> {
  const ctx = openStore(config);
  const app = requireApp(ctx, input.app);
  requireChannel(ctx, input.channel);
  const { release, source } = requireRelease(ctx, app, input.version);
  if (release.nightly && !ctx.store.channels.find((c) => c.name === input.channel)?.nightly) {
    throw new StoreError(diag(Errors.NightlyOutsideChannel, [input.channel], { file: source.file, ...positionOf(source, ['nightly']) }));
  }
  const order = [...ctx.store.channels].sort((a, b) => a.order - b.order).map((c) => c.name);
  const text = promoteRelease(source, input.channel, input.percent, order);
  return { edits: text === source.text ? [] : [edit(source, text)], result: { version: release.version, file: source.file } };
}
