"""Scores given candidate summaries by their likelihood under another model (the judge), given the article.

  python judge.py --model llama-3-8b/ --articles pool.jsonl --candidates candidates.jsonl --out judge.jsonl

Writes the Judge scores format, one line per candidate in input order: {"id", "k", "tokens", "logprob"}, where
`logprob` is the judge's summed log p(token | prompt, earlier tokens) over the summary's tokens in the judge's
own tokenizer, end of sequence included, and `tokens` their count (rank by logprob / tokens). The prompt is
the one finetune.py trains with. Every candidate's `id` must name an article in --articles.
"""
from __future__ import annotations

import argparse
import time
from typing import Any

import llm_common as common

SCRIPT = "judge"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_model_args(parser, "the judge", "scored candidates, mean normalised log-likelihood, tokens/s")
    parser.add_argument("--articles", required=True, help="Articles JSONL the candidates summarise")
    parser.add_argument("--candidates", required=True, help="Candidates JSONL (id, k, summary; other fields ignored)")
    parser.add_argument("--out", required=True, help="Judge scores JSONL to write")
    parser.add_argument("--batch-size", type=int, default=8, help="candidates per forward pass (default 8)")
    parser.add_argument("--max-target-tokens", type=int, default=128, help="summary tokens scored (default 128)")
    args = parser.parse_args()
    if args.batch_size < 1:
        raise common.UsageError(f"--batch-size must be at least 1, got {args.batch_size}")
    return args


def main() -> None:
    args = parse_args()
    common.seed_everything(args.seed)
    device = common.pick_device()
    articles = {article["id"]: article for article in common.read_articles(args.articles)}
    candidates = common.read_jsonl(args.candidates, {"id": str, "k": int, "summary": str}, "candidates")
    for number, candidate in enumerate(candidates, start=1):
        if candidate["id"] not in articles:
            raise common.UsageError(f'{args.candidates}: row {number}: id "{candidate["id"]}" is not an article of --articles {args.articles}; judge candidates with the articles they summarise')
    loaded = common.load_model(args.model, "--model", args.base, device, common.pick_dtype(args.dtype, device))
    model, tokenizer = loaded.model, loaded.tokenizer
    common.log(SCRIPT, f"{len(candidates)} candidates for {len(articles)} articles on {device}")
    prompts: dict[str, list[int]] = {}
    rows: list[dict[str, Any]] = []
    started, scored = time.monotonic(), 0
    for batch in common.batches(candidates, args.batch_size):
        pairs = []
        for candidate in batch:
            if candidate["id"] not in prompts:
                prompts[candidate["id"]] = common.prompt_ids(tokenizer, articles[candidate["id"]]["text"], args.max_source_tokens)
            text, prompt = articles[candidate["id"]]["text"], prompts[candidate["id"]]
            pairs.append((prompt, common.summary_ids(tokenizer, prompt, text, candidate["summary"], args.max_source_tokens, args.max_target_tokens)))
        for candidate, token_logprobs in zip(batch, common.continuation_logprobs(model, pairs, common.pad_id(tokenizer), device)):
            rows.append({"id": candidate["id"], "k": candidate["k"], "tokens": len(token_logprobs), "logprob": sum(token_logprobs)})
            scored += len(token_logprobs)
        if len(rows) == len(batch) or len(rows) % 200 < len(batch) or len(rows) == len(candidates):
            common.log(SCRIPT, f"{len(rows)}/{len(candidates)} candidates ({scored / (time.monotonic() - started):,.0f} scored tokens/s)")
    elapsed = time.monotonic() - started
    common.write_jsonl(args.out, rows)
    common.log(SCRIPT, f"wrote {len(rows)} scores to {args.out} in {elapsed:.1f} s")
    if args.values:
        mean = sum(row["logprob"] / row["tokens"] for row in rows) / len(rows)
        common.write_json(args.values, {"scored": len(rows), "mean_normalised_logprob": mean, "tokens_per_second": scored / max(elapsed, 1e-9), "judge_seconds": elapsed})


if __name__ == "__main__":
    common.run_main(SCRIPT, main)
