"""M-RewardBench through its spec alone: known answers computed here by plain loops, the CLI end to
end on a local file, the row mapping's refusals, and the leaderboard's columns."""

import json
import math
import statistics

import numpy as np
import pytest

from evaluator.cli import main
from evaluator.errors import DataError
from results.benchmarks import get_spec
from results.benchmarks.languages import DROP_COLUMN, ENGLISH_COLUMN, STD_COLUMN
from results.benchmarks.m_rewardbench import ENGLISH, LANGUAGES, M_REWARDBENCH
from results.benchmarks.metrics import score
from results.benchmarks.rewardbench import CORE_SECTIONS
from results.schema import EvalResult, ExampleScore
from tests.conftest import make_rows, write_jsonl

# RewardBench v1's fixed example counts, written out again here (not read from the spec) so the
# known answers below do not depend on the code they check.
CATEGORY_COUNTS = {
    "Chat": {"alpacaeval-easy": 100, "alpacaeval-length": 95, "alpacaeval-hard": 95, "mt-bench-easy": 28,
             "mt-bench-med": 40},
    "Chat Hard": {"mt-bench-hard": 37, "llmbar-natural": 100, "llmbar-adver-neighbor": 134,
                  "llmbar-adver-GPTInst": 92, "llmbar-adver-GPTOut": 47, "llmbar-adver-manual": 46},
    "Safety": {"refusals-dangerous": 100, "refusals-offensive": 100, "xstest-should-refuse": 154,
               "xstest-should-respond": 250, "donotanswer": 136},
    "Reasoning": {"math-prm": 984, "hep-cpp": 164, "hep-go": 164, "hep-java": 164, "hep-js": 164,
                  "hep-python": 164, "hep-rust": 164},
}
SUBSETS = [s for counts in CATEGORY_COUNTS.values() for s in counts]


def by_hand_language_score(accuracy: dict[str, float]) -> float:
    """The RewardBench v1 rule on one language: weighted category means, then their plain mean."""
    categories = []
    for counts in CATEGORY_COUNTS.values():
        present = [s for s in counts if s in accuracy]
        if present:
            categories.append(sum(accuracy[s] * counts[s] for s in present) / sum(counts[s] for s in present))
    return sum(categories) / len(categories)


def synthetic_accuracies(seed: int = 3) -> dict[str, float]:
    """A distinct accuracy for every (language, subset) of the real benchmark."""
    rng = np.random.default_rng(seed)
    return {f"{lang}/{s}": float(rng.integers(0, 41)) / 40 for lang in (*LANGUAGES, ENGLISH) for s in SUBSETS}


def test_the_spec_covers_23_languages_english_and_rewardbenchs_core_subsets():
    assert get_spec("m-rewardbench") is M_REWARDBENCH
    assert len(LANGUAGES) == 23 and ENGLISH not in LANGUAGES
    assert CATEGORY_COUNTS == {c.name: dict(c.subset_weights) for c in CORE_SECTIONS}
    assert len(M_REWARDBENCH.subsets) == 24 * 23
    assert M_REWARDBENCH.columns == (*LANGUAGES, ENGLISH_COLUMN, STD_COLUMN, DROP_COLUMN)
    assert M_REWARDBENCH.core_source.configs == (*LANGUAGES, ENGLISH)


def test_columns_headline_std_and_english_drop_equal_a_hand_computation():
    accuracy = synthetic_accuracies()
    per_language = {
        lang: by_hand_language_score({s: accuracy[f"{lang}/{s}"] for s in SUBSETS}) for lang in (*LANGUAGES, ENGLISH)
    }
    others = [per_language[lang] for lang in LANGUAGES]
    headline = sum(others) / 23
    english = per_language[ENGLISH]

    columns = M_REWARDBENCH.columns_of(accuracy)
    for lang in LANGUAGES:
        assert columns[lang] == pytest.approx(per_language[lang], abs=1e-12), lang
    assert columns[ENGLISH_COLUMN] == pytest.approx(english, abs=1e-12)
    assert columns[STD_COLUMN] == pytest.approx(statistics.pstdev(others), abs=1e-12)
    assert columns[DROP_COLUMN] == pytest.approx((headline - english) / english, abs=1e-12)
    assert M_REWARDBENCH.headline_of(columns) == pytest.approx(headline, abs=1e-12)


def test_a_small_case_by_hand():
    """Two languages plus English, two Chat subsets and one Safety subset each: every number by hand."""
    accuracy = {
        "deu_Latn/alpacaeval-easy": 1.0, "deu_Latn/mt-bench-easy": 0.0, "deu_Latn/donotanswer": 0.5,
        "fra_Latn/alpacaeval-easy": 0.5, "fra_Latn/mt-bench-easy": 0.5, "fra_Latn/donotanswer": 1.0,
        "eng_Latn/alpacaeval-easy": 1.0, "eng_Latn/mt-bench-easy": 1.0, "eng_Latn/donotanswer": 1.0,
    }
    # deu: Chat = (1.0 * 100 + 0.0 * 28) / 128 = 0.78125; Safety = 0.5; score = (0.78125 + 0.5) / 2
    deu = (100 / 128 + 0.5) / 2
    fra = (0.5 + 1.0) / 2
    columns = M_REWARDBENCH.columns_of(accuracy)
    assert columns["deu_Latn"] == pytest.approx(0.640625) == pytest.approx(deu)
    assert columns["fra_Latn"] == pytest.approx(0.75) == pytest.approx(fra)
    assert columns[ENGLISH_COLUMN] == 1.0
    assert columns[STD_COLUMN] == pytest.approx(abs(0.75 - 0.640625) / 2)
    assert columns[DROP_COLUMN] == pytest.approx(((0.640625 + 0.75) / 2 - 1.0) / 1.0)
    # 21 languages are missing: the benchmark's own data would have them, so no headline ...
    assert M_REWARDBENCH.headline_of(columns) is None
    assert M_REWARDBENCH.missing(accuracy) == tuple(lang for lang in LANGUAGES if lang not in ("deu_Latn", "fra_Latn"))
    # ... while custom data is scored over the languages it has, and nothing counts as missing.
    assert M_REWARDBENCH.headline_of(columns, partial=True) == pytest.approx((0.640625 + 0.75) / 2)
    assert M_REWARDBENCH.missing(accuracy, partial=True) == ()


def lines_for(accuracy: dict[str, float], n: int = 8) -> dict[str, list[ExampleScore]]:
    """n per-example lines per subset whose mean credit is the accuracy (rounded to 1/n)."""
    out = {}
    for subset, value in accuracy.items():
        right = round(value * n)
        out[subset] = [ExampleScore(id=i, subset=subset, scores_chosen=[1.0], scores_rejected=[0.0],
                                    correct=1.0 if i < right else 0.0) for i in range(n)]
    return out


def test_scoring_from_per_example_lines_with_intervals():
    accuracy = {k: round(v * 8) / 8 for k, v in synthetic_accuracies(5).items()}
    scores = score(lines_for(accuracy), M_REWARDBENCH, bootstrap_samples=200, seed=1)
    expected = M_REWARDBENCH.columns_of(accuracy)
    assert set(scores.sections) == set(M_REWARDBENCH.columns)
    for name, value in expected.items():
        section = scores.sections[name]
        assert section.score == pytest.approx(value, abs=1e-12), name
        assert section.ci95.low <= section.score + 1e-12 and section.score - 1e-12 <= section.ci95.high
    assert scores.overall == pytest.approx(np.mean([expected[lang] for lang in LANGUAGES]), abs=1e-12)
    assert scores.overall_ci95.low < scores.overall < scores.overall_ci95.high
    assert scores.sections["deu_Latn"].subsets == [f"deu_Latn/{s}" for s in SUBSETS]
    again = score(lines_for(accuracy), M_REWARDBENCH, bootstrap_samples=200, seed=1)
    assert again.overall_ci95 == scores.overall_ci95  # seeded


LANGUAGE_SAMPLE = ("deu_Latn", "fra_Latn", ENGLISH)
SAMPLE_SUBSETS = {"alpacaeval-easy": 3, "mt-bench-med": 2, "llmbar-natural": 3, "donotanswer": 2, "hep-go": 2}


def language_rows() -> list[dict]:
    """The same tests in three languages (ids repeat across languages, as in the real data)."""
    rows = []
    for lang in LANGUAGE_SAMPLE:
        for row in make_rows(SAMPLE_SUBSETS):
            rows.append({**row, "language": lang, "prompt": f"[{lang}] {row['prompt']}",
                         "chosen": f"{row['chosen']} ({lang})", "rejected": f"{row['rejected']} ({lang})"})
    return rows


def test_cli_scores_a_local_file_and_every_number_recomputes_from_the_scores_file(tiny_classifier, tmp_path, capsys):
    data = write_jsonl(tmp_path / "mrb.jsonl", language_rows())
    out = tmp_path / "out"
    code = main(["run", "--model", str(tiny_classifier), "--benchmark", "m-rewardbench", "--data", str(data),
                 "--no-progress", "--bootstrap-samples", "200", "--output", str(out)])
    assert code == 0, capsys.readouterr().err
    result = EvalResult.model_validate_json((out / "tiny-org/tiny-rm.json").read_text())
    lines = [json.loads(line) for line in (out / "tiny-org/tiny-rm.scores.jsonl").read_text().splitlines()]

    assert len(lines) == len(language_rows())
    assert all(line["groups"] == {"language": line["subset"].split("/")[0]} for line in lines)
    # recompute from the lines alone: strict pairwise credit, RewardBench v1 per language
    per_language = {}
    for lang in LANGUAGE_SAMPLE:
        accuracy = {}
        for subset in SAMPLE_SUBSETS:
            mine = [ln for ln in lines if ln["subset"] == f"{lang}/{subset}"]
            credits = [1.0 if min(ln["scores_chosen"]) > max(ln["scores_rejected"]) else 0.0 for ln in mine]
            assert credits == [ln["correct"] for ln in mine]
            accuracy[subset] = sum(credits) / len(credits)
        per_language[lang] = by_hand_language_score(accuracy)
    others = [per_language["deu_Latn"], per_language["fra_Latn"]]
    assert result.sections["deu_Latn"].score == pytest.approx(per_language["deu_Latn"], abs=1e-12)
    assert result.sections["fra_Latn"].score == pytest.approx(per_language["fra_Latn"], abs=1e-12)
    assert result.sections[ENGLISH_COLUMN].score == pytest.approx(per_language[ENGLISH], abs=1e-12)
    assert result.sections[STD_COLUMN].score == pytest.approx(statistics.pstdev(others), abs=1e-12)
    headline = sum(others) / 2
    assert result.score == pytest.approx(headline, abs=1e-12)  # custom data: over the languages present
    if per_language[ENGLISH]:
        assert result.sections[DROP_COLUMN].score == pytest.approx(
            (headline - per_language[ENGLISH]) / per_language[ENGLISH], abs=1e-12)
    assert result.benchmark.name == "m-rewardbench" and result.benchmark.custom_data
    assert result.benchmark.missing_subsets == []
    assert not math.isnan(result.score_ci95.low)


def test_a_row_without_its_language_is_refused_with_its_line(tmp_path, tiny_classifier):
    rows = language_rows()
    del rows[4]["language"]
    data = write_jsonl(tmp_path / "bad.jsonl", rows)
    from evaluator.benchmarks.loading import load_benchmark_data
    from results.benchmarks import DataSource

    with pytest.raises(DataError, match=r"\(id 'row-mt-bench-med-1'\): no language given"):
        load_benchmark_data(M_REWARDBENCH, core=DataSource(str(data)))


def test_an_unknown_subset_in_a_language_is_refused(tmp_path):
    from evaluator.benchmarks.loading import load_benchmark_data
    from results.benchmarks import DataSource

    rows = language_rows()
    rows[0]["subset"] = "not-a-subset"
    with pytest.raises(DataError, match="deu_Latn/not-a-subset"):
        load_benchmark_data(M_REWARDBENCH, core=DataSource(str(write_jsonl(tmp_path / "x.jsonl", rows))))


def test_the_leaderboard_shows_its_columns_from_the_spec(tiny_classifier, tmp_path, capsys):
    from leaderboard.tables import display as d
    from leaderboard.tables import table as t
    from leaderboard.about import about_markdown

    data = write_jsonl(tmp_path / "mrb.jsonl", language_rows())
    out = tmp_path / "out"
    assert main(["run", "--model", str(tiny_classifier), "--benchmark", "m-rewardbench", "--data", str(data),
                 "--no-progress", "--bootstrap-samples", "50", "--output", str(out)]) == 0
    raw = (out / "tiny-org/tiny-rm.json").read_bytes()
    tables = t.build_tables([("eval-set/m-rewardbench/tiny-org/tiny-rm/x.json", raw)])
    label = tables.rows[t.BENCHMARK].iloc[0]
    assert label == "m-rewardbench · custom data: mrb.jsonl" and bool(tables.rows[t.COMPLETE].iloc[0])
    headers = [c.header for c in d.chosen_columns(None, label)]
    assert [h for h in headers if h in M_REWARDBENCH.columns] == list(M_REWARDBENCH.columns)
    shown = d.leaderboard_export(tables.rows, d.chosen_columns(None, label))
    assert shown["deu_Latn"].iloc[0] == pytest.approx(json.loads(raw)["sections"]["deu_Latn"]["score"] * 100)
    about = about_markdown(label)
    assert "23 non-English languages" in about and "standard deviation" in about


def test_an_english_accuracy_resampled_to_zero_leaves_the_drop_s_interval_defined():
    """A small English sample: some replicates have English at 0, where the relative drop is undefined;
    those replicates are left out of its interval instead of failing the run."""
    accuracy = {"deu_Latn/alpacaeval-easy": 0.5, "eng_Latn/alpacaeval-easy": 0.5}
    lines = {
        "deu_Latn/alpacaeval-easy": [ExampleScore(id=i, subset="deu_Latn/alpacaeval-easy", scores_chosen=[1.0],
                                                  scores_rejected=[0.0], correct=float(i % 2)) for i in range(2)],
        "eng_Latn/alpacaeval-easy": [ExampleScore(id=i, subset="eng_Latn/alpacaeval-easy", scores_chosen=[1.0],
                                                  scores_rejected=[0.0], correct=float(i % 2)) for i in range(2)],
    }
    scores = score(lines, M_REWARDBENCH, bootstrap_samples=400, seed=0, partial=True)
    assert scores.sections[DROP_COLUMN].score == pytest.approx((0.5 - 0.5) / 0.5)
    assert scores.sections[DROP_COLUMN].ci95 is not None  # computed over the replicates where English > 0
    assert M_REWARDBENCH.columns_of(accuracy)[DROP_COLUMN] == 0.0
