import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { it } from 'node:test';
import { workflowSchema } from '@veriflow/workflow';

it('the published schemas/workflow.schema.json is the schema the validator uses', () => {
  const published = JSON.parse(readFileSync(resolve(import.meta.dirname, '..', '..', '..', 'schemas', 'workflow.schema.json'), 'utf8'));
  assert.deepEqual(published, JSON.parse(JSON.stringify(workflowSchema)), 'run `npm run build` to regenerate schemas/workflow.schema.json');
});
