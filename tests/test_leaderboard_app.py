"""app.py wiring: settings from the environment, the store they choose, and a light web process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import app
from leaderboard.app_settings import AppSettings, SettingsError
from results.store import LocalStore

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_settings_come_from_the_environment():
    settings = AppSettings.from_env(
        {
            "RMLB_STORE_ROOT": "/data/lb",
            "RMLB_MAX_SUBMISSIONS_PER_WEEK": "2",
            "RMLB_ALLOW_REMOTE_CODE": "true",
            "HF_ENDPOINT": "http://127.0.0.1:9",
            "HF_TOKEN": "hf_secret",
            "SPACE_ID": "org/space",
            "SYSTEM": "spaces",
        }
    )
    assert settings.store_root == Path("/data/lb") and settings.max_submissions_per_week == 2
    assert settings.allow_remote_code and settings.on_space
    assert settings.hub_endpoint == "http://127.0.0.1:9" and settings.token == "hf_secret"
    assert "hf_secret" not in repr(settings)
    assert not AppSettings.from_env({"SPACE_ID": "org/space"}).on_space  # Gradio needs SYSTEM=spaces too
    assert settings.server_name == "0.0.0.0"  # a Space reaches the app from outside its container
    assert AppSettings.from_env({}).server_name == "127.0.0.1"  # elsewhere, this machine only
    on_space = {"SPACE_ID": "org/space", "SYSTEM": "spaces"}
    assert AppSettings.from_env({**on_space, "RMLB_SERVER_NAME": "10.0.0.2"}).server_name == "10.0.0.2"


def test_bad_settings_name_the_variable():
    with pytest.raises(SettingsError, match="RMLB_REFRESH_INTERVAL_S"):
        AppSettings.from_env({"RMLB_REFRESH_INTERVAL_S": "soon"})


def test_local_store_by_default_and_hub_store_when_a_results_repo_is_set(tmp_path):
    local = app.build_store(AppSettings(store_root=tmp_path / "data"))
    assert isinstance(local, LocalStore) and local.root == tmp_path / "data"

    hub_settings = AppSettings.from_env(
        {"RMLB_RESULTS_REPO": "org/results", "RMLB_HUB_CACHE": str(tmp_path / "c")}
    )
    assert hub_settings.store_kind == "hub"
    from results.hub_store import HubStore

    hub = app.build_store(hub_settings)
    assert (
        isinstance(hub, HubStore) and hub.results_repo == "org/results" and hub.requests_repo == "org/results"
    )
    assert AppSettings.from_env({"RMLB_RESULTS_REPO": "org/r", "RMLB_STORE": "local"}).store_kind == "local"


def test_the_web_process_never_loads_torch_transformers_or_the_evaluator():
    probe = (
        "import sys, app, leaderboard.ui, leaderboard.submission.submit;"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers', 'evaluator'));"
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_on_a_space_the_submitter_is_the_signed_in_hub_user(tmp_path):
    import typing

    import gradio as gr

    from leaderboard.data import ResultsCache
    from leaderboard.submission.submit import Submissions
    from leaderboard.pages.submission import submit_handler

    store = LocalStore(tmp_path)
    settings = AppSettings(on_space=True, max_submissions_per_week=0)
    on_submit = submit_handler(ResultsCache(store), Submissions(store, settings), signed_in=True)
    assert (
        typing.get_type_hints(on_submit)["profile"] == typing.Optional[gr.OAuthProfile]
    )  # what Gradio fills
    fields = ("acme/rm", "main", "classifier", "", "tokenizer", "auto", "mt-bench-pairwise", 1, 0.0, ["rewardbench"])
    assert "sign in with Hugging Face" in on_submit(*fields, None)
    profile = gr.OAuthProfile({"name": "Alice", "preferred_username": "alice", "profile": "", "picture": ""})
    assert "not taking submissions" in on_submit(*fields, profile)  # got past "who is submitting"


@pytest.mark.parametrize(
    "custom, published, visible",
    [(False, False, False), (True, False, True), (False, True, False), (True, True, True)],
)
def test_the_benchmark_choice_shows_whenever_a_result_is_not_on_the_configured_benchmark(
    custom, published, visible
):
    from leaderboard.data import Snapshot
    from leaderboard.tables.table import build_tables
    from leaderboard.pages.common import benchmark_choice_visible
    from tests.leaderboard_fixtures import make_result, result_bytes, subset_levels

    # custom: the demo's case, every result is on the sample file, so the page must say which data
    result = make_result("org/rm", subset_levels(0.8), custom_data=custom, data_source="sample.jsonl")
    files = [("eval-set/org/rm.json", result_bytes(result))]
    if published:
        files.append(("eval-set/org/other.json", result_bytes(make_result("org/other", subset_levels(0.7)))))
    snapshot = Snapshot(tables=build_tables(files))
    assert benchmark_choice_visible(snapshot, AppSettings()) is visible
