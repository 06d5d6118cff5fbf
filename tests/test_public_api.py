"""Issue 28, point 3: the API is deliberate. Four named endpoints (`/leaderboard`, `/csv`, `/examples`,
`/submit`), each called here through `gradio_client` and checked against answers worked out from the
fixture data; every other event of the page is private (not listed, not callable by the client);
About lists the four.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from leaderboard.app_settings import AppSettings
from leaderboard.endpoints import PUBLIC
from results.model_types import MODEL_TYPES
from tests.browser_fixtures import serving_store
from tests.examples_fixtures import scored, store_result, text
from tests.leaderboard_fixtures import EXPECTED_ORDER, FIXTURE_MODELS, fixture_store

EXAMPLES_MODEL = "acme/rm-examples"
REWARDS = [((0.9,), (0.1,)), ((0.2,), (0.8,)), ((0.6,), (0.5,))]  # right, wrong, right


def model_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "config.json").write_text(json.dumps({"model_type": "gpt2"}))
    (path / "model.safetensors").write_bytes(b"weights of " + path.name.encode())
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    from gradio_client import Client

    root = tmp_path_factory.mktemp("api")
    store = fixture_store(root / "store")
    texts = [text("alpacaeval-easy", i, f"question {i}", [f"good {i}"], [f"bad {i}"]) for i in range(3)]
    store_result(store, EXAMPLES_MODEL, texts, scored(texts, REWARDS), level=0.3)
    models = root / "models"
    settings = AppSettings(
        store="local",
        store_root=store.root,
        allow_local_models=True,
        local_model_roots=(str(models),),
        benchmarks=("rewardbench",),
        hub_endpoint="http://127.0.0.1:9",  # no Hub: local folders only
    )
    with serving_store(store, settings, root / "exports") as (url, cache):
        yield {"url": url, "client": Client(url, verbose=False), "models": models, "cache": cache}


def test_the_api_lists_exactly_the_four_named_endpoints(site):
    api = site["client"].view_api(return_format="dict", print_info=False)
    assert set(api["named_endpoints"]) == {f"/{name}" for name in PUBLIC} == {
        "/leaderboard", "/csv", "/examples", "/submit"
    }
    assert api["unnamed_endpoints"] == {}
    config = httpx.get(site["url"] + "config", timeout=30).json()
    internal = [d for d in config["dependencies"] if d["api_name"] not in PUBLIC]
    assert internal and all(d["api_visibility"] == "private" for d in internal)
    # e.g. the Leaderboard table's re-render: Gradio's generated name, refused by the client
    [render] = [d["api_name"] for d in internal if d["api_name"].startswith("render")][:1]
    with pytest.raises(Exception):
        site["client"].predict("", api_name=f"/{render}")


def test_leaderboard_returns_the_ranked_rows_with_the_filters_of_the_tab(site):
    client = site["client"]
    rows = client.predict("rewardbench", "", None, False, False, api_name="/leaderboard")
    scores = {r["Model"]: r["Score"] for r in rows}
    # the known order of the fixture; the examples result (score 2/3 of its tests) sits by its score
    expected = sorted(scores, key=lambda m: -scores[m])
    assert [r["Model"] for r in rows] == expected
    assert [m for m in expected if m != EXAMPLES_MODEL] == list(EXPECTED_ORDER)
    assert scores[EXAMPLES_MODEL] == pytest.approx(100 * 2 / 3, abs=0.05)

    searched = client.predict("rewardbench", "acme rm", None, False, False, api_name="/leaderboard")
    assert [r["Model"] for r in searched] == [m for m in expected if "acme" in m and "rm" in m]

    dpo = MODEL_TYPES["dpo"].label
    only_dpo = client.predict("rewardbench", "", [dpo], False, False, api_name="/leaderboard")
    assert [r["Model"] for r in only_dpo] == [m.model for m in FIXTURE_MODELS if m.model_type == "dpo"]


def test_csv_is_the_same_rows_as_csv_text(site):
    client = site["client"]
    rows = client.predict("rewardbench", "", None, False, False, api_name="/leaderboard")
    text_ = client.predict("rewardbench", "", None, False, False, api_name="/csv")
    parsed = list(csv.DictReader(io.StringIO(text_)))
    assert [r["Model"] for r in parsed] == [r["Model"] for r in rows]
    assert [float(r["Score"]) for r in parsed] == [r["Score"] for r in rows]


def test_examples_returns_one_result_s_examples_with_their_outcome(site):
    client = site["client"]
    every = client.predict(EXAMPLES_MODEL, "rewardbench", "all", "all", "", 100, api_name="/examples")
    assert [(e["ID"], e["Right"]) for e in every] == [("0", True), ("1", False), ("2", True)]
    margins = [round(c[0] - r[0], 6) for c, r in REWARDS]
    assert [round(e["Margin"], 6) for e in every] == margins
    wrong = client.predict(EXAMPLES_MODEL, "rewardbench", "all", "wrong", "", 100, api_name="/examples")
    assert [e["ID"] for e in wrong] == ["1"]


def test_an_unknown_benchmark_or_model_is_refused_with_the_choices(site):
    with pytest.raises(Exception, match="no results on benchmark 'nope'.*rewardbench"):
        site["client"].predict("nope", "", None, False, False, api_name="/leaderboard")
    with pytest.raises(Exception, match="no result of 'acme/none' on rewardbench"):
        site["client"].predict("acme/none", "rewardbench", "all", "all", "", 10, api_name="/examples")


def submit(site: dict, model: str, name: str = "alice") -> str:
    values = (model, "main", "classifier", "", "tokenizer", "auto", "mt-bench-pairwise", 1, 0, ["rewardbench"], name)
    return re.sub(r"\\(.)", r"\1", site["client"].predict(*values, api_name="/submit"))


def test_submit_makes_the_checks_of_the_form(site):
    folder = model_folder(site["models"] / "lab" / "api-rm")
    assert submit(site, str(folder), name="").startswith("**Not queued.**")  # no submitter name
    assert submit(site, str(folder)).startswith("**Queued**")
    again = submit(site, str(folder))
    assert again.startswith("**Not queued.**") and "already" in again  # a duplicate, as on the form
    missing = submit(site, str(site["models"] / "lab" / "absent"))
    assert missing.startswith("**Not queued.**")


def test_about_lists_the_public_endpoints(site):
    config = httpx.get(site["url"] + "config", timeout=30).json()
    [about] = [c["props"]["value"] for c in config["components"] if c.get("props", {}).get("elem_id") == "about-api"]
    assert all(f"`/{name}`" in about for name in PUBLIC)
