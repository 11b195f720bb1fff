import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { MlflowClient } from '@veriflow/tracking';
import type { Run } from '@veriflow/tracking';
import { startTestServer } from '@veriflow/tracking/testing';
import type { TestServer } from '@veriflow/tracking/testing';

/** A real MLflow server for the enclosing suite: started before its tests, stopped after them. */
export function useMlflowServer(): { readonly server: TestServer; readonly client: MlflowClient } {
  let server: TestServer | undefined;
  let client: MlflowClient | undefined;
  before(async () => {
    server = await startTestServer();
    client = new MlflowClient({ trackingUri: server.uri });
  });
  after(() => server?.stop());
  return {
    get server() {
      assert.ok(server, 'the MLflow server has started');
      return server;
    },
    get client() {
      assert.ok(client, 'the MLflow server has started');
      return client;
    },
  };
}

/** The MLflow runs (parent and nested) that one veriflow run logged to its workflow's experiment. */
export async function runsOf(client: MlflowClient, experiment: string, runId: string): Promise<Run[]> {
  const found = await client.getExperimentByName(experiment);
  assert.ok(found, `experiment ${experiment} exists`);
  const runs: Run[] = [];
  for await (const run of client.iterateRuns({ experimentIds: [found.experimentId], filter: `tags.\`veriflow.run_id\` = '${runId}'` })) runs.push(run);
  return runs;
}
