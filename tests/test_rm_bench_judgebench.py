"""RM-Bench and JudgeBench through their specs, on the real data in ../shared/data: every number
recomputed here by plain loops from a toy scorer whose reward is a simple function of the text."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from results.benchmarks import get_spec
from results.benchmarks.categories import ALL_EXAMPLES, CATEGORY_MEAN
from results.benchmarks.judgebench import JUDGEBENCH, category_of
from results.benchmarks.metrics import score
from results.benchmarks.rm_bench import RM_BENCH
from results.schema import ExampleScore

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
RM_FILES = ("chat_filtered.json", "code_filtered.json", "safety-refuse_filtered.json", "safety-response_filtered.json")
needs_data = pytest.mark.skipif(not (DATA / "rm-bench").is_dir(), reason="../shared/data is not beside this checkout")


def toy_reward(text: str) -> float:
    """Deterministic and unrelated to quality: a few bits of the text's hash, so ties happen too."""
    return float(hashlib.sha256(text.encode()).digest()[0] % 8)


def rm_rows() -> list[dict]:
    rows = []
    for name in RM_FILES:
        for row in json.loads((DATA / "rm-bench" / name).read_text()):
            rows.append(RM_BENCH.rows.normalise(row, Path(name).stem))
    return rows


def lines_of(spec, rows) -> dict[str, list[ExampleScore]]:
    out: dict[str, list[ExampleScore]] = {}
    for row in rows:
        chosen = row["chosen"] if isinstance(row["chosen"], list) else [row["chosen"]]
        rejected = row["rejected"] if isinstance(row["rejected"], list) else [row["rejected"]]
        sc, sr = [toy_reward(t) for t in chosen], [toy_reward(t) for t in rejected]
        out.setdefault(row["subset"], []).append(ExampleScore(
            id=row["id"], subset=row["subset"], scores_chosen=sc, scores_rejected=sr,
            correct=spec.credit(row["subset"], sc, sr)))
    return out


@needs_data
def test_rm_bench_matrix_domains_and_difficulties_equal_a_plain_loop():
    rows = rm_rows()
    assert {r["subset"] for r in rows} == {"chat", "code", "safety"}
    assert sum(r["subset"] == "safety" for r in rows) == 284 + 157  # pooled by example
    # the matrix by hand
    matrix = {}
    for domain in ("chat", "code", "safety"):
        mine = [r for r in rows if r["subset"] == domain]
        cells = [[0.0] * 3 for _ in range(3)]
        for r in mine:
            for i in range(3):
                for j in range(3):
                    cells[i][j] += toy_reward(r["chosen"][i]) > toy_reward(r["rejected"][j])
        matrix[domain] = [[c / len(mine) for c in row] for row in cells]
    hard = {d: (m[0][1] + m[0][2] + m[1][2]) / 3 for d, m in matrix.items()}
    normal = {d: (m[0][0] + m[1][1] + m[2][2]) / 3 for d, m in matrix.items()}
    easy = {d: (m[1][0] + m[2][0] + m[2][1]) / 3 for d, m in matrix.items()}
    domain_score = {d: sum(map(sum, m)) / 9 for d, m in matrix.items()}

    result = score(lines_of(RM_BENCH, rows), RM_BENCH, bootstrap_samples=200, seed=0, partial=True)
    for domain, m in matrix.items():
        parts = result.subsets[domain].parts
        got = [parts[f"M{i}{j}"] for i in range(3) for j in range(3)]
        assert got == pytest.approx([m[i][j] for i in range(3) for j in range(3)], abs=1e-12)
        assert result.subsets[domain].accuracy == pytest.approx(domain_score[domain], abs=1e-12)
    column = {"chat": "Chat", "code": "Code", "safety": "Safety"}
    for domain, name in column.items():
        assert result.sections[name].score == pytest.approx(domain_score[domain], abs=1e-12)
    assert result.sections["Hard"].score == pytest.approx(np.mean(list(hard.values())), abs=1e-12)
    assert result.sections["Normal"].score == pytest.approx(np.mean(list(normal.values())), abs=1e-12)
    assert result.sections["Easy"].score == pytest.approx(np.mean(list(easy.values())), abs=1e-12)
    assert result.overall == pytest.approx(np.mean(list(domain_score.values())), abs=1e-12)
    assert result.sections["Hard"].ci95.low <= result.sections["Hard"].score <= result.sections["Hard"].ci95.high
    # the real benchmark has four domains: without math there is no headline and math is missing
    assert RM_BENCH.missing({"chat", "code", "safety"}) == ("math",)
    assert score(lines_of(RM_BENCH, rows), RM_BENCH, bootstrap_samples=20).overall is None


def test_rm_bench_example_credit_is_its_share_of_the_nine_comparisons():
    # chosen (3, 2, 1) against rejected (2, 2, 0): wins where c_i > r_j
    wins = [[3 > 2, 3 > 2, 3 > 0], [2 > 2, 2 > 2, 2 > 0], [1 > 2, 1 > 2, 1 > 0]]
    assert RM_BENCH.credit("chat", [3, 2, 1], [2, 2, 0]) == pytest.approx(sum(map(sum, wins)) / 9)


@pytest.mark.parametrize(
    ("row", "config", "reason"),
    [
        ({"id": 1, "prompt": "p", "chosen": ["a", "b"], "rejected": ["x", "y", "z"]}, "chat_filtered", "'chosen' must hold 3"),
        ({"id": 1, "prompt": "p", "chosen": ["a", "b", ""], "rejected": ["x", "y", "z"]}, "chat", "'chosen' must hold 3"),
        ({"id": 1, "prompt": "p", "chosen": ["a", "b", "c"], "rejected": "x"}, "chat", "'rejected' must hold 3"),
        ({"id": 1, "prompt": "p", "chosen": ["a", "b", "c"], "rejected": ["x", "y", "z"]}, "poetry", "domain 'poetry'"),
    ],
)
def test_rm_bench_bad_rows_are_refused_with_the_reason(row, config, reason):
    with pytest.raises(ValueError, match=reason):
        RM_BENCH.rows.normalise(row, config)


def test_rm_bench_domain_comes_from_the_row_before_the_file_name():
    row = {"id": 1, "prompt": "p", "chosen": ["a", "b", "c"], "rejected": ["x", "y", "z"], "domain": "safety-response"}
    assert RM_BENCH.rows.normalise(row, "chat_filtered")["subset"] == "safety"
    with pytest.raises(KeyError):
        RM_BENCH.rows.normalise({**row, "domain": None}, None)


def judgebench_rows(name: str = "gpt-4o-2024-05-13.jsonl") -> list[dict]:
    raw = [json.loads(line) for line in (DATA / "judgebench" / name).read_text().splitlines()]
    return [JUDGEBENCH.rows.normalise(r) for r in raw], raw


@needs_data
def test_judgebench_overall_categories_and_their_mean_equal_a_plain_count():
    rows, raw = judgebench_rows()
    assert len(rows) == 350
    right_by_category: dict[str, list[bool]] = {}
    for r in raw:
        better, worse = (r["response_A"], r["response_B"]) if r["label"] == "A>B" else (r["response_B"], r["response_A"])
        right_by_category.setdefault(category_of(r["source"]), []).append(toy_reward(better) > toy_reward(worse))
    assert set(right_by_category) == {"Knowledge", "Reasoning", "Math", "Coding"}
    overall = sum(sum(v) for v in right_by_category.values()) / 350
    categories = {c: sum(v) / len(v) for c, v in right_by_category.items()}

    result = score(lines_of(JUDGEBENCH, rows), JUDGEBENCH, bootstrap_samples=200, seed=0)
    assert result.overall == pytest.approx(overall, abs=1e-12)
    assert result.sections[ALL_EXAMPLES].score == pytest.approx(overall, abs=1e-12)
    for category, value in categories.items():
        assert result.sections[category].score == pytest.approx(value, abs=1e-12)
    assert result.sections[CATEGORY_MEAN].score == pytest.approx(np.mean(list(categories.values())), abs=1e-12)
    assert result.overall_ci95.low < overall < result.overall_ci95.high


@needs_data
def test_judgebench_a_model_that_always_prefers_response_a_scores_the_share_of_a_labels():
    rows, raw = judgebench_rows("claude-3-5-sonnet-20240620.jsonl")
    a_first = {r["pair_id"]: r["label"] == "A>B" for r in raw}
    lines: dict[str, list[ExampleScore]] = {}
    for row in rows:
        sc, sr = ([1.0], [0.0]) if a_first[row["id"]] else ([0.0], [1.0])
        lines.setdefault(row["subset"], []).append(ExampleScore(
            id=row["id"], subset=row["subset"], scores_chosen=sc, scores_rejected=sr, correct=JUDGEBENCH.credit(row["subset"], sc, sr)))
    result = score(lines, JUDGEBENCH, bootstrap_samples=50)
    assert result.overall == pytest.approx(sum(a_first.values()) / len(raw), abs=1e-12)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"label": "A=B"}, "label 'A=B' is neither 'A>B' nor 'B>A'"),
        ({"response_B": ""}, "'response_B' is missing or empty"),
        ({"source": "gsm8k"}, "source 'gsm8k' is none of"),
    ],
)
def test_judgebench_bad_rows_are_refused_with_the_reason(change, reason):
    row = {"pair_id": "p1", "source": "livebench-math", "question": "q", "response_A": "a", "response_B": "b",
           "label": "A>B", "original_id": 1, "response_model": "m"}
    assert JUDGEBENCH.rows.normalise(row)["subset"] == "Math"
    with pytest.raises(ValueError, match=reason):
        JUDGEBENCH.rows.normalise({**row, **change})


def test_both_are_registered_with_their_data():
    assert get_spec("rm-bench").core_source.location == "THU-KEG/RM-Bench"
    assert (get_spec("judgebench").core_source.location, get_spec("judgebench").core_source.split) == ("ScalerLab/JudgeBench", "gpt")
    assert category_of("mmlu-pro-law") == "Knowledge" and category_of("livebench-reasoning") == "Reasoning"


# ---- the CLI end to end, on a few real rows of each file ------------------------------------------


def _cli(tiny_classifier, tmp_path, benchmark: str, data: Path):
    from evaluator.cli import main
    from results.schema import EvalResult

    out = tmp_path / "out"
    code = main(["run", "--model", str(tiny_classifier), "--benchmark", benchmark, "--data", str(data),
                 "--no-progress", "--max-length", "256", "--bootstrap-samples", "100", "--output", str(out)])
    assert code == 0
    result = EvalResult.model_validate_json((out / "tiny-org/tiny-rm.json").read_text())
    lines = [json.loads(line) for line in (out / "tiny-org/tiny-rm.scores.jsonl").read_text().splitlines()]
    return result, lines


@needs_data
def test_cli_scores_rm_bench_files_and_the_matrix_recomputes_from_the_scores_file(tiny_classifier, tmp_path):
    folder = tmp_path / "rm-bench"
    folder.mkdir()
    for name in RM_FILES:  # the authors' per-domain files, a few rows each, names kept (they say the domain)
        rows = json.loads((DATA / "rm-bench" / name).read_text())[:4]
        (folder / name).write_text(json.dumps(rows))
    result, lines = _cli(tiny_classifier, tmp_path, "rm-bench", folder)

    assert len(lines) == 16 and all(len(ln["scores_chosen"]) == len(ln["scores_rejected"]) == 3 for ln in lines)
    assert sorted({ln["subset"] for ln in lines}) == ["chat", "code", "safety"]
    for domain in ("chat", "code", "safety"):
        mine = [ln for ln in lines if ln["subset"] == domain]
        cells = {f"M{i}{j}": sum(ln["scores_chosen"][i] > ln["scores_rejected"][j] for ln in mine) / len(mine)
                 for i in range(3) for j in range(3)}
        assert result.subsets[domain].parts == pytest.approx(cells, abs=1e-12)
        assert result.sections[domain.capitalize()].score == pytest.approx(sum(cells.values()) / 9, abs=1e-12)
    assert result.benchmark.custom_data and result.benchmark.missing_subsets == []
    assert result.score == pytest.approx(np.mean([result.sections[c].score for c in ("Chat", "Code", "Safety")]))
    assert result.stats.num_texts == 16 * 6


@needs_data
def test_cli_scores_judgebench_pairs(tiny_classifier, tmp_path):
    raw = [json.loads(line) for line in (DATA / "judgebench" / "gpt-4o-2024-05-13.jsonl").read_text().splitlines()]
    picked = [next(r for r in raw if category_of(r["source"]) == c) for c in ("Knowledge", "Reasoning", "Math", "Coding")]
    picked += [r for r in raw if r not in picked][:8]
    data = tmp_path / "judgebench.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in picked))
    result, lines = _cli(tiny_classifier, tmp_path, "judgebench", data)

    assert [ln["id"] for ln in lines] == [r["pair_id"] for r in picked]
    right = [ln["scores_chosen"][0] > ln["scores_rejected"][0] for ln in lines]
    assert result.score == pytest.approx(sum(right) / len(right), abs=1e-12)
    assert result.sections[ALL_EXAMPLES].score == result.score
    assert set(result.subsets) == {"Knowledge", "Reasoning", "Math", "Coding"}


@needs_data
def test_a_bad_judgebench_row_is_refused_with_its_line_and_nothing_is_scored(tiny_classifier, tmp_path, capsys):
    from evaluator.cli import main

    raw = (DATA / "judgebench" / "gpt-4o-2024-05-13.jsonl").read_text().splitlines()[:3]
    bad = json.loads(raw[1])
    bad["label"] = "A=B"
    data = tmp_path / "bad.jsonl"
    data.write_text("\n".join([raw[0], json.dumps(bad), raw[2]]) + "\n")
    code = main(["run", "--model", str(tiny_classifier), "--benchmark", "judgebench", "--data", str(data),
                 "--no-progress", "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code != 0 and "line 2" in err and bad["pair_id"] in err and "neither 'A>B' nor 'B>A'" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.json"))
