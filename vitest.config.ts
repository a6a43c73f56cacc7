import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests spawn the CLI and real servers; forks keep each file's process state (cwd, env) its own.
    pool: 'forks',
    // Most files spend their time waiting on child processes (git, openssl, the CLI), sockets and
    // the browser; vitest's default of cores - 1 ran them one at a time on 2 cores.
    maxWorkers: 3,
  },
});
