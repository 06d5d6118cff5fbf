"""The GPU path: a 1B Llama-shaped classifier in bfloat16, its share of the GPU's peak, the batch
budget chosen from free memory against the fixed 16,384 tokens, and prompt-prefix sharing on
RewardBench-2-shaped rows.

Model: random-init `LlamaForSequenceClassification` of the Llama-3.2-1B shape (hidden 2048, MLP
8192, 16 layers, 32 heads of which 8 key-value, vocabulary 32,000; `--shape tiny` is 2 layers of
64, to try the script on a CPU) with a byte-level BPE tokenizer trained on the data. Data: the 419
LLMBar pairs (838 texts) and `--prompts` RB2-shaped best-of-4 rows built from them (as
bench/rb2_throughput.py builds them). Each setting is one `adapter.score()` call after a warm-up
call on a few rows: formatting, tokenizing, batching and scoring, what `evaluator run` spends
between loading the model and writing the result.

Share of peak: forward FLOPs = 2 x non-embedding parameters x real tokens + the attention scores
(2 x 2 x layers x hidden x sum of squared lengths, causal halves it), over the seconds, against the
GPU's dense bfloat16 peak (`--peak-tflops`, else looked up by the device name). Prefix-shared runs
compute fewer tokens by design, so their share is not reported; their gain is the time ratio.

    python bench/gpu_path.py [--shape 1b|tiny] [--prompts 200] [--json out.json] [--data llmbar.jsonl]
    bash bench/gpu_check.sh     (on the GPU machine, after bench/gpu_wheels.sh here)
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rb2_throughput import DATA, best_of_4_examples  # noqa: E402
from evaluator.adapters import LoadOptions, get_adapter  # noqa: E402
from evaluator.benchmarks import REWARDBENCH, DataSource  # noqa: E402
from evaluator.benchmarks.loading import load_benchmark_data  # noqa: E402
from evaluator.speed.token_budget import CPU_BATCH_TOKENS, choose_batch_tokens  # noqa: E402
from evaluator.tiny_models import build_tokenizer, save_model  # noqa: E402

SHAPES = {
    "1b": dict(hidden_size=2048, intermediate_size=8192, num_hidden_layers=16, num_attention_heads=32,
               num_key_value_heads=8, vocab_size=32000),
    "tiny": dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                 num_key_value_heads=2, vocab_size=8000),
}
# Dense bfloat16 tensor-core peaks from the vendors' data sheets (no sparsity), TFLOP/s.
PEAK_TFLOPS = {"H200": 989.0, "H100": 989.0, "A100": 312.0, "L40S": 362.0, "L4": 121.0, "A10": 125.0}


def build_model(folder: Path, shape: str, dtype: torch.dtype, data: Path) -> Path:
    from transformers import LlamaConfig, LlamaForSequenceClassification

    rows = [json.loads(line) for line in data.read_text().splitlines()]
    tokenizer = build_tokenizer([t for r in rows for t in (r["prompt"], r["chosen"], r["rejected"])], vocab_size=8000)
    config = LlamaConfig(**SHAPES[shape], num_labels=1, max_position_embeddings=4096,
                         pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
                         eos_token_id=tokenizer.eos_token_id)
    torch.manual_seed(0)
    return save_model(LlamaForSequenceClassification(config).to(dtype), tokenizer, folder)


def forward_flops(model, lengths: list[int]) -> float:
    config = model.config
    dense = sum(p.numel() for name, p in model.named_parameters() if "embed_tokens" not in name)
    attention = 2 * config.num_hidden_layers * config.hidden_size * sum(n * n for n in lengths)  # QK^T and AV, causal half
    return 2.0 * dense * sum(lengths) + attention


def run(folder: Path, device: torch.device, dtype: torch.dtype, budget: int, sharing: bool, pooled: bool,
        examples, warmup) -> dict:
    # The FLOP count is the whole model's: the share of peak is read off runs with the whole final layer.
    options = LoadOptions(model_path=str(folder), device=device, dtype=dtype, batch_tokens=budget,
                          prefix_sharing=sharing, pooled_final_layer=pooled, progress=False)
    adapter = get_adapter("classifier").load(options)
    with torch.inference_mode():
        adapter.score(warmup)
        if device.type == "cuda":
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        start = time.perf_counter()
        scored, stats = adapter.score(examples)
        if device.type == "cuda":
            torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    lengths = [len(e.ids) for e in adapter.encode([(ex, r) for ex in examples for r in ex.chosen + ex.rejected])]
    peak_memory = torch.cuda.max_memory_allocated() if device.type == "cuda" else 0
    scores = np.array([s for r in scored for s in r.scores_chosen + r.scores_rejected])
    figures = dict(seconds=seconds, budget=budget, sharing=sharing, pooled=pooled, texts=len(lengths), real_tokens=sum(lengths),
                   shared_texts=stats.num_prefix_shared, flops=forward_flops(adapter.model, lengths),
                   peak_memory_gib=peak_memory / 2**30)
    del adapter
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return figures | {"scores": scores}


def peak_tflops(device: torch.device, given) -> float | None:
    if given:
        return given
    if device.type != "cuda":
        return None
    name = torch.cuda.get_device_name(device)
    return next((peak for key, peak in PEAK_TFLOPS.items() if key in name), None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", choices=sorted(SHAPES), default="1b")
    parser.add_argument("--prompts", type=int, default=200)
    parser.add_argument("--peak-tflops", type=float)
    parser.add_argument("--json")
    parser.add_argument("--data", type=Path, default=DATA, help="the LLMBar pairs (RewardBench schema)")
    args = parser.parse_args()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    data = {
        "LLMBar pairs": load_benchmark_data(REWARDBENCH, core=DataSource(str(args.data))).examples,
        "RB2-shaped best-of-4": best_of_4_examples(args.prompts, args.data),
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_model(Path(tmp) / "rm", args.shape, dtype, args.data)
        auto = choose_batch_tokens(argparse.Namespace(batch_tokens=None, model_type="classifier", prefix_sharing=True),
                                   str(folder), device, dtype)
        # (budget, prefix sharing, final layer at the read token): the last is the default path.
        settings = [(CPU_BATCH_TOKENS, False, False), (auto, False, False), (auto, True, False), (auto, True, True)]
        rows = [(name, *setting) for name in data for setting in dict.fromkeys(settings)]
        first = data["RB2-shaped best-of-4"]
        run(folder, device, dtype, CPU_BATCH_TOKENS, False, False, first, first[:4])  # the process's own warm-up
        results = [dict(data=name, **run(folder, device, dtype, budget, sharing, pooled, data[name], data[name][:4]))
                   for name, budget, sharing, pooled in rows]
    peak = peak_tflops(device, args.peak_tflops)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "CPU"
    print(f"device: {name}; torch {torch.__version__}; {dtype}; shape {args.shape}; peak {peak} TFLOP/s")
    print("| data | budget | sharing | final layer at read token | seconds | texts/s | TFLOP/s | share of peak | peak memory (GiB) | vs unshared |")
    print("|---|---:|---|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        base = next(b for b in results if b["data"] == r["data"] and b["budget"] == r["budget"]
                    and not b["sharing"] and not b["pooled"])
        whole = not (r["sharing"] or r["pooled"])  # every FLOP counted was run
        tflops = r["flops"] / r["seconds"] / 1e12
        share = f"{tflops / peak:.1%}" if whole and peak else ""
        diff = float(np.abs(r["scores"] - base["scores"]).max())
        print(f"| {r['data']} | {r['budget']:,} | {'on' if r['sharing'] else 'off'} | {'on' if r['pooled'] else 'off'} | "
              f"{r['seconds']:.2f} | {r['texts'] / r['seconds']:.1f} | {f'{tflops:.1f}' if whole else ''} | {share} | "
              f"{r['peak_memory_gib']:.1f} | {r['seconds'] / base['seconds']:.2f}x (max diff {diff:.1e}) |")
    if args.json:
        Path(args.json).write_text(json.dumps([{k: v for k, v in r.items() if k != "scores"} for r in results], indent=1))


if __name__ == "__main__":
    main()
