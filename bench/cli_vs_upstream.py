"""The whole CLI against a naive loop and against upstream rewardbench, in the same run.

Every method is a fresh process timed from outside (start-up, model and data loading,
tokenizing, scoring, writing), on the same model and the same texts:
  ours:              `python -m evaluator run --model-type classifier` (default settings, prefix sharing on);
  ours, no sharing:  the same with `--no-prefix-sharing`;
  naive:             bench/naive_loop.py: fixed batches of 8 texts in dataset order;
  upstream:          the `rewardbench` CLI of the PyPI package (v1, pairs) or its installed
                     `scripts/run_v2.py` (best-of-4 rows), from its own virtual environment.
Runs alternate (ours, no sharing, naive, upstream, ours, ...) so drift in machine speed hits all
alike; each method's per-text rewards are compared with ours (the largest difference is printed).

Model: random-init GPT-2-shaped sequence classifier (6 layers x 512, as bench/prefix_sharing.py)
with a byte-level BPE tokenizer and chat template, float32 on the CPU. Data: the 419 LLMBar pairs,
and RB2-shaped best-of-4 rows built from them (`--prompts` of them, as bench/rb2_throughput.py).

Upstream needs three things to run here: a view of the model folder (the same weights, config and
tokenizer.json) whose tokenizer_config.json names a tokenizer class transformers 4.51 knows and
the model inputs GPT-2 takes; the pairs written with `chosen`/`rejected` as conversations (the
schema its local-JSON path reads); and, without CUDA, batches sent to the CPU (its pipeline moves
every batch to "cuda" by name). It renders the same texts with the tokenizer's chat template. The
v1 CLI pads on the left, which shifts GPT-2's absolute positions (the model is not given position
ids), so only the texts it did not pad (the longest of each call) can match ours exactly; both
figures are printed (run_v2.py pads on the right). Nothing is written into the repository:
everything lives in a temporary folder.

    OMP_NUM_THREADS=1 python bench/cli_vs_upstream.py [--repeats 2] [--pairs 419] [--prompts 100]
        [--data pairs|best-of-4|both] [--upstream PATH_TO_rewardbench]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.prefix_sharing import build_models, write_rb2
from bench.rb2_throughput import DATA

DEFAULT_UPSTREAM = Path("/work/venv-upstream/bin/rewardbench")
OFFLINE = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "WANDB_MODE": "disabled"}
UPSTREAM_V1 = "upstream rewardbench"
UPSTREAM_V1_BATCH = 8  # its default batch size (pairs)
# Run with the upstream environment's python: an entry point "module:function", then its arguments.
UPSTREAM_ON_CPU = """
import importlib, sys
import torch, transformers
if not torch.cuda.is_available():  # its pipeline calls .to("cuda") on every batch
    _to = transformers.BatchEncoding.to
    transformers.BatchEncoding.to = lambda self, device, **kw: _to(
        self, "cpu" if str(device).startswith("cuda") else device, **kw)
module, _, function = sys.argv[1].partition(":")
sys.argv = [module] + sys.argv[2:]
getattr(importlib.import_module(module), function)()
"""

Scores = dict[str, list[float]]  # example id -> its texts' rewards, chosen first


@dataclass
class Method:
    name: str
    command: Callable[[Path], list[str]]  # a fresh output folder -> the command line
    read: Callable[[Path], Scores]  # the same folder -> the rewards it wrote
    cwd: Callable[[Path], Path] = lambda out: ROOT  # the output folder -> where to run
    seconds: list[float] = field(default_factory=list)
    scores: Scores = field(default_factory=dict)


@dataclass
class Dataset:
    name: str
    shape: str  # "pairs" or "best-of-4"
    ours: list[str]  # data arguments of `evaluator run`
    naive: list[str]  # data arguments of bench/naive_loop.py


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def read_ours(out: Path) -> Scores:
    (path,) = out.rglob("*.scores.jsonl")
    rows = read_jsonl(path)
    return {row["id"]: list(row["scores_chosen"]) + list(row["scores_rejected"]) for row in rows}


def read_naive(out: Path) -> Scores:
    return {row["id"]: row["scores"] for row in read_jsonl(out / "scores.jsonl")}


def naive_lengths(out: Path) -> list[list[int]]:
    return [row["lengths"] for row in read_jsonl(out / "scores.jsonl")]


def read_upstream_pairs(out: Path) -> Scores:
    (path,) = out.rglob("*_outputs.jsonl")
    return {row["id"]: [row["scores_chosen"], row["scores_rejected"]] for row in read_jsonl(path)}


def read_upstream_best_of(out: Path) -> Scores:
    (path,) = (out / "results" / "eval-set-scores").rglob("*.json")
    table = json.loads(path.read_text())
    # Each score is the logits row of one text ([reward]); pandas reads the ids "0", "1"... as numbers.
    return {str(i): [row[0] for row in scores] for i, scores in zip(table["id"], table["scores"])}


def upstream_model_view(model: Path, root: Path) -> Path:
    """The same model files under `root`, with a tokenizer config transformers 4.51 can read."""
    view = root / model.parent.name / model.name
    view.mkdir(parents=True)
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        (view / name).symlink_to(model / name)
    config = json.loads((model / "tokenizer_config.json").read_text())
    config.pop("backend", None)
    config["tokenizer_class"] = "PreTrainedTokenizerFast"  # transformers 5 writes "TokenizersBackend"
    config["chat_template"] = (model / "chat_template.jinja").read_text()
    # Without this, 4.51 returns token_type_ids (zeros), and GPT-2 adds the embedding of token 0 to
    # every position: upstream's pipeline passes the tokenizer's whole output to the model.
    config["model_input_names"] = ["input_ids", "attention_mask"]
    (view / "tokenizer_config.json").write_text(json.dumps(config, indent=2))
    return view


def _conversation(prompt: str, response: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": prompt}, {"role": "assistant", "content": response}]


def write_pairs(path: Path, count: int) -> Path:
    """The first `count` LLMBar pairs (all 419 by default), as every method reads them."""
    path.write_text("".join(line + "\n" for line in DATA.read_text().splitlines()[:count]))
    return path


def write_upstream_pairs(source: Path, path: Path) -> Path:
    """The LLMBar pairs with `chosen`/`rejected` as whole conversations, as upstream's JSON path reads."""
    lines = []
    for row in read_jsonl(source):
        row["chosen"], row["rejected"] = (
            _conversation(row["prompt"], row[k]) for k in ("chosen", "rejected")
        )
        lines.append(json.dumps(row))
    path.write_text("\n".join(lines) + "\n")
    return path


def run(method: Method, out: Path) -> None:
    out.mkdir(parents=True)
    start = time.perf_counter()
    done = subprocess.run(
        method.command(out),
        cwd=method.cwd(out),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **OFFLINE},
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{method.name} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    method.seconds.append(elapsed)
    method.scores = method.read(out)
    print(f"  {method.name}: {elapsed:.2f} s", flush=True)


# Our CLI's defaults, but the device and dtype spelled out as upstream's are.
OURS_FLAGS = ["--model-type", "classifier", "--device", "cpu", "--dtype", "float32", "--no-progress"]


def ours(model: Path, data: list[str], sharing: bool) -> Method:
    flags = [*OURS_FLAGS, *data] + ([] if sharing else ["--no-prefix-sharing"])
    command = [sys.executable, "-m", "evaluator", "run", "--model", str(model), *flags, "--output"]
    return Method("ours" if sharing else "ours, no sharing", lambda out: [*command, str(out)], read_ours)


def naive(model: Path, data: list[str]) -> Method:
    command = [
        sys.executable,
        str(ROOT / "bench" / "naive_loop.py"),
        "--model",
        str(model),
        *data,
        "--output",
    ]
    return Method("naive (batches of 8)", lambda out: [*command, str(out / "scores.jsonl")], read_naive)


@dataclass
class Upstream:
    """Upstream's CLIs, with its own defaults except float32 (its default float16 is for GPUs)."""

    python: Path  # the python of upstream's virtual environment
    view: Path  # the model folder as upstream reads it (upstream_model_view)
    pairs: Path  # the pairs in upstream's schema (write_upstream_pairs)
    best_of: Path  # RB2-shaped rows: run_v2.py reads our file as it is

    def method(self, shape: str) -> Method:
        shim = [str(self.python), "-c", UPSTREAM_ON_CPU]
        if shape == "pairs":  # v1 writes <output_dir><model>.json: run where the model is a relative path
            root = self.view.parent.parent
            model = str(self.view.relative_to(root))
            v1 = [*shim, "rewardbench.rewardbench:main", "--model", model, "--dataset", str(self.pairs)]
            v1 += ["--load_json", "--not_quantized", "--torch_dtype", "float32", "--output_dir"]
            return Method(
                UPSTREAM_V1, lambda out: [*v1, f"{out}/"], read_upstream_pairs, cwd=lambda out: root
            )
        v2 = [*shim, "scripts.run_v2:main", "--model", str(self.view), "--dataset", str(self.best_of)]
        v2 += ["--torch_dtype", "float32", "--do_not_save"]  # it writes the scores under ./results
        return Method("upstream run_v2.py", lambda out: v2, read_upstream_best_of, cwd=lambda out: out)


def unpadded_by_v1(lengths: list[list[int]]) -> set[tuple[int, int]]:
    """(row, text) of the texts upstream's v1 CLI did not pad: the longest of each call of its model.

    It runs a batch's chosen texts in one call and its rejected texts in another.
    """
    keep = set()
    for start in range(0, len(lengths), UPSTREAM_V1_BATCH):
        for k in range(2):
            call = [(r, k) for r in range(start, min(start + UPSTREAM_V1_BATCH, len(lengths)))]
            longest = max(lengths[r][k] for r, k in call)
            keep |= {(r, k) for r, k in call if lengths[r][k] == longest}
    return keep


def largest_gap(a: Scores, b: Scores, ids: list[str], only: set[tuple[int, int]] | None = None) -> float:
    gaps = [
        abs(x - y)
        for r, i in enumerate(ids)
        for k, (x, y) in enumerate(zip(a[i], b[i]))
        if only is None or (r, k) in only
    ]
    return max(gaps)


def report(dataset: Dataset, methods: list[Method], lengths: list[list[int]]) -> None:
    base = methods[0]
    print(f"\n{dataset.name}: {sum(map(len, lengths))} texts, {sum(map(sum, lengths))} tokens")
    print("| method | runs (s) | median (s) | ours / method (median) | ours / method per round |")
    print("|---|---|---:|---:|---|")
    for method in methods:
        median = statistics.median(method.seconds)
        rounds = ", ".join(f"{a / b:.2f}" for a, b in zip(base.seconds, method.seconds))
        runs = ", ".join(f"{s:.2f}" for s in method.seconds)
        print(
            f"| {method.name} | {runs} | {median:.2f} | {statistics.median(base.seconds) / median:.2f} | {rounds} |"
        )
    ids = list(base.scores)
    for method in methods[1:]:
        line = f"largest |reward(ours) - reward({method.name})|: {largest_gap(base.scores, method.scores, ids):.2e}"
        if method.name == UPSTREAM_V1:  # it pads on the left, which moves GPT-2's positions
            keep = unpadded_by_v1(lengths)
            line += (
                f"; on the {len(keep)} texts upstream did not pad: "
                f"{largest_gap(base.scores, method.scores, ids, keep):.2e}"
            )
        print(line)


def bench_dataset(dataset: Dataset, model: Path, work: Path, repeats: int, upstream: Upstream | None) -> None:
    methods = [ours(model, dataset.ours, True), ours(model, dataset.ours, False), naive(model, dataset.naive)]
    if upstream is not None:
        methods.append(upstream.method(dataset.shape))
    print(f"\n{dataset.name}", flush=True)
    for repeat in range(repeats):
        for number, method in enumerate(methods):
            run(method, work / f"out-{dataset.shape}-{repeat}-{number}")
    report(dataset, methods, naive_lengths(work / f"out-{dataset.shape}-{repeats - 1}-2"))


def upstream_versions(python: Path) -> str:
    code = (
        "import importlib.metadata as m; print(', '.join(p + ' ' + m.version(p) for p in "
        "('rewardbench', 'transformers', 'torch', 'datasets', 'accelerate')))"
    )
    return subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--pairs", type=int, default=419, help="LLMBar pairs to score (first N)")
    parser.add_argument("--prompts", type=int, default=100, help="RB2-shaped rows (4 texts each)")
    parser.add_argument(
        "--upstream",
        type=Path,
        default=DEFAULT_UPSTREAM,
        help="the rewardbench executable of upstream's virtual environment",
    )
    parser.add_argument("--data", choices=["pairs", "best-of-4", "both"], default="both")
    args = parser.parse_args()
    import torch

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPU cores, python {platform.python_version()}, "
        f"torch {torch.__version__}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}"
    )
    with tempfile.TemporaryDirectory(prefix="cli-vs-upstream-") as tmp:
        work = Path(tmp)
        model = build_models(work)["classifier"]
        pairs = write_pairs(work / "pairs.jsonl", args.pairs)
        rb2 = write_rb2(work / "rb2.jsonl", args.prompts)
        upstream = None
        if args.upstream.is_file():
            python = args.upstream.parent / "python"
            print(f"upstream: {args.upstream} ({upstream_versions(python)})")
            upstream = Upstream(
                python,
                upstream_model_view(model, work / "upstream"),
                write_upstream_pairs(pairs, work / "pairs-upstream.jsonl"),
                rb2,
            )
        else:
            print(f"upstream: {args.upstream} not found; timing ours and naive only")
        datasets = [
            Dataset(
                "LLMBar pairs",
                "pairs",
                ["--benchmark", str(pairs)],
                ["--benchmark", "rewardbench", "--data", str(pairs)],
            ),
            Dataset(
                f"RB2-shaped best-of-4 ({args.prompts} prompts)",
                "best-of-4",
                ["--benchmark", "rewardbench-2", "--data", str(rb2)],
                ["--benchmark", "rewardbench-2", "--data", str(rb2)],
            ),
        ]
        for dataset in datasets:
            if args.data in (dataset.shape, "both"):
                bench_dataset(dataset, model, work, args.repeats, upstream)


if __name__ == "__main__":
    main()
