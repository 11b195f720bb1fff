// The paper-scale configuration reads tens of gigabytes that only the user can provide (Llama weights,
// XL-Sum's files). This step is the root of that branch, so a missing one is reported, all at once and with
// what to put there, before an hour of loading or fine-tuning starts, not when a GPU step finally opens it.
import { readdirSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { resolve } from 'node:path';
import type { OutputSpecs, StepDefinition } from '@veriflow/step-api';

/** One input the user provides: where it should be (a param's value), and what belongs there. */
interface LocalInput {
  readonly path: string;
  readonly expect: string;
}

/** Inputs by the name of the param that gives each one's path. */
type LocalInputs = Readonly<Record<string, LocalInput>>;

interface CheckInputsWith {
  readonly models?: LocalInputs;
  readonly files?: LocalInputs;
  readonly programs?: LocalInputs;
}

/** What each group of inputs must be, as a problem with `path` (undefined when there is none). */
type Check = (path: string) => string | undefined;

/** Files whose presence makes a directory a Hugging Face model (or a peft adapter) with weights. */
const MODEL_CONFIGS = ['config.json', 'adapter_config.json'];
const MODEL_WEIGHTS = /^(model|pytorch_model|adapter_model)(-\d+-of-\d+)?\.(safetensors|bin)(\.index\.json)?$/;

const statOf = (path: string): Stats | undefined => statSync(path, { throwIfNoEntry: false });

const modelProblem: Check = (path) => {
  const stats = statOf(path);
  if (stats === undefined) return 'does not exist';
  if (stats.isFile()) return path.endsWith('.tar') ? undefined : 'is a file, not a model directory (or a .tar of one)';
  const names = readdirSync(path);
  if (!MODEL_CONFIGS.some((name) => names.includes(name))) return `has no ${MODEL_CONFIGS.join(' or ')} (it is not a Hugging Face model directory)`;
  if (!names.some((name) => MODEL_WEIGHTS.test(name))) return 'has a config but no weights (*.safetensors or *.bin)';
  return undefined;
};

const fileProblem: Check = (path) => {
  const stats = statOf(path);
  if (stats === undefined) return 'does not exist';
  if (!stats.isFile()) return 'is not a file';
  return stats.size === 0 ? 'is empty' : undefined;
};

const programProblem: Check = (path) => {
  const stats = statOf(path);
  if (stats === undefined) return 'does not exist';
  return stats.isFile() && (stats.mode & 0o111) !== 0 ? undefined : 'is not an executable file';
};

const CHECKS: Record<keyof CheckInputsWith, Check> = { models: modelProblem, files: fileProblem, programs: programProblem };
const GROUPS = Object.keys(CHECKS) as (keyof CheckInputsWith)[];

const inputNames = (withValue: CheckInputsWith | undefined): string[] => GROUPS.flatMap((group) => Object.keys(withValue?.[group] ?? {}));

const inputsSchema = (what: string, description: string) =>
  ({
    type: 'object',
    additionalProperties: {
      type: 'object',
      additionalProperties: false,
      required: ['path', 'expect'],
      properties: {
        path: { type: 'string', description: `${what} (relative to the workflow file); "" when not used.` },
        expect: { type: 'string', description: 'What belongs there, for the error message (e.g. "a Hugging Face directory of Llama-2-7B").' },
      },
    },
    description,
  }) as const;

/** Every output is a path, named after its input. */
type PathOutputs = Readonly<Record<string, { readonly kind: 'string' }>>;

export const checkInputs: StepDefinition<CheckInputsWith, PathOutputs> = {
  name: 'xlsum/check-inputs',
  version: '1',
  description:
    'Checks the local inputs a run needs before anything reads them: model directories (config and weights), data files (non-empty) and the Python interpreter of the LLM steps. Fails naming every missing one and what to put there; outputs each as an absolute path, for the steps that use it to read (so they run after the check).',
  with: {
    type: 'object',
    additionalProperties: false,
    properties: {
      models: inputsSchema('A local Hugging Face model directory (config and weights) or a .tar of one', 'Models, by the name of the param that gives the path: each an output holding its absolute path.'),
      files: inputsSchema('A local, non-empty file', 'Data files, as `models`.'),
      programs: inputsSchema('An executable file', 'Programs (the interpreter of the LLM steps), as `models`.'),
    },
  },
  // The runner may call this before validating `with`, so tolerate anything.
  outputs: (withValue): OutputSpecs =>
    Object.fromEntries(inputNames(withValue).map((name) => [name, { kind: 'string', description: 'Its absolute path ("" when not used).' }])),
  async run(ctx) {
    const problems: string[] = [];
    const outputs: Record<string, string> = {};
    for (const group of GROUPS) {
      for (const [name, input] of Object.entries(ctx.with[group] ?? {})) {
        // "" is an input this configuration does not use (an expression cannot drop a key).
        const path = input.path === '' ? '' : resolve(ctx.workflowDir, input.path);
        outputs[name] = path;
        const problem = path === '' ? undefined : CHECKS[group](path);
        if (problem !== undefined) problems.push(`${name}: ${path} ${problem}; put ${input.expect} there, or pass --set ${name}=PATH`);
      }
    }
    if (problems.length > 0) {
      throw new Error(`${problems.length === 1 ? 'a local input is' : `${problems.length} local inputs are`} missing (nothing is downloaded):\n  ${problems.join('\n  ')}`);
    }
    for (const [name, path] of Object.entries(outputs)) if (path !== '') ctx.log.info(`${name}: ${path}`);
    return outputs;
  },
};
