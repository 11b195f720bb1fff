"""A tiny randomly initialised Llama-architecture model with a BPE tokenizer trained on a corpus, for tests.

  python make_tiny_llama.py --corpus corpus.jsonl --out tiny.tar [--vocab 1000 --hidden 64 --layers 2]

The tokenizer is trained (with `tokenizers`) on the titles, texts and summaries of an Articles JSONL, so the
model is a real Hugging Face model directory that finetune.py, generate.py and judge.py load like Llama-2:
made locally, nothing downloaded. `--out` ending in .tar writes a tar of the directory (a step output is one file).
"""
from __future__ import annotations

import argparse
from typing import Any

from llm_common import UsageError, check_new_dir, default_seed, log, read_articles, run_main, save_model_dir, seed_everything

SCRIPT = "make_tiny_llama"
SPECIAL_TOKENS = ["<pad>", "<s>", "</s>"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True, help="Articles JSONL to train the tokenizer on")
    parser.add_argument("--out", required=True, help="model directory to write (or a .tar of it)")
    parser.add_argument("--vocab", type=int, default=1000, help="BPE vocabulary size (default 1000)")
    parser.add_argument("--hidden", type=int, default=64, help="hidden size (default 64)")
    parser.add_argument("--layers", type=int, default=2, help="decoder layers (default 2)")
    parser.add_argument("--heads", type=int, default=4, help="attention heads (default 4)")
    parser.add_argument("--context", type=int, default=1024, help="maximum positions (default 1024)")
    parser.add_argument("--seed", type=int, default=default_seed(), help="initialisation seed (default $VERIFLOW_SEED or 0)")
    return parser.parse_args()


def train_tokenizer(texts: list[str], vocab: int) -> Any:  # a PreTrainedTokenizerFast (transformers is imported late)
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    # Byte-level BPE, as Llama-3 and GPT-2 use: every string encodes (no unknown token) and decodes back exactly.
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab, special_tokens=SPECIAL_TOKENS, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, pad_token="<pad>", bos_token="<s>", eos_token="</s>")


def main() -> None:
    args = parse_args()
    if args.hidden % args.heads != 0:
        raise UsageError(f"--hidden {args.hidden} must be a multiple of --heads {args.heads}")
    check_new_dir(args.out)
    seed_everything(args.seed)
    from transformers import LlamaConfig, LlamaForCausalLM

    articles = read_articles(args.corpus)
    tokenizer = train_tokenizer([piece for article in articles for piece in (article["title"], article["text"], article["summary"])], args.vocab)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=args.hidden,
        intermediate_size=args.hidden * 4,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        num_key_value_heads=args.heads,
        max_position_embeddings=args.context,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        tie_word_embeddings=False,
    )
    model = LlamaForCausalLM(config)
    parameters = sum(p.numel() for p in model.parameters())
    log(SCRIPT, f"tokenizer: {len(tokenizer)} tokens from {len(articles)} articles; model: {args.layers} layers, hidden {args.hidden}, {parameters:,} parameters")

    def save(directory: str) -> None:
        model.save_pretrained(directory)
        tokenizer.save_pretrained(directory)

    save_model_dir(args.out, save)
    log(SCRIPT, f"wrote {args.out}")


if __name__ == "__main__":
    run_main(SCRIPT, main)
