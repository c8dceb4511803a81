/**
 * A progress bar for long runs (cli-progress): on standard error, only when it is a
 * terminal, off with --quiet. Events/s, MB/s and the ETA come from wall-clock time, which is
 * fine here: it is display, never part of the report.
 */
import cliProgress from 'cli-progress';
import type { RunOptions } from '../verify/run.js';

export function progressBar(enabled: boolean): RunOptions['progress'] | undefined {
  if (!enabled || process.stderr.isTTY !== true) return undefined;
  let bar: cliProgress.SingleBar | null = null;
  let started = 0;
  let total: number | null = null;
  const payload = (bytes: number, lines: number) => {
    const secs = Math.max(0.001, (Date.now() - started) / 1000);
    return { mb: (bytes / 1e6).toFixed(1), total_mb: total === null ? '?' : (total / 1e6).toFixed(1), eps: Math.round(lines / secs), mbps: (bytes / 1e6 / secs).toFixed(1) };
  };
  return {
    start(totalBytes) {
      total = totalBytes;
      started = Date.now();
      bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: totalBytes === null
            ? 'verifying {mb} MB | {eps} events/s | {mbps} MB/s'
            : 'verifying [{bar}] {percentage}% | {mb}/{total_mb} MB | {eps} events/s | {mbps} MB/s | ETA {eta_formatted}',
          fps: 5,
          clearOnComplete: true,
          // No terminal mode is changed (cli-progress hides the cursor and turns line wrapping off
          // for its bar, and turns them back on in stop()): a run stopped by Ctrl-C ends by the
          // signal without stop(), and left the user's shell with no cursor and no line wrap
          // (found by review). A listener to restore them would delay the end of a busy run
          // (src/git/git.ts, watchSignals). With wrapping on, cli-progress cuts the bar to the
          // terminal's width itself.
          hideCursor: false,
          linewrap: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(totalBytes ?? 1, 0, payload(0, 0));
    },
    update(bytes, lines) {
      bar?.update(total === null ? 0 : bytes, payload(bytes, lines));
    },
    stop() {
      bar?.stop();
    },
  };
}
