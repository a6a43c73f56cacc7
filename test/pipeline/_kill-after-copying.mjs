// Preloaded (`node --import`) into a build that a test kills mid-write: the process kills itself
// with SIGKILL right after copying the archive named by KILL_AFTER_COPYING, i.e. at a known point
// with the new site and objects half written, instead of racing a timer against a huge archive.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const name = process.env.KILL_AFTER_COPYING;
const copyFileSync = fs.copyFileSync;
fs.copyFileSync = (from, to, mode) => {
  copyFileSync(from, to, mode);
  if (name && String(from).endsWith(name)) process.kill(process.pid, 'SIGKILL');
};
// The build imports copyFileSync by name: ES module bindings of node:fs follow only after this.
syncBuiltinESMExports();
