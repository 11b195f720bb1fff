import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { outputsOf } from '@veriflow/step-api';
import { stepTester } from '@veriflow/steps-core';
import { checkInputs } from './check-inputs.js';

const steps = stepTester();
after(steps.cleanup);

describe('xlsum/check-inputs', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'veriflow-check-inputs-'));
    await mkdir(join(dir, 'llama'));
    await writeFile(join(dir, 'llama', 'config.json'), '{}');
    await writeFile(join(dir, 'llama', 'model-00001-of-00002.safetensors'), 'weights');
    await mkdir(join(dir, 'no-weights'));
    await writeFile(join(dir, 'no-weights', 'config.json'), '{}');
    await mkdir(join(dir, 'not-a-model'));
    await writeFile(join(dir, 'not-a-model', 'README.md'), 'hi');
    await writeFile(join(dir, 'model.tar'), 'tar');
    await writeFile(join(dir, 'train.jsonl'), '{}\n');
    await writeFile(join(dir, 'empty.jsonl'), '');
    await writeFile(join(dir, 'python'), '#!/bin/sh\n');
    await chmod(join(dir, 'python'), 0o755);
    await writeFile(join(dir, 'not-executable'), '#!/bin/sh\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const check = async (input: Parameters<typeof checkInputs.run>[0]['with']) => {
    const t = await steps.context({ with: input, workflowDir: dir });
    return checkInputs.run(t.ctx);
  };
  const expect = 'Llama-2-7B weights';

  it('outputs every input as an absolute path (relative ones from the workflow file; "" stays "", unchecked)', async () => {
    const outputs = await check({
      models: { generator_model: { path: 'llama', expect }, adapter: { path: join(dir, 'model.tar'), expect }, judge_model: { path: '', expect } },
      files: { xlsum_train: { path: 'train.jsonl', expect: 'english_train.jsonl' } },
      programs: { llm_python: { path: 'python', expect: 'the venv' } },
    });
    assert.deepEqual(outputs, {
      generator_model: join(dir, 'llama'),
      adapter: join(dir, 'model.tar'),
      judge_model: '',
      xlsum_train: join(dir, 'train.jsonl'),
      llm_python: join(dir, 'python'),
    });
    assert.deepEqual(Object.keys(outputsOf(checkInputs, { models: { a: { path: '', expect } }, files: { b: { path: '', expect } } })), ['a', 'b'], 'an output per input, declared before the run');
  });

  it('names every missing or unusable input at once, with what to put there and the param to set', async () => {
    await assert.rejects(
      check({
        models: {
          generator_model: { path: '/models/Llama-2-7b-hf', expect },
          judge_model: { path: 'no-weights', expect: 'Llama-3-8B weights' },
          other: { path: 'not-a-model', expect },
          file_model: { path: 'train.jsonl', expect },
        },
        files: { xlsum_train: { path: 'missing.jsonl', expect: 'english_train.jsonl' }, xlsum_test: { path: 'empty.jsonl', expect: 'english_test.jsonl' } },
        programs: { llm_python: { path: 'not-executable', expect: 'the venv' } },
      }),
      (error: Error) => {
        assert.equal(
          error.message,
          [
            '7 local inputs are missing (nothing is downloaded):',
            '  generator_model: /models/Llama-2-7b-hf does not exist; put Llama-2-7B weights there, or pass --set generator_model=PATH',
            `  judge_model: ${dir}/no-weights has a config but no weights (*.safetensors or *.bin); put Llama-3-8B weights there, or pass --set judge_model=PATH`,
            `  other: ${dir}/not-a-model has no config.json or adapter_config.json (it is not a Hugging Face model directory); put Llama-2-7B weights there, or pass --set other=PATH`,
            `  file_model: ${dir}/train.jsonl is a file, not a model directory (or a .tar of one); put Llama-2-7B weights there, or pass --set file_model=PATH`,
            `  xlsum_train: ${dir}/missing.jsonl does not exist; put english_train.jsonl there, or pass --set xlsum_train=PATH`,
            `  xlsum_test: ${dir}/empty.jsonl is empty; put english_test.jsonl there, or pass --set xlsum_test=PATH`,
            `  llm_python: ${dir}/not-executable is not an executable file; put the venv there, or pass --set llm_python=PATH`,
          ].join('\n'),
        );
        return true;
      },
    );
  });
});
