"""Result files for leaderboard tests: EvalResults in our schema, flat published files, bad files.

`fixture_store(root)` fills a LocalStore with a small, known leaderboard (`FIXTURE_MODELS`), a
published-format file whose model name is an HTML injection, and two files that must be skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Optional

from fakes.eval_results import FINISHED, make_result, subset_levels
from results.benchmarks.rewardbench import REWARDBENCH_SECTIONS
from results.benchmarks.rewardbench2 import REWARDBENCH_2_SUBSETS
from results.benchmarks.sections import subset_order
from results.schema import EvalResult
from results.store import LocalStore, legacy_result_path, result_paths

XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_TYPE = "<img src=y onerror=alert(2)>"  # the model type of the same file: labels must be text too
CORE_SUBSETS = subset_order(REWARDBENCH_SECTIONS[:4])


def published_result(model: str, subsets: dict[str, float], model_type: str = "Seq. Classifier") -> dict:
    """A file in the flat layout of the published RewardBench results."""
    return {"model": model, "model_type": model_type, "chat_template": "tokenizer", **subsets}


def result_bytes(result: EvalResult) -> bytes:
    """The file as written: fields left unset (`exclude_unset`) are absent, as in older files."""
    doc = result.model_dump(mode="json")
    if "missing_subsets" not in result.benchmark.model_fields_set:
        del doc["benchmark"]["missing_subsets"]
    return json.dumps(doc, indent=2).encode()


def write_result(store: LocalStore, result: EvalResult) -> None:
    org, name = result.model.name.split("/")
    store.write_file(legacy_result_path(org, name), result_bytes(result))


def write_published(store: LocalStore, org: str, name: str, doc: dict) -> None:
    store.write_file(legacy_result_path(org, name), json.dumps(doc, indent=2).encode())


# ---- RewardBench 2 beside v1 (issue 11) -------------------------------------------------------------

RB2 = "rewardbench-2"
RB2_NEW_REVISION = "fedcba9876543210fedcba9876543210fedcba98"
RB2_OLD_REVISION = "1111111111111111111111111111111111111111"


def rb2_levels(*values: float) -> dict[str, float]:
    """RewardBench 2 subset accuracies, in the order Factuality, Precise IF, Math, Safety, Focus, Ties."""
    return dict(zip(REWARDBENCH_2_SUBSETS, values, strict=True))


RB2_LARGE = rb2_levels(0.70, 0.40, 0.60, 0.90, 0.80, 0.50)  # mean 0.65
RB2_LARGE_OLD = rb2_levels(0.60, 0.30, 0.50, 0.80, 0.70, 0.40)  # mean 0.55, an earlier commit
RB2_JUDGE = rb2_levels(0.80, 0.60, 0.70, 0.95, 0.85, 0.60)  # mean 0.75, a published flat file
RB2_DPO = rb2_levels(0.65, 0.35, 0.55, 0.85, 0.75, 0.45)  # mean 0.60
RB2_ORDER = ("openlab/judge-x", "acme/rm-large", "tulu/dpo-8b")  # by plain mean
RB2_COLUMNS = ("Score", *REWARDBENCH_2_SUBSETS)
RB2_PUBLISHED_PATH = "eval-set/rb2-published/openlab/judge-x.json"


def rb2_result(model: str, subsets: dict[str, float], **fields) -> EvalResult:
    return make_result(model, subsets, benchmark=RB2, data_source="allenai/reward-bench-2", **fields)


def add_rewardbench_2(store: LocalStore) -> LocalStore:
    """RewardBench 2 results beside the v1 ones of `fixture_store`, all in the store at once:
    acme/rm-large at two commits (the newer shown by default), tulu/dpo-8b, and a published flat v2
    file of openlab/judge-x (its own folder, so it does not replace the v1 flat file)."""
    older = FINISHED - timedelta(days=30)
    results = [
        rb2_result("acme/rm-large", RB2_LARGE, revision=RB2_NEW_REVISION, num_parameters=70_000_000_000),
        rb2_result("acme/rm-large", RB2_LARGE_OLD, revision=RB2_OLD_REVISION, finished=older),
        rb2_result("tulu/dpo-8b", RB2_DPO, model_type="dpo", num_parameters=8_000_000_000),
    ]
    for result in results:
        store.write_file(result_paths(result)[0], result_bytes(result))
    flat = published_result("openlab/judge-x", RB2_JUDGE, "Generative")
    store.write_file(RB2_PUBLISHED_PATH, json.dumps(flat, indent=2).encode())
    return store


@dataclass(frozen=True)
class FixtureModel:
    model: str
    model_type: str  # our key, or a published label for published files
    level: float
    published: bool = False
    num_parameters: Optional[int] = None


FIXTURE_MODELS: tuple[FixtureModel, ...] = (
    FixtureModel("acme/rm-large", "classifier", 0.90, num_parameters=70_000_000_000),
    FixtureModel("acme/rm-small", "classifier", 0.70, num_parameters=1_500_000_000),
    FixtureModel("tulu/dpo-8b", "dpo", 0.80, num_parameters=8_000_000_000),
    FixtureModel("openlab/judge-x", "Generative", 0.85, published=True),
    FixtureModel("oldlab/classic-rm", "Seq. Classifier", 0.60, published=True),
)
XSS_LEVEL = 0.65
# The leaderboard order by score: the levels are at least 0.05 apart and the spread only moves a
# score by about 0.002, so the order is that of the levels.
EXPECTED_ORDER = (
    "acme/rm-large",
    "openlab/judge-x",
    "tulu/dpo-8b",
    "acme/rm-small",
    XSS_NAME,
    "oldlab/classic-rm",
)


# Left out of the default view: an incomplete result (no Safety, no Reasoning) that would top the
# table, and a result on custom data (listed under its own benchmark label); its data path is local.
INCOMPLETE_NAME = "partial/rm-chat-only"
INCOMPLETE_SUBSETS = subset_order(REWARDBENCH_SECTIONS[:2])
CUSTOM_NAME = "acme/rm-custom"
CUSTOM_DATA_PATH = "/home/alice/secret-project/llmbar-pairs.jsonl"
CUSTOM_BENCHMARK = "rewardbench · custom data: llmbar-pairs.jsonl"
LOCAL_MODEL_PATH = "/home/alice/models/acme/rm-custom"


def fixture_store(root: Path) -> LocalStore:
    store = LocalStore(root)
    for m in FIXTURE_MODELS:
        if m.published:
            org, name = m.model.split("/")
            write_published(
                store,
                org,
                name,
                published_result(m.model, subset_levels(m.level, 0.05, CORE_SUBSETS), m.model_type),
            )
        else:
            write_result(
                store,
                make_result(
                    m.model,
                    subset_levels(m.level, 0.05),
                    model_type=m.model_type,
                    num_parameters=m.num_parameters,
                ),
            )
    write_result(
        store,
        make_result(INCOMPLETE_NAME, subset_levels(0.99, 0.0, INCOMPLETE_SUBSETS), num_parameters=22_100_000),
    )
    write_result(
        store,
        make_result(
            CUSTOM_NAME,
            subset_levels(0.95, 0.0, CORE_SUBSETS),
            model_id=LOCAL_MODEL_PATH,
            data_source=CUSTOM_DATA_PATH,
            custom_data=True,
            missing_subsets=[],
        ),
    )
    write_published(
        store,
        "evil",
        "xss",
        published_result(XSS_NAME, subset_levels(XSS_LEVEL, 0.0, CORE_SUBSETS), XSS_TYPE),
    )
    store.write_file(
        legacy_result_path("broken", "truncated"), b'{"model": "broken/truncated", "alpacaeval-easy": 0.'
    )
    incomplete = make_result("broken/incomplete", subset_levels(0.5)).model_dump(mode="json")
    del incomplete["timings"]
    store.write_file(legacy_result_path("broken", "incomplete"), json.dumps(incomplete).encode())
    return store


# ---- models on the Hub emulator, for submission tests -------------------------------------------


def safetensors_weights(num_parameters: int) -> bytes:
    import numpy as np
    from safetensors.numpy import save

    return save({"score.weight": np.zeros((num_parameters,), dtype=np.float32)})


def publish_model(
    hub,
    repo_id: str,
    *,
    license: Optional[str] = "apache-2.0",
    weights: str = "model.safetensors",
    num_parameters: int = 1000,
    auto_map: bool = False,
    gated: bool = False,
) -> str:
    """Create `repo_id` on the emulator with a config, weights and a model card; returns the commit sha."""
    config: dict = {"architectures": ["GPT2ForSequenceClassification"], "model_type": "gpt2"}
    if auto_map:
        config["auto_map"] = {"AutoModelForSequenceClassification": "modeling_rm.RewardModel"}
    card = f"---\nlicense: {license}\n---\n# {repo_id}\n" if license else f"# {repo_id}\n"
    data = safetensors_weights(num_parameters) if weights.endswith(".safetensors") else b"\x80\x02pickle"
    hub.create_repo(repo_id, "model", gated=gated, exist_ok=True)
    return hub.commit(
        repo_id,
        {"config.json": json.dumps(config).encode(), weights: data, "README.md": card.encode()},
        "model",
        message=f"publish {repo_id}",
    )
