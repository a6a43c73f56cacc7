import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests spawn the CLI and real servers; two forks keep a 2-core machine responsive.
    pool: 'forks',
    // The example store publishes signing.publicKey, so its builds need the key (as \`npm start\`
    // passes it); tests of unsigned or missing keys pass their own env.
    env: { APPSHELF_SIGNING_KEY_FILE: fileURLToPath(new URL('demo-keys/manifest-signing.key', import.meta.url)) },
  },
});
