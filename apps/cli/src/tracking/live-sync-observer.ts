import type { RunObserver } from '@veriflow/runner';
import { hasUserinfo, MlflowClient, redactUri, RunStore, SyncProgress, syncRun } from '@veriflow/tracking';
import type { SyncReport } from '@veriflow/tracking';

/** Quiet period that coalesces bursts of events into one sync. */
const COALESCE_MS = 1000;

export interface LiveSync extends RunObserver {
  /** The final sync's report, or the error that kept MLflow from getting the run. */
  readonly result: Promise<SyncReport | Error> | undefined;
}

/**
 * Live MLflow logging: after events, the run's new and unfinished instances are synced in the background,
 * one sync at a time, from the local run store (which every event reaches first). Steps never wait for
 * the server; if it is down, the run goes on, and the final sync (or `veriflow sync` later) catches up.
 */
export function liveSyncObserver(trackingUri: string, workspaceDir: string, say: (line: string) => void): LiveSync {
  // Live logging is best effort: give up quickly on a dead server, the final sync and `veriflow sync` catch up.
  const client = new MlflowClient({ trackingUri, retry: { maxAttempts: 3, maxElapsedMs: 5_000 } });
  const store = new RunStore(workspaceDir);
  // Credentials in the URI are used for requests, never shown.
  const shown = redactUri(trackingUri);
  const syncLater = (id: string): string =>
    `veriflow sync ${id} --tracking-uri ${redactUri(trackingUri, 'drop')}${hasUserinfo(trackingUri) ? ' (with MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD set)' : ''}`;
  // What earlier ticks pushed: each tick then sends only new metric points, without reading MLflow's histories.
  const progress = new SyncProgress();
  let runId: string | undefined;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let warned = false;
  let result: Promise<SyncReport | Error> | undefined;

  const syncNow = async (): Promise<SyncReport | Error> => {
    try {
      return await syncRun(client, store, runId!, progress);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
  const schedule = (): void => {
    if (!runId || timer || result) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (inFlight) return schedule();
      inFlight = syncNow().then((outcome) => {
        inFlight = undefined;
        if (outcome instanceof Error && !warned) {
          warned = true;
          say(`veriflow: MLflow at ${shown} is not reachable (${outcome.message.split('\n')[0]}); the run goes on and is kept locally`);
        }
      });
    }, COALESCE_MS);
    timer.unref();
  };

  return {
    get result() {
      return result;
    },
    runStarted(start) {
      runId = start.runId;
      schedule();
    },
    instanceFinished: schedule,
    instanceMetric: schedule,
    async runFinished() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
      result = syncNow();
      const outcome = await result;
      if (outcome instanceof Error) say(`veriflow: could not sync run ${runId} to MLflow at ${shown}: ${outcome.message.split('\n')[0]}\n  it is kept locally; push it later with: ${syncLater(runId!)}`);
      else say(`veriflow: synced run ${runId} to MLflow at ${shown} (experiment ${outcome.experimentId}, parent run ${outcome.parentRunId}, ${outcome.instances} instances)`);
    },
  };
}
