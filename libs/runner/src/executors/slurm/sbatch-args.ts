import { randomBytes } from 'node:crypto';
import type { AttemptPlan } from '../instance-executor.js';

/** Where and how a run submits its jobs: `executor:` in the workflow, overridden by the command line. */
export interface SlurmSettings {
  readonly partition: string | undefined;
  readonly account: string | undefined;
  readonly qos: string | undefined;
  /** Passed to sbatch as they are, after ours (so they win), e.g. `--constraint=a100`. */
  readonly extraArgs: readonly string[];
}

/** A fresh token for one sbatch call: in the job's comment and in the records written before it. */
export function newSubmission(): string {
  return randomBytes(6).toString('hex');
}

/** What a job's comment carries to be found again by its submission token. */
export function submissionTag(submission: string): string {
  return `veriflow-submission=${submission}`;
}

/** Slurm's own limit is a backstop: the attempt enforces `timeout` itself, this much later Slurm kills it. */
const TIME_LIMIT_GRACE_MS = 60_000;

/** `--time` in whole minutes (Slurm enforces limits at about that granularity anyway). */
export function slurmTimeLimit(timeoutMs: number): string {
  return String(Math.ceil((timeoutMs + TIME_LIMIT_GRACE_MS) / 60_000));
}

/** Names every job of a run alike, so `squeue --name` and `scancel --name` find them all. */
export function jobNameOf(runId: string): string {
  return `veriflow-${runId}`;
}

/** What every job asks for, alone or as an array task: its resources, time limit and the user's settings. */
function allocationArgs(plan: AttemptPlan, settings: SlurmSettings): string[] {
  const { cpus, gpu, memoryMb } = plan.resources;
  return [
    // A requeued job (preemption, node failure, scontrol requeue) runs again with the same output file:
    // appending keeps the first run's lines and lets the run's reader carry on where it was.
    '--open-mode=append',
    '--nodes=1',
    '--ntasks=1',
    `--cpus-per-task=${cpus}`,
    ...(memoryMb === undefined ? [] : [`--mem=${Math.ceil(memoryMb)}M`]),
    ...(gpu > 0 ? [`--gres=gpu:${gpu}`] : []),
    ...(plan.timeoutMs === undefined ? [] : [`--time=${slurmTimeLimit(plan.timeoutMs)}`]),
    ...(settings.partition ? [`--partition=${settings.partition}`] : []),
    ...(settings.account ? [`--account=${settings.account}`] : []),
    ...(settings.qos ? [`--qos=${settings.qos}`] : []),
    ...settings.extraArgs,
  ];
}

/** The sbatch argv for one attempt: its resources, time limit, output file and the user's settings; `submission` goes in its comment. */
export function sbatchArgs(plan: AttemptPlan, settings: SlurmSettings, files: { readonly script: string; readonly output: string }, submission: string): string[] {
  return ['sbatch', '--parsable', `--job-name=${jobNameOf(plan.runId)}`, `--comment=${plan.identity.name} ${submissionTag(submission)}`, `--output=${files.output}`, `--chdir=${plan.attemptDir}`, ...allocationArgs(plan, settings), files.script];
}

/**
 * The sbatch argv for one array job whose task i runs `plans[i]` (which all ask for the same allocation).
 * `output` holds `%a`, the task index: Slurm writes task i's output there.
 */
export function arraySbatchArgs(plans: readonly AttemptPlan[], settings: SlurmSettings, files: { readonly script: string; readonly output: string; readonly dir: string }, submission: string): string[] {
  const first = plans[0]!;
  const comment = `${first.identity.step} x${plans.length} ${submissionTag(submission)}`;
  return ['sbatch', '--parsable', `--job-name=${jobNameOf(first.runId)}`, `--comment=${comment}`, `--array=0-${plans.length - 1}`, `--output=${files.output}`, `--chdir=${files.dir}`, ...allocationArgs(first, settings), files.script];
}

/**
 * Attempts that may share one array job: the same step asking for the same allocation. (The step is not
 * needed for Slurm, but an array per step keeps squeue and the job comment readable.)
 */
export function allocationGroupOf(plan: AttemptPlan): string {
  const { cpus, gpu, memoryMb } = plan.resources;
  return JSON.stringify([plan.identity.step, cpus, gpu, memoryMb ?? null, plan.timeoutMs ?? null]);
}
