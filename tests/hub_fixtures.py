"""Pytest fixtures around the Hub emulator: start it, point `huggingface_hub` at it, upload models.

Use from a test module with `from tests.hub_fixtures import hub_fixture  # noqa: F401` (pytest
finds fixtures in the module's namespace; the fixture's name is `hub`), or load the module for the
whole suite from conftest.py with `pytest_plugins = ["tests.hub_fixtures"]`.

`huggingface_hub` reads `HF_ENDPOINT`, `HF_HUB_OFFLINE` and `HF_HUB_CACHE` once, at import, into
`huggingface_hub.constants`; setting the environment variables alone does not move a client that is
already imported. `point_client_at` therefore patches both: the environment (for subprocesses and
anything imported later) and the constants (for this process).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator, Optional, Union

import pytest

from fakes.hub_emulator import HubEmulator

EMULATOR_TOKEN = "hf_emulator_write_token"


def point_client_at(monkeypatch: pytest.MonkeyPatch, endpoint: str, cache_dir: Path) -> None:
    """Send every `huggingface_hub` call of this test to `endpoint`, online, caching in `cache_dir`."""
    from huggingface_hub import constants

    for key, value in client_env(endpoint, cache_dir).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(constants, "ENDPOINT", endpoint)
    monkeypatch.setattr(
        constants, "HUGGINGFACE_CO_URL_TEMPLATE", endpoint + "/{repo_id}/resolve/{revision}/{filename}"
    )
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache_dir))


def client_env(endpoint: str, cache_dir: Path) -> dict[str, str]:
    """The environment that points a `huggingface_hub` in a subprocess at `endpoint`."""
    return {
        "HF_ENDPOINT": endpoint,
        "HF_HUB_OFFLINE": "0",
        "HF_HUB_CACHE": str(cache_dir),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    }


@pytest.fixture(name="hub")
def hub_fixture(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HubEmulator]:
    """A running Hub emulator that this test's `huggingface_hub` calls reach (writes need
    `EMULATOR_TOKEN`); the client's download cache is `tmp_path / "hf-cache"`."""
    emulator = HubEmulator(token=EMULATOR_TOKEN).start()
    point_client_at(monkeypatch, emulator.endpoint, tmp_path / "hf-cache")
    try:
        yield emulator
    finally:
        emulator.stop()


def upload_model(
    hub: HubEmulator,
    repo_id: str,
    folder: Union[str, Path],
    *,
    license: Optional[str] = "apache-2.0",
    gated: Union[bool, str] = False,
    extra_files: Optional[dict[str, bytes]] = None,
) -> str:
    """Publish a saved model folder as model repo `repo_id` (with a model card); returns the commit sha."""
    hub.create_repo(repo_id, "model", gated=gated, exist_ok=True)
    folder = Path(folder)
    files = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }
    front_matter = {"library_name": "transformers", **({"license": license} if license else {})}
    files["README.md"] = f"---\n{json.dumps(front_matter)}\n---\n# {repo_id}\n".encode()
    files.update(extra_files or {})
    return hub.commit(repo_id, files, "model", message=f"upload {repo_id}")


def dataset_card(splits) -> bytes:
    """A dataset card whose `configs:` maps each split to its parquet files, as the Hub writes it
    for a dataset pushed with `push_to_hub` (allenai/reward-bench: `raw` and `filtered`)."""
    lines = ["---", "configs:", "- config_name: default", "  data_files:"]
    for split in splits:
        lines += [f"  - split: {split}", f"    path: data/{split}-*"]
    return ("\n".join([*lines, "---", "# test dataset", ""])).encode()


def parquet_bytes(rows: list[dict]) -> bytes:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), buffer)
    return buffer.getvalue()


def upload_dataset(
    hub: HubEmulator, repo_id: str, splits: dict[str, list[dict]], *, sha: Optional[str] = None
) -> str:
    """Publish `splits` (split name -> rows) as dataset repo `repo_id`, laid out as on the Hub: one
    `data/<split>-00000-of-00001.parquet` per split and a card naming them. A second call is a
    second commit: its splits' files replace theirs, and the card names only its splits. `sha`
    fixes the commit's id (a pinned revision). Returns the commit sha."""
    hub.create_repo(repo_id, "dataset", exist_ok=True)
    files = {f"data/{split}-00000-of-00001.parquet": parquet_bytes(rows) for split, rows in splits.items()}
    files["README.md"] = dataset_card(splits)
    return hub.commit(repo_id, files, "dataset", message=f"upload {', '.join(splits)}", sha=sha)


def upload_config_dataset(hub: HubEmulator, repo_id: str, configs: dict[str, list[dict]], split: str = "test") -> str:
    """Publish one config per key (config name -> rows of its `split`), laid out as a dataset of many
    configs is on the Hub (C4AI-Community/multilingual-reward-bench: `<config>/test-00000-of-00001.parquet`
    and a card naming each config's files). Returns the commit sha."""
    hub.create_repo(repo_id, "dataset", exist_ok=True)
    files = {f"{name}/{split}-00000-of-00001.parquet": parquet_bytes(rows) for name, rows in configs.items()}
    lines = ["---", "configs:"]
    for name in configs:
        lines += [f"- config_name: {name}", "  data_files:", f"  - split: {split}", f"    path: {name}/{split}-*"]
    files["README.md"] = "\n".join([*lines, "---", "# test dataset", ""]).encode()
    return hub.commit(repo_id, files, "dataset", message=f"upload {', '.join(configs)}")


# ---- stores and requests shared by the store, queue and worker tests ---------------------------

RESULTS_REPO = "lb-org/results"
REQUESTS_REPO = "lb-org/requests"


def make_hub_store(hub: HubEmulator, cache_dir: Path, attempts: int = 4, **options):
    """A HubStore on the emulator with quick retries (results and requests in separate repos)."""
    from results.hub_store import HubStore, RetryPolicy

    return HubStore(
        RESULTS_REPO,
        REQUESTS_REPO,
        EMULATOR_TOKEN,
        cache_dir=cache_dir,
        endpoint=hub.endpoint,
        retry=RetryPolicy(attempts=attempts, first_delay_s=0.01, max_delay_s=0.05),
        **options,
    )


def make_store(kind: str, hub: HubEmulator, folder: Path):
    """A fresh store object of `kind` ("local" or "hub"); objects made on the same folder (local)
    or emulator (hub) see the same data, as two processes would."""
    from results.store import LocalStore

    if kind == "local":
        return LocalStore(folder / "store")
    import uuid

    return make_hub_store(hub, folder / f"hub-cache-{uuid.uuid4().hex[:6]}")


def make_request(request_id: str, model: str = "org/tiny", *, minutes_ago: float = 0, **fields):
    """A PENDING request for `model`, submitted `minutes_ago` (older requests are claimed first)."""
    from datetime import datetime, timedelta, timezone

    from results.names import storage_name
    from results.schema import EvalRequest

    org, name = storage_name(model, is_local_path=Path(model).is_absolute())
    submitted = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
    return EvalRequest(
        request_id=request_id, model=model, org=org, name=name, submitted_at=submitted, **fields
    )


def _tag(*parts: str) -> float:
    """A number in [0, 1) that differs between outcomes (stable across runs, unlike hash())."""
    import hashlib

    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16) / 16**8


def sample_outcome(
    model_name: str = "org/tiny",
    *,
    benchmark: str = "rewardbench",
    revision: str = "abc",
    custom_data: bool = False,
    fingerprint: str = "f",
):
    """A small real EvalResult and its per-example scores (built by hand, no model needed); the
    scores differ by benchmark and revision, so tests can tell whose scores they read."""
    from datetime import datetime, timezone

    from results.schema import (
        BenchmarkInfo,
        Environment,
        EvalResult,
        ExampleScore,
        ModelInfo,
        RunSettings,
        RunStats,
        SubsetScore,
        Timings,
    )

    now = datetime.now(timezone.utc)
    result = EvalResult(
        model=ModelInfo(
            id=model_name,
            name=model_name,
            model_type="classifier",
            revision_resolved=revision,
            chat_template="tokenizer",
        ),
        benchmark=BenchmarkInfo(
            name=benchmark,
            data_source="x.jsonl",
            data_fingerprint=fingerprint,
            num_examples=2,
            custom_data=custom_data,
        ),
        settings=RunSettings(
            device="cpu",
            dtype="float32",
            max_length=64,
            batch_tokens=128,
            bootstrap_samples=1,
            bootstrap_seed=0,
        ),
        environment=Environment(python="3", platform="linux", libraries={}, code_version="test"),
        timings=Timings(
            started_at=now, finished_at=now, load_data_s=0, load_model_s=0, tokenize_s=0, score_s=0, total_s=0
        ),
        stats=RunStats(num_texts=4, num_truncated=0, real_tokens=10, padded_tokens=12),
        subsets={"llmbar-natural": SubsetScore(accuracy=0.5, n=2)},
        sections={},
    )
    examples = [
        ExampleScore(
            id=f"e{i}",
            subset="llmbar-natural",
            scores_chosen=[float(i)],
            scores_rejected=[_tag(benchmark, revision)],
            correct=float(i > 0.5),
        )
        for i in range(2)
    ]
    return result, examples
