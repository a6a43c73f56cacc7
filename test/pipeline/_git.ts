import { execFileSync } from 'node:child_process';

/** A fixed identity and date for the commits of the build tests (never the machine's git config). */
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'd@example.com',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'd@example.com',
  GIT_COMMITTER_DATE: '2027-01-10T00:00:00Z',
  GIT_AUTHOR_DATE: '2027-01-10T00:00:00Z',
};

/** Runs git in `cwd` with that identity and date. */
export const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: gitEnv });
