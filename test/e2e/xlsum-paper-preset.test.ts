// The paper preset of xlsum-selection on a machine without Llama weights or XL-Sum: what it would run, on
// which resources, and that a run stops at its first step, naming each missing path and what to put there.
// Needs neither .venv-llm nor a GPU (VERIFLOW_FAKE_GPUS satisfies the capacity check, so the run gets as far
// as its own input check).
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults, runCli, statusesOf, workspace } from '../support/cli.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const WORKFLOW = resolve(root, 'workflows/paper/xlsum-selection.yaml');

interface PlannedInstance {
  readonly name: string;
  readonly step: string;
  readonly resources: { readonly cpus: number; readonly gpu: number };
  readonly runs: boolean;
}

/** The steps that load a model: one GPU each at the paper's scale. */
const MODEL_STEPS = ['llm-generator', 'llm-synthesize', 'llm-judge', 'llm-real-model', 'llm-reference-summaries', 'llm-student', 'llm-student-summaries'];

describe('xlsum-selection --preset paper', () => {
  let dir = '';
  let dispose = async (): Promise<void> => {};
  before(async () => ({ dir, dispose } = await workspace({})));
  after(() => dispose());

  const plan = async (args: string[]): Promise<PlannedInstance[]> => {
    const result = await runCli(['plan', WORKFLOW, ...args, '--json'], dir);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as PlannedInstance[];
  };

  it('plans the LLM steps on one GPU each, 4 selectors × 3 budgets of students, and none of the embedded models', async () => {
    const instances = await plan(['--preset', 'paper']);
    const gpuSteps = new Set(instances.filter((instance) => instance.resources.gpu > 0).map((instance) => instance.step));
    assert.deepEqual([...gpuSteps].sort(), [...MODEL_STEPS].sort());
    for (const instance of instances.filter((i) => gpuSteps.has(i.step))) assert.equal(instance.resources.gpu, 1, instance.name);
    const names = instances.map((instance) => instance.name);
    for (const selector of ['oracle', 'judge', 'self', 'random']) {
      for (const budget of [0.125, 0.25, 0.5]) {
        for (const step of ['llm-student', 'llm-student-summaries', 'student-rouge']) assert.ok(names.includes(`${step}[budget=${budget},selector=${selector}]`), `${step} ${selector} ${budget}`);
      }
    }
    // The embedded corpus is not made: the XL-Sum files are read instead (the root is the input check).
    assert.equal(instances.find((instance) => instance.name === 'corpus')!.runs, false);

    const text = await runCli(['plan', WORKFLOW, '--preset', 'paper'], dir);
    assert.match(text.stdout, /^ {2}load does not depend on corpus: it reads steps\.corpus only in a branch not taken \(params\.xlsum_train != '' is true\)$/m);
    assert.match(text.stdout, /^ {2}llm-student does not depend on llm-tiny-base: it reads steps\.llm-tiny-base only in a branch not taken \(params\.generator_model == '' is false\)$/m);
    assert.match(text.stdout, /^ {2}select does not depend on judge: it reads steps\.judge only in a branch not taken \(params\.llm is true\)$/m);
  });

  it('asks for no GPU by default or in llm-tiny', async () => {
    for (const args of [[], ['--preset', 'llm-tiny']]) {
      const gpus = (await plan(args)).filter((instance) => instance.resources.gpu > 0).map((instance) => instance.name);
      assert.deepEqual(gpus, [], args.join(' '));
    }
  });

  it('without the weights and data, fails at its first step naming each missing path and what belongs there; nothing else runs', async () => {
    // A stand-in interpreter, so the message is the same whether or not this machine has .venv-llm.
    await writeFile(join(dir, 'python'), '#!/bin/sh\nexit 1\n');
    await chmod(join(dir, 'python'), 0o755);
    const paths = ['--set', `llm_python=${join(dir, 'python')}`, '--set', `generator_model=${join(dir, 'Llama-2-7b-hf')}`, '--set', `judge_model=${join(dir, 'Meta-Llama-3-8B')}`,
      '--set', `xlsum_train=${join(dir, 'xlsum', 'english_train.jsonl')}`, '--set', `xlsum_test=${join(dir, 'xlsum', 'english_test.jsonl')}`];
    const run = await runCli(['run', WORKFLOW, '--preset', 'paper', ...paths], dir, { VERIFLOW_FAKE_GPUS: '1' });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const said = run.stdout + run.stderr;
    assert.match(said, /4 local inputs are missing \(nothing is downloaded\)/);
    assert.match(said, new RegExp(`generator_model: ${join(dir, 'Llama-2-7b-hf')} does not exist; put a Hugging Face directory of the generator's weights \\(the paper: Llama-2-7B, meta-llama/Llama-2-7b-hf: config\\.json, tokenizer, \\*\\.safetensors\\) there, or pass --set generator_model=PATH`));
    assert.match(said, /judge_model: \S+Meta-Llama-3-8B does not exist; put a Hugging Face directory of the judge's weights \(the paper: Llama-3-8B/);
    assert.match(said, /xlsum_train: \S+english_train\.jsonl does not exist; put XL-Sum 2\.0's English train split \(english_train\.jsonl, 306,522 articles\) there/);
    assert.match(said, /xlsum_test: \S+english_test\.jsonl does not exist; put XL-Sum 2\.0's English test split/);
    const ran = Object.entries(statusesOf(await readResults(dir, 'xlsum-selection'))).filter(([, status]) => status === 'succeeded' || status === 'failed');
    assert.deepEqual(ran, [['inputs', 'failed']], 'only the input check ran');

    // With the weights in place (a config and a weights file each), only the data is missing.
    for (const model of ['Llama-2-7b-hf', 'Meta-Llama-3-8B']) {
      await mkdir(join(dir, model));
      await writeFile(join(dir, model, 'config.json'), '{}');
      await writeFile(join(dir, model, 'model.safetensors'), 'weights');
    }
    const again = await runCli(['run', WORKFLOW, '--preset', 'paper', ...paths], dir, { VERIFLOW_FAKE_GPUS: '1' });
    assert.equal(again.code, 1, again.stdout + again.stderr);
    assert.match(again.stdout + again.stderr, /2 local inputs are missing \(nothing is downloaded\):\n\s+xlsum_train: .*\n\s+xlsum_test: /);
  });
});
