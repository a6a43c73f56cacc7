import { describe, expect, it } from 'vitest';
import { loadStore, resolveStore, validateDocs } from '../../src/index.js';
import { resolveBands } from '../../src/resolve/index.js';
import { fixture } from '../helpers.js';

/** Each app in the one-app scenario store that holds it (read in place, not copied). */
const scenarioOf = { shelfnotes: 'signed-desktop', cockpit: 'docker-image', news: 'signed-bundle', legacy_sync: 'locked-app' } as const;
const stores = new Map(
  Object.entries(scenarioOf).map(([id, name]) => [id, resolveStore(validateDocs(loadStore(fixture(`${name}/store`)))).store!]),
);

const bands = (id: keyof typeof scenarioOf, channel: string, os: string, arch: string) => {
  const store = stores.get(id)!;
  const app = store.apps.find((a) => a.id === id)!;
  return resolveBands(store, app)
    .filter((b) => b.channel === channel && b.os === os && b.arch === arch)
    .map((b) => [b.from, b.to, b.version]);
};

describe('resolveBands on the one-app scenario stores', () => {
  it('splits the staged rollout of shelfnotes 1.5.0 at 25 % on stable', () => {
    expect(bands('shelfnotes', 'stable', 'windows', 'x86-64')).toEqual([
      [0, 24, '1.5.0'],
      [25, 99, '1.4.0'],
    ]);
  });
  it('serves the beta release and stable newer ones to beta; nightly inherits beta', () => {
    expect(bands('shelfnotes', 'beta', 'linux', 'x86-64')).toEqual([[0, 99, '1.6.0-beta.1']]);
    expect(bands('shelfnotes', 'nightly', 'osx', 'arm64')).toEqual([[0, 99, '1.6.0-beta.1']]);
  });
  it('serves the pin on stable and the newer release on beta for the docker app', () => {
    expect(bands('cockpit', 'stable', 'docker', 'any')).toEqual([[0, 99, '2.0.1']]);
    expect(bands('cockpit', 'beta', 'docker', 'any')).toEqual([[0, 99, '2.1.0']]);
  });
  it('serves the nightly only on the nightly channel, and the locked app still serves', () => {
    expect(bands('news', 'nightly', 'nextcloud', 'any')).toEqual([[0, 99, '1.2.0-nightly.20260320']]);
    expect(bands('news', 'beta', 'nextcloud', 'any')).toEqual([[0, 99, '1.1.0']]);
    expect(bands('legacy_sync', 'stable', 'linux', 'x86-64')).toEqual([[0, 99, '2.3.0']]);
  });
});
