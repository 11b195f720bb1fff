"""Samples K candidate summaries per article, with the generator's log-probability of every generated token.

  python generate.py --model model.tar --articles pool.jsonl --out candidates.jsonl [--k 4 --temperature 0.7 --top-p 0.9]

Writes the Candidates format, one line per (article, k) in input order:
  {"id", "k", "summary", "tokens", "logprob", "token_logprobs"}
`token_logprobs` are the model's own log p(token | prompt, earlier tokens) at temperature 1, without top-p
(the likelihood that self-selection ranks by, not the sampling distribution), and include the end-of-sequence
token when the model wrote one; `logprob` is their sum and `tokens` their count. Each batch's samples come
from a seed derived from --seed and its first article's id: with --batch-articles 1 (the default) an
article's samples do not depend on the other articles in the file.
"""
from __future__ import annotations

import argparse
import time
from typing import Any

import torch

import llm_common as common

SCRIPT = "generate"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_model_args(parser, "the generator", "articles, summaries, mean tokens, tokens/s")
    parser.add_argument("--articles", required=True, help="Articles JSONL to summarise (e.g. xlsum/load's pool)")
    parser.add_argument("--out", required=True, help="Candidates JSONL to write")
    parser.add_argument("--k", type=int, default=4, help="candidates per article (default 4)")
    parser.add_argument("--temperature", type=float, default=0.7, help="sampling temperature (default 0.7)")
    parser.add_argument("--top-p", type=float, default=0.9, help="nucleus sampling mass (default 0.9)")
    parser.add_argument("--max-new-tokens", type=int, default=64, help="longest summary in tokens (default 64)")
    parser.add_argument("--greedy", action="store_true", help="one greedy summary per article (for evaluating a model; --k must be 1)")
    parser.add_argument("--batch-articles", type=int, default=1, help="articles sampled in one batch (default 1; more is faster on a GPU, but then an article's samples depend on its batch)")
    parser.add_argument("--limit", type=int, default=0, help="summarise only the first N articles (default 0: all)")
    args = parser.parse_args()
    if min(args.k, args.max_new_tokens, args.batch_articles) < 1:
        raise common.UsageError(f"--k, --max-new-tokens and --batch-articles must be at least 1, got {args.k}, {args.max_new_tokens} and {args.batch_articles}")
    if args.greedy and args.k != 1:
        raise common.UsageError(f"--greedy writes one summary per article: give --k 1, not {args.k}")
    if args.temperature <= 0 or not 0 < args.top_p <= 1:
        raise common.UsageError(f"--temperature must be positive and --top-p in (0, 1], got {args.temperature} and {args.top_p}")
    return args


def cut_at_eos(tokens: list[int], eos: int, padding: int) -> list[int]:
    """The generated tokens up to and including the first end of sequence (what follows it is padding)."""
    if eos in tokens:
        return tokens[: tokens.index(eos) + 1]
    while tokens and tokens[-1] == padding and padding != eos:
        tokens = tokens[:-1]
    return tokens


def sample(model: Any, tokenizer: Any, prompts: list[list[int]], args: argparse.Namespace, seed: int, device: torch.device) -> list[list[list[int]]]:
    """K samples for each prompt: the prompts left-padded into one batch (generation appends on the right)."""
    torch.manual_seed(seed)
    padding = common.pad_id(tokenizer)
    width = max(len(prompt) for prompt in prompts)
    input_ids = torch.tensor([[padding] * (width - len(prompt)) + prompt for prompt in prompts], device=device)
    attention_mask = torch.tensor([[0] * (width - len(prompt)) + [1] * len(prompt) for prompt in prompts], device=device)
    output = model.generate(
        input_ids=input_ids,
        attention_mask=attention_mask,
        **({"do_sample": False} if args.greedy else {"do_sample": True, "temperature": args.temperature, "top_p": args.top_p, "top_k": 0}),
        max_new_tokens=args.max_new_tokens,
        num_return_sequences=args.k,
        pad_token_id=padding,
        eos_token_id=tokenizer.eos_token_id,
    )
    # generate() returns each prompt's K sequences one after another.
    rows = [cut_at_eos(row[width:].tolist(), tokenizer.eos_token_id, padding) for row in output]
    return [rows[i * args.k : (i + 1) * args.k] for i in range(len(prompts))]


def main() -> None:
    args = parse_args()
    common.seed_everything(args.seed)
    device = common.pick_device()
    articles = common.read_articles(args.articles)
    if args.limit > 0:
        articles = articles[: args.limit]
    loaded = common.load_model(args.model, "--model", args.base, device, common.pick_dtype(args.dtype, device))
    model, tokenizer = loaded.model, loaded.tokenizer
    common.log(SCRIPT, f"{len(articles)} articles x {args.k} candidates on {device}, {'greedy' if args.greedy else f'temperature {args.temperature}, top-p {args.top_p}'}, {args.batch_articles} article(s) a batch")
    rows: list[dict[str, Any]] = []
    started, generated, done = time.monotonic(), 0, 0
    for batch in common.batches(articles, args.batch_articles):
        prompts = [common.prompt_ids(tokenizer, article["text"], args.max_source_tokens) for article in batch]
        # Seeded by the batch's first article: with one article a batch, its samples depend on nothing else.
        samples = sample(model, tokenizer, prompts, args, common.derived_seed(args.seed, batch[0]["id"]), device)
        pairs = [(prompt, tokens) for prompt, article_samples in zip(prompts, samples) for tokens in article_samples]
        scores = iter(common.continuation_logprobs(model, pairs, common.pad_id(tokenizer), device))
        for article, article_samples in zip(batch, samples):
            for k, tokens in enumerate(article_samples):
                token_logprobs = next(scores)
                summary = tokenizer.decode(tokens, skip_special_tokens=True).strip()
                rows.append({"id": article["id"], "k": k, "summary": summary, "tokens": len(tokens), "logprob": sum(token_logprobs), "token_logprobs": token_logprobs})
                generated += len(tokens)
        done += len(batch)
        if done == len(batch) or done % 20 < len(batch) or done == len(articles):
            common.log(SCRIPT, f"{done}/{len(articles)} articles ({generated / (time.monotonic() - started):,.0f} generated tokens/s)")
    elapsed = time.monotonic() - started
    common.write_jsonl(args.out, rows)
    common.log(SCRIPT, f"wrote {len(rows)} candidates to {args.out} in {elapsed:.1f} s")
    if args.values:
        common.write_json(args.values, {"articles": len(articles), "summaries": len(rows), "mean_tokens": generated / len(rows), "tokens_per_second": generated / max(elapsed, 1e-9), "generate_seconds": elapsed})


if __name__ == "__main__":
    common.run_main(SCRIPT, main)
