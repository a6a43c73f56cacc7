import { defineConfig } from 'vitest/config';

// In a shared worker, https.createServer of test/inspect/fetch.test.ts failed ("tls.createSecureContext
// is not a function") after test/serve/server.test.ts had run there: both run in processes of their own.
const ownProcess = ['test/inspect/fetch.test.ts', 'test/serve/server.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests spawn the CLI and real servers, and change the working folder: forks, as threads cannot chdir.
    pool: 'forks',
    // Most files spend their time waiting on child processes (git, openssl, the CLI), sockets and
    // the browser; vitest's default of cores - 1 ran them one at a time on 2 cores.
    maxWorkers: 3,
    projects: [
      // A worker runs file after file with the modules it has loaded: loading the library again for
      // every file cost ~0.7 s of CPU each (54 files). Helpers clean up per file through test/setup.ts;
      // tests restore what they change of the process (cwd, globals) themselves.
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: ownProcess, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ownProcess, isolate: true } },
    ],
  },
});
