"""PPE Correctness: the exact best-of-K curve, the oracle curve, ROC AUC and conflict-pair accuracy
against brute force and plain loops; its rows read and refused; GPQA's texts withheld; the CLI end to end."""

from __future__ import annotations

import hashlib
import json
import random
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from demo.sample_data_ppe_correctness import SAMPLE_PPE_CORRECTNESS_PATH, sample_rows
from results.benchmarks import get_spec
from results.benchmarks.best_of_k import BEST_OF_K, best_of_k_curve, curve_part, oracle_curve, oracle_part, roc_auc
from results.benchmarks.metrics import score
from results.schema import ExampleScore, ExampleText

SPEC = get_spec("ppe-correctness")


def brute_best_of_k(rewards, correct, k):
    """Every K-subset, equally likely; its value is the mean correctness of its top-scored ones."""
    values = []
    for subset in combinations(range(len(rewards)), k):
        top = max(rewards[i] for i in subset)
        tied = [correct[i] for i in subset if rewards[i] == top]
        values.append(sum(tied) / len(tied))
    return sum(values) / len(values)


def brute_oracle(correct, k):
    subsets = list(combinations(range(len(correct)), k))
    return sum(any(correct[i] for i in s) for s in subsets) / len(subsets)


def pair_count_auc(scores_correct, scores_wrong):
    total = 0.0
    for c in scores_correct:
        for w in scores_wrong:
            total += 1.0 if c > w else 0.5 if c == w else 0.0
    return total / (len(scores_correct) * len(scores_wrong))


CASES = [
    ([3.0, 1.0, 3.0, 2.0, 2.0, 0.5, 3.0, 1.0], [1, 0, 0, 1, 0, 1, 1, 0]),  # ties at the top and below
    ([1.0] * 8, [1, 0, 0, 0, 1, 0, 0, 0]),  # every score tied
    ([0.1, 0.9, 0.4, 0.4, 0.7, 0.2, 0.9, 0.3], [0, 0, 1, 1, 1, 0, 0, 1]),
    ([5.0, 4.0, 3.0, 2.0, 1.0, 0.0, -1.0, -2.0], [0] * 8),  # none correct
]


@pytest.mark.parametrize("rewards,correct", CASES)
def test_best_of_k_and_oracle_equal_brute_force_over_every_subset(rewards, correct):
    curve, oracle = best_of_k_curve(rewards, correct), oracle_curve(correct)
    for k in range(1, len(rewards) + 1):
        assert curve[k - 1] == pytest.approx(brute_best_of_k(rewards, correct, k), abs=1e-12)
        assert oracle[k - 1] == pytest.approx(brute_oracle(correct, k), abs=1e-12)


def test_roc_auc_equals_a_direct_pair_count_with_ties_half():
    rng = random.Random(3)
    for _ in range(50):
        good = [rng.choice([0.0, 0.5, 1.0, 1.5]) for _ in range(rng.randint(1, 9))]
        bad = [rng.choice([0.0, 0.5, 1.0]) for _ in range(rng.randint(1, 9))]
        assert roc_auc(good, bad) == pytest.approx(pair_count_auc(good, bad), abs=1e-12)
    assert roc_auc([1.0], []) is None and roc_auc([], [1.0]) is None


def _example(i, subset, rng, n=8):
    correct = [rng.random() < 0.5 for _ in range(n)]
    correct[0], correct[1] = True, False
    rewards = [float(rng.randint(0, 4)) for _ in range(n)]
    good = [r for r, c in zip(rewards, correct) if c]
    bad = [r for r, c in zip(rewards, correct) if not c]
    pairs = sorted({(rng.randrange(len(good)), rng.randrange(len(bad))) for _ in range(rng.randint(1, 4))})
    credit = SPEC.credit(subset, good, bad, pairs)
    return ExampleScore(id=i, subset=subset, scores_chosen=good, scores_rejected=bad, correct=credit, pairs=[list(p) for p in pairs]), rewards, correct


def test_a_set_pools_its_conflict_pairs_and_the_headline_is_the_mean_of_the_sets():
    rng = random.Random(7)
    by_set, raw = {}, {}
    for subset in SPEC.subsets:
        made = [_example(i, subset, rng) for i in range(6)]
        by_set[subset], raw[subset] = [m[0] for m in made], [(m[1], m[2]) for m in made]
    result = score(by_set, SPEC, bootstrap_samples=50)
    accuracies = []
    for subset, examples in by_set.items():
        right = total = 0
        for e in examples:  # a plain loop over every conflict pair of the set
            for i, j in e.pairs:
                total += 1
                right += e.scores_chosen[i] > e.scores_rejected[j]
        accuracies.append(right / total)
        assert result.sections[subset].score == pytest.approx(right / total, abs=1e-12)
        parts = result.subsets[subset].parts
        for k in (1, 4, 8):
            expected = np.mean([brute_best_of_k(r, c, k) for r, c in raw[subset]])
            assert parts[curve_part(k)] == pytest.approx(expected, abs=1e-12)
            assert parts[oracle_part(k)] == pytest.approx(np.mean([brute_oracle(c, k) for _, c in raw[subset]]), abs=1e-12)
        aucs = [pair_count_auc(e.scores_chosen, e.scores_rejected) for e in examples if e.scores_chosen and e.scores_rejected]
        assert result.sections[f"{subset} ROC AUC"].score == pytest.approx(np.mean(aucs), abs=1e-12)
        curve = [parts[curve_part(k)] for k in range(1, 9)]
        assert result.sections[f"{subset} Best-of-32"].score == pytest.approx(curve[-1])
        assert result.sections[f"{subset} Best-of-K max"].score == pytest.approx(max(curve))
        low, high = result.sections[subset].ci95.low, result.sections[subset].ci95.high
        assert low <= right / total <= high
    assert result.overall == pytest.approx(np.mean(accuracies), abs=1e-12)
    curves = SPEC.metrics.curves({s: v.parts for s, v in result.subsets.items()})
    assert [title for title, _ in curves.panels] == list(SPEC.subsets)
    assert all(len(line.values) == 8 for _, lines in curves.panels for line in lines)


def test_a_tie_in_a_conflict_pair_is_wrong():
    assert BEST_OF_K.row_credit([1.0, 2.0], [1.0], [(0, 0), (1, 0)]) == 0.5


# ---- rows: read, mapped, refused ---------------------------------------------------------------


def _load(tmp_path, rows, name="data.jsonl"):
    from evaluator.benchmarks.loading import load_benchmark_data
    from results.benchmarks import DataSource

    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return load_benchmark_data(SPEC, core=DataSource(str(path)))


def test_rows_split_into_correct_and_wrong_with_pairs_as_their_indices(tmp_path):
    rows = sample_rows()
    data = _load(tmp_path, rows)
    assert len(data.examples) == len(rows) == 10
    for row, example in zip(rows, data.examples):
        responses = [row[f"response_{k + 1}"] for k in range(32)]
        assert example.id == f"{row['question_id']}:{row['model_name']}"
        assert list(example.chosen) == [r for r, ok in zip(responses, row["scores"]) if ok]
        assert list(example.rejected) == [r for r, ok in zip(responses, row["scores"]) if not ok]
        right = [k for k, ok in enumerate(row["scores"]) if ok]
        wrong = [k for k, ok in enumerate(row["scores"]) if not ok]
        expected = [(right.index(i), wrong.index(j)) if row["scores"][i] else (right.index(j), wrong.index(i))
                    for i, j in row["sampled_conflict_pairs"]]
        assert list(example.pairs) == expected


def test_a_folder_of_files_named_after_the_sets_gives_each_its_set(tmp_path):
    from evaluator.benchmarks.loading import load_benchmark_data
    from results.benchmarks import DataSource

    folder = tmp_path / "ppe"
    folder.mkdir()
    for subset in SPEC.subsets:
        rows = [{k: v for k, v in r.items() if k != "subset"} for r in sample_rows() if r["subset"] == subset]
        (folder / f"PPE-{subset}-Best-of-K.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    data = load_benchmark_data(SPEC, core=DataSource(str(folder)))
    assert [e.subset for e in data.examples] == [r["subset"] for r in sorted(sample_rows(), key=lambda r: sorted(SPEC.subsets).index(r["subset"]))]


def test_the_hub_source_is_five_datasets_each_read_as_its_set():
    parts = SPEC.core_source.parts()
    assert [(p.name, p.location, p.split) for p in parts] == [
        (s, f"lmarena-ai/PPE-{s}-Best-of-K", "train") for s in ("MMLU-Pro", "MATH", "GPQA", "IFEval", "MBPP-Plus")
    ]


@pytest.mark.parametrize(
    "change,reason",
    [
        (lambda r: r.update(sampled_conflict_pairs=[[0, 32]]), "out of range"),
        (lambda r: r.update(scores=r["scores"][:31]), "'scores' has 31 values for 32 responses"),
        (lambda r: r.update(sampled_conflict_pairs=[[r["scores"].index(True), 31 - r["scores"][::-1].index(True)]]), "both responses are correct"),
        (lambda r: r.update(sampled_conflict_pairs=[[r["scores"].index(False), 31 - r["scores"][::-1].index(False)]]), "both responses are wrong"),
        (lambda r: r.update(scores=[0.5] + r["scores"][1:]), "true/false or 0/1"),
    ],
)
def test_bad_rows_are_refused_with_their_id_and_reason(tmp_path, change, reason):
    from evaluator.errors import DataError

    rows = sample_rows()
    change(rows[3])
    with pytest.raises(DataError) as caught:
        _load(tmp_path, rows)
    message = str(caught.value)
    assert "row 4" in message or "line 4" in message
    assert "math-2:demo-sampler" in message and reason in message


# ---- GPQA: never published in plain text ----------------------------------------------------------


def test_gpqa_texts_are_withheld_and_the_texts_file_still_hashes_to_the_fingerprint(tmp_path):
    from evaluator.runner import example_texts
    from results.store import parse_texts, texts_bytes

    data = _load(tmp_path, sample_rows())
    texts = example_texts(data, SPEC.texts_withheld)
    stored = texts_bytes(texts)
    assert hashlib.sha256(stored).hexdigest() == data.fingerprint
    for row in sample_rows():
        if row["subset"] == "GPQA":
            assert row["prompt"] not in stored.decode() and row["response_1"] not in stored.decode()
    read = parse_texts(stored)
    withheld = [t for t in read if t.subset == "GPQA"]
    assert len(withheld) == 2 and all(t.withheld and not t.prompt and not t.chosen for t in withheld)
    assert all(not t.withheld and t.prompt for t in read if t.subset != "GPQA")


def test_old_lines_without_pairs_or_hashes_still_read():
    old_score = '{"id":1,"subset":"chat","scores_chosen":[1.0],"scores_rejected":[0.0],"correct":1.0}'
    old_text = '{"id":1,"subset":"chat","prompt":[["user","hi"]],"chosen":["a"],"rejected":["b"]}'
    assert ExampleScore.model_validate_json(old_score).pairs is None
    text = ExampleText.model_validate_json(old_text)
    assert not text.withheld and json.loads(text.canonical_line()) == json.loads(old_text)


# ---- the CLI end to end ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_out(tiny_classifier, tmp_path_factory) -> Path:
    """`python -m evaluator run --benchmark ppe-correctness --data <the sample>` with the tiny classifier."""
    from evaluator.cli import main

    out = tmp_path_factory.mktemp("ppe-run")
    code = main(["run", "--model", str(tiny_classifier), "--benchmark", "ppe-correctness", "--data", str(SAMPLE_PPE_CORRECTNESS_PATH),
                 "--no-progress", "--max-length", "256", "--bootstrap-samples", "50", "--output", str(out)])
    assert code == 0
    return out


def test_cli_scores_the_sample_and_every_value_recomputes_from_the_scores_file(cli_out):
    from results.schema import EvalResult

    out = cli_out
    result = EvalResult.model_validate_json((out / "tiny-org/tiny-rm.json").read_text())
    lines = [json.loads(line) for line in (out / "tiny-org/tiny-rm.scores.jsonl").read_text().splitlines()]
    assert len(lines) == 10 and all(len(ln["scores_chosen"]) + len(ln["scores_rejected"]) == 32 for ln in lines)
    assert result.stats.num_texts == 320 and result.stats.num_prefix_shared == 320
    accuracies = []
    for subset in SPEC.subsets:
        mine = [ln for ln in lines if ln["subset"] == subset]
        pairs = [(ln["scores_chosen"][i], ln["scores_rejected"][j]) for ln in mine for i, j in ln["pairs"]]
        accuracies.append(sum(c > w for c, w in pairs) / len(pairs))
        assert result.sections[subset].score == pytest.approx(accuracies[-1], abs=1e-12)
        curve = np.mean([best_of_k_curve(ln["scores_chosen"] + ln["scores_rejected"],
                                         [1] * len(ln["scores_chosen"]) + [0] * len(ln["scores_rejected"])) for ln in mine], axis=0)
        assert result.sections[f"{subset} Best-of-32"].score == pytest.approx(curve[-1], abs=1e-12)
    assert result.score == pytest.approx(np.mean(accuracies), abs=1e-12)
    assert result.benchmark.missing_subsets == [] and result.benchmark.custom_data


# ---- pages: the curves chart ------------------------------------------------------------------------


def test_the_charts_draw_each_sets_best_of_k_curve_beside_its_oracle(cli_out):
    from leaderboard.tables import figures
    from leaderboard.tables import table as t

    data = (cli_out / "tiny-org/tiny-rm.json").read_bytes()
    tables = t.build_tables([("results/tiny-org/tiny-rm.json", data)])
    figure = figures.draw("curves", tables.rows, figures.ChartOptions(models=["tiny-org/tiny-rm"]))
    parts = json.loads(data)["subsets"]
    assert [a["text"] for a in figure.layout.annotations] == list(SPEC.subsets)  # the five sets side by side
    assert len(figure.data) == 10
    for n, subset in enumerate(SPEC.subsets):
        own, oracle = figure.data[2 * n], figure.data[2 * n + 1]
        assert (own.name, oracle.name, oracle.line.dash) == ("best-of-K", "oracle", "dash")
        assert list(own.y) == pytest.approx([parts[subset]["parts"][curve_part(k)] * 100 for k in range(1, 33)])
        assert list(oracle.y) == pytest.approx([parts[subset]["parts"][oracle_part(k)] * 100 for k in range(1, 33)])
    assert SPEC.has_curves and not get_spec("rm-bench").has_curves


def test_the_examples_tab_shows_gpqa_rows_by_id_and_rewards_only(cli_out, tmp_path):
    from evaluator.runner import example_texts
    from leaderboard.examples import examples as ex
    from results.store import parse_texts, texts_bytes

    scores = [ExampleScore.model_validate_json(line) for line in (cli_out / "tiny-org/tiny-rm.scores.jsonl").read_text().splitlines()]
    texts = parse_texts(texts_bytes(example_texts(_load(tmp_path, sample_rows()), SPEC.texts_withheld)))
    shown = ex.examples_frame(scores, texts)
    gpqa = shown.frame[shown.frame[ex.SUBSET] == "GPQA"]
    others = shown.frame[shown.frame[ex.SUBSET] != "GPQA"]
    assert list(gpqa[ex.PROMPT]) == [ex.WITHHELD] * 2 and set(gpqa[ex.CHOSEN]) == {""} and gpqa[ex.MARGIN].notna().all()
    assert all(p not in (ex.WITHHELD, ex.NO_TEXTS) for p in others[ex.PROMPT])
    key = gpqa[ex.KEY].iloc[0]
    detail = ex.detail_markdown(shown, key)
    gpqa_rows = [r for r in sample_rows() if r["subset"] == "GPQA"]
    assert "withheld" in detail and all(r["prompt"] not in detail and r["response_1"] not in detail for r in gpqa_rows)
    assert "Rewards: chosen" in detail


def test_a_prompt_whose_answers_are_all_wrong_is_shown_without_a_margin():
    from leaderboard.examples import examples as ex

    score = ExampleScore(id="q", subset="MATH", scores_chosen=[], scores_rejected=[0.2, 0.4], correct=0.0, pairs=[])
    text = ExampleText(id="q", subset="MATH", prompt=[("user", "2+2?")], chosen=[], rejected=["5", "3"])
    shown = ex.examples_frame([score], [text])
    row = shown.frame.iloc[0]
    assert np.isnan(row[ex.MARGIN]) and row[ex.REJECTED] == "3" and row[ex.CHOSEN] == ""
    assert "Rejected 2 (reward 0.4" in ex.detail_markdown(shown, row[ex.KEY])


def test_a_prompt_without_conflict_pairs_keeps_an_empty_list_and_earns_no_credit(tmp_path):
    rows = sample_rows()
    rows[0]["sampled_conflict_pairs"] = []
    example = _load(tmp_path, rows).examples[0]
    assert example.pairs == () and example.canonical()["pairs"] == []
    assert SPEC.credit(example.subset, [2.0] * len(example.chosen), [1.0] * len(example.rejected), example.pairs) == 0.0
