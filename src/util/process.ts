/** Whether a process with this pid is alive (EPERM: alive, but another user's). Not a pid: false. */
export function isRunning(pid: number): boolean {
  // kill(0) would signal our own process group, and a NaN pid throws.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
