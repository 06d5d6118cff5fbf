"""CLoud critique generation: batched (length-sorted, token budget, left padding, KV cache) against
one critique at a time, through the same adapter.

Data: the first `--pairs` LLMBar pairs of `../shared/data/llmbar-rewardbench.jsonl` (both responses
of each pair are critiqued: 2 x pairs critiques), so prompts have real lengths.
Model: a random-init Llama-shaped CLoud checkpoint in this project's layout (`--size small`: 4
layers, hidden 256; `tiny`: 2 layers, hidden 64, as the tests), float32 on the CPU, greedy
critiques of `--new-tokens` tokens (a random model never stops early, so every critique is full
length: the token counts are exact).

  batched:    `--batch-tokens 16384` (what `evaluator run` does)
  one by one: `--batch-tokens 1` (every prompt its own batch, no padding)
Greedy critiques must be identical either way (checked). Runs alternate so machine drift hits both.

    python bench/cloud_critiques.py [--size small|tiny] [--pairs 32] [--new-tokens 32] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluator.adapters import LoadOptions, get_adapter  # noqa: E402
from evaluator.benchmarks import REWARDBENCH, DataSource  # noqa: E402
from evaluator.benchmarks.loading import load_benchmark_data  # noqa: E402
from evaluator.critique_options import CloudSettings  # noqa: E402
from evaluator.tiny_models import build_tokenizer  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "llmbar-rewardbench.jsonl"
SIZES = {"small": dict(hidden_size=256, intermediate_size=688, num_hidden_layers=4, num_attention_heads=8),
         "tiny": dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4)}


def build_checkpoint(folder: Path, size: str) -> Path:
    from safetensors.torch import save_file
    from transformers import LlamaConfig, LlamaForCausalLM

    from evaluator.critiques.checkpoint import HEAD_FILE, RewardHead

    tokenizer = build_tokenizer()
    config = LlamaConfig(vocab_size=len(tokenizer), max_position_embeddings=4096, num_key_value_heads=2,
                         pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id, **SIZES[size])
    torch.manual_seed(0)
    model = LlamaForCausalLM(config).eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    head = RewardHead(config.hidden_size)
    save_file({k: v.contiguous() for k, v in head.state_dict().items()}, folder / HEAD_FILE)
    return folder


def timed(adapter_cls, folder: Path, examples, batch_tokens: int, new_tokens: int):
    options = LoadOptions(
        model_path=str(folder), device=torch.device("cpu"), dtype=torch.float32, batch_tokens=batch_tokens,
        progress=False, cloud=CloudSettings(max_new_tokens=new_tokens), model_identity="bench/cloud@x",
    )
    adapter = adapter_cls.load(options)
    start = time.perf_counter()
    scored, _ = adapter.score(examples)
    seconds = time.perf_counter() - start
    critiques = [c.text for s in scored for c in s.critiques]
    return seconds, critiques, adapter.cloud_info.critique_tokens


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--pairs", type=int, default=32)
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    examples = load_benchmark_data(REWARDBENCH, core=DataSource(str(DATA))).examples[: args.pairs]
    adapter_cls = get_adapter("cloud")
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_checkpoint(Path(tmp) / "bench" / "cloud", args.size)
        runs = {"one by one": [], "batched": []}
        outputs = {}
        for _ in range(args.repeats):
            for name, budget in (("one by one", 1), ("batched", 16384)):
                seconds, critiques, tokens = timed(adapter_cls, folder, examples, budget, args.new_tokens)
                runs[name].append(seconds)
                outputs[name] = (critiques, tokens)
    if outputs["batched"][0] != outputs["one by one"][0]:
        raise SystemExit("greedy critiques differ between batched and one-by-one generation")
    count, tokens = len(outputs["batched"][0]), outputs["batched"][1]
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}, "
          f"model {args.size}, {count} critiques of {args.new_tokens} tokens ({tokens} tokens generated)")
    print("| mode | seconds (median) | critiques/s | tokens/s |")
    print("|---|---:|---:|---:|")
    medians = {name: statistics.median(times) for name, times in runs.items()}
    for name, seconds in medians.items():
        print(f"| {name} | {seconds:.2f} | {count / seconds:.1f} | {tokens / seconds:.0f} |")
    print(f"batched / one by one: {medians['one by one'] / medians['batched']:.2f}x faster (whole score(), reward pass included)")


if __name__ == "__main__":
    main()
