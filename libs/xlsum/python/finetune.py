"""Fine-tunes a causal LM to summarise: the article (cut to --max-source-tokens) after a fixed instruction,
the loss on the summary tokens only.

  python finetune.py --model llama-2-7b/ --data real.jsonl --out model.tar [--method lora] [--epochs 1 --lr 2e-5 ...]

--data is an Articles JSONL (xlsum/load's `real` split, or xlsum/select's selection). Full fine-tuning by
default (--method full); --method lora trains a LoRA adapter (peft) and writes only the adapter, which generate.py and judge.py
apply to --base. Runs on the first visible GPU when CUDA_VISIBLE_DEVICES gives one, else on the CPU.
--values writes a JSON object of figures (loss, tokens/s) for a workflow step's value outputs.
"""
from __future__ import annotations

import argparse
import math
import time
from typing import Any

import torch

import llm_common as common

SCRIPT = "finetune"
IGNORE = -100  # the label that cross-entropy skips: prompt and padding positions


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_model_args(parser, "the model to start from", "first and final loss, tokens/s, steps")
    parser.add_argument("--data", required=True, help="Articles JSONL to train on")
    parser.add_argument("--out", required=True, help="where to write the fine-tuned model (directory, or .tar)")
    # A value, not a flag: a workflow picks it with a param (an argv item cannot be left out by an expression).
    parser.add_argument("--method", choices=("full", "lora"), default="full", help="full: train every weight (default); lora: a LoRA adapter")
    parser.add_argument("--lora-r", type=int, default=16, help="LoRA rank (default 16)")
    parser.add_argument("--lora-alpha", type=int, default=32, help="LoRA alpha (default 32)")
    parser.add_argument("--epochs", type=float, default=1.0, help="passes over --data (default 1; fractions allowed)")
    parser.add_argument("--max-steps", type=int, default=0, help="stop after this many optimizer steps (default 0: no cap)")
    parser.add_argument("--lr", type=float, default=2e-5, help="AdamW learning rate (default 2e-5)")
    parser.add_argument("--weight-decay", type=float, default=0.0, help="AdamW weight decay (default 0)")
    parser.add_argument("--warmup", type=float, default=0.03, help="fraction of steps with a linear warm-up (default 0.03)")
    parser.add_argument("--batch-size", type=int, default=8, help="examples per optimizer step (default 8)")
    parser.add_argument("--micro-batch", type=int, default=0, help="examples per forward pass (default: --batch-size)")
    parser.add_argument("--max-target-tokens", type=int, default=64, help="summary tokens trained on (default 64)")
    args = parser.parse_args()
    for name in ("batch_size", "max_source_tokens", "max_target_tokens", "lora_r"):
        if getattr(args, name) < 1:
            raise common.UsageError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if args.epochs <= 0 or args.lr <= 0:
        raise common.UsageError(f"--epochs and --lr must be positive, got {args.epochs} and {args.lr}")
    common.check_new_dir(args.out)
    return args


def collate(examples: list[tuple[list[int], list[int]]], padding: int) -> dict[str, torch.Tensor]:
    width = max(len(prompt) + len(target) for prompt, target in examples)
    ids = torch.full((len(examples), width), padding, dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, (prompt, target) in enumerate(examples):
        length = len(prompt) + len(target)
        ids[row, :length] = torch.tensor(prompt + target)
        labels[row, len(prompt) : length] = torch.tensor(target)
        mask[row, :length] = 1
    return {"input_ids": ids, "labels": labels, "attention_mask": mask}


def summary_loss(model: Any, batch: dict[str, torch.Tensor], device: torch.device) -> tuple[torch.Tensor, int]:
    """Summed cross-entropy over the summary tokens, and how many there were (so micro-batches add up exactly)."""
    logits = model(input_ids=batch["input_ids"].to(device), attention_mask=batch["attention_mask"].to(device)).logits.float()
    labels = batch["labels"].to(device)[:, 1:]
    loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)), labels.reshape(-1), ignore_index=IGNORE, reduction="sum")
    return loss, int((labels != IGNORE).sum())


def main() -> None:
    args = parse_args()
    common.seed_everything(args.seed)
    device = common.pick_device()
    dtype = common.pick_dtype(args.dtype, device)
    articles = common.read_articles(args.data)
    loaded = common.load_model(args.model, "--model", args.base, device, dtype)
    model, tokenizer = loaded.model, loaded.tokenizer
    if args.method == "lora":
        from peft import LoraConfig, get_peft_model

        lora = LoraConfig(r=args.lora_r, lora_alpha=args.lora_alpha, lora_dropout=0.0, target_modules=["q_proj", "k_proj", "v_proj", "o_proj"], task_type="CAUSAL_LM")
        model = get_peft_model(model, lora)
    model.train()
    examples = []
    for article in articles:
        prompt = common.prompt_ids(tokenizer, article["text"], args.max_source_tokens)
        examples.append((prompt, common.summary_ids(tokenizer, prompt, article["text"], article["summary"], args.max_source_tokens, args.max_target_tokens)))
    steps_per_epoch = math.ceil(len(examples) / args.batch_size)
    total_steps = math.ceil(steps_per_epoch * args.epochs)
    if args.max_steps > 0:
        total_steps = min(total_steps, args.max_steps)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=args.weight_decay)
    warmup = max(1, round(args.warmup * total_steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / warmup))
    common.log(SCRIPT, f"{len(examples)} examples, {total_steps} steps of {args.batch_size} on {device} ({dtype}), {'LoRA' if args.method == 'lora' else 'full'}: {sum(p.numel() for p in trainable):,} trainable parameters")

    generator = torch.Generator().manual_seed(args.seed)
    micro = args.micro_batch if args.micro_batch > 0 else args.batch_size
    padding = common.pad_id(tokenizer)
    step, tokens_seen, started, first_loss, last_loss = 0, 0, time.monotonic(), float("nan"), float("nan")
    while step < total_steps:
        order = torch.randperm(len(examples), generator=generator).tolist()
        for batch_indices in common.batches(order, args.batch_size):
            if step >= total_steps:
                break
            optimizer.zero_grad(set_to_none=True)
            batch_examples = [examples[i] for i in batch_indices]
            targets = sum(len(target) for _, target in batch_examples)
            summed = 0.0
            for chunk in common.batches(batch_examples, micro):
                batch = collate(list(chunk), padding)
                loss, _ = summary_loss(model, batch, device)
                (loss / targets).backward()
                summed += loss.item()
                tokens_seen += int(batch["attention_mask"].sum())
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            last_loss = summed / targets
            if step == 1:
                first_loss = last_loss
            if step == 1 or step % 10 == 0 or step == total_steps:
                elapsed = time.monotonic() - started
                common.log(SCRIPT, f"step {step}/{total_steps} loss {last_loss:.4f} ({tokens_seen / elapsed:,.0f} tokens/s)")
    elapsed = time.monotonic() - started

    def save(directory: str) -> None:
        # A LoRA adapter alone: its embeddings are the base's (the tokenizer is saved beside it unchanged).
        model.save_pretrained(directory, **({"save_embedding_layers": False} if args.method == "lora" else {}))
        tokenizer.save_pretrained(directory)

    common.save_model_dir(args.out, save)
    common.log(SCRIPT, f"wrote {args.out} after {step} steps in {elapsed:.1f} s")
    if args.values:
        common.write_json(args.values, {"steps": step, "examples": len(examples), "first_loss": first_loss, "final_loss": last_loss, "tokens_per_second": tokens_seen / max(elapsed, 1e-9), "train_seconds": elapsed})


if __name__ == "__main__":
    common.run_main(SCRIPT, main)
