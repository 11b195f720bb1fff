import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { readResults, runCli, statusesOf, workspace } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const PHASE_TRANSITION = join(ROOT, 'workflows', 'paper', 'gaussian-phase-transition.yaml');
// Argo's published schema, vendored by scripts/vendor-argo-schema.js (its $comment names the commit).
const ARGO_SCHEMA = join(ROOT, 'schemas', 'vendor', 'argo-workflow.schema.json');
// Argo's own rule for DAG task names (validate.go: a DNS-1123-style name), and Kubernetes' 63-character limit.
const TASK_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

// ajv is CommonJS; under NodeNext its default import is the module object, whose `default` is the class.
const Ajv2020 = Ajv2020Module.default;

interface Task {
  readonly name: string;
  readonly template: string;
  readonly arguments?: { parameters: { name: string; value: string }[] };
  readonly dependencies?: string[];
}
interface Template {
  readonly name: string;
  readonly dag?: { tasks: Task[] };
  readonly container?: { args: string[]; resources?: { requests: Record<string, string>; limits?: Record<string, string> } };
  readonly retryStrategy?: { limit: string; retryPolicy: string };
  readonly activeDeadlineSeconds?: string;
}
interface Exported {
  readonly apiVersion: string;
  readonly kind: string;
  readonly spec: { templates: Template[] };
}

// Two GPU steps, retries and a timeout, a matrix whose instance names hold commas and brackets, and a
// step `if:` skips.
const GPU_SWEEP = `
name: GPU_Sweep
params: { lrs: [0.1, 0.01], sizes: [small, big] }
steps:
  prepare:
    uses: core/sum
    with: { values: [1, 2] }
  train:
    uses: core/sum
    matrix: { lr: \${{ params.lrs }}, size: \${{ params.sizes }} }
    resources: { gpu: 2, cpus: 4, memory_mb: 8192 }
    retries: 2
    timeout: 10m
    with: { values: [\${{ steps.prepare.outputs.total }}, \${{ matrix.lr }}] }
  report:
    uses: core/echo
    with: { message: done, value: \${{ steps.train.instances }} }
  never:
    uses: core/sum
    if: false
    with: { values: [1] }
`;

/** `veriflow export` run in `cwd`, the folder the volume would hold. */
const exportOf = async (cwd: string, workspaceDir: string, ...args: string[]): Promise<Exported> => {
  const result = await runCli(['export', ...args, '--format', 'argo', '--workspace', workspaceDir], cwd);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Exported;
};
const dagOf = (workflow: Exported): Task[] => workflow.spec.templates.find((template) => template.name === 'main')!.dag!.tasks;
const instanceOf = (task: Task): string | undefined => task.arguments?.parameters.find((parameter) => parameter.name === 'instance')?.value;
const byInstance = (workflow: Exported): Map<string, Task> => new Map(dagOf(workflow).flatMap((task) => (instanceOf(task) ? [[instanceOf(task)!, task] as const] : [])));

describe('veriflow export --format argo', () => {
  let validate: ValidateFunction;
  let scratch: { dir: string; dispose: () => Promise<void> };

  before(async () => {
    // Formats (int64, date-time…) are Kubernetes' annotations, not constraints this test is about.
    validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(JSON.parse(readFileSync(ARGO_SCHEMA, 'utf8')));
    scratch = await workspace({ 'gpu-sweep.yaml': GPU_SWEEP });
  });
  after(() => scratch.dispose());

  const assertValid = (workflow: Exported): void => {
    assert.equal(validate(workflow), true, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  };

  it("the schema has teeth: a Workflow with a wrongly typed field fails Argo's schema", async () => {
    const workflow = await exportOf(scratch.dir, scratch.dir, 'gpu-sweep.yaml');
    const broken = structuredClone(workflow) as unknown as { spec: { templates: { retryStrategy?: unknown; activeDeadlineSeconds?: unknown }[] } };
    broken.spec.templates.find((template) => template.retryStrategy)!.activeDeadlineSeconds = { seconds: 60 };
    assert.equal(validate(broken), false);
  });

  it("writes the paper's Gaussian workflow at a small size as a valid Workflow with one task per planned instance", async () => {
    const sets = ['--set', 'dim=20', '--set', 'ps=[0.2,0.6]'];
    const workflow = await exportOf(ROOT, scratch.dir, PHASE_TRANSITION, ...sets);
    assert.equal(workflow.apiVersion, 'argoproj.io/v1alpha1');
    assert.equal(workflow.kind, 'Workflow');
    assertValid(workflow);
    const plan = await runCli(['plan', PHASE_TRANSITION, ...sets, '--json', '--workspace', scratch.dir], ROOT);
    const planned = (JSON.parse(plan.stdout) as { name: string }[]).map((item) => item.name);
    const tasks = dagOf(workflow);
    assert.deepEqual([...byInstance(workflow).keys()].sort(), [...planned].sort());
    assert.equal(tasks.length, planned.length + 1, 'one task per instance, and the results task');
    const names = tasks.map((task) => task.name);
    assert.equal(new Set(names).size, names.length, 'task names are unique');
    for (const name of names) assert.match(name, TASK_NAME);
    for (const name of names) assert.ok(name.length <= 63, name);
    const known = new Set(names);
    for (const task of tasks) for (const dependency of task.dependencies ?? []) assert.ok(known.has(dependency), `${task.name} depends on unknown ${dependency}`);
    // The fan-in waits for every evaluate instance; the results task for every leaf.
    const transition = byInstance(workflow).get('transition')!;
    const evaluates = [...byInstance(workflow)].filter(([instance]) => instance.startsWith('evaluate[')).map(([, task]) => task.name);
    assert.equal(evaluates.length, 8, '2 ps × 4 verifiers');
    assert.deepEqual([...transition.dependencies!].sort(), [...evaluates].sort());
    // Every task runs its instance with the same --set values, so each pod compiles the same DAG.
    const step = workflow.spec.templates.find((template) => template.name === transition.template)!;
    assert.deepEqual(step.container!.args, ['run', 'workflows/paper/gaussian-phase-transition.yaml', '--workspace', '/workspace', ...sets, '--only', '{{inputs.parameters.instance}}', '--no-expect-fail']);
  });

  it('maps gpu, cpus and memory to requests/limits, retries to retryStrategy and timeout to activeDeadlineSeconds', async () => {
    const workflow = await exportOf(scratch.dir, scratch.dir, 'gpu-sweep.yaml');
    assertValid(workflow);
    const tasks = byInstance(workflow);
    assert.deepEqual([...tasks.keys()], ['prepare', 'train[lr=0.1,size=small]', 'train[lr=0.1,size=big]', 'train[lr=0.01,size=small]', 'train[lr=0.01,size=big]', 'report'], '`never` (if: false) is not exported');
    const train = tasks.get('train[lr=0.1,size=small]')!;
    assert.deepEqual(train.dependencies, [tasks.get('prepare')!.name]);
    assert.deepEqual(tasks.get('report')!.dependencies!.sort(), [...tasks].filter(([name]) => name.startsWith('train[')).map(([, task]) => task.name).sort());
    const results = dagOf(workflow).find((task) => task.name === 'veriflow-results')!;
    assert.deepEqual(results.dependencies, [tasks.get('report')!.name]);
    const template = workflow.spec.templates.find((item) => item.name === train.template)!;
    assert.deepEqual(template.container!.resources, { requests: { cpu: '4', memory: '8192Mi', 'nvidia.com/gpu': '2' }, limits: { memory: '8192Mi', 'nvidia.com/gpu': '2' } });
    assert.deepEqual(template.retryStrategy, { limit: '2', retryPolicy: 'OnError' });
    assert.equal(template.activeDeadlineSeconds, String(3 * 600 + 60), 'three attempts of 10 minutes, and a minute of slack');
    const prepare = workflow.spec.templates.find((item) => item.name === tasks.get('prepare')!.template)!;
    assert.equal(prepare.retryStrategy, undefined);
    assert.equal(prepare.activeDeadlineSeconds, undefined);
  });

  it('gives instances whose resources: expression differs templates of their own', async () => {
    const perSize = await workspace({
      'per-size.yaml': `
name: per-size
steps:
  train:
    uses: core/sum
    matrix: { size: [small, big, huge] }
    resources: { gpu: "\${{ matrix.size == 'small' ? 0 : 1 }}" }
    with: { values: [1] }
`,
    });
    try {
      const workflow = await exportOf(perSize.dir, perSize.dir, 'per-size.yaml');
      assertValid(workflow);
      const tasks = byInstance(workflow);
      const gpusOf = (instance: string) => workflow.spec.templates.find((item) => item.name === tasks.get(instance)!.template)!.container!.resources!.requests!['nvidia.com/gpu'];
      assert.deepEqual(['train[size=small]', 'train[size=big]', 'train[size=huge]'].map(gpusOf), [undefined, '1', '1']);
      assert.equal(tasks.get('train[size=big]')!.template, tasks.get('train[size=huge]')!.template, 'the same resources share one template');
      assert.notEqual(tasks.get('train[size=small]')!.template, tasks.get('train[size=big]')!.template);
    } finally {
      await perSize.dispose();
    }
  });

  it('gives an instance the same task name whatever else the sweep holds, and names that sanitise alike distinct ones', async () => {
    const first = byInstance(await exportOf(scratch.dir, scratch.dir, 'gpu-sweep.yaml'));
    const wider = byInstance(await exportOf(scratch.dir, scratch.dir, 'gpu-sweep.yaml', '--set', 'lrs=[0.5,0.1,0.01]', '--set', 'sizes=[small,big,Big]'));
    assert.equal(wider.size, 3 * 3 + 2);
    for (const [instance, task] of first) assert.equal(wider.get(instance)!.name, task.name, instance);
    // size=big and size=Big lower-case alike: the hash of the original name keeps them apart.
    assert.notEqual(wider.get('train[lr=0.1,size=big]')!.name, wider.get('train[lr=0.1,size=Big]')!.name);
    assert.equal(new Set([...wider.values()].map((task) => task.name)).size, wider.size);
  });

  it('runs one instance the way a task does: --only INSTANCE runs it and its upstream, not its siblings', async () => {
    const result = await runCli(['run', join(scratch.dir, 'gpu-sweep.yaml'), '--workspace', scratch.dir, '--cpus', '4', '--set', 'sizes=[small]', '--only', 'prepare,train[lr=0.01,size=small]'], ROOT, {
      VERIFLOW_FAKE_GPUS: '2',
    });
    assert.equal(result.code, 0, result.stderr);
    const statuses = statusesOf(await readResults(scratch.dir, 'GPU_Sweep'));
    assert.deepEqual(Object.keys(statuses).sort(), ['prepare', 'train[lr=0.01,size=small]']);
  });

  it('refuses another --format', async () => {
    const result = await runCli(['export', join(scratch.dir, 'gpu-sweep.yaml'), '--format', 'dot'], ROOT);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /veriflow export writes --format argo/);
  });
});
