// libs/xlsum/python's LLM programs as `command` steps through the real CLI, on CPU: the embedded corpus →
// a tiny random Llama with a BPE tokenizer trained on it → a full fine-tune (the generator) and a LoRA one
// (the judge) → K = 2 sampled candidates with their log-probabilities → the judge's scores. Needs
// `.venv-llm` (torch, transformers, peft; `node scripts/python-venv.js install llm`): skips with the reason
// where it is absent, and fails instead under VERIFLOW_REQUIRE_LLM=1 (CI, which installs it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { readResults, runCli, workspace } from '../support/cli.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const venvScript = pathToFileURL(join(root, 'scripts', 'python-venv.js')).href;
const scripts = join(root, 'libs', 'xlsum', 'python');

interface VenvScript {
  VENVS: Record<string, { venv: string }>;
  venvAvailability(spec: unknown, options: { quiet: boolean; install: boolean }): { bin: string; skip?: undefined } | { bin?: undefined; skip: string };
}

const { VENVS, venvAvailability } = (await import(venvScript)) as VenvScript;
const llm = venvAvailability(VENVS.llm, { quiet: true, install: false });

const K = 2;
const ARTICLES = 3;
const MAX_NEW_TOKENS = 12;

function workflow(python: string): string {
  const program = (name: string): string => JSON.stringify(join(scripts, name));
  const run = (name: string, args: string): string => `[${JSON.stringify(python)}, ${program(name)}, ${args}]`;
  return `name: xlsum-llm
seed: 5
steps:
  corpus:
    uses: xlsum/corpus
    with: { articles: 60 }
  load:
    uses: xlsum/load
    with: { path: "\${{ steps.corpus.outputs.corpus }}", real: 0.5, pool: 0.25, test: 0.1 }
  tiny:
    uses: command
    with:
      run: ${run('make_tiny_llama.py', '--corpus, "${{ steps.corpus.outputs.corpus }}", --out, tiny.tar, --vocab, 600')}
      outputs: { model: tiny.tar }
  finetune:
    uses: command
    with:
      run: ${run('finetune.py', '--model, "${{ steps.tiny.outputs.model }}", --data, "${{ steps.load.outputs.real }}", --out, model.tar, --max-steps, 6, --batch-size, 4, --lr, 3e-3, --max-source-tokens, 128, --values, values.json')}
      outputs: { model: model.tar }
      values: values.json
  judge_model:
    uses: command
    with:
      run: ${run('finetune.py', '--model, "${{ steps.tiny.outputs.model }}", --data, "${{ steps.load.outputs.pool }}", --out, adapter.tar, --method, lora, --lora-r, 4, --max-steps, 3, --batch-size, 4, --lr, 1e-2, --max-source-tokens, 128')}
      outputs: { model: adapter.tar }
  generate:
    uses: command
    with:
      run: ${run('generate.py', `--model, "\${{ steps.finetune.outputs.model }}", --articles, "\${{ steps.load.outputs.pool }}", --out, candidates.jsonl, --k, ${K}, --limit, ${ARTICLES}, --max-new-tokens, ${MAX_NEW_TOKENS}, --max-source-tokens, 128, --values, values.json`)}
      outputs: { candidates: candidates.jsonl }
      values: values.json
  judge:
    uses: command
    with:
      run: ${run('judge.py', '--model, "${{ steps.judge_model.outputs.model }}", --base, "${{ steps.tiny.outputs.model }}", --articles, "${{ steps.load.outputs.pool }}", --candidates, "${{ steps.generate.outputs.candidates }}", --out, scores.jsonl, --max-source-tokens, 128, --values, values.json')}
      outputs: { scores: scores.jsonl }
      values: values.json
`;
}

function notAModel(python: string): string {
  return `name: xlsum-llm-bad
steps:
  corpus:
    uses: xlsum/corpus
    with: { articles: 5 }
  generate:
    uses: command
    with:
      run: [${JSON.stringify(python)}, ${JSON.stringify(join(scripts, 'generate.py'))}, --model, "\${{ steps.corpus.outputs.corpus }}", --articles, "\${{ steps.corpus.outputs.corpus }}", --out, c.jsonl]
      outputs: { candidates: c.jsonl }
`;
}

/**
 * Samples the candidates again and scores them another way: transformers' own generate() with the seed
 * generate.py documents, and the log-softmax of the raw logits it returns (its KV-cached decoding, no
 * batch padding), not generate.py's separate padded forward pass.
 */
const RESAMPLE = `
import json, sys, torch
sys.path.insert(0, sys.argv[1])
from llm_common import ModelDir, derived_seed, prompt_ids, read_articles
from transformers import AutoModelForCausalLM, AutoTokenizer
model_path, articles_path, seed, k, limit, max_new = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
with ModelDir(model_path, "model") as d:
    tok = AutoTokenizer.from_pretrained(d.path, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(d.path, local_files_only=True, dtype=torch.float32).eval()
out = []
for article in read_articles(articles_path)[:limit]:
    prompt = prompt_ids(tok, article["text"], 128)
    torch.manual_seed(derived_seed(seed, article["id"]))
    ids = torch.tensor([prompt])
    result = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=True, temperature=0.7, top_p=0.9, top_k=0,
        max_new_tokens=max_new, num_return_sequences=k, pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id,
        output_logits=True, return_dict_in_generate=True)
    for row in range(k):
        lps = []
        for step, token in enumerate(result.sequences[row, len(prompt):].tolist()):
            lps.append(torch.log_softmax(result.logits[step][row].float(), -1)[token].item())
            if token == tok.eos_token_id:
                break
        out.append({"id": article["id"], "token_logprobs": lps})
print(json.dumps(out))
`;

interface LockFile {
  readonly instances: Record<string, { readonly entry: { readonly seed: number }; readonly outputs: Record<string, { readonly digest?: string }> }>;
}

interface Candidate {
  readonly id: string;
  readonly k: number;
  readonly summary: string;
  readonly tokens: number;
  readonly logprob: number;
  readonly token_logprobs: number[];
}

describe('xlsum LLM programs as command steps through the CLI', { skip: llm.skip }, () => {
  const python = llm.bin ?? '';
  let dir = '';
  let dispose = async (): Promise<void> => {};
  before(async () => ({ dir, dispose } = await workspace({ 'wf.yaml': workflow(python), 'bad.yaml': notAModel(python) })));
  after(() => dispose());

  const lock = async (): Promise<LockFile> => JSON.parse(await readFile(join(dir, '.veriflow', 'workflows', 'xlsum-llm', 'lock.json'), 'utf8')) as LockFile;
  const objectPath = (recorded: LockFile, name: string, output: string): string => {
    const hex = recorded.instances[name]!.outputs[output]!.digest!.replace(/^sha256:/, '');
    return join(dir, '.veriflow', 'objects', hex.slice(0, 2), hex.slice(2));
  };
  const jsonl = async <T>(path: string): Promise<T[]> => (await readFile(path, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as T);
  const tarListing = (path: string): string[] => spawnSync('tar', ['-tf', path], { encoding: 'utf8' }).stdout.trim().split('\n').sort();

  it('builds a tiny Llama, fine-tunes it (full and LoRA), samples K candidates with log-probs and judges them; a re-run is all cache hits', async () => {
    const first = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const values = Object.fromEntries((await readResults(dir, 'xlsum-llm')).instances.map((instance) => [instance.name, instance.values]));
    assert.equal(values.finetune!.steps, 6);
    assert.equal(values.finetune!.examples, 30, 'trained on the real split (0.5 of 60)');
    assert.ok(Number(values.finetune!.final_loss) < Number(values.finetune!.first_loss) - 0.2, `the summary loss falls: ${values.finetune!.first_loss} → ${values.finetune!.final_loss}`);
    assert.deepEqual([values.generate!.articles, values.generate!.summaries, values.judge!.scored], [ARTICLES, ARTICLES * K, ARTICLES * K]);

    const recorded = await lock();
    assert.ok(tarListing(objectPath(recorded, 'finetune', 'model')).includes('model.safetensors'), 'a full fine-tune writes the whole model');
    const adapter = tarListing(objectPath(recorded, 'judge_model', 'model'));
    assert.ok(adapter.includes('adapter_config.json') && adapter.includes('adapter_model.safetensors') && !adapter.includes('model.safetensors'), `LoRA writes the adapter only: ${adapter.join(', ')}`);

    const pool = await jsonl<{ id: string }>(objectPath(recorded, 'load', 'pool'));
    const candidates = await jsonl<Candidate>(objectPath(recorded, 'generate', 'candidates'));
    assert.deepEqual(
      candidates.map((c) => [c.id, c.k]),
      pool.slice(0, ARTICLES).flatMap((article) => Array.from({ length: K }, (_, k) => [article.id, k])),
    );
    for (const c of candidates) {
      assert.equal(typeof c.summary, 'string');
      assert.ok(Number.isInteger(c.tokens) && c.tokens >= 1 && c.tokens <= MAX_NEW_TOKENS, `tokens ${c.tokens}`);
      assert.equal(c.token_logprobs.length, c.tokens);
      assert.ok(c.token_logprobs.every((lp) => lp <= 0));
      assert.ok(Math.abs(c.token_logprobs.reduce((a, b) => a + b, 0) - c.logprob) < 1e-9);
    }

    // The same samples and log-probabilities from an independent route (transformers' generate and its logits).
    const articlesPath = objectPath(recorded, 'load', 'pool');
    const args = [scripts, objectPath(recorded, 'finetune', 'model'), articlesPath, String(recorded.instances.generate!.entry.seed), String(K), String(ARTICLES), String(MAX_NEW_TOKENS)];
    const check = spawnSync(python, ['-c', RESAMPLE, ...args], { encoding: 'utf8', env: { ...process.env, HF_HUB_OFFLINE: '1' } });
    assert.equal(check.status, 0, check.stderr);
    const resampled = JSON.parse(check.stdout) as { id: string; token_logprobs: number[] }[];
    assert.equal(resampled.length, candidates.length);
    resampled.forEach((again, i) => {
      const c = candidates[i]!;
      assert.equal(again.id, c.id);
      assert.equal(again.token_logprobs.length, c.tokens, `${c.id} k=${c.k}: the same sample (same length)`);
      again.token_logprobs.forEach((lp, t) => assert.ok(Math.abs(lp - c.token_logprobs[t]!) < 1e-4, `${c.id} k=${c.k} token ${t}: ${lp} vs ${c.token_logprobs[t]}`));
    });

    const scores = await jsonl<{ id: string; k: number; tokens: number; logprob: number }>(objectPath(recorded, 'judge', 'scores'));
    assert.deepEqual(scores.map((s) => [s.id, s.k]), candidates.map((c) => [c.id, c.k]));
    for (const s of scores) assert.ok(Number.isInteger(s.tokens) && s.tokens >= 1 && s.logprob < 0 && Object.keys(s).length === 4, JSON.stringify(s));

    const again = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.ok((await readResults(dir, 'xlsum-llm')).instances.every((instance) => instance.status === 'cached'));
  });

  it('refuses a path that is not a model directory, saying nothing is downloaded', async () => {
    const run = await runCli(['run', 'bad.yaml'], dir);
    assert.equal(run.code, 1);
    assert.match(run.stdout + run.stderr, /generate: error: --model \S+ is not a Hugging Face model directory \(no config\.json or adapter_config\.json in it\).*nothing is downloaded \(HF_HUB_OFFLINE=1\)/);
  });
});

describe('.venv-llm availability', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'veriflow-llm-availability-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const availability = (require: boolean): ReturnType<typeof spawnSync> => {
    const code = `const { VENVS, venvAvailability } = await import(${JSON.stringify(venvScript)}); console.log(JSON.stringify(venvAvailability({ ...VENVS.llm, venv: ${JSON.stringify(join(scratch, 'venv'))} }, { quiet: true, install: false })));`;
    const { VERIFLOW_REQUIRE_LLM: _inherited, ...rest } = process.env;
    return spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: { ...rest, ...(require ? { VERIFLOW_REQUIRE_LLM: '1' } : {}) }, encoding: 'utf8' });
  };

  it('skips with the reason and the install command where it is absent, without installing it', () => {
    const run = availability(false);
    assert.equal(run.status, 0, String(run.stderr));
    const { skip } = JSON.parse(String(run.stdout)) as { skip?: string };
    assert.match(skip ?? '', /^torch \+ transformers is not installed in .*venv \(the tests do not install it themselves\); run `node scripts\/python-venv.js install llm`$/);
  });

  it('fails instead under VERIFLOW_REQUIRE_LLM=1 (CI)', () => {
    const run = availability(true);
    assert.notEqual(run.status, 0);
    assert.match(String(run.stderr), /VERIFLOW_REQUIRE_LLM=1 requires the Python LLM step tests to run/);
  });
});
