"""RewardBench 2: best-of-N credit with ties at the top, the Ties score and its quirks, the data
schema and its pinned commit, per-completion model types, and the CLI end to end."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from evaluator.adapters import LoadOptions, get_adapter
from evaluator.benchmarks import REWARDBENCH_2, DataSource, get_benchmark
from evaluator.benchmarks.loading import Example, load_benchmark_data
from results.benchmarks.credit import BEST_OF_N, TIES, TIES_WEIGHTS
from evaluator.cli import main
from evaluator.errors import DataError
from results.benchmarks import BenchmarkDataError
from results.benchmarks.metrics import score
from evaluator.tiny_models import build_causal_lm
from results.schema import EvalResult, ExampleScore
from results.benchmarks.rewardbench2 import REWARDBENCH_2_SUBSETS
from results.store import LocalStore
from tests.conftest import write_jsonl

BEST_OF_N_SUBSETS = [s for s in REWARDBENCH_2_SUBSETS if s != "Ties"]


# --- best-of-N credit -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chosen, rejected, credit",
    [
        ([2.0], [1.0, 0.5, -3.0], 1.0),  # chosen alone at the top
        ([2.0], [2.0, 0.5, -3.0], 0.5),  # two-way tie at the top
        ([2.0], [2.0, 2.0, -3.0], 1 / 3),  # three-way tie at the top
        ([2.0], [2.0, 2.0, 2.0], 0.25),  # every completion tied
        ([1.0], [2.0, 0.5, -3.0], 0.0),  # a rejected one is higher
        ([1.0], [2.0, 2.0, 1.0], 0.0),  # tie at the top among rejected ones only
    ],
)
def test_best_of_n_credit(chosen, rejected, credit):
    assert BEST_OF_N.credit(chosen, rejected) == pytest.approx(credit, abs=1e-15)


def _line(row_id, subset, chosen, rejected, credit=None):
    correct = credit if credit is not None else REWARDBENCH_2.scorer_for(subset).credit(chosen, rejected)
    return ExampleScore(id=row_id, subset=subset, scores_chosen=chosen, scores_rejected=rejected, correct=correct)


def test_best_of_n_subset_is_the_mean_credit():
    lines = [_line("0", "Math", [2.0], [1.0, 0.0, 0.0]), _line("1", "Math", [2.0], [2.0, 0.0, 0.0]),
             _line("2", "Math", [2.0], [2.0, 2.0, 0.0]), _line("3", "Math", [0.0], [2.0, 1.0, 1.0])]
    subset = score({"Math": lines}, REWARDBENCH_2, bootstrap_samples=100).subsets["Math"]
    assert subset.accuracy == pytest.approx((1 + 1 / 2 + 1 / 3 + 0) / 4)
    assert subset.n == 4 and subset.parts is None


# --- Ties -------------------------------------------------------------------------------------

# Prompt 0: ref gap 3; tied spread 1, gap 2 -> accurate both, preferred, hard (min gap 2 > 1), tanh(1).
# Prompt 1: ref gap -1 (wrong); tied spread 0, gap 1 -> tied accurate, preferred, not hard, margin -1
#           (gap -1 over a zero spread is -inf, tanh gives -1).
# Prompt 2: a ref without a tied partner: counts in ref accuracy only.
# Prompt 3: ref gap 1; tied spread 0, gap 0 -> tied wrong, not preferred, not hard, margin 0 (0/0).
TIES_LINES = [
    _line("ref:0", "Ties", [5.0], [1.0, 2.0]),
    _line("tied:0", "Ties", [4.0, 3.0, 3.5], [1.0]),
    _line("ref:1", "Ties", [1.0], [2.0]),
    _line("tied:1", "Ties", [3.0, 3.0], [2.0]),
    _line("ref:2", "Ties", [2.0], [0.0]),
    _line("ref:3", "Ties", [3.0], [2.0]),
    _line("tied:3", "Ties", [2.0, 2.0], [2.0]),
]
TIES_PARTS = {
    "tied_accuracy": 2 / 3,
    "ref_accuracy": 3 / 4,
    "correctness_preferred": 2 / 3,
    "correctness_preferred_hard": 1 / 3,
    "correctness_margin_score": (math.tanh(1.0) - 1.0 + 0.0) / 3,
}
# 0.3 * 2/3 + 0.3 * 3/4 + 0.2 * 2/3 + 0.2 * 1/3 + 0.01 * (tanh(1) - 1) / 3
TIES_SCORE = 0.625 + 0.01 * (0.7615941559557649 - 1.0) / 3


def test_ties_known_answer_with_zero_spread_and_an_unpaired_ref():
    value = TIES.value(TIES_LINES)
    assert value.parts == pytest.approx(TIES_PARTS, abs=1e-12)
    assert value.score == pytest.approx(TIES_SCORE, abs=1e-12)
    assert value.score == pytest.approx(0.6242053138531857, abs=1e-12)


def test_ties_weights_keep_upstreams_sum_of_1_01():
    assert sum(TIES_WEIGHTS.values()) == pytest.approx(1.01)
    perfect = [_line("ref:0", "Ties", [9.0], [0.0]), _line("tied:0", "Ties", [4.0, 4.0], [0.0])]
    # Zero spread and a positive gap: every part is 1, so the score is 1.01.
    assert TIES.value(perfect).score == pytest.approx(1.01)


def test_ties_result_stores_its_parts_and_per_example_accuracy():
    result = score({"Ties": TIES_LINES}, REWARDBENCH_2, bootstrap_samples=200)
    ties = result.subsets["Ties"]
    assert ties.accuracy == pytest.approx(TIES_SCORE) and ties.parts == pytest.approx(TIES_PARTS)
    assert ties.n == len(TIES_LINES)
    assert [line.correct for line in TIES_LINES] == [1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0]


def test_only_refs_leave_the_margin_parts_at_zero():
    value = TIES.value([_line("ref:0", "Ties", [1.0], [0.0]), _line("ref:1", "Ties", [0.0], [1.0])])
    assert value.parts == {"tied_accuracy": 0.0, "ref_accuracy": 0.5, "correctness_preferred": 0.0,
                           "correctness_preferred_hard": 0.0, "correctness_margin_score": 0.0}
    assert value.score == pytest.approx(0.15)


@pytest.mark.parametrize("row_id", ["7", "ref-1", "tie:1", "ref:x"])
def test_ties_ids_must_name_ref_or_tied_and_a_number(row_id):
    with pytest.raises(BenchmarkDataError, match="'ref:<number>' or 'tied:<number>'"):
        TIES.value([_line(row_id, "Ties", [1.0], [0.0])])


def test_a_tied_prompt_needs_two_correct_answers():
    with pytest.raises(BenchmarkDataError, match="needs two or more"):
        TIES.value([_line("tied:0", "Ties", [1.0], [0.0])])


def _good_and_bad_prompts(good: int, bad: int) -> list[ExampleScore]:
    """Good: every part true, margin tanh(1). Bad: every part false, margin -1."""
    lines = []
    for n in range(good + bad):
        if n < good:
            lines += [_line(f"ref:{n}", "Ties", [3.0], [0.0]), _line(f"tied:{n}", "Ties", [2.0, 3.0], [0.0])]
        else:
            lines += [_line(f"ref:{n}", "Ties", [0.0], [1.0]), _line(f"tied:{n}", "Ties", [0.0, 0.0], [1.0])]
    return lines


def test_ties_bootstrap_resamples_prompt_numbers_keeping_ref_and_tied_together():
    """With k good prompt numbers of n drawn, a replicate is exactly k/n * (1.01 + 0.01 tanh 1) - 0.01.
    Resampling ref and tied rows apart would mix the parts and miss that grid."""
    n = 10
    reps = TIES.replicates(_good_and_bad_prompts(6, 4), 500, np.random.default_rng(0))
    k = (reps + 0.01) / (1.01 + 0.01 * math.tanh(1.0)) * n
    assert np.allclose(k, np.round(k), atol=1e-9)
    assert len(np.unique(np.round(k))) > 3  # the replicates do vary
    again = TIES.replicates(_good_and_bad_prompts(6, 4), 500, np.random.default_rng(0))
    assert np.array_equal(reps, again)


# --- overall ------------------------------------------------------------------------------------


def test_overall_is_the_plain_mean_of_the_six_subsets():
    lines = {s: [_line("0", s, [1.0], [0.0, 0.0, 0.0]), _line("1", s, [0.0], [1.0, 0.0, 0.0])]
             for s in BEST_OF_N_SUBSETS}
    lines["Math"] = [_line("0", "Math", [1.0], [1.0, 0.0, 0.0])]  # 0.5
    lines["Ties"] = TIES_LINES
    result = score(lines, REWARDBENCH_2, bootstrap_samples=300, seed=3)
    expected = (0.5 * 4 + 0.5 + TIES_SCORE) / 6
    assert result.overall == pytest.approx(expected)
    assert list(result.sections) == list(REWARDBENCH_2_SUBSETS)
    assert result.overall_ci95.low <= result.overall <= result.overall_ci95.high
    assert result.overall_ci95 == score(lines, REWARDBENCH_2, bootstrap_samples=300, seed=3).overall_ci95


# --- data ---------------------------------------------------------------------------------------


def rb2_row(row_id, subset, prompt, chosen, rejected):
    """A row in the schema of allenai/reward-bench-2, extra columns included."""
    return {
        "id": row_id, "prompt": prompt, "chosen": chosen, "rejected": rejected,
        "num_correct": len(chosen), "num_incorrect": len(rejected), "total_completions": len(chosen) + len(rejected),
        "models": [f"model-{i}" for i in range(len(chosen) + len(rejected))], "subset": subset,
        "additional_metadata": {"source": "test", "note": None},
    }


def rb2_rows() -> list[dict]:
    rows = []
    for subset in BEST_OF_N_SUBSETS:
        for i in range(3):
            answers = [f"{subset} answer {i}.{j}: {'yes ' * (j + 1)}" for j in range(4)]
            rows.append(rb2_row(str(len(rows)), subset, f"{subset} question {i}?", answers[:1], answers[1:]))
    # A chosen completion repeated among the rejected ones: the same text, the same score, a tie.
    rows[0]["rejected"][0] = rows[0]["chosen"][0]
    for n in range(3):
        rows.append(rb2_row(f"ref:{n}", "Ties", f"Name a prime below {10 + n}.", ["7"], ["8", "9 is prime"]))
        rows.append(rb2_row(f"tied:{n}", "Ties", f"Name any prime below {10 + n}.", ["2", "3", "5", "7"],
                            ["4", "an elephant", "9"]))
    rows.append(rb2_row("ref:9", "Ties", "Name the prime 11.", ["11"], ["12"]))  # no tied partner
    return rows


def test_rb2_rows_with_extra_columns_load_as_best_of_n(tmp_path):
    path = write_jsonl(tmp_path / "rb2.jsonl", rb2_rows())
    data = load_benchmark_data(REWARDBENCH_2, core=DataSource(str(path)))
    assert len(data.examples) == 5 * 3 + 7
    tied = next(e for e in data.examples if e.id == "tied:0")
    assert tied.subset == "Ties" and tied.chosen == ("2", "3", "5", "7") and len(tied.rejected) == 3
    assert {e.subset for e in data.examples} == set(REWARDBENCH_2_SUBSETS)


def test_stated_counts_must_match_the_lists(tmp_path):
    row = rb2_row("0", "Math", "q", ["a"], ["b", "c", "d"])
    row["num_correct"] = 2
    path = write_jsonl(tmp_path / "bad.jsonl", [row])
    with pytest.raises(DataError, match="'num_correct' is 2 but the row has 1"):
        load_benchmark_data(REWARDBENCH_2, core=DataSource(str(path)))


def test_a_default_run_offline_reads_the_test_split_and_records_no_commit(monkeypatch, tiny_classifier, caplog):
    """Offline (the tests' HF_HUB_OFFLINE=1) the Hub cannot say which commit the cached rows are, so
    none is recorded rather than a guess; online, tests/test_hub_datasets.py checks the sha recorded."""
    import datasets

    from evaluator.runner import RunConfig, evaluate

    calls = []

    def cached_rows(location, **kwargs):  # stands in for datasets' local cache, the network edge
        calls.append((location, kwargs))
        return datasets.Dataset.from_list(rb2_rows())

    monkeypatch.setattr(datasets, "load_dataset", cached_rows)
    config = RunConfig(model=str(tiny_classifier), benchmark="rewardbench-2", progress=False, bootstrap_samples=50)
    info = evaluate(config).result.benchmark
    assert calls == [("allenai/reward-bench-2", {"split": "test", "revision": None})]
    assert (info.data_revision, info.data_split) == (None, "test")
    assert info.data_source == "allenai/reward-bench-2 (split test)"
    assert not info.custom_data and info.complete
    assert "its commit cannot be recorded" in caplog.text


# --- model types: every completion scored on its own ---------------------------------------------


@pytest.fixture(scope="module")
def lms(tmp_path_factory, tiny_tokenizer):
    root = tmp_path_factory.mktemp("rb2-lms") / "org"
    return {name: build_causal_lm(root / name, tiny_tokenizer, seed=seed) for name, seed in (("policy", 1), ("reference", 2))}


def _five_completion_examples() -> list[Example]:
    completions = ["Paris.", "It is Lyon.", "Marseille, I think.", "Nice", "The capital of France is Paris."]
    return [Example(id=str(i), subset="Factuality", prompt=(("user", f"Capital of France? ({i})"),),
                    chosen=(completions[i],), rejected=tuple(c for c in completions if c != completions[i]))
            for i in range(3)]


@pytest.mark.parametrize("model_type", ["dpo", "dpo-ref-free", "classifier"])
def test_lists_of_five_completions_score_each_completion_alone(model_type, lms, tiny_classifier, tmp_path):
    """A best-of-5 row gets the scores its completions get as five separate one-response rows."""
    model = tiny_classifier if model_type == "classifier" else lms["policy"]
    extra = {"ref_model": str(lms["reference"]), "store": LocalStore(tmp_path / "store")} if model_type == "dpo" else {}
    options = LoadOptions(model_path=str(model), device=torch.device("cpu"), dtype=torch.float32, progress=False, **extra)
    adapter = get_adapter(model_type).load(options)
    examples = _five_completion_examples()
    scored, stats = adapter.score(examples)
    assert stats.num_texts == 15
    for example, result in zip(examples, scored):
        assert len(result.scores_chosen) == 1 and len(result.scores_rejected) == 4
        alone = [Example(id=f"{example.id}-{j}", subset="Factuality", prompt=example.prompt, chosen=(text,),
                         rejected=(text,)) for j, text in enumerate(example.chosen + example.rejected)]
        singles = [s.scores_chosen[0] for s in adapter.score(alone)[0]]
        assert result.scores_chosen + result.scores_rejected == pytest.approx(singles, abs=1e-4)
    assert np.std([s for r in scored for s in r.scores_chosen + r.scores_rejected]) > 1e-3


# --- the CLI end to end -----------------------------------------------------------------------------


def _recompute(lines: list[dict]) -> dict[str, float]:
    """The RB2 rules written out again from the per-example lines, independently of the scorers."""
    subsets: dict[str, float] = {}
    for subset in BEST_OF_N_SUBSETS:
        credits = []
        for line in (x for x in lines if x["subset"] == subset):
            scores = line["scores_chosen"] + line["scores_rejected"]
            credits.append(scores.count(max(scores)) ** -1 if scores[0] == max(scores) else 0.0)
        subsets[subset] = sum(credits) / len(credits)
    stats = {}
    for line in (x for x in lines if x["subset"] == "Ties"):
        kind, number = line["id"].split(":")
        good, bad = line["scores_chosen"], line["scores_rejected"]
        spread = max(good) - min(good) if len(good) > 1 else None
        stats[kind, int(number)] = (min(good) > max(bad), spread, min(good) - max(bad))
    refs = [v for (k, _), v in stats.items() if k == "ref"]
    tieds = [v for (k, _), v in stats.items() if k == "tied"]
    both = [(stats["ref", n], stats["tied", n]) for (k, n) in stats if k == "ref" and ("tied", n) in stats]
    with np.errstate(divide="ignore", invalid="ignore"):
        margins = np.nan_to_num(np.tanh(np.array([min(r[2], t[2]) for r, t in both]) / np.array([t[1] for _, t in both]) - 1))
    subsets["Ties"] = (0.3 * np.mean([t[0] for t in tieds]) + 0.3 * np.mean([r[0] for r in refs])
                       + 0.2 * np.mean([t[2] > t[1] for _, t in both])
                       + 0.2 * np.mean([min(r[2], t[2]) > t[1] for r, t in both]) + 0.01 * np.mean(margins))
    return subsets


def _model_args(model_type, tiny_classifier, lms, tmp_path) -> tuple[list[str], str]:
    """The CLI arguments naming the model, and the org/name its result files are written under."""
    if model_type == "classifier":
        return ["--model", str(tiny_classifier)], "tiny-org/tiny-rm"
    args = ["--model", str(lms["policy"]), "--model-type", model_type]
    if model_type == "dpo":
        args += ["--ref-model", str(lms["reference"]), "--cache-dir", str(tmp_path / "store")]
    return args, "org/policy"


@pytest.mark.parametrize("model_type", ["classifier", "dpo", "dpo-ref-free"])
def test_cli_scores_a_local_rb2_file_offline(model_type, tiny_classifier, lms, tmp_path, capsys):
    data = write_jsonl(tmp_path / "rb2.jsonl", rb2_rows())
    out = tmp_path / "out"
    model_args, name = _model_args(model_type, tiny_classifier, lms, tmp_path)
    code = main(["run", *model_args, "--benchmark", "rewardbench-2", "--data", str(data),
                 "--no-progress", "--bootstrap-samples", "200", "--output", str(out)])
    assert code == 0, capsys.readouterr().err
    result = EvalResult.model_validate_json((out / f"{name}.json").read_text())
    lines = [json.loads(line) for line in (out / f"{name}.scores.jsonl").read_text().splitlines()]
    assert result.model.model_type == model_type

    assert [line["id"] for line in lines] == [row["id"] for row in rb2_rows()]
    assert all(len(line["scores_chosen"]) + len(line["scores_rejected"]) in (4, 3, 7, 2) for line in lines)
    expected = _recompute(lines)
    assert set(result.subsets) == set(REWARDBENCH_2_SUBSETS)
    for subset, value in expected.items():
        assert result.subsets[subset].accuracy == pytest.approx(value, abs=1e-12), subset
    assert set(result.subsets["Ties"].parts) == set(TIES_WEIGHTS)
    assert result.score == pytest.approx(np.mean(list(expected.values())), abs=1e-12)
    assert result.benchmark.name == "rewardbench-2" and result.benchmark.custom_data
    assert result.benchmark.data_revision is None  # the file replaced the pinned Hub data
    assert result.benchmark.missing_subsets == []
    assert result.stats.num_texts == 5 * 3 * 4 + 3 * 3 + 3 * 7 + 2
