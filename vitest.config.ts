import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests spawn the CLI and real servers, and change the working folder: forks, as threads cannot chdir.
    pool: 'forks',
    // A worker runs file after file with the modules it has loaded: loading the library again for
    // every file cost ~0.7 s of CPU each (54 files). Helpers clean up per file through test/setup.ts;
    // tests restore what they change of the process (cwd, globals) themselves.
    isolate: false,
    // Most files spend their time waiting on child processes (git, openssl, the CLI), sockets and
    // the browser; vitest's default of cores - 1 ran them one at a time on 2 cores.
    maxWorkers: 3,
  },
});
