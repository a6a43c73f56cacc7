import { processIo, type Io } from './command.js';

/** Where a long command reports what it is doing, and how it ends. */
export interface Progress {
  /** The stage now running, e.g. `verifying signatures and archives`. */
  stage: (what: string) => void;
  /** Clears the progress line; gives ` in 1.2 s` for the summary line. */
  done: () => string;
}

/**
 * A one-line progress display: on a terminal (stderr is a TTY) the current stage is redrawn in
 * place, so a long build shows where it is; in CI logs, pipes and with `--quiet` nothing is drawn,
 * so logs hold only diagnostics and the summary. Small enough that a library would add more than
 * it saves.
 */
export function progress(io: Io, label: string, opts: { quiet?: boolean; tty?: boolean } = {}): Progress {
  const started = performance.now();
  const live = !opts.quiet && (opts.tty ?? (io.err === processIo.err && process.stderr.isTTY === true));
  let drawn = false;
  return {
    stage(what) {
      if (!live) return;
      io.err(`\r\x1b[2K${label}: ${what}…`);
      drawn = true;
    },
    done() {
      if (drawn) io.err('\r\x1b[2K');
      drawn = false;
      const s = (performance.now() - started) / 1000;
      return ` in ${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
    },
  };
}
