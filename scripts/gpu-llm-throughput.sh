#!/usr/bin/env bash
# Tokens/s of libs/xlsum/python's fine-tune and generate programs on this machine's GPU (issue #10's "run the
# paper preset's fine-tune and generate scripts on a small slice and report tokens/s"). No weights can be
# downloaded, so the model is a randomly initialised Llama of a given shape (make_tiny_llama.py; default
# hidden 2048, 16 layers, ~1.1B parameters): throughput depends on the shape, not on what the weights learned.
# The data is the embedded news corpus. Writes the figures to stdout and $OUT/llm-throughput.json.
#   bash scripts/gpu-llm-throughput.sh                          # on a GPU machine (python3 with torch, transformers, peft)
#   LLM_HIDDEN=64 LLM_LAYERS=2 LLM_HEADS=4 PYTHON=.venv-llm/bin/python bash scripts/gpu-llm-throughput.sh   # a CPU dry run
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-$(command -v python3)}"
OUT="${OUT:-$ROOT/.gpu-out}"
HIDDEN="${LLM_HIDDEN:-2048}" LAYERS="${LLM_LAYERS:-16}" HEADS="${LLM_HEADS:-16}" VOCAB="${LLM_VOCAB:-8000}"
STEPS="${LLM_STEPS:-20}" ARTICLES="${LLM_ARTICLES:-64}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
SCRIPTS=libs/xlsum/python

node --input-type=module -e "
  import { writeFileSync } from 'node:fs';
  import { createRng } from '@veriflow/step-api';
  import { encodeXlsumJsonl, generateCorpus } from '@veriflow/xlsum';
  writeFileSync('$WORK/corpus.jsonl', encodeXlsumJsonl(generateCorpus(createRng(1), 400).map((article) => article.row)));
"
"$PYTHON" "$SCRIPTS/make_tiny_llama.py" --corpus "$WORK/corpus.jsonl" --out "$WORK/base" --vocab "$VOCAB" --hidden "$HIDDEN" --layers "$LAYERS" --heads "$HEADS"
# LoRA, 512 source tokens and 64 summary tokens, as the paper preset fine-tunes its generator and students.
"$PYTHON" "$SCRIPTS/finetune.py" --model "$WORK/base" --data "$WORK/corpus.jsonl" --out "$WORK/adapter" --method lora --max-steps "$STEPS" \
  --batch-size 32 --micro-batch 8 --lr 2e-4 --max-source-tokens 512 --max-target-tokens 64 --values "$WORK/finetune.json"
# K = 4 sampled candidates per article, 16 articles a batch, as the paper preset's llm-synthesize.
"$PYTHON" "$SCRIPTS/generate.py" --model "$WORK/adapter" --base "$WORK/base" --articles "$WORK/corpus.jsonl" --out "$WORK/candidates.jsonl" \
  --k 4 --limit "$ARTICLES" --batch-articles 16 --max-new-tokens 64 --max-source-tokens 512 --values "$WORK/generate.json"

node --input-type=module -e "
  import { readFileSync, writeFileSync } from 'node:fs';
  const read = (name) => JSON.parse(readFileSync('$WORK/' + name, 'utf8'));
  const figures = { shape: { hidden: $HIDDEN, layers: $LAYERS, heads: $HEADS }, finetune: read('finetune.json'), generate: read('generate.json') };
  writeFileSync('$OUT/llm-throughput.json', JSON.stringify(figures, null, 2) + '\n');
  console.log('llm-throughput: hidden $HIDDEN, $LAYERS layers: fine-tune (LoRA) ' + figures.finetune.tokens_per_second.toFixed(0) + ' tokens/s over ' + figures.finetune.steps + ' steps; generate ' + figures.generate.tokens_per_second.toFixed(0) + ' new tokens/s (' + figures.generate.summaries + ' candidates)');
"
