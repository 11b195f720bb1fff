import type { ContextSinks } from '../../execute/step-context.js';

/**
 * The job reports its step's log lines, metrics and progress on stdout, one JSON object a line with this
 * marker, so the submitting run can replay them into the instance log and its observers. Anything else the
 * job prints (a program's raw output, slurmstepd's messages) is a plain log line.
 */
const MARKER = '{"veriflow":';

export type JobEvent =
  | { readonly veriflow: 'log'; readonly level: 'info' | 'warn' | 'debug'; readonly line: string }
  | { readonly veriflow: 'metric'; readonly key: string; readonly value: number; readonly step: number }
  | { readonly veriflow: 'progress'; readonly fraction: number };

export function encodeJobEvent(event: JobEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/** Sinks that print events for the submitting run to read. */
export function printingSinks(write: (text: string) => void): ContextSinks {
  return {
    log: (level, line) => write(encodeJobEvent({ veriflow: 'log', level, line })),
    metric: (key, value, step) => write(encodeJobEvent({ veriflow: 'metric', key, value, step })),
    progress: (fraction) => write(encodeJobEvent({ veriflow: 'progress', fraction })),
  };
}

export function replayJobLine(line: string, sinks: ContextSinks): void {
  if (line.startsWith(MARKER)) {
    try {
      const event = JSON.parse(line) as JobEvent;
      if (event.veriflow === 'log') sinks.log(event.level, event.line);
      else if (event.veriflow === 'metric') sinks.metric(event.key, event.value, event.step);
      else sinks.progress(event.fraction);
      return;
    } catch {
      // A line cut short (the job was killed mid-write) is shown as it is.
    }
  }
  if (line.trim() !== '') sinks.log('info', line);
}
