"""Issue 29, "What a hostile visitor found": each defect probed as a visitor would, through the served
app (its API with `gradio_client`, Gradio's routes with HTTP) over a store holding hostile files.

The app runs in this process over a fixture store plus a result folder and a request folder named
`<img src=x onerror=alert(1)>`, takes local model folders from one root, and answers at most
`WEEKLY` submissions per name and per client address.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from leaderboard.app_settings import AppSettings
from leaderboard.submission.submit import SubmissionForm, Submissions
from results.store import LocalStore, result_paths
from tests.browser_fixtures import serving_store
from tests.hub_fixtures import make_request
from fakes.page_protocol import Page
from tests.leaderboard_fixtures import (
    XSS_NAME,
    fixture_store,
    make_result,
    published_result,
    result_bytes,
    subset_levels,
    write_published,
)

WEEKLY = 3
UPLOAD_LIMIT = 10_000
RTL_NAME = "evil/\u202ekcaj-mr"  # shows as "evil/rm-jack" where the override is obeyed
GOOD_REQUEST = "good-request"


def model_folder(path: Path, weights: bytes = b"weights") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "config.json").write_text(json.dumps({"model_type": "gpt2"}))
    (path / "model.safetensors").write_bytes(weights + path.name.encode())
    return path


def hostile_store(root: Path) -> LocalStore:
    """The fixture leaderboard, plus a valid result and a valid request stored under a folder named
    like an HTML injection (no store path may hold it), and a published name with an RTL override."""
    store = fixture_store(root)
    bad = make_result("acme/hidden", subset_levels(0.7))
    good_path = Path(result_paths(bad)[0])
    target = root / "eval-set" / XSS_NAME / good_path.name
    target.parent.mkdir(parents=True)
    target.write_bytes(result_bytes(bad))
    store.add_request(make_request(GOOD_REQUEST, "acme/queued"))
    unsafe_request = root / "requests" / XSS_NAME / "rm" / "r.json"
    unsafe_request.parent.mkdir(parents=True)
    unsafe_request.write_bytes(make_request("unsafe", "acme/other").model_dump_json().encode())
    write_published(store, "evil", "rtl", published_result(RTL_NAME, subset_levels(0.5, 0.0, ["alpacaeval-easy"])))
    return store


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    from gradio_client import Client

    root = tmp_path_factory.mktemp("hostile")
    models = root / "models"
    models.mkdir()
    store = hostile_store(root / "store")
    settings = AppSettings(
        store="local",
        store_root=store.root,
        allow_local_models=True,
        local_model_roots=(str(models),),
        max_submissions_per_week=WEEKLY,
        max_submissions_per_hour=1000,
        max_policy_file_bytes=UPLOAD_LIMIT,
        benchmarks=("rewardbench",),
        hub_endpoint="http://127.0.0.1:9",  # no Hub: local folders only
    )
    exports = root / "exports"
    with serving_store(store, settings, exports) as (url, cache):
        yield {
            "url": url,
            "cache": cache,
            "store": store,
            "models": models,
            "exports": exports,
            "client": Client(url, verbose=False, download_files=str(root / "downloads")),
        }


def submit(site: dict, model: str, name: str = "alice", **fields) -> str:
    values = {
        "model": model, "revision": "main", "model_type": "classifier", "ref_model": "", "template": "tokenizer",
        "dtype": "auto", "judge_format": "mt-bench-pairwise", "critiques": 1, "temperature": 0,
        "benchmarks": ["rewardbench"], "name": name, **fields,
    }
    answer = site["client"].predict(*values.values(), api_name="/submit")
    return re.sub(r"\\(.)", r"\1", answer)  # the page's Markdown escapes undone: the sentence as read


# ---- 1. one result folder with an unsafe name ----------------------------------------------------------


def test_an_unsafe_result_folder_is_one_skipped_file_and_the_board_and_queue_stay(site, caplog):
    config = httpx.get(site["url"] + "config", timeout=30).json()
    [stats] = [c["props"]["value"] for c in config["components"] if c.get("props", {}).get("elem_id") == "lb-stats"]
    assert stats.startswith("**9** results"), stats  # the fixture's 8 and the RTL-named one
    with caplog.at_level(logging.WARNING, logger="results.store"):
        snapshot = site["cache"].refresh()
    assert snapshot.error is None
    assert "acme/rm-large" in set(snapshot.tables.rows["Model"])
    assert [r.request_id for r in snapshot.requests] == [GOOD_REQUEST]  # the Queue tab keeps its request
    skipped = [r.getMessage() for r in caplog.records if "refusing unsafe path part" in r.getMessage()]
    assert len(skipped) == 2 and all("\n" not in line for line in skipped)  # one line per bad path


# ---- 2. the weekly limit counts more than the typed name --------------------------------------------


class CountingStore(LocalStore):
    reads = 0

    def read_file(self, path):
        if path.startswith("requests/"):
            CountingStore.reads += 1
        return super().read_file(path)


def test_a_submission_reads_no_request_file_and_the_host_caps_everyone_per_hour(tmp_path):
    store = CountingStore(tmp_path / "store")
    for i in range(40):
        store.add_request(make_request(f"old-{i}", f"lab/old-{i}", submitter=f"s{i}"))
    settings = AppSettings(allow_local_models=True, local_model_roots=(str(tmp_path),), max_submissions_per_hour=3,
                           benchmarks=("rewardbench",), hub_endpoint="http://127.0.0.1:9")
    now = datetime.now(timezone.utc) + timedelta(hours=2)  # the stored requests are out of the hour
    service = Submissions(store, settings, clock=lambda: now)
    service.queue.replace(store.list_requests())  # what the app's refresh hands it
    CountingStore.reads = 0
    outcomes = [
        service.submit(SubmissionForm(str(model_folder(tmp_path / "lab" / f"rm-{i}")), submitter=f"u{i}",
                                      client=f"10.0.0.{i}"))
        for i in range(4)
    ]
    assert [o.accepted for o in outcomes] == [True, True, True, False], [o.message for o in outcomes]
    assert "3 submissions in the last hour" in outcomes[-1].message
    assert CountingStore.reads == 0  # the queue is looked up in memory, whatever its length


# ---- 3. local model folders ---------------------------------------------------------------------------


def test_a_folder_outside_the_roots_gets_the_answer_of_a_missing_one_and_leaks_nothing(site):
    answers = {typed: submit(site, typed) for typed in ("/proc/self", "/root", "/no/such/folder", "/etc")}
    for typed, answer in answers.items():
        assert answer == answers["/no/such/folder"].replace("/no/such/folder", typed), answer
    assert str(os.getpid()) not in answers["/proc/self"] and os.getcwd() not in answers["/proc/self"]


def test_uploaded_files_never_form_a_model_folder(site, tmp_path):
    files = {"files": ("config.json", b'{"model_type": "gpt2"}', "application/json")}
    [uploaded] = httpx.post(site["url"] + "gradio_api/upload", files=files, timeout=30).json()
    folder = Path(uploaded).parent
    (folder / "model.safetensors").write_bytes(b"weights")  # as a second upload would place it
    # Even a host that names the whole temp folder as a root never takes Gradio's upload folder.
    settings = AppSettings(allow_local_models=True, local_model_roots=(tempfile.gettempdir(),),
                           benchmarks=("rewardbench",), hub_endpoint="http://127.0.0.1:9")
    store = LocalStore(tmp_path / "store")
    outcome = Submissions(store, settings).submit(SubmissionForm(str(folder), submitter="mallory"))
    assert not outcome.accepted and "that this server accepts" in outcome.message
    assert store.list_requests() == []


def test_a_link_out_of_the_roots_is_refused_before_it_is_read(site):
    folder = model_folder(site["models"] / "lab" / "linked")
    (folder / "x.safetensors").symlink_to("/etc/passwd")
    answer = submit(site, str(folder))
    assert answer.startswith("**Not queued.**") and "holds a link" in answer and "x.safetensors" in answer
    assert not [r for r in site["store"].list_requests() if r.name == "linked"]


def test_a_folder_cannot_take_the_name_of_another_submitter_s_model(site):
    first = submit(site, str(model_folder(site["models"] / "one" / "acme" / "rm-owned")), name="owner")
    assert first.startswith("**Queued**"), first
    squat = model_folder(site["models"] / "two" / "acme" / "rm-owned", weights=b"other weights")
    answer = submit(site, str(squat), name="squatter")
    assert "already the name of a model another submitter queued" in answer, answer


# ---- 4. inputs that crashed a handler -------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"model": "acme/rm\x00"}, "The model holds an invisible or control character (\\x00"),
        ({"model": "a" * 5000 + "/" + "b" * 5000}, "The model is too long (10,001 characters; at most 1,024)"),
        ({"name": "x" * 100_000}, "The submitter name is too long (100,000 characters"),
        ({"model": "acme/\u202erm"}, "right-to-left override"),
        ({"name": "ali\u200bce"}, "zero width space"),
        ({"revision": "ma\nin"}, "The revision holds an invisible or control character"),
    ],
    ids=["nul", "long-model", "long-name", "rtl", "zero-width", "newline"],
)
def test_hostile_text_is_refused_with_a_sentence_and_one_short_log_line(site, caplog, fields, expected):
    with caplog.at_level(logging.INFO, logger="leaderboard"):
        answer = submit(site, **{"model": "acme/rm", **fields})
    assert answer.startswith("**Not queued.**") and expected in answer, answer
    mine = [r for r in caplog.records if r.name.startswith("leaderboard.submission.submit")]
    assert len(mine) == 1 and len(mine[0].getMessage()) < 1000 and "\n" not in mine[0].getMessage()
    assert all(r.exc_info is None for r in caplog.records)


def test_a_folder_the_app_may_not_read_is_a_refusal_not_a_traceback(site, monkeypatch, caplog):
    locked = model_folder(site["models"] / "lab" / "locked")
    real_is_dir = Path.is_dir

    def is_dir(path: Path) -> bool:
        if str(path).startswith(str(locked)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_is_dir(path)

    monkeypatch.setattr(Path, "is_dir", is_dir)
    with caplog.at_level(logging.ERROR):
        answer = submit(site, str(locked))
    assert answer.startswith("**Not queued.**") and "that this server accepts" in answer, answer
    assert all(r.exc_info is None for r in caplog.records)


# ---- 5. disk filling by viewers ---------------------------------------------------------------------------


def gradio_cache_csvs() -> set[Path]:
    import gradio.utils

    return set(Path(gradio.utils.get_upload_folder()).rglob("*.csv"))


def leaderboard_page(site: dict, http: httpx.Client) -> Page:
    """The Leaderboard tab as a reader's browser drives it (its events are internal: not in the API)."""
    page = Page(http, site["url"].rstrip("/"))
    page.load()
    page.select_tab("Leaderboard")  # the page opens on the Overview
    return page


def test_renders_of_one_view_write_one_csv_and_gradio_keeps_no_copy(site):
    before, exported = gradio_cache_csvs(), set(site["exports"].glob("leaderboard-*.csv"))
    with httpx.Client(timeout=60) as http:
        page = leaderboard_page(site, http)
        search = page.by_elem_id("lb-search")
        for i in range(20):  # two spellings of one search: two renders of the same rows
            page.set_and_fire(search, "change", "acme" if i % 2 else "acme ")
        csv = page.values[page.by_elem_id("lb-download")]
    assert len(set(site["exports"].glob("leaderboard-*.csv")) - exported) <= 1  # one file for the view
    assert gradio_cache_csvs() == before
    assert Path(csv["path"]).read_text(encoding="utf-8").startswith("Model,")


def test_an_upload_larger_than_the_policy_limit_is_refused(site):
    big = {"files": ("big.jsonl", b"x" * (UPLOAD_LIMIT + 1), "application/octet-stream")}
    small = {"files": ("small.jsonl", b"x" * 100, "application/octet-stream")}
    assert httpx.post(site["url"] + "gradio_api/upload", files=big, timeout=30).status_code == 413
    assert httpx.post(site["url"] + "gradio_api/upload", files=small, timeout=30).status_code == 200


def test_a_name_with_invisible_characters_from_a_file_is_shown_spelled_out(site):
    with httpx.Client(timeout=60) as http:
        page = leaderboard_page(site, http)
        page.values[page.by_elem_id("lb-incomplete")] = True
        page.set_and_fire(page.by_elem_id("lb-search"), "change", "evil")
        grid = page.values[page.by_elem_id("lb-table")]
        csv = page.values[page.by_elem_id("lb-download")]
    cells = json.dumps(grid, ensure_ascii=False)
    assert "\u202e" not in cells and "\\\\u202e" in cells  # the JSON of a cell holding the text \u202e
    text = Path(csv["path"]).read_text(encoding="utf-8")
    assert "\u202e" not in text and "evil/\\u202ekcaj-mr" in text


# ---- 2, last: it uses up this address's submissions for the module --------------------------------------


def test_made_up_names_from_one_address_share_the_weekly_limit(site):
    answers = [
        submit(site, str(model_folder(site["models"] / "flood" / f"rm-{i}")), name=f"made-up-{i}")
        for i in range(WEEKLY + 2)
    ]
    assert all("came from your address in the last 7 days" in a for a in answers[-2:]), answers
    queued_here = [r for r in site["store"].list_requests() if r.request_id != GOOD_REQUEST]
    assert len(queued_here) == WEEKLY  # this module's earlier submissions from 127.0.0.1 included
    assert sum(a.startswith("**Queued**") for a in answers) == len([r for r in queued_here if r.org == "flood"])
    assert all("127.0.0.1" not in path.read_text() for path in site["store"].root.rglob("requests/**/*.json"))
