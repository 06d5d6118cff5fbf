"""RewardBench scoring rules: subset accuracy, prompt-weighted sections, overall, bootstrap CIs."""

import numpy as np
import pytest

from evaluator.benchmarks import REWARDBENCH
from results.benchmarks.metrics import pair_correct
from results.benchmarks.metrics import score as score_examples
from results.schema import ExampleScore


def as_examples(credits, subset: str = "s") -> list[ExampleScore]:
    """Per-example lines with the given credits (the scores themselves do not matter here)."""
    return [ExampleScore(id=i, subset=subset, scores_chosen=[1.0], scores_rejected=[0.0], correct=float(c))
            for i, c in enumerate(credits)]


def score(credits_by_subset, benchmark, **kwargs):
    """v1 subsets are scored from their examples' credits alone."""
    return score_examples({s: as_examples(c, s) for s, c in credits_by_subset.items()}, benchmark, **kwargs)

# Published subset accuracies of PKU-Alignment/beaver-7b-v1.0-cost on RewardBench, with the
# section scores the RewardBench leaderboard shows for it.
BEAVER_SUBSETS = {
    "alpacaeval-easy": 0.5, "alpacaeval-hard": 0.70526, "alpacaeval-length": 0.58947,
    "mt-bench-easy": 0.57143, "mt-bench-med": 0.725, "mt-bench-hard": 0.54054,
    "llmbar-natural": 0.52, "llmbar-adver-neighbor": 0.43284, "llmbar-adver-GPTInst": 0.39130,
    "llmbar-adver-GPTOut": 0.46809, "llmbar-adver-manual": 0.36957, "refusals-dangerous": 0.97,
    "refusals-offensive": 1.0, "xstest-should-refuse": 1.0, "xstest-should-respond": 0.284,
    "donotanswer": 0.82353, "math-prm": 0.29530, "hep-cpp": 0.62805, "hep-go": 0.63415,
    "hep-java": 0.70732, "hep-js": 0.66463, "hep-python": 0.54878, "hep-rust": 0.64634,
}
BEAVER_SECTIONS = {"Chat": 0.60894, "Chat Hard": 0.44956, "Safety": 0.72162, "Reasoning": 0.46676}
# Real subset sizes of the filtered split (math-prm has 447 prompts but is weighted as 984).
REAL_SIZES = {subset: int(w) for section in REWARDBENCH.metrics.sections[:4] for subset, w in section.subset_weights.items()}
REAL_SIZES["math-prm"] = 447


def test_sections_of_published_subset_accuracies_match_the_leaderboard():
    sections = REWARDBENCH.columns_of(BEAVER_SUBSETS)
    assert set(sections) == set(BEAVER_SECTIONS)
    for name, expected in BEAVER_SECTIONS.items():
        assert sections[name] == pytest.approx(expected, abs=1e-4), name
    assert REWARDBENCH.headline_of(sections) == pytest.approx(np.mean(list(BEAVER_SECTIONS.values())), abs=1e-4)


def _correct_vectors(accuracies, sizes):
    """Per-example correctness with exactly the published accuracy on each real-size subset."""
    vectors = {}
    for subset, acc in accuracies.items():
        n = sizes[subset]
        hits = round(acc * n)
        assert abs(hits / n - acc) < 1e-4, f"{subset}: published accuracy is not k/{n}"
        vectors[subset] = np.array([1.0] * hits + [0.0] * (n - hits))
    return vectors


def test_known_answer_from_per_example_correctness():
    scores = score(_correct_vectors(BEAVER_SUBSETS, REAL_SIZES), REWARDBENCH, bootstrap_samples=200)
    for subset, acc in BEAVER_SUBSETS.items():
        assert scores.subsets[subset].accuracy == pytest.approx(acc, abs=1e-4)
        assert scores.subsets[subset].n == REAL_SIZES[subset]
    for name, expected in BEAVER_SECTIONS.items():
        assert scores.sections[name].score == pytest.approx(expected, abs=1e-4)
        assert scores.sections[name].missing_subsets == []
    assert scores.overall == pytest.approx(np.mean(list(BEAVER_SECTIONS.values())), abs=1e-4)


def test_tie_is_wrong_and_best_of_n_needs_every_chosen_above_every_rejected():
    assert pair_correct([1.0], [1.0]) == 0.0
    assert pair_correct([1.0], [0.999]) == 1.0
    assert pair_correct([2.0], [1.0, 1.5, 2.0]) == 0.0
    assert pair_correct([2.0], [1.0, 1.5, 1.9]) == 1.0


def test_prior_sets_count_half_and_absent_sections_are_skipped():
    sections = {"Chat": 1.0, "Prior Sets": 0.0}
    assert REWARDBENCH.headline_of(sections) == pytest.approx(1.0 / 1.5)
    assert REWARDBENCH.headline_of({"Safety": 0.25}) == pytest.approx(0.25)
    assert REWARDBENCH.headline_of({}) is None


def test_prior_sets_are_a_plain_mean():
    subsets = {"anthropic_helpful": 1.0, "anthropic_hhh": 0.0, "shp": 0.5, "summarize": 0.5}
    assert REWARDBENCH.columns_of(subsets)["Prior Sets"] == pytest.approx(0.5)


def test_partial_section_lists_its_missing_subsets():
    scores = score({"llmbar-natural": np.ones(10)}, REWARDBENCH, bootstrap_samples=50)
    chat_hard = scores.sections["Chat Hard"]
    assert chat_hard.subsets == ["llmbar-natural"]
    assert "mt-bench-hard" in chat_hard.missing_subsets and not chat_hard.complete


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    rng = np.random.default_rng(1)
    correct = {s: (rng.random(n) < 0.6).astype(float) for s, n in REAL_SIZES.items()}
    a = score(correct, REWARDBENCH, bootstrap_samples=500, seed=7)
    b = score(correct, REWARDBENCH, bootstrap_samples=500, seed=7)
    c = score(correct, REWARDBENCH, bootstrap_samples=500, seed=8)
    assert a.overall_ci95 == b.overall_ci95
    assert a.overall_ci95 != c.overall_ci95
    for s, sub in a.subsets.items():
        assert sub.ci95.low <= sub.accuracy <= sub.ci95.high
    for sec in a.sections.values():
        assert sec.ci95.low < sec.score < sec.ci95.high
    assert a.overall_ci95.low < a.overall < a.overall_ci95.high
    # The overall pools ~3000 examples, so its interval is narrower than any one section's.
    overall_width = a.overall_ci95.high - a.overall_ci95.low
    assert all(overall_width < sec.ci95.high - sec.ci95.low for sec in a.sections.values())


def test_bootstrap_matches_resampling_examples_directly():
    """The multinomial shortcut gives the same distribution as resampling indices."""
    rng = np.random.default_rng(3)
    values = rng.choice([0.0, 0.5, 1.0], size=120, p=[0.3, 0.2, 0.5])
    fast = score({"hep-go": values}, REWARDBENCH, bootstrap_samples=4000, seed=0).subsets["hep-go"].ci95
    idx = rng.integers(0, len(values), size=(4000, len(values)))
    naive_low, naive_high = np.percentile(values[idx].mean(axis=1), [2.5, 97.5])
    assert fast.low == pytest.approx(naive_low, abs=0.015)
    assert fast.high == pytest.approx(naive_high, abs=0.015)


def test_all_correct_subset_has_a_degenerate_interval():
    sub = score({"hep-go": np.ones(30)}, REWARDBENCH, bootstrap_samples=100).subsets["hep-go"]
    assert (sub.ci95.low, sub.accuracy, sub.ci95.high) == (1.0, 1.0, 1.0)


def test_a_result_keeps_its_scores_first_bootstrap_replicates_as_the_per_example_lines_give_them(tiny_classifier, tmp_path):
    """`score_replicates` are the run's first replicates of the score: recomputed here from the
    scores file's lines with the run's seed and sample count, they come out the same, and the
    result's interval is their whole set's 2.5th and 97.5th percentiles."""
    import json
    from pathlib import Path

    from evaluator.cli import main
    from results.benchmarks import get_spec
    from results.benchmarks.metrics import KEPT_REPLICATES
    from results.schema import EvalResult

    data = Path(__file__).resolve().parents[1] / "data" / "sample-rewardbench-2.jsonl"
    assert main(["run", "--model", str(tiny_classifier), "--benchmark", "rewardbench-2", "--data", str(data),
                 "--no-progress", "--max-length", "128", "--bootstrap-samples", "300", "--output", str(tmp_path)]) == 0
    org, name = tiny_classifier.parts[-2:]
    result = EvalResult.model_validate_json((tmp_path / org / f"{name}.json").read_text())
    lines = [ExampleScore.model_validate(json.loads(x)) for x in (tmp_path / org / f"{name}.scores.jsonl").read_text().splitlines()]
    by_subset: dict[str, list[ExampleScore]] = {}
    for line in lines:
        by_subset.setdefault(line.subset, []).append(line)
    again = score_examples(by_subset, get_spec("rewardbench-2"), bootstrap_samples=300, seed=result.settings.bootstrap_seed, partial=True)
    assert len(result.score_replicates) == KEPT_REPLICATES
    assert result.score_replicates == pytest.approx(again.overall_replicates[:KEPT_REPLICATES].tolist(), abs=1e-7)
    low, high = np.percentile(again.overall_replicates, [2.5, 97.5])
    assert (result.score_ci95.low, result.score_ci95.high) == pytest.approx((low, high))
