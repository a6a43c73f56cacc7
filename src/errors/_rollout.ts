import type { ErrorSpec } from './diagnostic.js';

/** Per-platform rollout overrides of a release (`platformRollout`). */
export const rolloutErrors = {
  RolloutNoFile: {
    code: 'E_ROLLOUT_PLATFORM',
    message: (platform: string) => `Rollout override for ${platform}, for which the release has no file.`,
    hint: "Name an os (and architecture, format) one of the release's `entries` has, or remove the override.",
  },
  RolloutOverrideChannel: {
    code: 'E_ROLLOUT_OVERRIDE_CHANNEL',
    message: (channel: string) => `Rollout override for channel "${channel}", which the release is not in.`,
    hint: 'Add the channel to `channels`, or remove the override.',
  },
  RolloutOverrideDuplicate: {
    code: 'E_ROLLOUT_OVERRIDE_DUPLICATE',
    message: (what: string, first: number) => `A second rollout override for ${what} (the first is override ${first + 1}).`,
    hint: 'Keep one override per channel × platform × format.',
  },
} as const satisfies Record<string, ErrorSpec>;
