import { randomBytes } from 'node:crypto';
import { relative } from 'node:path';
import { CapacityError, collectProvenance, runWorkflow, Workspace } from '@veriflow/runner';
import type { RunArgs } from '../args.js';
import { openWorkflow } from '../load/open-workflow.js';
import { progressObserver } from '../render/progress.js';
import { liveSyncObserver } from '../tracking/live-sync-observer.js';
import { storeObserver } from '../tracking/store-observer.js';
import { trackingUriFrom } from '../tracking/tracking-uri.js';
import { isRegression, REGRESSION_EXIT_CODE, renderExpectations } from '../render/expectations.js';
import { renderStepTables } from '../render/step-tables.js';
import { renderProblems, renderSummary, shownOutcome } from '../render/summary.js';
import { terminalWidth } from '../render/terminal-width.js';
import { writeRunReport } from '../report/write-report.js';
import { capacityFrom, describeInventory } from './capacity.js';
import { executorFrom, QUEUED_JOBS_DEFAULT } from './executor.js';
import { computePlan, previousEntries, processEnv, renderPlanHere } from './plan.js';
import { writeRunFiles } from './run-files.js';
import { selectionFrom } from './selection.js';

const PACKAGE_MANIFESTS = ['@veriflow/cli', '@veriflow/runner', '@veriflow/workflow', '@veriflow/step-api', '@veriflow/steps-core', '@veriflow/ml', '@veriflow/gaussian', '@veriflow/eigen', '@veriflow/tracking'].map((name) => new URL(`../../../../node_modules/${name}/package.json`, import.meta.url));

function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Ctrl-C cancels cleanly (running instances are stopped, finished ones stay cached); a second Ctrl-C exits at once. */
function cancelOnInterrupt(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\nveriflow: ${signal} received, cancelling (press Ctrl-C again to exit now)\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export async function runCommand(args: RunArgs): Promise<number> {
  const opened = await openWorkflow(args.file, { preset: args.preset, overrides: args.sets }, args.strict);
  if (args.dryRun) {
    process.stdout.write(`${await renderPlanHere(opened, args, await computePlan(opened, args))}\n`);
    return 0;
  }
  const machine = await capacityFrom(args);
  const workspace = new Workspace(args.workspace);
  const workflow = opened.graph.spec.name;
  const provenance = collectProvenance(opened.directory, PACKAGE_MANIFESTS);
  const interrupt = cancelOnInterrupt();
  const trackingUri = trackingUriFrom(args, opened.loaded.spec.tracking.uri);
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  const live = trackingUri ? liveSyncObserver(trackingUri, workspace.layout.workspaceDir, say) : undefined;
  const store = storeObserver({
    workspace,
    graph: opened.graph,
    registry: opened.registry,
    file: opened.loaded.spec.file,
    text: opened.text,
    preset: opened.loaded.spec.preset,
    overrides: args.sets,
    provenance,
    experiment: args.experiment ?? opened.loaded.spec.tracking.experiment ?? workflow,
  });
  const executor = executorFrom(args, opened.loaded.spec.executor);
  try {
    const result = await runWorkflow({
      workspace,
      graph: opened.graph,
      workflowDir: opened.directory,
      registry: opened.registry,
      runId: newRunId(),
      // On a cluster, --jobs bounds how many jobs are queued at once; Slurm decides how many run.
      capacity: executor.limitsLocalResources ? machine.capacity : { ...machine.capacity, jobs: args.jobs ?? QUEUED_JOBS_DEFAULT },
      keepGoing: args.keepGoing,
      selection: selectionFrom(args, opened.graph),
      env: processEnv(),
      previous: await previousEntries(workspace, workflow),
      signal: interrupt.signal,
      executor,
      ...(args.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: args.lockTimeoutMs }),
      observers: [
        progressObserver({ stream: process.stderr, verbose: args.verbose }),
        store,
        ...(live ? [live] : []),
      ],
    });
    const choice = { preset: opened.loaded.spec.preset, overrides: args.sets };
    const instanceNames = new Set(opened.graph.instances.map((instance) => instance.name));
    const upstream = new Map(opened.graph.instances.map((instance) => [instance.name, instance.upstream]));
    const files = await writeRunFiles({ workspace, workflow, file: opened.loaded.spec.file, instanceNames, upstream, result, registry: opened.registry, choice, provenance, inputs: { params: opened.graph.spec.params, seed: opened.graph.spec.seed } });
    const resultsPath = workspace.layout.workflowResultsFile(workflow);
    if (result.expectations.length > 0) process.stdout.write(`\n${renderExpectations(result.expectations)}\n`);
    const tables = args.wide ? renderSummary(result.outcomes) : renderStepTables(result.outcomes.map(shownOutcome), { width: terminalWidth(), everything: `veriflow runs show ${result.runId} --all` });
    process.stdout.write(`\n${tables}\n`);
    const problems = renderProblems(result.outcomes);
    if (problems) process.stdout.write(`\n${problems}\n`);
    if (files.figures.length > 0) process.stdout.write(`\nfigures:\n${files.figures.map((figure) => `  ${relative(process.cwd(), figure.path)}`).join('\n')}\n`);
    const report = files.resultsWritten ? await writeRunReport(resultsPath, workspace.layout.runDir(result.runId), say) : undefined;
    if (report) process.stdout.write(`\nreport: ${relative(process.cwd(), report)}\n`);
    const regression = result.status === 'succeeded' && isRegression(result.expectations);
    const outcome = regression ? `regression${args.expectFail ? '' : ' (reported only: --no-expect-fail)'}` : result.status;
    const results = files.resultsWritten ? `results in ${relative(process.cwd(), resultsPath)}` : 'no results file';
    process.stdout.write(`\n${outcome}: ${results}, logs in ${relative(process.cwd(), workspace.layout.runLogsDir(result.runId))}\n`);
    for (const problem of [...files.problems, ...(store.failure ? [store.failure] : [])]) say(`veriflow: ${problem}`);
    if (result.status === 'cancelled') return 130;
    // The instances' results are safe in the store, but a file the disk refused means the run did not finish its job.
    if (result.status !== 'succeeded' || files.problems.length > 0 || store.failure) return 1;
    return regression && args.expectFail ? REGRESSION_EXIT_CODE : 0;
  } catch (error) {
    if (!(error instanceof CapacityError)) throw error;
    // Nothing ran: like an invalid workflow, a machine too small for it is exit 2, said before any work.
    say(`veriflow: ${error.message}\nGPU discovery: ${describeInventory(machine.inventory)}`);
    return 2;
  } finally {
    interrupt.dispose();
  }
}
