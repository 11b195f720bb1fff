import { randomBytes } from 'node:crypto';
import { relative } from 'node:path';
import { collectProvenance, exportFigures, runWorkflow, updateLockFile, writeResultsFile, Workspace } from '@veriflow/runner';
import type { RunArgs } from '../args.js';
import { openWorkflow } from '../load/open-workflow.js';
import { progressObserver } from '../render/progress.js';
import { liveSyncObserver } from '../tracking/live-sync-observer.js';
import { storeObserver } from '../tracking/store-observer.js';
import { trackingUriFrom } from '../tracking/tracking-uri.js';
import { isRegression, REGRESSION_EXIT_CODE, renderExpectations } from '../render/expectations.js';
import { renderProblems, renderSummary } from '../render/summary.js';
import { capacityFrom } from './capacity.js';
import { computePlan, previousEntries, processEnv, renderPlan } from './plan.js';
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
  const opened = await openWorkflow(args.file, { preset: args.preset, overrides: args.sets });
  if (args.dryRun) {
    process.stdout.write(`${renderPlan(await computePlan(opened, args))}\n`);
    return 0;
  }
  const workspace = new Workspace(args.workspace);
  const workflow = opened.graph.spec.name;
  const provenance = collectProvenance(opened.directory, PACKAGE_MANIFESTS);
  const interrupt = cancelOnInterrupt();
  const trackingUri = trackingUriFrom(args, opened.loaded.spec.tracking.uri);
  const live = trackingUri ? liveSyncObserver(trackingUri, workspace.layout.workspaceDir, (line) => process.stderr.write(`${line}\n`)) : undefined;
  try {
    const result = await runWorkflow({
      workspace,
      graph: opened.graph,
      workflowDir: opened.directory,
      registry: opened.registry,
      runId: newRunId(),
      capacity: capacityFrom(args),
      keepGoing: args.keepGoing,
      selection: selectionFrom(args, opened.graph),
      env: processEnv(),
      previous: await previousEntries(workspace, workflow),
      signal: interrupt.signal,
      observers: [
        progressObserver({ stream: process.stderr, verbose: args.verbose }),
        storeObserver({
          workspace,
          graph: opened.graph,
          registry: opened.registry,
          file: opened.loaded.spec.file,
          text: opened.text,
          preset: opened.loaded.spec.preset,
          overrides: args.sets,
          provenance,
          experiment: args.experiment ?? opened.loaded.spec.tracking.experiment ?? workflow,
        }),
        ...(live ? [live] : []),
      ],
    });
    await updateLockFile(workspace.layout, workflow, opened.loaded.spec.file, provenance, result.lockEntries, new Set(opened.graph.instances.map((instance) => instance.name)));
    const resultsPath = workspace.layout.workflowResultsFile(workflow);
    const figures = await exportFigures(workspace, workflow, result.outcomes, opened.registry);
    const { params, seed } = opened.graph.spec;
    await writeResultsFile(resultsPath, workflow, result, { preset: opened.loaded.spec.preset, overrides: args.sets }, provenance, figures, { params, seed });
    process.stdout.write(`\n${renderSummary(result.outcomes)}\n`);
    const problems = renderProblems(result.outcomes);
    if (problems) process.stdout.write(`\n${problems}\n`);
    if (figures.length > 0) process.stdout.write(`\nfigures:\n${figures.map((figure) => `  ${relative(process.cwd(), figure.path)}`).join('\n')}\n`);
    if (result.expectations.length > 0) process.stdout.write(`\n${renderExpectations(result.expectations)}\n`);
    const regression = result.status === 'succeeded' && isRegression(result.expectations);
    const outcome = regression ? `regression${args.expectFail ? '' : ' (reported only: --no-expect-fail)'}` : result.status;
    process.stdout.write(`\n${outcome}: results in ${relative(process.cwd(), resultsPath)}, logs in ${relative(process.cwd(), workspace.layout.runLogsDir(result.runId))}\n`);
    if (result.status !== 'succeeded') return result.status === 'cancelled' ? 130 : 1;
    return regression && args.expectFail ? REGRESSION_EXIT_CODE : 0;
  } finally {
    interrupt.dispose();
  }
}
