import { processIo, type Io } from './command.js';

/** Where a long command reports what it is doing, and how it ends. */
export interface Progress {
  /** The stage now running, e.g. `verifying signatures and archives`. */
  stage: (what: string) => void;
  /** How far the stage is: `done` of `total` items, or of `total` bytes with `unit: 'bytes'`. */
  count: (done: number, total: number, unit?: 'bytes') => void;
  /** Clears the progress line; gives ` in 1.2 s` for the summary line. */
  done: () => string;
}

/** Redraws of a count at most this often (a terminal redraw per archive would cost more than the work). */
const REDRAW_MS = 100;

/**
 * A one-line progress display: on a terminal (stderr is a TTY) the current stage, and how far it
 * is, is redrawn in place, so a long build, a check of many archives or a download shows where it
 * is; in CI logs, pipes and with `--quiet` nothing is drawn, so logs hold only diagnostics and
 * the summary. Small enough that a library would add more than it saves.
 */
export function progress(io: Io, label: string, opts: { quiet?: boolean; tty?: boolean } = {}): Progress {
  const started = performance.now();
  const live = !opts.quiet && (opts.tty ?? (io.err === processIo.err && process.stderr.isTTY === true));
  let drawn = false;
  let current = '';
  let lastDraw = -Infinity;
  const draw = (text: string) => {
    io.err(`\r\x1b[2K${label}: ${text}`);
    drawn = true;
  };
  return {
    stage(what) {
      current = what;
      lastDraw = -Infinity;
      if (live) draw(`${what}…`);
    },
    count(done, total, unit) {
      if (!live) return;
      const now = performance.now();
      if (done < total && now - lastDraw < REDRAW_MS) return;
      lastDraw = now;
      const amount = unit === 'bytes' ? `${megabytes(done)}/${megabytes(total)} MB` : `${done}/${total}`;
      draw(`${current}… ${amount}`);
    },
    done() {
      if (drawn) io.err('\r\x1b[2K');
      drawn = false;
      const s = (performance.now() - started) / 1000;
      return ` in ${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
    },
  };
}

// --- internal ---

const megabytes = (n: number): string => (n / 1e6).toFixed(1);
