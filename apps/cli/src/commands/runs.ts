import { formatMs } from '@veriflow/runner';
import type { RunRecord, RunSummary, TrackedInstance, TrackedInstanceStatus } from '@veriflow/tracking';
import { CorruptRunError, RunLookupError, RunStore, finalMetrics } from '@veriflow/tracking';
import type { RunArgs } from '../args.js';
import { renderExpectations } from '../render/expectations.js';
import { renderStepTables, shownOutputs } from '../render/step-tables.js';
import type { ShownInstance } from '../render/step-tables.js';
import { formatCell, renderTable } from '../render/table.js';
import { terminalWidth } from '../render/terminal-width.js';
import { GPUS_TAG } from '../tracking/store-observer.js';
import { UsageError } from '../usage-error.js';

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local time, to the second: runs are read by people who remember roughly when they started them. */
export function formatTime(epochMs: number | undefined): string {
  if (epochMs === undefined) return '';
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const duration = (start: number | undefined, end: number | undefined): string => (start !== undefined && end !== undefined ? formatMs(end - start) : '');

// Outcomes a reader looks for first; anything else follows in the order met.
const STATUS_ORDER: readonly TrackedInstanceStatus[] = ['succeeded', 'cached', 'failed', 'interrupted', 'cancelled', 'skipped', 'running'];

function formatCounts(counts: RunSummary['counts']): string {
  return STATUS_ORDER.filter((status) => (counts[status] ?? 0) > 0)
    .map((status) => `${counts[status]} ${status}`)
    .join(', ');
}

/** Lookup failures are mistakes in the command line: exit 2 with the candidates. */
export async function withUsageErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof RunLookupError || error instanceof CorruptRunError) throw new UsageError(error.message);
    throw error;
  }
}

async function listCommand(store: RunStore, json: boolean): Promise<number> {
  const runs = await store.listRuns();
  if (json) {
    process.stdout.write(`${JSON.stringify(runs.map((run) => ({ ...run, endedAt: run.endedAt ?? null })), null, 2)}\n`);
    return 0;
  }
  if (runs.length === 0) {
    process.stdout.write(`no runs recorded in ${store.runsDir}\n`);
    return 0;
  }
  const rows = runs.map((run) => [run.id, run.workflow, run.status, formatTime(run.startedAt), duration(run.startedAt, run.endedAt), formatCounts(run.counts)]);
  process.stdout.write(`${renderTable(['run', 'workflow', 'status', 'started', 'time', 'instances'], rows)}\n`);
  return 0;
}

/** A cluster job's id and last state (`slurm 4242 COMPLETED`), from the tags the run store keeps. */
function jobOf(instance: TrackedInstance): string {
  const tags = instance.tags;
  return tags['veriflow.job_id'] === undefined ? '' : `${tags['veriflow.executor'] ?? ''} ${tags['veriflow.job_id']} ${tags['veriflow.job_state'] ?? ''}`.trim();
}

/** Status, where cached outputs came from, duration, the cluster job (if any), and the final value of every metric. */
export function renderInstances(instances: readonly TrackedInstance[]): string {
  const finals = instances.map((instance) => finalMetrics(instance.metrics));
  const metricKeys = [...new Set(finals.flatMap((metrics) => Object.keys(metrics)))].sort();
  // Only runs that used GPUs get the column, so CPU runs read as before.
  const gpus = instances.some((instance) => instance.tags[GPUS_TAG] !== undefined);
  const withJobs = instances.some((instance) => jobOf(instance) !== '');
  const rows = instances.map((instance, index) => [
    instance.name,
    instance.status,
    instance.producedByRun ?? '',
    duration(instance.startedAt, instance.endedAt),
    ...(gpus ? [instance.tags[GPUS_TAG] ?? ''] : []),
    ...(withJobs ? [jobOf(instance)] : []),
    ...metricKeys.map((key) => formatCell(finals[index]![key])),
  ]);
  return renderTable(['instance', 'status', 'cached from', 'time', ...(gpus ? ['gpus'] : []), ...(withJobs ? ['job'] : []), ...metricKeys], rows);
}

/** What the compact per-step tables show of a recorded instance: where cached outputs came from, final metrics, then scalar values. */
function shownInstance(instance: TrackedInstance): ShownInstance {
  return {
    name: instance.name,
    step: instance.step,
    kind: instance.kind,
    status: instance.status,
    matrix: instance.matrix,
    facts: { 'cached from': instance.producedByRun ?? '', ...(instance.tags[GPUS_TAG] === undefined ? {} : { gpus: instance.tags[GPUS_TAG] }), ...(jobOf(instance) === '' ? {} : { job: jobOf(instance) }) },
    outputs: shownOutputs(finalMetrics(instance.metrics), instance.values),
    time: duration(instance.startedAt, instance.endedAt),
  };
}

function renderHeader({ run }: RunRecord): string {
  const took = duration(run.startedAt, run.endedAt);
  const fields: [string, string][] = [
    ['run', run.id],
    ['workflow', `${run.workflow} (${run.file}${run.fileHash ? `, sha256 ${run.fileHash.slice(0, 12)}` : ''})`],
    ['status', run.status],
    ['started', `${formatTime(run.startedAt)}${took ? ` (took ${took})` : ''}`],
    ['by', `${run.user}@${run.host}${run.gitCommit ? `, git ${run.gitCommit.slice(0, 12)}` : ''}`],
  ];
  if (run.preset !== undefined) fields.push(['preset', run.preset]);
  if (run.overrides.length > 0) fields.push(['overrides', run.overrides.join(' ')]);
  if (run.experiment !== run.workflow) fields.push(['experiment', run.experiment]);
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

async function showCommand(store: RunStore, query: string, json: boolean, all: boolean): Promise<number> {
  const record = await withUsageErrors(() => store.readRun(query));
  if (json) {
    process.stdout.write(`${JSON.stringify(record, (_key, value: unknown) => (value === undefined ? null : value), 2)}\n`);
    return 0;
  }
  const instances = all
    ? renderInstances(record.instances)
    : renderStepTables(record.instances.map(shownInstance), { width: terminalWidth(), everything: `veriflow runs show ${record.run.id} --all` });
  const parts = [renderHeader(record), ...(record.expectations ? [renderExpectations(record.expectations.results)] : []), record.instances.length > 0 ? instances : 'no instances recorded'];
  const failures = record.instances.filter((instance) => instance.error !== undefined).map((instance) => `✗ ${instance.name}: ${instance.error}`);
  if (failures.length > 0) parts.push(failures.join('\n'));
  process.stdout.write(`${parts.join('\n\n')}\n`);
  if (record.skippedLines > 0) process.stderr.write(`note: skipped ${record.skippedLines} damaged line(s) of the event log (the run was probably killed mid-write)\n`);
  return 0;
}

/** `veriflow runs` lists tracked runs; `veriflow runs show <run>` shows one. */
export async function runsCommand(args: RunArgs): Promise<number> {
  const [sub, ...rest] = args.positionals;
  const store = new RunStore(args.workspace);
  if (sub === undefined || sub === 'list') {
    if (rest.length > 0) throw new UsageError(`veriflow runs takes no arguments; did you mean "veriflow runs show ${rest[0]}"?`);
    return listCommand(store, args.json);
  }
  if (sub === 'show') {
    if (rest.length !== 1) throw new UsageError('veriflow runs show needs one run id (or a unique prefix of one), e.g. veriflow runs show 20261126');
    return showCommand(store, rest[0]!, args.json, args.all);
  }
  throw new UsageError(`unknown subcommand "runs ${sub}"; use "veriflow runs" or "veriflow runs show <run>"`);
}
