"""The sample benchmark and the one-command demo: build, queue, evaluate, reuse.

The demo's build-and-evaluate step runs once for the module (about 40 s on 2 CPU cores: four tiny
models, three of them trained for 100-120 steps), then a second time on the same folder, which
must rebuild and re-evaluate nothing.
"""

from __future__ import annotations

import functools
import importlib
import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from demo.__main__ import main as demo_main
from demo.benchmarks import SAMPLES, overrides_text
from demo.models import DEMO_MODELS, MARKER, DemoModel, ensure_models, random_classifier
from demo.pipeline import DemoError, build_and_evaluate
from demo.sample_data import SAMPLE_PATH, split, to_jsonl
from demo.sample_data_rb2 import SAMPLE_RB2_PATH, sample_rows
from demo.serve import Command, SideBySide, app_environment, demo_commands
from results.schema import Status
from results.benchmarks import DataSource, get_spec
from results.benchmarks.judgebench import CATEGORIES as JUDGEBENCH_CATEGORIES, category_of
from results.benchmarks.m_rewardbench import LANGUAGES as MRB_LANGUAGES
from results.benchmarks.rewardbench import REWARDBENCH_SECTIONS
from results.benchmarks.rewardbench2 import REWARDBENCH_2_SECTIONS
from results.benchmarks.rm_bench import DOMAIN_OF as RM_BENCH_DOMAINS
from results.benchmarks.sections import subset_order
from results.store import LocalStore
from tests.browser_fixtures import wait_until

ALL_SUBSETS = subset_order(REWARDBENCH_SECTIONS)
SECTIONS = {
    "rewardbench": [section.name for section in REWARDBENCH_SECTIONS],
    "rewardbench-2": [section.name for section in REWARDBENCH_2_SECTIONS],
}
# The demo's benchmarks are demo/benchmarks.py's SAMPLES; the tests follow it, not a list of their own.
DEMO_BENCHMARKS: tuple[str, ...] = tuple(SAMPLES)
RB2_COLUMNS = [
    "id",
    "prompt",
    "chosen",
    "rejected",
    "num_correct",
    "num_incorrect",
    "total_completions",
    "models",
    "subset",
    "additional_metadata",
]


def _rows(path: Path = SAMPLE_PATH) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _absent_languages(benchmark: str) -> set[str]:
    """M-RewardBench's languages its sample lacks (none for the other benchmarks)."""
    if benchmark != "m-rewardbench":
        return set()
    return set(MRB_LANGUAGES) - {row["language"] for row in _rows(SAMPLES[benchmark])}


def _expected_sections(benchmark: str) -> set[str]:
    """Every column of the benchmark, but for M-RewardBench only the languages its sample has."""
    return set(get_spec(benchmark).metrics.columns) - _absent_languages(benchmark)


@functools.cache
def _sample_examples(benchmark: str) -> tuple:
    """The sample's rows as the evaluator reads them (a JSONL file, or RMB's folder)."""
    from evaluator.benchmarks.loading import load_benchmark_data

    return tuple(load_benchmark_data(get_spec(benchmark), DataSource(str(SAMPLES[benchmark]))).examples)


def _complete_but_for_what_the_sample_lacks(benchmark: str, section) -> bool:
    """Nothing missing but subsets the sample has no rows for (M-RewardBench's absent languages, the
    RMB scenarios beyond the sample's few)."""
    have = {example.subset for example in _sample_examples(benchmark)}
    return not have & set(section.missing_subsets)


# ---- the sample file ----------------------------------------------------------------------------------


def test_sample_covers_every_subset_with_unique_ids_and_full_fields():
    rows = _rows()
    assert len(ALL_SUBSETS) == 27
    counts = {subset: sum(r["subset"] == subset for r in rows) for subset in ALL_SUBSETS}
    assert all(4 <= n <= 6 for n in counts.values()), counts
    assert {r["subset"] for r in rows} == set(ALL_SUBSETS)
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert set(row) == {"prompt", "chosen", "rejected", "subset", "id"}
        assert all(isinstance(row[k], str) and row[k].strip() for k in row), row
        assert row["chosen"] != row["rejected"], row


def test_sample_file_is_what_the_generator_makes():
    assert SAMPLE_PATH.read_text(encoding="utf-8") == to_jsonl(split().sample), (
        "data/sample-rewardbench.jsonl is stale: run `python -m demo.sample_data`"
    )


def test_training_pairs_share_no_prompt_with_the_sample():
    data = split()
    assert len(data.train) > 4 * len(data.sample)
    assert not {r["prompt"] for r in data.sample} & {r["prompt"] for r in data.train}
    assert {r["subset"] for r in data.train} == set(ALL_SUBSETS)


def test_rb2_sample_has_every_subset_in_the_rewardbench_2_schema():
    rows = _rows(SAMPLE_RB2_PATH)
    assert {r["subset"] for r in rows} == set(subset_order(REWARDBENCH_2_SECTIONS))
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert list(row) == RB2_COLUMNS, row["id"]
        assert isinstance(row["id"], str) and isinstance(row["prompt"], str) and row["prompt"].strip()
        completions = row["chosen"] + row["rejected"]
        assert all(isinstance(c, str) and c.strip() for c in completions), row["id"]
        assert len(set(completions)) == len(completions), f"{row['id']}: a completion appears twice"
        assert (row["num_correct"], row["num_incorrect"]) == (len(row["chosen"]), len(row["rejected"]))
        assert row["total_completions"] == len(completions) == len(row["models"])
        assert set(row["additional_metadata"]) == {"category"}


def test_rb2_best_of_4_subsets_have_one_correct_and_three_incorrect_completions():
    for row in _rows(SAMPLE_RB2_PATH):
        if row["subset"] != "Ties":
            assert (len(row["chosen"]), len(row["rejected"])) == (1, 3), row["id"]
    counts = {s: sum(r["subset"] == s for r in _rows(SAMPLE_RB2_PATH)) for s in SECTIONS["rewardbench-2"]}
    assert all(n >= 5 for n in counts.values()), counts


def test_rb2_ties_pair_each_reference_prompt_with_a_prompt_of_several_correct_answers():
    ties = {r["id"]: r for r in _rows(SAMPLE_RB2_PATH) if r["subset"] == "Ties"}
    numbers = sorted({row_id.partition(":")[2] for row_id in ties})
    assert len(numbers) >= 3
    assert set(ties) == {f"{kind}:{n}" for kind in ("ref", "tied") for n in numbers}
    for n in numbers:
        assert ties[f"ref:{n}"]["num_correct"] == 1
        assert ties[f"tied:{n}"]["num_correct"] >= 2


def test_rb2_sample_file_is_what_the_generator_makes():
    assert SAMPLE_RB2_PATH.read_text(encoding="utf-8") == to_jsonl(sample_rows()), (
        "data/sample-rewardbench-2.jsonl is stale: run `python -m demo.sample_data_rb2`"
    )


def test_rm_bench_sample_has_three_examples_per_domain_in_three_styles():
    rows = _rows(SAMPLES["rm-bench"])
    assert [r["domain"] for r in rows] == [d for d in RM_BENCH_DOMAINS for _ in range(3)]
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert len(row["chosen"]) == len(row["rejected"]) == 3, row["id"]
        assert len(set(row["chosen"] + row["rejected"])) == 6, row["id"]
        assert row["chosen"][2].startswith("## ") and "**" in row["chosen"][2], row["id"]  # markdown


def test_judgebench_sample_has_three_pairs_per_category_with_balanced_labels():
    rows = _rows(SAMPLES["judgebench"])
    assert [category_of(r["source"]) for r in rows] == [c for c in JUDGEBENCH_CATEGORIES for _ in range(3)]
    assert len({r["pair_id"] for r in rows}) == len(rows)
    labels = [r["label"] for r in rows]
    assert labels.count("A>B") == labels.count("B>A")
    assert all(r["response_A"] != r["response_B"] for r in rows)


def test_ppe_sample_has_two_prompts_per_set_with_32_answers_of_both_kinds():
    rows = _rows(SAMPLES["ppe-correctness"])
    assert [r["subset"] for r in rows] == [s for s in get_spec("ppe-correctness").subsets for _ in range(2)]
    assert len({r["question_id"] for r in rows}) == len(rows)
    for row in rows:
        assert [f"response_{k}" in row for k in range(1, 34)] == [True] * 32 + [False], row["question_id"]
        assert len(row["scores"]) == 32 and 0 < sum(row["scores"]) < 32, row["question_id"]
        assert row["sampled_conflict_pairs"] and all(row["scores"][i] != row["scores"][j] for i, j in row["sampled_conflict_pairs"])


@pytest.mark.parametrize(
    "module",
    ["demo.sample_data_rmbench", "demo.sample_data_judgebench", "demo.sample_data_rmb_scenarios", "demo.sample_data_ppe_correctness"],
)
def test_rm_bench_judgebench_rmb_and_ppe_samples_are_what_their_generators_make(module):
    generator = importlib.import_module(module)
    assert generator.main(["--check"]) == 0, f"run `python -m {module}` to rewrite its sample"


# ---- the demo -----------------------------------------------------------------------------------------


def _mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """(root, statuses of the first run by (model, benchmark), file mtimes after it)."""
    root = tmp_path_factory.mktemp("demo")
    statuses = build_and_evaluate(root)
    by_key = {(s.model.spec.name, s.benchmark): s for s in statuses}
    return root, by_key, _mtimes(root / "models"), _mtimes(root / "store")


def _v1(statuses) -> dict:
    return {name: s for (name, benchmark), s in statuses.items() if benchmark == "rewardbench"}


def test_every_demo_model_is_finished_on_every_benchmark_with_all_sections(demo_run):
    _, statuses, _, _ = demo_run
    assert set(statuses) == {(spec.name, b) for spec in DEMO_MODELS for b in DEMO_BENCHMARKS}
    for (name, benchmark), status in statuses.items():
        request = status.request
        assert request is not None and request.status == Status.FINISHED, (name, benchmark, request)
        assert request.benchmark == benchmark
        result = status.result
        assert result is not None and result.model.name == f"demo/{name}"
        assert result.benchmark.name == benchmark and result.benchmark.custom_data
        assert result.model.model_type == status.model.spec.model_type
        if benchmark in SECTIONS:
            assert list(result.sections) == SECTIONS[benchmark]
        assert set(result.sections) == _expected_sections(benchmark), (name, benchmark)
        assert all(_complete_but_for_what_the_sample_lacks(benchmark, s) for s in result.sections.values()), (name, benchmark)
        assert result.benchmark.num_examples == len(_sample_examples(benchmark))
        assert result.score is not None


def test_every_benchmark_s_results_are_stored_side_by_side(demo_run):
    root, statuses, _, _ = demo_run
    files = dict(LocalStore(root / "store").iter_result_files())
    assert len(files) == len(statuses), sorted(files)
    assert {path.split("/")[1] for path in files} == set(DEMO_BENCHMARKS)


def test_trained_models_beat_chance_and_the_random_one_does_not(demo_run):
    _, statuses, _, _ = demo_run
    scores = {name: (s.result.score, s.result.score_ci95) for name, s in _v1(statuses).items()}
    # 135 pairs give a 95% interval about +-0.1 wide around the overall score; the trained models
    # score near 0.9 on held-out items, so their whole interval sits above chance.
    for trained in ("tiny-rm-bt", "tiny-lm-dpo"):
        assert scores[trained][1].low > 0.5, scores
    random_ci = scores["tiny-rm-random"][1]
    assert random_ci.low < 0.5 < random_ci.high, scores
    assert scores["tiny-rm-bt"][0] > scores["tiny-rm-random"][0] + 0.2, scores


def test_dpo_model_is_scored_against_its_reference(demo_run):
    _, statuses, _, _ = demo_run
    for benchmark in DEMO_BENCHMARKS:
        dpo, sft = statuses[("tiny-lm-dpo", benchmark)], statuses[("tiny-lm-sft", benchmark)]
        assert dpo.request.ref_model == str(sft.model.path)
        assert dpo.result.model.ref_revision_resolved == sft.result.model.revision_resolved


def test_second_run_reuses_models_and_results(demo_run):
    root, _, models_before, store_before = demo_run
    requests_before = LocalStore(root / "store").list_requests()
    assert demo_main(["--no-serve", "--root", str(root)]) == 0
    assert _mtimes(root / "models") == models_before
    assert _mtimes(root / "store") == store_before
    assert LocalStore(root / "store").list_requests() == requests_before


# ---- the pieces ----------------------------------------------------------------------------------------


def test_an_incomplete_model_folder_is_rebuilt(tmp_path):
    spec = DemoModel("tiny-rm-x", "classifier", "test model", random_classifier)
    folder = tmp_path / "models" / "demo" / "tiny-rm-x"
    folder.mkdir(parents=True)
    (folder / "leftover.bin").write_bytes(b"half-written")
    [built] = ensure_models(tmp_path / "models", specs=(spec,))
    assert built.path == folder
    assert (folder / MARKER).is_file() and (folder / "model.safetensors").is_file()
    assert not (folder / "leftover.bin").exists()


def test_missing_benchmark_data_is_a_clear_error(tmp_path):
    with pytest.raises(DemoError, match="python -m demo.sample_data"):
        build_and_evaluate(tmp_path, data={"rewardbench": tmp_path / "absent.jsonl"})
    with pytest.raises(DemoError, match="rewardbench-2 data .* `python -m demo.sample_data_rb2`"):
        build_and_evaluate(tmp_path, data={**SAMPLES, "rewardbench-2": tmp_path / "absent.jsonl"})


def test_the_app_is_pointed_at_the_demo_store(tmp_path):
    env = app_environment({"RMLB_RESULTS_REPO": "org/results", "PATH": "/bin"}, tmp_path, "127.0.0.1", 7861)
    assert env["RMLB_STORE"] == "local" and env["RMLB_STORE_ROOT"] == str(tmp_path)
    assert env["RMLB_SERVER_PORT"] == "7861" and env["PATH"] == "/bin"


def test_the_demo_serves_the_app_and_a_worker_on_the_sample_data(tmp_path):
    base = {"RMLB_RESULTS_REPO": "org/results", "RMLB_UI_POLL_S": "1", "PATH": "/bin"}
    app, worker = demo_commands(base, tmp_path, SAMPLES, "127.0.0.1", 7861)
    assert app.argv[-1].endswith("app.py") and worker.argv[-2:] == ["-m", "evaluator.worker"]
    assert app.env["RMLB_ALLOW_LOCAL_MODELS"] == "true" and app.env["RMLB_UI_POLL_S"] == "1"  # caller wins
    assert worker.env["RMLB_DATA_OVERRIDES"] == overrides_text(SAMPLES)
    assert worker.env["RMLB_DATA_OVERRIDES"].startswith(
        f"rewardbench={SAMPLE_PATH.resolve()},rewardbench-2={SAMPLE_RB2_PATH.resolve()},"
    )
    assert float(worker.env["RMLB_POLL_INTERVAL_S"]) <= 10
    for command in (app, worker):
        assert command.env["RMLB_STORE"] == "local" and command.env["RMLB_STORE_ROOT"] == str(tmp_path)


def _python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def test_when_one_process_ends_the_other_is_stopped_and_its_status_returned():
    runner = SideBySide(
        [
            Command("app", _python("import sys; sys.exit(3)"), {}),
            Command("worker", _python("import time; time.sleep(120)"), {}),
        ]
    )
    status: list[int] = []
    thread = threading.Thread(target=lambda: status.append(runner.run()))
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive() and status == [3]
    assert runner.processes["worker"].returncode == -signal.SIGTERM


# A child that says it is up, then waits; on SIGTERM it notes the stop and exits.
CHILD = """
import pathlib, signal, sys, time
folder = pathlib.Path(sys.argv[1])
signal.signal(signal.SIGTERM, lambda *_: ((folder / "stopped").write_text("yes"), sys.exit(0)))
(folder / "up").write_text("yes")
time.sleep(120)
"""
SUPERVISOR = """
import sys
from demo.serve import Command, SideBySide, install_stop_handlers
runner = SideBySide([Command(name, [sys.executable, "-c", sys.argv[1], folder], {})
                     for name, folder in (("app", sys.argv[2]), ("worker", sys.argv[3]))])
install_stop_handlers(runner)
sys.exit(runner.run())
"""


def test_sigterm_to_the_demo_stops_the_app_and_the_worker(tmp_path):
    folders = [tmp_path / "app", tmp_path / "worker"]
    for folder in folders:
        folder.mkdir()
    demo = subprocess.Popen(_python(SUPERVISOR, CHILD, *map(str, folders)), cwd=Path(__file__).parent.parent)
    try:
        wait_until(lambda: all((f / "up").exists() for f in folders) or demo.poll() is not None, 60)
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=60) == 0
    finally:
        demo.kill()
    assert all((f / "stopped").read_text() == "yes" for f in folders)


def test_a_process_that_cannot_start_stops_the_ones_already_started(tmp_path):
    runner = SideBySide(
        [
            Command("app", _python("import time; time.sleep(120)"), {}),
            Command("worker", [str(tmp_path / "no-such-program")], {}),
        ]
    )
    with pytest.raises(FileNotFoundError):
        runner.run()
    assert runner.processes["app"].returncode == -signal.SIGTERM


def test_the_examples_tab_has_every_demo_result_with_its_texts(demo_run):
    from leaderboard.data import ResultsCache
    from leaderboard.pages.examples import ExamplesPage
    from leaderboard.app_settings import AppSettings

    root, statuses, _, _ = demo_run
    store = LocalStore(root / "store")
    cache = ResultsCache(store)
    snap = cache.refresh()
    page = ExamplesPage(cache, AppSettings())
    for (name, benchmark), status in statuses.items():
        texts = store.read_example_texts(benchmark, status.result.benchmark.data_fingerprint)
        assert texts is not None and len(texts) == status.result.benchmark.num_examples, (name, benchmark)
        label = next(b for b in snap.tables.rows["Benchmark"] if b.startswith(benchmark + " "))
        path = next(p for _, p in page.model_choices(snap, label) if f"/demo/{name}/" in p)
        loaded = page.load(snap, path)
        assert loaded.note == "" and loaded.examples.has_texts, (name, benchmark)
        # Every example the score counts (PPE human preference leaves out the battles voted a tie).
        counted = [s for s in store.read_example_scores(path) if get_spec(benchmark).counts(s)]
        assert len(loaded.examples.frame) == len(counted) and len(counted) <= len(texts), (name, benchmark)
        assert len(counted) == len(texts) or benchmark == "ppe-preference", (name, benchmark)


def test_both_demo_policies_are_judged_by_every_demo_model(demo_run):
    from results.policy import POLICY_RESULTS_DIR, PolicyResult

    root, statuses, _, _ = demo_run
    store = LocalStore(root / "store")
    results = [PolicyResult.model_validate_json(store.read_file(p)) for p in store.list_files(POLICY_RESULTS_DIR)]
    judged = {(r.policy.name, r.reward_model.name) for r in results}
    models = {f"demo/{name}" for name, _ in statuses}
    assert judged == {(policy, model) for policy in ("demo-policies/terse", "demo-policies/thorough") for model in models}
    assert all(r.score.n == 20 and r.reference_set == "rmlb-reference-v1" for r in results)
    # The reference rewards were scored once per reward model: the second policy read them.
    assert sum(r.reference_rewards_cached for r in results) == len(models)


def test_a_second_start_after_a_user_s_submission_does_only_what_the_first_did(demo_run, caplog):
    """A model a user submitted to the served demo ranks beside the demo's: the demo policies are
    not judged by it on a second start, and the demo's own models read "already done", not "refused".
    Last in this module: it adds the user's result to the shared store (and takes it out again)."""
    from results.store import result_paths

    root, statuses, _, _ = demo_run
    store = LocalStore(root / "store")
    theirs = statuses[("tiny-rm-bt", "rewardbench")].result  # the leading benchmark: ranked as a judge
    user = theirs.model_copy(update={"model": theirs.model.model_copy(update={"id": "mine/my-rm", "name": "mine/my-rm"})})
    store.write_result(user, store.read_example_scores(result_paths(theirs)[0]))
    requests_before = store.list_requests()
    try:
        with caplog.at_level("INFO"):
            assert demo_main(["--no-serve", "--root", str(root)]) == 0
        assert LocalStore(root / "store").list_requests() == requests_before
        said = [record.getMessage() for record in caplog.records]
        assert not [line for line in said if "refused" in line], said
        done = "; ".join(f"finished on {benchmark}" for benchmark in DEMO_BENCHMARKS)
        for spec in DEMO_MODELS:
            assert f"demo model {spec.name}: already done ({done})" in said
        for policy in ("demo-policies/terse", "demo-policies/thorough"):
            assert any(line.startswith(f"demo policy {policy}: already done (finished under demo/") for line in said)
    finally:
        for path in result_paths(user):
            (root / "store" / path).unlink(missing_ok=True)
