"""Benchmark data read from the Hub for real: the emulator serves dataset repos as the Hub lays
them out (parquet under `data/`, a card naming the splits), and the evaluator's own loader reads
them through the unpatched `datasets` client, in a fresh process with its own HF_HOME.

Each load runs in a subprocess: `datasets` and `huggingface_hub` read HF_ENDPOINT, HF_HOME and the
offline switch once, at import, so only a new process reads them exactly as a user's would (and
no cache of one test can serve another).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Optional
from urllib.parse import unquote

from demo.sample_data_rb2 import SAMPLE_RB2_PATH
from evaluator.benchmarks import M_REWARDBENCH, REWARDBENCH, REWARDBENCH_2, get_benchmark
from tests.conftest import REPO_ROOT
from tests.hub_fixtures import hub_fixture, upload_config_dataset, upload_dataset  # noqa: F401 (the `hub` fixture)

# Runs the evaluator's loader on one registered benchmark, with its default data or `core`
# (location, split, revision), and writes what it read as JSON.
LOAD = """
import json, sys
from evaluator.benchmarks import get_benchmark
from results.benchmarks import DataSource
from evaluator.benchmarks.loading import load_benchmark_data
benchmark, core, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
data = load_benchmark_data(get_benchmark(benchmark), core=DataSource(**core) if core else None)
with open(out, "w") as handle:
    json.dump({"examples": [e.canonical() for e in data.examples], "sources": data.sources,
               "revisions": data.revisions}, handle)
"""


def load_in_fresh_process(hub, tmp_path: Path, benchmark: str, core: Optional[dict] = None) -> dict:
    """What `load_benchmark_data` reads, in a new process online against the emulator only."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(
        HF_ENDPOINT=hub.endpoint,
        HF_HOME=str(tmp_path / "hf-home"),
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        HF_DATASETS_DISABLE_PROGRESS_BARS="1",
    )
    out = tmp_path / f"loaded-{len(list(tmp_path.glob('loaded-*')))}.json"
    done = subprocess.run(
        [sys.executable, "-c", LOAD, benchmark, json.dumps(core), str(out)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text())


def v1_rows(tag: str) -> list[dict]:
    """RewardBench v1 rows; ids repeat across subsets, as upstream's do."""
    return [
        {
            "prompt": f"{tag}: question {i} on {subset}?",
            "chosen": f"A good answer {i}.",
            "rejected": f"A poor answer {i}.",
            "chosen_model": "m1",
            "rejected_model": "m2",
            "subset": subset,
            "id": i,
        }
        for subset in ("alpacaeval-easy", "llmbar-natural", "hep-python")
        for i in range(2)
    ]


def canonical_v1(rows: list[dict]) -> list[dict]:
    return [
        {
            "id": r["id"],
            "subset": r["subset"],
            "prompt": [["user", r["prompt"]]],
            "chosen": [r["chosen"]],
            "rejected": [r["rejected"]],
        }
        for r in rows
    ]


def downloads(hub, repo_id: str) -> set[tuple[str, str]]:
    """(revision, path) of every file GET under the dataset's resolve URLs."""
    pattern = re.compile(rf"^/datasets/{re.escape(repo_id)}/resolve/([^/]+)/(.+)$")
    found = set()
    for method, path, status in hub.requests:
        match = pattern.match(path)
        if method == "GET" and status == 200 and match:
            found.add((match.group(1), match.group(2)))
    return found


def test_rewardbench_v1_is_read_from_the_hub_split_filtered(hub, tmp_path):
    source = REWARDBENCH.core_source
    assert (source.location, source.split) == ("allenai/reward-bench", "filtered")
    filtered = v1_rows("filtered")
    sha = upload_dataset(hub, "allenai/reward-bench", {"raw": v1_rows("raw") * 2, "filtered": filtered})

    loaded = load_in_fresh_process(hub, tmp_path, "rewardbench")

    assert loaded["examples"] == canonical_v1(filtered), "only the filtered split, every row, ids kept"
    assert loaded["sources"] == ["allenai/reward-bench (split filtered)"]
    assert (sha, "data/filtered-00000-of-00001.parquet") in downloads(hub, "allenai/reward-bench")
    assert any((tmp_path / "hf-home").rglob("*.arrow")), "the data was cached in this test's HF_HOME"


def _rb2_sample() -> list[dict]:
    return [json.loads(line) for line in SAMPLE_RB2_PATH.read_text(encoding="utf-8").splitlines()]


def test_rewardbench_2_is_read_from_the_hub_split_test_at_the_commit_it_records(hub, tmp_path):
    source = REWARDBENCH_2.core_source
    assert (source.location, source.split) == ("allenai/reward-bench-2", "test")
    rows = _rb2_sample()
    first = upload_dataset(hub, source.location, {"test": rows})

    loaded = load_in_fresh_process(hub, tmp_path / "first", "rewardbench-2")

    assert [(e["subset"], e["id"]) for e in loaded["examples"]] == [(r["subset"], r["id"]) for r in rows]
    by_id = {e["id"]: e for e in loaded["examples"]}
    for row in rows:
        assert (by_id[row["id"]]["chosen"], by_id[row["id"]]["rejected"]) == (row["chosen"], row["rejected"])
    assert len(by_id["tied:0"]["chosen"]) > 1, "Ties rows keep their several correct answers"
    assert loaded["revisions"] == [first], "the commit read is the commit recorded"
    assert {revision for revision, _ in downloads(hub, source.location)} == {first}

    moved = upload_dataset(hub, source.location, {"test": rows[:3]})  # main moves on
    later = load_in_fresh_process(hub, tmp_path / "later", "rewardbench-2")
    assert loaded["revisions"] != later["revisions"] == [moved] and len(later["examples"]) == 3


def test_a_dataset_pinned_to_a_commit_gives_that_commit_s_rows_after_main_moved(hub, tmp_path):
    first_rows, second_rows = v1_rows("first"), v1_rows("second")[:4]
    first = upload_dataset(hub, "org/pinned-bench", {"filtered": first_rows})
    second = upload_dataset(hub, "org/pinned-bench", {"filtered": second_rows})
    assert first != second == hub.head("org/pinned-bench", "dataset")

    source = {"location": "org/pinned-bench", "split": "filtered"}
    pinned = load_in_fresh_process(hub, tmp_path / "pinned", "rewardbench", {**source, "revision": first})
    latest = load_in_fresh_process(hub, tmp_path / "latest", "rewardbench", source)

    assert pinned["examples"] == canonical_v1(first_rows), "the old rows come back at the old commit"
    assert latest["examples"] == canonical_v1(second_rows)
    assert (pinned["revisions"], latest["revisions"]) == ([first], [second])


def _language_rows(language: str, with_column: bool) -> list[dict]:
    """M-RewardBench's Hub columns: the subset in `source`; `language` in the rows or only in the
    config's name."""
    rows = [
        {"id": i, "prompt": f"[{language}] question {i}?", "chosen": f"good {i}", "rejected": f"bad {i}",
         "chosen_model": "m1", "rejected_model": "m2", "source": subset}
        for i, subset in enumerate(("alpacaeval-easy", "donotanswer", "hep-go"))
    ]
    return [{**row, "language": language} for row in rows] if with_column else rows


def test_m_rewardbench_reads_one_config_per_language_from_the_hub(hub, tmp_path):
    source = M_REWARDBENCH.core_source
    assert source.location == "C4AI-Community/multilingual-reward-bench" and source.split == "test"
    configs = {"deu_Latn": _language_rows("deu_Latn", True), "eng_Latn": _language_rows("eng_Latn", False)}
    sha = upload_config_dataset(hub, source.location, configs)

    core = {"location": source.location, "split": "test", "configs": ["deu_Latn", "eng_Latn"]}
    loaded = load_in_fresh_process(hub, tmp_path, "m-rewardbench", core)

    subsets = [e["subset"] for e in loaded["examples"]]
    assert subsets == [f"{lang}/{s}" for lang in configs for s in ("alpacaeval-easy", "donotanswer", "hep-go")]
    assert [e["prompt"][0][1] for e in loaded["examples"]][:1] == ["[deu_Latn] question 0?"]
    assert loaded["revisions"] == [sha]
    assert {path for _, path in downloads(hub, source.location)} >= {
        "deu_Latn/test-00000-of-00001.parquet", "eng_Latn/test-00000-of-00001.parquet"}


SHARED = REPO_ROOT.parent / "shared" / "data"


def _needs_shared() -> None:
    if not (SHARED / "judgebench").is_dir():
        import pytest

        pytest.skip("../shared/data is not beside this checkout")


def test_judgebench_reads_split_gpt_from_the_hub_and_leaves_claude(hub, tmp_path):
    """ScalerLab/JudgeBench holds two splits, `gpt` (350 pairs, the headline set) and `claude` (270):
    the benchmark reads `gpt` only, every pair with its id, each in the category of its source."""
    _needs_shared()
    from results.benchmarks.judgebench import JUDGEBENCH, category_of

    source = JUDGEBENCH.core_source
    assert (source.location, source.split) == ("ScalerLab/JudgeBench", "gpt")
    read = lambda name: [json.loads(x) for x in (SHARED / "judgebench" / name).read_text().splitlines()]  # noqa: E731
    gpt, claude = read("gpt-4o-2024-05-13.jsonl"), read("claude-3-5-sonnet-20240620.jsonl")
    sha = upload_dataset(hub, source.location, {"gpt": gpt, "claude": claude})

    loaded = load_in_fresh_process(hub, tmp_path, "judgebench")

    assert len(gpt) == 350 and [e["id"] for e in loaded["examples"]] == [p["pair_id"] for p in gpt]
    assert [e["subset"] for e in loaded["examples"]] == [category_of(p["source"]) for p in gpt]
    assert loaded["revisions"] == [sha]
    # (`datasets` fetches every split's file to build the dataset; the rows read are gpt's only)
    assert (sha, "data/gpt-00000-of-00001.parquet") in downloads(hub, source.location)


def test_rm_bench_reads_split_train_from_the_hub_each_row_in_its_domain(hub, tmp_path):
    """THU-KEG/RM-Bench's split `train` holds every domain, each row naming its `domain`; safety-refuse
    and safety-response rows pool into one Safety domain, the three styles of each answer kept in order."""
    _needs_shared()
    from results.benchmarks.rm_bench import RM_BENCH

    source = RM_BENCH.core_source
    assert (source.location, source.split) == ("THU-KEG/RM-Bench", "train")
    rows = []
    for name in ("chat", "code", "safety-refuse", "safety-response"):
        for row in json.loads((SHARED / "rm-bench" / f"{name}_filtered.json").read_text())[:5]:
            rows.append({k: row[k] for k in ("id", "prompt", "chosen", "rejected")} | {"domain": name})
    sha = upload_dataset(hub, source.location, {"train": rows})

    loaded = load_in_fresh_process(hub, tmp_path, "rm-bench")

    expected_domain = {"chat": "chat", "code": "code", "safety-refuse": "safety", "safety-response": "safety"}
    assert [(e["id"], e["subset"]) for e in loaded["examples"]] == [(r["id"], expected_domain[r["domain"]]) for r in rows]
    assert [e["chosen"] for e in loaded["examples"]] == [r["chosen"] for r in rows]  # three styles, in order
    assert [e["rejected"] for e in loaded["examples"]] == [r["rejected"] for r in rows]
    assert loaded["revisions"] == [sha]


def test_rmb_is_read_from_a_hub_dataset_in_the_authors_layout_file_by_file(hub, tmp_path):
    """A Hub dataset holding RMB_dataset/ as the authors lay it out: the loader downloads its files at
    the resolved commit and reads the scenario of each from its path, as from a local folder."""
    from demo.sample_data_rmb_scenarios import SAMPLE_RMB_SCENARIOS_PATH
    from evaluator.benchmarks.loading import load_benchmark_data
    from results.benchmarks import DataSource
    from results.benchmarks.rmb import RMB

    repo = "org/rmb-mirror"
    hub.create_repo(repo, "dataset")
    files = {p.relative_to(SAMPLE_RMB_SCENARIOS_PATH).as_posix(): p.read_bytes()
             for p in sorted(SAMPLE_RMB_SCENARIOS_PATH.rglob("*.json"))}
    # A row whose path is its only record of its scenario: the path must reach the row mapping.
    moved = json.loads(files["RMB_dataset/BoN_set/Harmlessness/S2.json"])
    for row in moved:
        del row["category_path"]
    files["RMB_dataset/BoN_set/Harmlessness/S9.json"] = json.dumps(moved).encode()
    sha = hub.commit(repo, {**files, "README.md": b"# a mirror\n"}, "dataset")

    loaded = load_in_fresh_process(hub, tmp_path, "rmb", {"location": repo})

    local = load_benchmark_data(RMB, DataSource(str(SAMPLE_RMB_SCENARIOS_PATH)))
    expected = [e.canonical() for e in local.examples]
    expected += [{**e, "subset": "BoN/Harmlessness/S9"} for e in expected if e["subset"] == "BoN/Harmlessness/S2"]
    key = lambda e: (e["subset"], str(e["id"]))  # noqa: E731
    assert sorted(loaded["examples"], key=key) == sorted(expected, key=key)
    assert loaded["revisions"] == [sha]
    assert {revision for revision, _ in downloads(hub, repo)} == {sha}
    assert {unquote(path) for _, path in downloads(hub, repo)} == set(files), "the data files only"


def test_ppe_correctness_reads_its_five_hub_datasets_each_as_its_set_at_its_own_commit(hub, tmp_path):
    from demo.sample_data_ppe_correctness import sample_rows

    spec = get_benchmark("ppe-correctness")
    shas = {}
    for name, repo in spec.core_source.datasets:  # the real sets have no `subset` column: the dataset names it
        rows = [{k: v for k, v in r.items() if k != "subset"} for r in sample_rows() if r["subset"] == name]
        shas[name] = upload_dataset(hub, repo, {"train": rows})

    loaded = load_in_fresh_process(hub, tmp_path, "ppe-correctness")

    assert [e["subset"] for e in loaded["examples"]] == [r["subset"] for r in sample_rows()]
    assert loaded["revisions"] == [shas[name] for name, _ in spec.core_source.datasets]
    assert loaded["sources"] == [f"lmarena-ai/PPE-{name}-Best-of-K (split train)" for name in shas]
    for example, row in zip(loaded["examples"], sample_rows()):
        assert len(example["chosen"]) == sum(row["scores"]) and len(example["pairs"]) == len(row["sampled_conflict_pairs"])
