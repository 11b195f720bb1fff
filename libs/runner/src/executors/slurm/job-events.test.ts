import assert from 'node:assert/strict';
import { it } from 'node:test';
import { printingSinks, replayJobLine } from './job-events.js';

it("replays the job's log lines, metrics and progress, and shows anything else it printed as a log line", () => {
  const printed: string[] = [];
  const sinks = printingSinks((text) => printed.push(text));
  sinks.log('warn', 'careful');
  sinks.metric('loss', 0.5, 3);
  sinks.progress(0.25);
  const heard: unknown[] = [];
  const target = {
    log: (level: string, line: string) => heard.push(['log', level, line]),
    metric: (key: string, value: number, step: number) => heard.push(['metric', key, value, step]),
    progress: (fraction: number) => heard.push(['progress', fraction]),
  };
  const lines = [...printed.join('').split('\n').filter(Boolean), 'slurmstepd: error: *** JOB 7 CANCELLED ***', '{"veriflow":"log","lev', ''];
  for (const line of lines) replayJobLine(line, target);
  assert.deepEqual(heard, [
    ['log', 'warn', 'careful'],
    ['metric', 'loss', 0.5, 3],
    ['progress', 0.25],
    ['log', 'info', 'slurmstepd: error: *** JOB 7 CANCELLED ***'],
    ['log', 'info', '{"veriflow":"log","lev'],
  ]);
});
