/**
 * Why an instance will run or not. The plan is data: the CLI prints `describeReason`, tests assert on
 * `kind`, and whether it runs comes from the same table.
 */
export type PlanReason =
  | { readonly kind: 'cached' }
  | { readonly kind: 'new' }
  | { readonly kind: 'params-changed'; readonly changes: readonly ParamChange[] }
  | { readonly kind: 'input-changed'; readonly inputs: readonly string[] }
  | { readonly kind: 'version-changed'; readonly before: string; readonly after: string }
  | { readonly kind: 'environment-changed'; readonly changes: readonly ParamChange[] }
  | { readonly kind: 'seed-changed'; readonly before: number; readonly after: number }
  | { readonly kind: 'outputs-missing'; readonly detail: string }
  | { readonly kind: 'outputs-corrupt'; readonly detail: string }
  | { readonly kind: 'incomplete'; readonly runId: string }
  | { readonly kind: 'failed'; readonly runId: string; readonly error: string }
  | { readonly kind: 'no-record' }
  | { readonly kind: 'forced' }
  | { readonly kind: 'upstream-runs'; readonly upstream: readonly string[] }
  | { readonly kind: 'condition-false' }
  | { readonly kind: 'upstream-not-run'; readonly upstream: readonly string[] }
  | { readonly kind: 'upstream-skipped'; readonly upstream: readonly string[] }
  | { readonly kind: 'stopped' };

export interface ParamChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export type ReasonKind = PlanReason['kind'];

const TABLE: Record<ReasonKind, { readonly runs: boolean; readonly label: string }> = {
  cached: { runs: false, label: 'cached' },
  new: { runs: true, label: 'new' },
  'params-changed': { runs: true, label: 'params changed' },
  'input-changed': { runs: true, label: 'input changed' },
  'version-changed': { runs: true, label: 'code version changed' },
  'environment-changed': { runs: true, label: 'environment changed' },
  'seed-changed': { runs: true, label: 'seed changed' },
  'outputs-missing': { runs: true, label: 'outputs missing' },
  'outputs-corrupt': { runs: true, label: 'outputs corrupted' },
  incomplete: { runs: true, label: 'incomplete' },
  failed: { runs: true, label: 'failed' },
  'no-record': { runs: true, label: 'not in cache' },
  forced: { runs: true, label: 'forced' },
  'upstream-runs': { runs: true, label: 'upstream will run' },
  'condition-false': { runs: false, label: 'skipped (if is false)' },
  'upstream-not-run': { runs: false, label: 'skipped (an upstream instance did not succeed)' },
  'upstream-skipped': { runs: false, label: 'skipped (an upstream instance is skipped by its if:)' },
  stopped: { runs: false, label: 'not started (the run stopped after a failure; --keep-going runs independent instances)' },
};

export function reasonRuns(reason: PlanReason): boolean {
  return TABLE[reason.kind].runs;
}

/** Skipped on purpose (an `if:` here or upstream said so), which is no problem to report. */
export function skippedByCondition(reason: PlanReason): boolean {
  return reason.kind === 'condition-false' || reason.kind === 'upstream-skipped';
}

/** Why an instance cannot run when `upstream` did not give it inputs: on purpose when each of them was skipped so. */
export function blockedReason(upstream: readonly { readonly name: string; readonly reason: PlanReason }[]): PlanReason {
  const names = upstream.map((item) => item.name);
  return upstream.every((item) => skippedByCondition(item.reason)) ? { kind: 'upstream-skipped', upstream: names } : { kind: 'upstream-not-run', upstream: names };
}

const show = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? '(none)'));

const listed = (names: readonly string[]): string => (names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`);

/** One line for `veriflow plan`. */
export function describeReason(reason: PlanReason): string {
  const label = TABLE[reason.kind].label;
  switch (reason.kind) {
    case 'params-changed':
    case 'environment-changed':
      return `${label}: ${reason.changes.map((change) => `${change.path} ${show(change.before)} → ${show(change.after)}`).join(', ')}`;
    case 'input-changed':
      return `${label}: ${listed(reason.inputs)}`;
    case 'version-changed':
      return `${label}: ${reason.before} → ${reason.after}`;
    case 'seed-changed':
      return `${label}: ${reason.before} → ${reason.after}`;
    case 'outputs-missing':
    case 'outputs-corrupt':
      return `${label}: ${reason.detail}`;
    case 'incomplete':
      return `${label}: interrupted in run ${reason.runId}`;
    case 'failed':
      return `${label} in run ${reason.runId}: ${reason.error}`;
    case 'upstream-runs':
    case 'upstream-not-run':
    case 'upstream-skipped':
      return `${label}: ${listed(reason.upstream)}`;
    default:
      return label;
  }
}
