"""What finetune.py, generate.py and judge.py share: the prompt, JSONL I/O, model loading, scoring.

Models are local Hugging Face directories, or `.tar` archives of one (a workflow step's output is a single
file). Nothing is downloaded: HF_HUB_OFFLINE is set before transformers is imported and every load passes
local_files_only=True.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402

# The instruction every prompt starts with: fine-tuning, generation and judging must all see the same one.
INSTRUCTION = "Summarize the following news article in one sentence."
ARTICLE_FIELDS = ("id", "url", "title", "summary", "text")


class UsageError(Exception):
    """A problem with the inputs that the user fixes (a bad path, row or parameter); printed without a traceback."""


def log(script: str, message: str) -> None:
    print(f"{script}: {message}", file=sys.stderr, flush=True)


def run_main(script: str, main: Callable[[], None]) -> None:
    try:
        main()
    except UsageError as error:
        print(f"{script}: error: {error}", file=sys.stderr, flush=True)
        sys.exit(2)


def default_seed() -> int:
    """The workflow's seed when run as a step (VERIFLOW_SEED), else 0."""
    return int(os.environ.get("VERIFLOW_SEED", "0"))


def add_model_args(parser: argparse.ArgumentParser, role: str, values: str) -> None:
    """The arguments every program that loads a model takes: where it is, how to run it, its seed and figures."""
    parser.add_argument("--model", required=True, help=f"{role}: a local HF model directory, a .tar of one, or a LoRA adapter (with --base)")
    parser.add_argument("--base", help="the base model when --model is a LoRA adapter")
    parser.add_argument("--max-source-tokens", type=int, default=512, help="article tokens kept in the prompt (default 512)")
    parser.add_argument("--dtype", default="auto", help="auto (bfloat16 on a GPU that has it, else float32), float32, bfloat16, float16")
    parser.add_argument("--seed", type=int, default=default_seed(), help="seed (default $VERIFLOW_SEED or 0)")
    parser.add_argument("--values", help=f"JSON file to write figures to ({values}), for a workflow step's value outputs")


def seed_everything(seed: int) -> None:
    random.seed(seed)
    torch.manual_seed(seed)
    # Deterministic kernels where torch has them; warn_only keeps ops without one usable (on CUDA, cuBLAS
    # also needs this workspace setting to be deterministic).
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True, warn_only=True)


def derived_seed(seed: int, key: str) -> int:
    """A seed per item (article), so an item's samples do not depend on which others are in the run."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "little") & 0x7FFF_FFFF_FFFF_FFFF


def pick_device() -> torch.device:
    # CUDA_VISIBLE_DEVICES holds the instance's GPUs (empty for gpu: 0), so cuda:0 is the first of them.
    return torch.device("cuda:0") if torch.cuda.is_available() else torch.device("cpu")


def pick_dtype(name: str, device: torch.device) -> torch.dtype:
    if name == "auto":
        return torch.bfloat16 if device.type == "cuda" and torch.cuda.is_bf16_supported() else torch.float32
    dtypes = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
    if name not in dtypes:
        raise UsageError(f"--dtype must be auto, {', '.join(dtypes)}; got {name!r}")
    return dtypes[name]


# ---------------------------------------------------------------- JSONL


def read_jsonl(path: str, fields: dict[str, type | tuple[type, ...]], what: str) -> list[dict[str, Any]]:
    """Rows of a JSONL file; a bad line fails with `file:line:` and the field."""
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{path}: {what} file {'is a directory' if file.is_dir() else 'does not exist'}")
    rows: list[dict[str, Any]] = []
    with file.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if line.strip() == "":
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise UsageError(f"{path}:{number}: not valid JSON ({error.msg})") from error
            if not isinstance(row, dict):
                raise UsageError(f"{path}:{number}: each line must be a JSON object")
            for field, kind in fields.items():
                value = row.get(field)
                if not isinstance(value, kind) or isinstance(value, bool):
                    found = "missing" if field not in row else f"found {json.dumps(value)[:40]}"
                    raise UsageError(f'{path}:{number}: field "{field}" must be {type_name(kind)}, {found}')
            rows.append(row)
    if not rows:
        raise UsageError(f"{path}: {what} file is empty")
    return rows


def type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "a string", int: "an integer", float: "a number", list: "an array"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def read_articles(path: str) -> list[dict[str, Any]]:
    return read_jsonl(path, {field: str for field in ARTICLE_FIELDS}, "articles")


def write_atomically(path: str, write: Callable[[str], None]) -> None:
    """Calls write(temporary path), then renames it to `path`: a killed run never leaves half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_jsonl(path: str, rows: Sequence[dict[str, Any]]) -> None:
    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8") as stream:
            for row in rows:
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")

    write_atomically(path, write)


def write_json(path: str, value: dict[str, Any]) -> None:
    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8") as stream:
            json.dump(value, stream, indent=2)

    write_atomically(path, write)


# ---------------------------------------------------------------- models on disk


class ModelDir:
    """A model directory, extracted into a temporary folder when given as a `.tar` (removed on close)."""

    def __init__(self, location: str, param: str) -> None:
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        path = Path(location)
        if path.is_file() and tarfile.is_tarfile(path):
            self._scratch = tempfile.TemporaryDirectory(prefix="veriflow-model-")
            with tarfile.open(path) as archive:
                archive.extractall(self._scratch.name, filter="data")
            path = Path(self._scratch.name)
        if not (path / "config.json").is_file() and not (path / "adapter_config.json").is_file():
            raise UsageError(
                f"{param} {location} is not a Hugging Face model directory (no config.json or adapter_config.json in it); "
                "give a local directory of weights (or a .tar of one): nothing is downloaded (HF_HUB_OFFLINE=1)"
            )
        self.path = path

    @property
    def is_adapter(self) -> bool:
        return (self.path / "adapter_config.json").is_file()

    def close(self) -> None:
        if self._scratch is not None:
            self._scratch.cleanup()

    def __enter__(self) -> "ModelDir":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def save_model_dir(out: str, save: Callable[[str], None]) -> None:
    """save(directory) writes a model there; `out` ending in .tar gets a tar of it, else the directory itself."""
    if not out.endswith(".tar"):
        scratch = Path(tempfile.mkdtemp(dir=Path(out).resolve().parent, prefix=f".{Path(out).name}."))
        save(str(scratch))
        os.replace(scratch, out)  # fails on a non-empty directory: check_new_dir refused that up front
        return
    with tempfile.TemporaryDirectory(prefix="veriflow-save-") as directory:
        save(directory)

        def write(temporary: str) -> None:
            with tarfile.open(temporary, "w") as archive:
                for file in sorted(Path(directory).iterdir()):
                    archive.add(file, arcname=file.name, filter=reset_metadata)

        write_atomically(out, write)


def check_new_dir(out: str) -> None:
    """Refuses an --out directory that is there already before hours of training, not after."""
    if not out.endswith(".tar") and Path(out).exists():
        raise UsageError(f"--out {out} already exists; remove it or choose another path (or a .tar)")


def reset_metadata(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # Same weights, same bytes: no timestamps or owners in the archive.
    info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
    return info


@dataclass
class LoadedModel:
    model: Any
    tokenizer: Any


def load_model(location: str, param: str, base: str | None, device: torch.device, dtype: torch.dtype) -> LoadedModel:
    """A causal LM and its tokenizer; a LoRA adapter is applied to `base` (its tokenizer comes from the adapter dir when saved there)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a bar per load fills the step's log; our own progress lines say enough

    with ModelDir(location, param) as model_dir:
        if not model_dir.is_adapter:
            tokenizer = AutoTokenizer.from_pretrained(model_dir.path, local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(model_dir.path, local_files_only=True, dtype=dtype)
            return LoadedModel(model.to(device).eval(), tokenizer)
        if base is None:
            raise UsageError(f"{param} {location} is a LoRA adapter: give its base model with --base")
        from peft import PeftModel

        with ModelDir(base, "--base") as base_dir:
            has_tokenizer = (model_dir.path / "tokenizer_config.json").is_file()
            tokenizer = AutoTokenizer.from_pretrained(model_dir.path if has_tokenizer else base_dir.path, local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(base_dir.path, local_files_only=True, dtype=dtype)
            model = PeftModel.from_pretrained(model, model_dir.path, local_files_only=True).merge_and_unload()
            return LoadedModel(model.to(device).eval(), tokenizer)


# ---------------------------------------------------------------- prompts and likelihoods


def prompt_text(tokenizer: Any, text: str, max_source_tokens: int) -> str:
    """Instruction, the article cut to max_source_tokens tokens, then the cue the summary follows."""
    article = tokenizer(text, add_special_tokens=False)["input_ids"]
    if len(article) > max_source_tokens:
        text = tokenizer.decode(article[:max_source_tokens], skip_special_tokens=True)
    return f"{INSTRUCTION}\n\nArticle: {text}\n\nSummary:"


def encode(tokenizer: Any, text: str) -> list[int]:
    # Encoded in one piece, BOS first: SentencePiece tokenizers (Llama-2) add a "▁" to the start of every
    # separately encoded piece, which would put stray tokens between the prompt's parts.
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    return bos + tokenizer(text, add_special_tokens=False)["input_ids"]


def prompt_ids(tokenizer: Any, text: str, max_source_tokens: int) -> list[int]:
    return encode(tokenizer, prompt_text(tokenizer, text, max_source_tokens))


def summary_ids(tokenizer: Any, prompt: list[int], text: str, summary: str, max_source_tokens: int, max_target_tokens: int) -> list[int]:
    """The summary's tokens as they follow `prompt` (the prompt_ids of `text`), then end of sequence.

    Encoded together with the prompt and split off after it, so they are the tokens a model writes there;
    should the two encode differently at the seam, the summary is encoded on its own after a space.
    """
    if tokenizer.eos_token_id is None:
        raise UsageError("the tokenizer has no eos_token: the model cannot mark where a summary ends")
    together = encode(tokenizer, f"{prompt_text(tokenizer, text, max_source_tokens)} {summary.strip()}")
    tokens = together[len(prompt) :] if together[: len(prompt)] == prompt else tokenizer(" " + summary.strip(), add_special_tokens=False)["input_ids"]
    return tokens[:max_target_tokens] + [tokenizer.eos_token_id]


def pad_id(tokenizer: Any) -> int:
    return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id


@torch.no_grad()
def continuation_logprobs(model: Any, pairs: Sequence[tuple[list[int], list[int]]], padding: int, device: torch.device) -> list[list[float]]:
    """log p(continuation token | everything before it) for each (prompt, continuation), one batch, right-padded."""
    sequences = [prompt + continuation for prompt, continuation in pairs]
    width = max(len(sequence) for sequence in sequences)
    ids = torch.full((len(sequences), width), padding, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, sequence in enumerate(sequences):
        ids[row, : len(sequence)] = torch.tensor(sequence)
        mask[row, : len(sequence)] = 1
    logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float()
    logprobs = torch.log_softmax(logits, dim=-1)
    result: list[list[float]] = []
    for row, (prompt, continuation) in enumerate(pairs):
        # The token at position t is predicted by the logits at t - 1.
        positions = torch.arange(len(prompt) - 1, len(prompt) + len(continuation) - 1, device=logprobs.device)
        targets = torch.tensor(continuation, device=logprobs.device)
        result.append(logprobs[row, positions, targets].tolist())
    return result


def batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
