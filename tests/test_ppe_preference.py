"""PPE human preference (`--benchmark ppe-preference`): rows, refusals, every column against a plain
computation in the test (loops for accuracies and ties, scipy for the Bradley-Terry fits and the
rank correlations), bootstrap replicates against rescoring resampled battles, the sample, and the
CLI end to end for a classifier and a generative judge."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from scipy import optimize, stats

from evaluator.benchmarks.loading import load_benchmark_data
from evaluator.errors import DataError
from results.benchmarks import DataSource, get_spec
from results.benchmarks.arena import ACCURACY, KENDALL, SPEARMAN, TIES_COLUMN, BattleScorer, rank_agreement
from results.benchmarks.bradley_terry import PRIOR_PRECISION
from results.benchmarks.metrics import score
from results.benchmarks.ppe_preference import CATEGORIES, LANGUAGES, OTHER_LANGUAGES, PPE_PREFERENCE
from results.schema import ExampleScore

from demo.benchmarks import GENERATORS, SAMPLES
from demo.sample_data_ppe import SAMPLE_PPE_PATH, main as sample_main
from tests.conftest import REPO_ROOT
from tests.hub_fixtures import hub_fixture, upload_dataset  # noqa: F401 (the `hub` fixture)

MODELS = ("m-one", "m-two", "m-three", "m-four", "m-five")


def _rows(path: Path = SAMPLE_PPE_PATH) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


# ---- independent computations ----------------------------------------------------------------------


def _score_of_a(line: dict) -> tuple[float, float]:
    """model_a's and model_b's scores: the winner's answer is chosen, a tie keeps model_a's as chosen."""
    chosen, rejected = line["scores_chosen"][0], line["scores_rejected"][0]
    return (rejected, chosen) if line["groups"]["winner"] == "model_b" else (chosen, rejected)


def _bt_by_optimizer(games: list[tuple[str, str, float]]) -> dict[str, float]:
    """Ratings maximising sum y log s(a-b) + (1-y) log s(b-a) - prior/2 |theta|^2, by scipy."""
    models = sorted({m for a, b, _ in games for m in (a, b)})
    at = {m: i for i, m in enumerate(models)}

    def negative(theta):
        total = 0.0
        for a, b, y in games:
            d = theta[at[a]] - theta[at[b]]
            total += y * -np.logaddexp(0, -d) + (1 - y) * -np.logaddexp(0, d)
        return -(total - 0.5 * PRIOR_PRECISION * theta @ theta)

    theta = optimize.minimize(negative, np.zeros(len(models)), method="BFGS", options={"gtol": 1e-9}).x
    return dict(zip(models, theta))


def _expected_correlations(lines: list[dict]) -> tuple[float, float]:
    human, reward = [], []
    for line in lines:
        g = line["groups"]
        a, b = _score_of_a(line)
        human.append((g["model_a"], g["model_b"], {"model_a": 1.0, "model_b": 0.0}.get(g["winner"], 0.5)))
        reward.append((g["model_a"], g["model_b"], 1.0 if a > b else 0.0 if a < b else 0.5))
    h, r = _bt_by_optimizer(human), _bt_by_optimizer(reward)
    models = sorted(h)
    x, y = [h[m] for m in models], [r[m] for m in models]
    return stats.spearmanr(x, y).statistic, stats.kendalltau(x, y).statistic


def _expected_accuracies(lines: list[dict]) -> dict[str, float]:
    """Accuracy overall, per subset and per category tag, over battles with a winner, by loops."""
    right, decided = defaultdict(float), defaultdict(int)
    for line in lines:
        if line["groups"]["winner"] not in ("model_a", "model_b"):
            continue
        tags = [t for t in line["groups"]["tags"].split(",") if t]
        for key in (ACCURACY, line["subset"], *tags):
            decided[key] += 1
            right[key] += line["correct"]
    return {key: right[key] / decided[key] for key in decided}


# ---- made-up scored battles ------------------------------------------------------------------------


def _battle_lines(n: int, seed: int) -> list[dict]:
    """Scored battles as per-example lines: random models, votes (a quarter ties), languages (some
    outside the named ones), tags, and a reward that half-follows a planted model strength."""
    rng = np.random.default_rng(seed)
    strength = {m: s for m, s in zip(MODELS, [2.0, 1.0, 0.0, -1.0, -2.0])}
    languages = ["English", "Chinese", "German", "Dutch"]
    lines = []
    for i in range(n):
        a, b = (str(m) for m in rng.choice(MODELS, size=2, replace=False))
        winner = str(rng.choice(["model_a", "model_b", "tie", "tie (bothbad)"], p=[0.4, 0.35, 0.15, 0.1]))
        score_a, score_b = strength[a] + rng.normal(0, 2), strength[b] + rng.normal(0, 2)
        if i % 9 == 0:
            score_b = score_a  # a tie of rewards: wrong, and half a win each in the reward ranking
        chosen, rejected = (score_b, score_a) if winner == "model_b" else (score_a, score_b)
        language = languages[int(rng.integers(len(languages)))]
        tags = [t for t in CATEGORIES if rng.random() < 0.3]
        lines.append({
            "id": f"b{i}",
            "subset": language if language in LANGUAGES else OTHER_LANGUAGES,
            "scores_chosen": [float(chosen)],
            "scores_rejected": [float(rejected)],
            "correct": 1.0 if chosen > rejected else 0.0,
            "groups": {"model_a": a, "model_b": b, "winner": winner, "language": language, "tags": ",".join(tags)},
        })
    return lines


def _by_subset(lines: list[dict]) -> dict[str, list[ExampleScore]]:
    grouped: dict[str, list[ExampleScore]] = defaultdict(list)
    for line in lines:
        grouped[line["subset"]].append(ExampleScore.model_validate(line))
    return dict(grouped)


@pytest.mark.parametrize("seed", [0, 1])
def test_accuracy_ties_languages_categories_and_correlations_equal_independent_computations(seed):
    lines = _battle_lines(300, seed)
    result = score(_by_subset(lines), PPE_PREFERENCE, bootstrap_samples=50, seed=0, partial=True)
    expected = _expected_accuracies(lines)

    assert result.overall == pytest.approx(expected[ACCURACY], abs=1e-12)
    assert result.sections[ACCURACY].score == result.overall
    assert result.sections[TIES_COLUMN].score == sum(ln["groups"]["winner"].startswith("tie") for ln in lines)
    for subset, value in result.subsets.items():
        mine = [ln for ln in lines if ln["subset"] == subset]
        assert value.accuracy == pytest.approx(expected[subset], abs=1e-12)
        assert value.n == len(mine)
        assert value.parts["ties left out"] == sum(ln["groups"]["winner"].startswith("tie") for ln in mine)
    for tag, column in CATEGORIES.items():
        assert result.sections[column].score == pytest.approx(expected[tag], abs=1e-12)
    rho, tau = _expected_correlations(lines)
    assert result.sections[SPEARMAN].score == pytest.approx(rho, abs=1e-9)
    assert result.sections[KENDALL].score == pytest.approx(tau, abs=1e-9)
    for section in result.sections.values():
        assert section.ci95.low <= section.score <= section.ci95.high


def test_every_bootstrap_replicate_is_the_score_of_its_resampled_battles():
    lines = [ln for ln in _battle_lines(120, 3) if ln["subset"] == "English"]
    examples = [ExampleScore.model_validate(ln) for ln in lines]
    scorer = BattleScorer()
    replicates = scorer.resample(examples, 5, np.random.default_rng(11))
    counts = np.random.default_rng(11).multinomial(len(examples), np.full(len(examples), 1 / len(examples)), size=5)
    for r, row in enumerate(counts):
        drawn = [ex for ex, k in zip(examples, row) for _ in range(k)]
        alone = scorer.value(drawn)
        assert replicates.score[r] == pytest.approx(alone.score, abs=1e-12)
        for key, value in {**alone.parts, **alone.statistics}.items():
            assert replicates.parts[key][r] == pytest.approx(value, abs=1e-9)
        # and the rankings refitted on them: the replicate's correlations are those of the drawn battles
        pooled = {key: np.asarray([v[r]]) for key, v in replicates.parts.items()}
        expected = _expected_correlations([ln for ln, k in zip(lines, row) for _ in range(k)])
        got = rank_agreement(pooled)
        assert got[SPEARMAN][0] == pytest.approx(expected[0], abs=1e-9)
        assert got[KENDALL][0] == pytest.approx(expected[1], abs=1e-9)


def test_a_language_of_ties_only_adds_nothing_and_says_so():
    lines = _battle_lines(60, 4)
    for line in lines:
        if line["subset"] == "German":
            line["groups"]["winner"] = "tie"
    result = score(_by_subset(lines), PPE_PREFERENCE, bootstrap_samples=20, partial=True)
    german = result.subsets["German"]
    assert german.accuracy == 0.0 and german.parts["battles with a winner"] == 0
    assert result.overall == pytest.approx(_expected_accuracies(lines)[ACCURACY], abs=1e-12)


def test_a_complete_result_needs_every_named_language():
    assert PPE_PREFERENCE.missing(LANGUAGES) == ()
    assert PPE_PREFERENCE.missing(["English"]) == LANGUAGES[1:]
    assert PPE_PREFERENCE.missing(["English"], partial=True) == ()


def test_registered_with_the_hub_data_and_its_columns_and_kinds():
    spec = get_spec("ppe-preference")
    assert (spec.core_source.location, spec.core_source.split) == ("lmarena-ai/PPE-Human-Preference-V1", "test")
    assert spec.columns == (ACCURACY, *CATEGORIES.values(), SPEARMAN, KENDALL, TIES_COLUMN)
    kinds = {c: spec.metrics.column_kind(c) for c in spec.columns}
    assert kinds[SPEARMAN] == kinds[KENDALL] == "correlation" and kinds[TIES_COLUMN] == "count"
    assert {kinds[c] for c in (ACCURACY, *CATEGORIES.values())} == {"percent"}
    about = spec.about_markdown()
    assert "our implementation of the paper's definition" in about and "Bradley-Terry" in about
    assert "tie (bothbad)" in about and "battle, within its language" in about


# ---- rows -------------------------------------------------------------------------------------------


def test_rows_put_the_winner_first_keep_a_tie_as_given_and_carry_models_and_vote(tmp_path):
    rows = _rows()
    data = load_benchmark_data(PPE_PREFERENCE, DataSource(str(_write(tmp_path / "ppe.jsonl", rows))))
    assert [e.id for e in data.examples] == [r["question_id"] for r in rows]
    for row, example in zip(rows, data.examples):
        winner_first = row["winner"] != "model_b"
        assert example.chosen == ((row["response_1"] if winner_first else row["response_2"]),)
        assert example.rejected == ((row["response_2"] if winner_first else row["response_1"]),)
        assert example.prompt == (("user", row["prompt"]),)
        groups = dict(example.groups)
        assert (groups["model_a"], groups["model_b"], groups["winner"]) == (row["model_a"], row["model_b"], row["winner"])
        assert groups["tags"].split(",") == [t for t in CATEGORIES if row[t]] or groups["tags"] == ""
        assert example.subset == (row["language"] if row["language"] in LANGUAGES else OTHER_LANGUAGES)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"winner": "model_c"}, "winner 'model_c' is none of 'model_a', 'model_b', 'tie', 'tie (bothbad)'"),
        ({"winner": None}, "winner None is none of"),
        ({"response_2": ""}, "'response_2' is missing or empty"),
        ({"response_1": None}, "'response_1' is missing or empty"),
        ({"model_b": "demo-large", "model_a": "demo-large"}, "model_a and model_b are both 'demo-large'"),
        ({"hard_prompt": "yes"}, "category tag 'hard_prompt' is 'yes', not true or false"),
    ],
)
def test_bad_rows_are_refused_with_their_id_and_reason(tmp_path, change, reason):
    rows = _rows()[:4]
    rows[2] = {**rows[2], **change}
    path = _write(tmp_path / "bad.jsonl", rows)
    with pytest.raises(DataError) as caught:
        load_benchmark_data(PPE_PREFERENCE, DataSource(str(path)))
    message = str(caught.value)
    assert "line 3" in message and repr(rows[2]["question_id"]) in message and reason in message


def test_a_file_without_a_required_column_is_refused_naming_it(tmp_path):
    rows = [{k: v for k, v in r.items() if k != "model_b"} for r in _rows()[:2]]
    with pytest.raises(DataError, match="missing column.*model_b"):
        load_benchmark_data(PPE_PREFERENCE, DataSource(str(_write(tmp_path / "x.jsonl", rows))))


# ---- the sample ---------------------------------------------------------------------------------------


def test_sample_covers_every_language_and_tag_twice_has_ties_and_is_what_its_generator_makes():
    rows = _rows()
    assert SAMPLES["ppe-preference"] == SAMPLE_PPE_PATH and GENERATORS["ppe-preference"] == "demo.sample_data_ppe"
    subsets = defaultdict(int)
    for row in rows:
        subsets[row["language"] if row["language"] in LANGUAGES else OTHER_LANGUAGES] += 1
    assert set(subsets) == set(PPE_PREFERENCE.subsets) and min(subsets.values()) >= 2
    assert all(sum(bool(r[tag]) for r in rows) >= 2 for tag in CATEGORIES)
    votes = [r["winner"] for r in rows]
    assert votes.count("tie") >= 2 and votes.count("tie (bothbad)") >= 2
    assert votes.count("model_a") >= 5 and votes.count("model_b") >= 5
    assert len({r["question_id"] for r in rows}) == len(rows)
    assert all(r["response_1"] != r["response_2"] and r["model_a"] != r["model_b"] for r in rows)
    assert sample_main(["--check"]) == 0, "run `python -m demo.sample_data_ppe` to rewrite the sample"


# ---- the CLI end to end ----------------------------------------------------------------------------------


def _run(model: Path, tmp_path: Path, *extra: str) -> tuple[dict, list[dict], Path]:
    from evaluator.cli import main
    from results.schema import EvalResult

    out = tmp_path / "out"
    code = main(["run", "--model", str(model), "--benchmark", "ppe-preference", "--data", str(SAMPLE_PPE_PATH),
                 "--no-progress", "--max-length", "256", "--bootstrap-samples", "100", "--output", str(out), *extra])
    assert code == 0
    folder = next(p for p in out.iterdir() if p.is_dir())
    result = EvalResult.model_validate_json(next(folder.glob("*.json")).read_text())
    lines = [json.loads(line) for line in next(folder.glob("*.scores.jsonl")).read_text().splitlines()]
    return result, lines, folder


def test_cli_scores_the_sample_with_a_classifier_and_every_column_recomputes_from_the_lines(tiny_classifier, tmp_path):
    result, lines, _ = _run(tiny_classifier, tmp_path)
    rows = _rows()
    assert [ln["id"] for ln in sorted(lines, key=lambda ln: ln["id"])] == sorted(r["question_id"] for r in rows)
    by_id = {r["question_id"]: r for r in rows}
    for line in lines:
        row = by_id[line["id"]]
        assert {k: line["groups"][k] for k in ("model_a", "model_b", "winner")} == {k: row[k] for k in ("model_a", "model_b", "winner")}
        assert line["correct"] == float(line["scores_chosen"][0] > line["scores_rejected"][0])

    expected = _expected_accuracies(lines)
    assert result.score == pytest.approx(expected[ACCURACY], abs=1e-12)
    assert result.sections[TIES_COLUMN].score == 4
    assert {s: v.accuracy for s, v in result.subsets.items()} == pytest.approx({s: expected[s] for s in result.subsets}, abs=1e-12)
    for tag, column in CATEGORIES.items():
        assert result.sections[column].score == pytest.approx(expected[tag], abs=1e-12)
    rho, tau = _expected_correlations(lines)
    assert result.sections[SPEARMAN].score == pytest.approx(rho, abs=1e-9)
    assert result.sections[KENDALL].score == pytest.approx(tau, abs=1e-9)
    assert result.benchmark.custom_data and result.benchmark.missing_subsets == []
    assert result.stats.num_texts == 2 * len(rows)
    # Every column has a finite value and an interval (a NaN would not read back from the file).
    assert all(math.isfinite(s.score) and s.ci95 is not None for s in result.sections.values())


def test_cli_a_judge_sees_each_battle_in_both_orders(tmp_path):
    from tests.judge_fixtures import build_constant_judge

    judge = build_constant_judge(tmp_path / "judges" / "judge-org" / "always-a", "[[A]]")
    result, lines, _ = _run(judge, tmp_path, "--model-type", "generative", "--judge-max-new-tokens", "3")
    # Always "A": each battle's two verdicts split (one per order), so every credit is 0.5 and the judge
    # prefers neither answer: its ranking has every model level, and the correlations are undefined.
    assert all(len(ln["judgements"]) == 2 for ln in lines)
    assert {tuple(j["shown"]) for ln in lines for j in ln["judgements"]} == {("chosen 0", "rejected 0"), ("rejected 0", "chosen 0")}
    assert all(ln["correct"] == 0.5 and ln["scores_chosen"] == ln["scores_rejected"] for ln in lines)
    assert result.score == pytest.approx(0.5)
    assert SPEARMAN not in result.sections and KENDALL not in result.sections
    assert result.sections[TIES_COLUMN].score == 4


def test_cli_a_bad_row_is_refused_with_its_line_and_nothing_is_scored(tiny_classifier, tmp_path, capsys):
    from evaluator.cli import main

    rows = _rows()[:3]
    rows[1]["winner"] = "both"
    data = _write(tmp_path / "bad.jsonl", rows)
    code = main(["run", "--model", str(tiny_classifier), "--benchmark", "ppe-preference", "--data", str(data),
                 "--no-progress", "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code != 0 and "line 2" in err and rows[1]["question_id"] in err and "winner 'both' is none of" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.json"))


def test_the_leaderboard_shows_correlations_as_they_are_and_ties_as_a_count(tiny_classifier, tmp_path):
    from leaderboard.tables import display
    from leaderboard.tables import table as t

    result, _, folder = _run(tiny_classifier, tmp_path)
    result_file = next(folder.glob("*.json"))
    tables = t.build_tables([(f"{folder.name}/ppe-preference/{result_file.name}", result_file.read_bytes())])
    rows = tables.rows
    label = rows[t.BENCHMARK].iloc[0]
    columns = [c for c in display.leaderboard_columns(label) if c.header in PPE_PREFERENCE.columns]
    assert [c.header for c in columns] == list(PPE_PREFERENCE.columns)
    frame = display.leaderboard_view(rows, columns).styler.data
    exported = display.leaderboard_export(rows, columns)
    sections = {name: s.score for name, s in result.sections.items()}
    assert frame[SPEARMAN].iloc[0] == sections[SPEARMAN]  # as it is, not x 100
    assert exported[KENDALL].iloc[0] == round(sections[KENDALL], 3)
    assert exported[TIES_COLUMN].iloc[0] == 4
    assert frame[ACCURACY].iloc[0] == pytest.approx(100 * sections[ACCURACY])
    # The charts draw scores in points: the correlations and the count are not on those axes.
    assert t.charted_section_names(label) == [ACCURACY, *CATEGORIES.values()]


# ---- the Hub layout --------------------------------------------------------------------------------

# What the loader reads of the registered benchmark's own data, with each example's groups.
_LOAD_WITH_GROUPS = """
import json, sys
from evaluator.benchmarks import get_benchmark
from evaluator.benchmarks.loading import load_benchmark_data
data = load_benchmark_data(get_benchmark("ppe-preference"))
with open(sys.argv[1], "w") as handle:
    json.dump([{**e.canonical(), "groups": dict(e.groups)} for e in data.examples] + [data.revisions], handle)
"""


def test_the_hub_dataset_is_read_from_split_test_with_the_battles_groups(hub, tmp_path):
    """Through the unpatched `datasets` client in a fresh process (it reads HF_ENDPOINT at import)."""
    source = PPE_PREFERENCE.core_source
    # The sample's rows plus a nested column as the real data has (`category_tag`), which is not read.
    rows = [{**r, "category_tag": {"math_v0.1": {"math": r["math_prompt"]}}} for r in _rows()]
    commit = upload_dataset(hub, source.location, {source.split: rows})
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_ENDPOINT=hub.endpoint, HF_HOME=str(tmp_path / "hf-home"), HF_HUB_DISABLE_TELEMETRY="1")
    out = tmp_path / "loaded.json"
    done = subprocess.run([sys.executable, "-c", _LOAD_WITH_GROUPS, str(out)], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    *examples, revisions = json.loads(out.read_text())
    assert revisions == [commit]
    assert [e["id"] for e in examples] == [r["question_id"] for r in rows]
    for row, example in zip(rows, examples):
        assert example["groups"]["winner"] == row["winner"]
        assert example["groups"]["tags"] == ",".join(t for t in CATEGORIES if row[t])
        assert example["chosen"] == [row["response_2"] if row["winner"] == "model_b" else row["response_1"]]


def test_the_examples_tab_and_the_marks_take_decided_battles_only(tiny_classifier, tmp_path):
    from leaderboard.examples.example_files import ExampleFiles
    from leaderboard.examples.examples import KEY, example_key
    from results.store import LocalStore, result_paths

    result, lines, _ = _run(tiny_classifier, tmp_path)
    store = LocalStore(tmp_path / "store")
    store.write_result(result, [ExampleScore.model_validate(line) for line in lines])
    files = ExampleFiles(store)
    summary = files.summaries.get(result_paths(result)[0])
    decided = {example_key(ln["subset"], ln["id"]) for ln in lines if ln["groups"]["winner"] in ("model_a", "model_b")}
    assert len(decided) == len(lines) - 4 and set(summary.credits) == decided
    assert sum(summary.credits.values()) / len(summary.credits) == pytest.approx(result.score, abs=1e-12)
    # The Examples tab lists those same battles (a tie's credit would read as right or wrong).
    assert set(files.load(result_paths(result)[0]).examples.frame[KEY]) == decided
