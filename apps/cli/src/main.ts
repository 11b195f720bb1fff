#!/usr/bin/env node
import { fileSystemError } from '@veriflow/durable-fs';
import { formatDiagnosticPretty, WorkflowError } from '@veriflow/workflow';
import { parseCommandArgs } from './args.js';
import type { RunArgs } from './args.js';
import { cancelCommand } from './commands/cancel.js';
import { capacityCommand } from './commands/capacity.js';
import { checkCommand } from './commands/check.js';
import { compareCommand } from './commands/compare.js';
import { execInstanceCommand } from './commands/executor.js';
import { exportCommand } from './commands/export.js';
import { graphCommand } from './commands/graph.js';
import { planCommand } from './commands/plan.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { syncCommand } from './commands/sync.js';
import { stepsCommand } from './commands/steps.js';
import { validateCommand } from './commands/validate.js';
import { verifyCommand } from './commands/verify.js';
import { sourceTexts } from './load/open-workflow.js';
import { UsageError } from './usage-error.js';

const HELP = `veriflow: declare ML experiments as YAML graphs of steps, run them reproducibly.

Usage:
  veriflow run <workflow.yaml> [--preset NAME] [--set NAME=VALUE]... [--jobs N] [--cpus N] [--gpus N]
               [--keep-going] [--force [STEP]] [--only STEP[,STEP]]... [--dry-run] [--verbose]
               [--tracking-uri URI] [--experiment NAME]   (also MLFLOW_TRACKING_URI) [--no-expect-fail]
               [--lock-timeout DURATION]   (also VERIFLOW_LOCK_TIMEOUT; default 5m) [--wide] [--executor local|slurm]
  veriflow cancel <run | latest>   stop a run still going: SIGINT to its veriflow run, or scancel on the Slurm jobs a killed one left
  veriflow check <run | results.json | run folder> [--against BASELINE] [--rel-tol X] [--abs-tol Y] [--junit FILE] [--json]
               re-evaluate a run's expectations, running nothing; compare its numbers with a baseline's
  veriflow report <run | latest | results.json> [-o FILE]   one self-contained HTML page of a run
  veriflow plan <workflow.yaml> [--preset NAME] [--set ...] [--force [STEP]] [--only STEP] [--json]
  veriflow graph <workflow.yaml> [--preset NAME] [--set ...] [--format text|mermaid|dot]
  veriflow export <workflow.yaml> --format argo [--preset NAME] [--set ...] [--only STEP] [-o FILE]   the expanded DAG as an Argo Workflow
  veriflow validate <workflow.yaml> [--preset NAME] [--set ...] [--strict]   (without --preset: the defaults and every preset)
  veriflow steps [--json]
  veriflow runs [--json]                      list tracked runs, newest first
  veriflow runs show <run> [--all] [--json]   one run: a compact table per step (--all: every instance and column)
  veriflow compare <run>[:<instance>|:<step>]... [--csv FILE] [--json]
               [--figure FILE.svg --metric KEY [--x PARAM]]
  veriflow sync [<run>...] [--tracking-uri URI]  push local runs to MLflow (all not yet synced by default)
  veriflow verify [--repair] [--json]         re-hash every stored object; --repair removes corrupt ones
  veriflow capacity [--jobs N] [--cpus N] [--gpus N] [--json]   what a run here would use: jobs, CPUs, each GPU

Options:
  --preset NAME     start from the workflow's preset NAME (under presets:); at most once
  --set NAME=VALUE  override a param (YAML-typed); params are the defaults, then the preset, then each --set
  --workspace DIR   where the .veriflow cache and results live (default: current directory)
  --strict          (run, plan, validate) treat warnings as errors, e.g. a matrix include key that is not an axis
  --lock-timeout D  take over an instance lock held from another host once its heartbeat is silent this long (e.g. 90s, 10m)
  --executor K      local (this machine) or slurm (sbatch jobs, job arrays for sweeps; see README "Running on Slurm")
  --no-expect-fail  report failed expectations (expect:) without exiting 3
  --wide            (run) end with one table of every instance and every column instead of a compact table per step
  <run>             a run id or any unique prefix of one, e.g. 20261126

Exit codes: 0 success, 1 a step failed, 2 invalid workflow or arguments,
            3 regression (an expectation failed or could not be evaluated, or check --against saw a number move),
            130 cancelled.`;

const COMMANDS: Record<string, { needsFile: boolean; manyPositionals?: boolean; internal?: boolean; run: (args: RunArgs) => Promise<number> }> = {
  run: { needsFile: true, run: runCommand },
  plan: { needsFile: true, run: planCommand },
  graph: { needsFile: true, run: graphCommand },
  export: { needsFile: true, run: exportCommand },
  validate: { needsFile: true, run: validateCommand },
  steps: { needsFile: false, run: stepsCommand },
  runs: { needsFile: false, manyPositionals: true, run: runsCommand },
  compare: { needsFile: false, manyPositionals: true, run: compareCommand },
  sync: { needsFile: false, manyPositionals: true, run: syncCommand },
  cancel: { needsFile: false, manyPositionals: true, run: cancelCommand },
  verify: { needsFile: false, run: verifyCommand },
  check: { needsFile: false, manyPositionals: true, run: checkCommand },
  report: { needsFile: false, manyPositionals: true, run: reportCommand },
  capacity: { needsFile: false, run: capacityCommand },
  // Internal: what a Slurm job runs on its node (see commands/executor.ts).
  'exec-instance': { needsFile: true, internal: true, run: execInstanceCommand },
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}"; expected one of ${Object.entries(COMMANDS).flatMap(([known, { internal }]) => (internal ? [] : [known])).join(', ')}`);
  const args = parseCommandArgs(rest, { manyPositionals: command.manyPositionals ?? false });
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (command.needsFile && !args.file) throw new UsageError(`veriflow ${name} needs a workflow file, e.g. veriflow ${name} workflows/examples/hello-sweep.yaml`);
  return command.run(args);
}

// `veriflow runs | head` closes our stdout early: that is the reader's choice, not an error, and the
// command still finishes its work (files it was asked to write).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof WorkflowError) {
      for (const diagnostic of error.diagnostics) process.stderr.write(`${formatDiagnosticPretty(diagnostic, sourceTexts.get(diagnostic.span.file))}\n`);
      process.stderr.write(`\n${error.diagnostics.length} problem(s) found; nothing was run.\n`);
      process.exitCode = 2;
    } else if (error instanceof UsageError) {
      process.stderr.write(`veriflow: ${error.message}\nRun "veriflow --help" for usage.\n`);
      process.exitCode = 2;
    } else if (fileSystemError(error)) {
      // A full disk or a read-only workspace is the machine's state, not a bug: a sentence, no stack.
      process.stderr.write(`veriflow: ${fileSystemError(error)!.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`veriflow: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
