import { MlflowClient, redactUri, RunStore, syncRun } from '@veriflow/tracking';
import type { RunArgs } from '../args.js';
import { trackingUriFrom } from '../tracking/tracking-uri.js';
import { UsageError } from '../usage-error.js';

/** Runs this server has not settled yet: never synced, synced while still running, or interrupted syncs. */
async function unsyncedRuns(store: RunStore, trackingUri: string): Promise<string[]> {
  const pending: string[] = [];
  for (const summary of await store.listRuns()) {
    const state = (await store.readSyncState(summary.id)) as Record<string, { complete?: boolean }> | undefined;
    if (!state?.[trackingUri]?.complete) pending.push(summary.id);
  }
  return pending.reverse();
}

/** `veriflow sync [run...]`: pushes what MLflow is missing of local runs, idempotently. */
export async function syncCommand(args: RunArgs): Promise<number> {
  const trackingUri = trackingUriFrom(args);
  if (!trackingUri) throw new UsageError('veriflow sync needs an MLflow server: pass --tracking-uri http://HOST:PORT or set MLFLOW_TRACKING_URI');
  const store = new RunStore(args.workspace);
  const client = new MlflowClient({ trackingUri });
  // Sync state is keyed by the server's URL without credentials (client.trackingUri), as syncRun writes it.
  const runs = args.positionals.length > 0 ? args.positionals : await unsyncedRuns(store, client.trackingUri);
  if (runs.length === 0) {
    process.stdout.write(`nothing to sync: every local run is already in MLflow at ${redactUri(trackingUri)}\n`);
    return 0;
  }
  let failed = 0;
  for (const id of runs) {
    try {
      const report = await syncRun(client, store, id);
      process.stdout.write(
        `✓ ${report.runId}: ${report.instances} instances in experiment ${report.experimentId} (parent run ${report.parentRunId}); ` +
          `logged ${report.metricsLogged} metric points, ${report.paramsLogged} params, ${report.datasetsLogged} datasets, ${report.artifactsUploaded} artifacts\n`,
      );
    } catch (error) {
      failed++;
      process.stdout.write(`✗ ${id}: ${(error as Error).message.split('\n')[0]}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}
