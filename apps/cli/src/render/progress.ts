import type { InstanceOutcome, RunObserver, RunStart } from '@veriflow/runner';
import { formatMs } from '@veriflow/runner';

export interface ProgressOptions {
  readonly stream: NodeJS.WriteStream;
  readonly verbose: boolean;
}

const SYMBOL: Record<InstanceOutcome['status'], string> = { succeeded: '✓', cached: '≡', failed: '✗', skipped: '-', cancelled: '!' };

/**
 * Live progress: a redrawn status line on a terminal, one plain line per event otherwise (CI logs).
 * Counts done/running/cached/failed with elapsed time and an ETA from the pace so far.
 */
export function progressObserver(options: ProgressOptions): RunObserver {
  const { stream } = options;
  const tty = stream.isTTY === true;
  const counts = { succeeded: 0, cached: 0, failed: 0, skipped: 0, cancelled: 0 };
  const running = new Map<string, number>();
  /** `slurm 4242 PENDING` for instances whose job is queued or running. */
  const jobs = new Map<string, string>();
  let start: RunStart | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lineShown = false;

  const finished = (): number => Object.values(counts).reduce((a, b) => a + b, 0);
  const statusLine = (): string => {
    const elapsed = Date.now() - (start?.startedAt ?? Date.now());
    const done = finished();
    const total = start?.total ?? 0;
    const eta = done > 0 && done < total ? ` · ETA ${formatMs((elapsed / done) * (total - done))}` : '';
    const current = [...running]
      .map(([name, fraction]) => `${name}${fraction > 0 ? ` ${Math.round(fraction * 100)}%` : ''}${jobs.has(name) ? ` (${jobs.get(name)})` : ''}`)
      .slice(0, 2)
      .join(', ');
    return `[${done}/${total}] ${counts.succeeded} done · ${running.size} running · ${counts.cached} cached · ${counts.failed} failed · ${formatMs(elapsed)}${eta}${current ? ` · ${current}` : ''}`;
  };
  const clear = (): void => {
    if (tty && lineShown) stream.write('\r\x1b[2K');
    lineShown = false;
  };
  const draw = (): void => {
    if (!tty) return;
    const columns = stream.columns ?? 100;
    stream.write(`\r\x1b[2K${statusLine().slice(0, columns - 1)}`);
    lineShown = true;
  };
  const say = (line: string): void => {
    clear();
    stream.write(`${line}\n`);
    draw();
  };

  return {
    runStarted(runStart) {
      start = runStart;
      say(`veriflow: running ${runStart.workflow} (${runStart.total} instances, run ${runStart.runId})`);
      if (tty) timer = setInterval(draw, 200).unref();
    },
    instanceStarted(name, attempt) {
      running.set(name, 0);
      if (!tty || options.verbose) say(`▶ ${name}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
    },
    instanceProgress(name, fraction) {
      if (running.has(name)) running.set(name, fraction);
    },
    instancePlaced(name, placement) {
      jobs.set(name, `${placement.executor} ${placement.id} ${placement.state}`);
      // Queue states are news in a CI log; on a terminal they would scroll the status line away.
      if (!tty || options.verbose) say(`  ${name} | ${placement.executor} job ${placement.id} ${placement.state}${placement.detail ? ` (${placement.detail})` : ''}`);
    },
    instanceLog(name, level, line) {
      if (options.verbose || level === 'warn') say(`  ${name} | ${line}`);
    },
    instanceFinished(outcome) {
      running.delete(outcome.name);
      jobs.delete(outcome.name);
      counts[outcome.status]++;
      const time = outcome.status === 'succeeded' ? ` ${formatMs(outcome.durationMs)}` : '';
      const why = outcome.status === 'failed' ? `: ${outcome.error?.split('\n')[0] ?? ''}` : '';
      if (outcome.status !== 'cached' || !tty || options.verbose) say(`${SYMBOL[outcome.status]} ${outcome.name} ${outcome.status}${time}${why}`);
      else draw();
    },
    runFinished() {
      if (timer) clearInterval(timer);
      clear();
      stream.write(`${statusLine()}\n`);
    },
  };
}
