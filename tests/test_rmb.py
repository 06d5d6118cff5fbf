"""RMB through its spec: rows in the authors' layout, the all-or-nothing list rule, the four parts
pooled over scenarios and their plain mean, bad rows refused, and the CLI end to end for a
classifier and for a generative judge. Every expected number is recomputed here by plain loops."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest

from demo.sample_data_rmb_scenarios import SAMPLE_RMB_SCENARIOS_PATH, sample_files
from evaluator.benchmarks.loading import load_benchmark_data
from evaluator.errors import DataError
from results.benchmarks import DataSource, get_spec
from results.benchmarks.metrics import score
from results.benchmarks.rmb import PARTS, RMB, subset_of_path
from results.schema import ExampleScore

PART_COLUMNS = ("Pairwise Helpfulness", "Pairwise Harmlessness", "BoN Helpfulness", "BoN Harmlessness")


def sample_rows() -> list[tuple[str, dict]]:
    """(path in the sample folder, row) for every row of the sample."""
    return [(path, row) for path, rows in sample_files().items() for row in rows]


def column_of(subset: str) -> str:
    part, goal = subset.split("/")[:2]
    return f"{part} {goal}"


# ---- rows ---------------------------------------------------------------------------------------------


def test_the_spec_is_registered_with_four_parts_over_the_authors_scenarios():
    spec = get_spec("rmb")
    assert spec is RMB and spec.columns == PART_COLUMNS
    sizes = {p.column: len(p.scenarios) for p in PARTS}
    assert sizes == {"Pairwise Helpfulness": 35, "Pairwise Harmlessness": 11, "BoN Helpfulness": 37, "BoN Harmlessness": 12}
    assert len(set(spec.subsets)) == len(spec.subsets) == sum(sizes.values())
    assert "BoN/Harmlessness/S11" in spec.subsets and "Pairwise/Harmlessness/S11" not in spec.subsets
    assert spec.column_subsets("BoN Harmlessness")[-1] == "BoN/Harmlessness/multi"


@pytest.mark.parametrize(
    ("path", "subset"),
    [
        ("Pairwise_set/Helpfulness/Chat/Discussion", "Pairwise/Helpfulness/Chat/Discussion"),
        ("/data/RMB_dataset/BoN_set/Harmlessness/S3", "BoN/Harmlessness/S3"),
        ("x/BoN_set/old/RMB_dataset/Pairwise_set/Harmlessness/multi", "Pairwise/Harmlessness/multi"),
    ],
)
def test_a_path_names_its_part_goal_and_scenario(path, subset):
    assert subset_of_path(path) == subset


def test_the_sample_s_rows_become_rewardbench_rows_with_the_whole_conversation_as_prompt():
    for path, row in sample_rows():
        normal = RMB.rows.normalise(row, f"/somewhere/{path.removesuffix('.json')}")
        turns = row["conversation_input"]
        assert normal["prompt"] == [{"role": t["role"], "content": t["content"]} for t in turns]
        assert normal["subset"] == subset_of_path(row["category_path"])
        if "pair_uid" in row:
            assert normal["id"] == row["pair_uid"]
            assert (normal["chosen"], normal["rejected"]) == ([row["chosen"]["answer"]], [row["reject"]["answer"]])
        else:
            assert normal["id"] == row["bon_uid"]
            assert normal["chosen"] == [row["bon_best"]["answer"]]
            assert normal["rejected"] == [loser["answer"] for loser in row["loser_list"]]


def test_the_sample_covers_both_parts_both_goals_multi_turn_and_lists_of_several_lengths():
    rows = sample_rows()
    assert {column_of(subset_of_path(row["category_path"])) for _, row in rows} == set(PART_COLUMNS)
    assert {len(row["conversation_input"]) for _, row in rows} == {1, 3, 5}
    assert {len(row["loser_list"]) for _, row in rows if "bon_uid" in row} >= {2, 3, 6}
    for path, row in rows:
        assert path == f"RMB_dataset/{row['category_path']}.json"


def _pair() -> dict:
    return next(row for _, row in sample_rows() if "pair_uid" in row)


def _list() -> dict:
    return next(row for _, row in sample_rows() if "bon_uid" in row)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: {**_list(), "loser_list": []}, "holds no losers"),
        (lambda: {**_list(), "loser_list": None}, "holds no losers"),
        (lambda: {**_list(), "bon_best": {"llm_name": "m", "answer": "  "}}, "'bon_best' has no answer text"),
        (lambda: {**_pair(), "reject": {"llm_name": "m"}}, "'reject' has no answer text"),
        (lambda: {**_pair(), "chosen": None}, "'chosen' has no answer text"),
        (lambda: {**_list(), "loser_list": [{"answer": "fine"}, {"llm_name": "m"}]}, r"'loser_list\[1\]' has no answer text"),
        (lambda: {**_pair(), "conversation_input": []}, "'conversation_input' is empty"),
        (lambda: {**_pair(), "conversation_input": [{"role": "bot", "content": "hi"}]}, "turn 1 .* role 'bot'"),
        (lambda: {**_pair(), "conversation_input": [{"role": "user", "content": ""}]}, "turn 1 .* has no content"),
        (
            lambda: {**_pair(), "conversation_input": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]},
            "must end with a user turn",
        ),
        (lambda: {**_pair(), "category_path": "Pairwise_set/Kindness/S1"}, "names goal 'Kindness'"),
        (lambda: {**_pair(), "category_path": "Helpfulness/Chat"}, "is not <Pairwise_set or BoN_set>"),
    ],
)
def test_bad_rows_are_refused_with_the_reason(make, reason):
    with pytest.raises(ValueError, match=reason):
        RMB.rows.normalise(make())


def test_a_row_without_its_uid_or_any_scenario_is_refused():
    with pytest.raises(KeyError, match="pair_uid"):
        RMB.rows.normalise({k: v for k, v in _pair().items() if k != "pair_uid"})
    with pytest.raises(KeyError, match="category_path"):
        RMB.rows.normalise({k: v for k, v in _pair().items() if k != "category_path"})


def test_the_scenario_comes_from_the_file_when_the_row_has_none_and_both_must_agree():
    row = {k: v for k, v in _pair().items() if k != "category_path"}
    assert RMB.rows.normalise(row, "/d/RMB_dataset/Pairwise_set/Harmlessness/S4")["subset"] == "Pairwise/Harmlessness/S4"
    with pytest.raises(ValueError, match="is not the file it is in"):
        RMB.rows.normalise(_pair(), "/d/RMB_dataset/Pairwise_set/Harmlessness/S4")


# ---- metrics: known answers by plain loops --------------------------------------------------------------


def synthetic_lines(seed: int = 7) -> tuple[dict[str, list[ExampleScore]], list[tuple[str, list[float], list[float]]]]:
    """Scores in 0..3 (so ties happen) over a few scenarios of each part, lists of 2 to 6 losers, and one
    scenario the authors' list lacks (it still counts in its part)."""
    rng = random.Random(seed)
    scenarios = [
        "Pairwise/Helpfulness/Chat/Discussion", "Pairwise/Helpfulness/Code/Documentation",
        "Pairwise/Harmlessness/S1", "Pairwise/Harmlessness/multi",
        "BoN/Helpfulness/Open QA/Factual", "BoN/Helpfulness/Reasoning/Logical Deduction",
        "BoN/Helpfulness/Brand New/Scenario", "BoN/Harmlessness/S2", "BoN/Harmlessness/S11",
    ]  # fmt: skip
    by_subset: dict[str, list[ExampleScore]] = {}
    raw = []
    for subset in scenarios:
        for i in range(rng.randint(3, 40)):
            losers = 1 if subset.startswith("Pairwise") else rng.randint(2, 6)
            chosen, rejected = [float(rng.randint(0, 3))], [float(rng.randint(0, 3)) for _ in range(losers)]
            raw.append((subset, chosen, rejected))
            by_subset.setdefault(subset, []).append(
                ExampleScore(id=f"{subset}-{i}", subset=subset, scores_chosen=chosen, scores_rejected=rejected,
                             correct=RMB.credit(subset, chosen, rejected))
            )
    return by_subset, raw


def test_lists_are_all_or_nothing_parts_are_micro_and_the_score_their_plain_mean():
    by_subset, raw = synthetic_lines()
    right: dict[str, list[int]] = {}
    for subset, chosen, rejected in raw:
        beats_all = all(chosen[0] > loser for loser in rejected)
        right.setdefault(subset, []).append(1 if beats_all else 0)
    pooled: dict[str, list[int]] = {}
    for subset, marks in right.items():
        pooled.setdefault(column_of(subset), []).extend(marks)
    parts = {column: sum(marks) / len(marks) for column, marks in pooled.items()}
    mean_of_scenarios = {
        c: sum(sum(m) / len(m) for s, m in right.items() if column_of(s) == c) / sum(column_of(s) == c for s in right)
        for c in parts
    }
    assert any(abs(parts[c] - mean_of_scenarios[c]) > 1e-3 for c in parts), "the data must tell micro from macro"
    assert any(0 < sum(marks) < len(marks) for marks in right.values())

    result = score(by_subset, RMB, bootstrap_samples=200, seed=0, partial=True)

    for subset, marks in right.items():
        assert result.subsets[subset].accuracy == pytest.approx(sum(marks) / len(marks), abs=1e-12)
        assert result.subsets[subset].n == len(marks)
    assert set(result.sections) == set(PART_COLUMNS)
    for column, value in parts.items():
        assert result.sections[column].score == pytest.approx(value, abs=1e-12)
        ci = result.sections[column].ci95
        assert ci.low <= value <= ci.high
    assert result.overall == pytest.approx(sum(parts.values()) / 4, abs=1e-12)
    assert "BoN/Helpfulness/Brand New/Scenario" in result.subsets
    assert list(result.subsets)[-1] == "BoN/Helpfulness/Brand New/Scenario", "known scenarios first, then the data's own"


def test_a_tie_with_one_loser_loses_the_whole_list():
    assert RMB.credit("BoN/Harmlessness/S1", [2.0], [1.0, 0.0, 2.0]) == 0.0
    assert RMB.credit("BoN/Harmlessness/S1", [2.0], [1.0, 0.0, 1.9]) == 1.0
    assert RMB.credit("Pairwise/Harmlessness/S1", [1.0], [1.0]) == 0.0


def test_completeness_the_authors_scenarios_on_their_data_the_parts_on_custom_data():
    by_subset, _ = synthetic_lines()
    present = list(by_subset)
    missing = RMB.missing(present)
    assert set(missing) == set(RMB.subsets) - set(present) and "BoN/Harmlessness/S2" not in missing
    assert RMB.missing(RMB.subsets) == ()
    assert RMB.missing(present, partial=True) == ()
    assert RMB.missing([s for s in present if s.startswith("Pairwise")], partial=True) == ("BoN Helpfulness", "BoN Harmlessness")
    only_three = {c: 0.5 for c in PART_COLUMNS[:3]}
    assert RMB.headline_of(only_three) is None and RMB.headline_of(only_three, partial=True) == pytest.approx(0.5)


# ---- loading ---------------------------------------------------------------------------------------------


def test_the_sample_folder_loads_with_scenarios_from_its_paths():
    data = load_benchmark_data(RMB, DataSource(str(SAMPLE_RMB_SCENARIOS_PATH)))
    expected = {(subset_of_path(row["category_path"]), row.get("pair_uid", row.get("bon_uid"))) for _, row in sample_rows()}
    assert {(e.subset, e.id) for e in data.examples} == expected
    multi = next(e for e in data.examples if e.subset == "Pairwise/Harmlessness/multi")
    assert [role for role, _ in multi.prompt] == ["user", "assistant", "user", "assistant", "user"]


def test_a_file_in_the_wrong_folder_is_refused_naming_the_row(tmp_path):
    folder = tmp_path / "RMB_dataset"
    shutil.copytree(SAMPLE_RMB_SCENARIOS_PATH / "RMB_dataset", folder)
    moved = folder / "BoN_set" / "Harmlessness" / "S7.json"
    (folder / "BoN_set" / "Harmlessness" / "S2.json").rename(moved)
    with pytest.raises(DataError, match=r"S7.json, row 1 of 2 \(id 'demo-bon-3'\): 'category_path' 'BoN_set/Harmlessness/S2' is not the file"):
        load_benchmark_data(RMB, DataSource(str(folder)))


def test_a_list_without_losers_is_refused_naming_its_file_row_and_id(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_RMB_SCENARIOS_PATH, folder)
    file = folder / "RMB_dataset" / "BoN_set" / "Helpfulness" / "Open QA" / "Factual.json"
    rows = json.loads(file.read_text())
    rows[1]["loser_list"] = []
    file.write_text(json.dumps(rows))
    with pytest.raises(DataError, match=r"Factual.json, row 2 of 2 \(id 'demo-bon-1'\): 'loser_list' holds no losers"):
        load_benchmark_data(RMB, DataSource(str(folder)))


# ---- the CLI end to end ------------------------------------------------------------------------------------


def _run(out: Path, *args: str) -> tuple[dict, list[dict]]:
    from evaluator.cli import main

    code = main(["run", "--benchmark", "rmb", "--data", str(SAMPLE_RMB_SCENARIOS_PATH), "--no-progress",
                 "--bootstrap-samples", "100", "--output", str(out), *args])
    assert code == 0
    [result_path] = [p for p in out.rglob("*.json")]
    lines = [json.loads(x) for x in result_path.with_suffix(".scores.jsonl").read_text().splitlines()]
    return json.loads(result_path.read_text()), lines


def _expected_from_credits(lines: list[dict]) -> tuple[dict[str, float], float]:
    pooled: dict[str, list[float]] = {}
    for line in lines:
        pooled.setdefault(column_of(line["subset"]), []).append(line["correct"])
    parts = {c: sum(v) / len(v) for c, v in pooled.items()}
    return parts, sum(parts.values()) / len(parts)


def test_cli_scores_the_sample_with_a_classifier(tiny_classifier, tmp_path):
    result, lines = _run(tmp_path / "out", "--model", str(tiny_classifier), "--max-length", "512")

    assert len(lines) == len(sample_rows())
    for line in lines:
        beats_all = all(line["scores_chosen"][0] > s for s in line["scores_rejected"])
        assert line["correct"] == (1.0 if beats_all else 0.0)
    parts, overall = _expected_from_credits(lines)
    assert {c: s["score"] for c, s in result["sections"].items()} == pytest.approx(parts, abs=1e-12)
    assert result["score"] == pytest.approx(overall, abs=1e-12)
    assert result["benchmark"]["custom_data"] and result["benchmark"]["missing_subsets"] == []
    assert set(result["subsets"]) == {subset_of_path(row["category_path"]) for _, row in sample_rows()}
    assert result["stats"]["num_texts"] == sum(1 + len(r.get("loser_list", [None])) for _, r in sample_rows())


_SLOT = re.compile(r"\[The Start of Assistant ([ABCD])'s Answer\]\n(.*?)\n\[The End of Assistant \1's Answer\]", re.S)


def test_cli_scores_the_sample_with_a_judge_pairs_in_both_orders_lists_ranked_or_pair_by_pair(tmp_path):
    """A judge that picks the longest answer shown: every verdict follows from the texts, so each row's
    credit is recomputed here from the answers' lengths alone."""
    from fakes.openai_stub import OpenAIStub

    def reply(messages):
        slots = dict(_SLOT.findall(messages[-1]["content"]))
        return f"[[{max(slots, key=lambda letter: len(slots[letter]))}]]"

    with OpenAIStub(reply=reply) as stub:
        result, lines = _run(tmp_path / "out", "--model-type", "generative", "--model", "stub-judge", "--api-base", stub.api_base)
        questions = [r.messages[-1]["content"] for r in stub.requests]

    rows = {(subset_of_path(r["category_path"]), r.get("pair_uid", r.get("bon_uid"))): r for _, r in sample_rows()}
    for line in lines:
        row = rows[(line["subset"], line["id"])]
        best = (row.get("chosen") or row["bon_best"])["answer"]
        others = [row["reject"]["answer"]] if "reject" in row else [loser["answer"] for loser in row["loser_list"]]
        assert len(best) not in map(len, others), "the best answer's length must differ for a clear verdict"
        shown = [j["shown"] for j in line["judgements"]]
        if len(others) == 3:  # four answers: one ranking prompt
            assert len(shown) == 1 and sorted(shown[0]) == ["chosen 0", "rejected 0", "rejected 1", "rejected 2"]
        else:  # every (best, loser) pair, in both orders
            pairs = [(f"chosen 0", f"rejected {j}") for j in range(len(others))]
            assert shown == [list(p) for pair in pairs for p in (pair, pair[::-1])]
        assert line["correct"] == (1.0 if all(len(best) > len(o) for o in others) else 0.0), line["id"]
    parts, overall = _expected_from_credits(lines)
    assert {c: s["score"] for c, s in result["sections"].items()} == pytest.approx(parts, abs=1e-12)
    assert result["score"] == pytest.approx(overall, abs=1e-12)
    assert 0 < sum(line["correct"] for line in lines) < len(lines)
    # A multi-turn conversation reaches the judge whole, turn by turn.
    multi = next(r for _, r in sample_rows() if len(r["conversation_input"]) == 5)
    assert any(all(t["content"] in q for t in multi["conversation_input"]) for q in questions)


def test_every_turn_goes_through_the_model_s_chat_template_before_the_answer(tiny_tokenizer):
    from evaluator.adapters.chat_format import chat_format

    data = load_benchmark_data(RMB, DataSource(str(SAMPLE_RMB_SCENARIOS_PATH)))
    multi = next(e for e in data.examples if len(e.prompt) == 5)
    rendering = chat_format("tokenizer", tiny_tokenizer)
    text = rendering.conversation(multi.prompt, multi.chosen[0])
    at = [text.index(content) for _, content in multi.prompt] + [text.index(multi.chosen[0])]
    assert at == sorted(at), "every turn, in order, and the answer after the last one"
    assert text.startswith(rendering.prompt_text(multi.prompt))


# ---- the leaderboard -----------------------------------------------------------------------------------


def _rmb_result(model: str, by_subset, custom: bool, **benchmark):
    from fakes.eval_results import make_result

    scores = score(by_subset, RMB, bootstrap_samples=50, seed=0, partial=custom)
    made = make_result(model, {}, benchmark="rmb", ci_halfwidth=None, custom_data=custom,
                       data_source="org/rmb-mirror", missing_subsets=list(RMB.missing(by_subset, partial=custom)))
    return made.model_copy(update={"subsets": scores.subsets, "sections": scores.sections, "score": scores.overall,
                                   "score_ci95": scores.overall_ci95}), scores


def test_the_leaderboard_shows_the_four_parts_and_the_subsets_tab_every_scenario():
    from leaderboard.pages.subsets import section_subsets
    from leaderboard.tables import display as d
    from leaderboard.tables import table as t
    from tests.leaderboard_fixtures import result_bytes

    by_subset, _ = synthetic_lines()
    complete = {**by_subset, **{s: by_subset["BoN/Harmlessness/S2"] for s in RMB.subsets if s not in by_subset}}
    full, full_scores = _rmb_result("acme/rm-full", complete, custom=False)
    part, _ = _rmb_result("acme/rm-part", by_subset, custom=False)
    tables = t.build_tables([(f"rmb/{r.model.name}.json", result_bytes(r)) for r in (full, part)])

    rows = t.filter_rows(tables.rows, benchmark="rmb", show_incomplete=True)
    assert list(rows[t.MODEL]) == ["acme/rm-full", "acme/rm-part"] and list(rows[t.COMPLETE]) == [True, False]
    top = rows.iloc[0]
    assert top[t.SCORE] == pytest.approx(full_scores.overall)
    for column in PART_COLUMNS:
        assert top[column] == pytest.approx(full_scores.sections[column].score)
    shown = d.leaderboard_view(rows, d.chosen_columns(None, "rmb"))
    assert [h for h in shown.headers if h in PART_COLUMNS] == list(PART_COLUMNS)

    subsets = t.filter_rows(tables.subsets, benchmark="rmb", show_incomplete=True)
    headers = d.subset_headers(subsets)
    assert headers[: len(RMB.subsets)] == list(RMB.subsets), "the authors' scenarios in their order"
    assert headers[len(RMB.subsets) :] == ["BoN/Helpfulness/Brand New/Scenario"], "then the data's own"
    harmless = d.subset_headers(subsets, section_subsets("rmb", "Pairwise Harmlessness", headers))
    assert harmless == [s for s in RMB.subsets if s.startswith("Pairwise/Harmlessness/")]
    helpful = d.subset_headers(subsets, section_subsets("rmb", "BoN Helpfulness", headers))
    assert helpful == [*(s for s in RMB.subsets if s.startswith("BoN/Helpfulness/")), "BoN/Helpfulness/Brand New/Scenario"]
    top_subsets = subsets[subsets[t.MODEL] == "acme/rm-full"].iloc[0]
    assert top_subsets["Pairwise/Harmlessness/multi"] == pytest.approx(full_scores.subsets["Pairwise/Harmlessness/multi"].accuracy)


def test_the_sample_generator_checks_the_whole_folder(tmp_path):
    from demo.sample_data_rmb_scenarios import main

    folder = tmp_path / "sample"
    assert main(["--out", str(folder)]) == 0 and main(["--check", "--out", str(folder)]) == 0
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.json")) == sorted(sample_files())
    (folder / "RMB_dataset" / "BoN_set" / "Harmlessness" / "S5.json").write_text("[]\n")
    assert main(["--check", "--out", str(folder)]) == 1, "a stray file"
    (folder / "RMB_dataset" / "BoN_set" / "Harmlessness" / "S5.json").unlink()
    (folder / "RMB_dataset" / "Pairwise_set" / "Harmlessness" / "S1.json").write_text("[]\n")
    assert main(["--check", "--out", str(folder)]) == 1, "a changed file"


def test_a_local_judge_that_always_answers_a_splits_pairs_loses_lists_by_pairs_and_ranks_by_slot(tmp_path):
    """The tiny local judge that always answers "[[A]]" (tests/judge_fixtures.py): a pair split between its
    two orders is a coin toss (0.5); a list judged pair by pair loses every pair (each split) and so the
    list; a ranked list is right exactly when its seeded order put the best answer in slot A."""
    from tests.judge_fixtures import build_constant_judge

    judge = build_constant_judge(tmp_path / "judges" / "judge-org" / "always-a", "[[A]]")
    result, lines = _run(tmp_path / "out", "--model", str(judge), "--model-type", "generative", "--judge-max-new-tokens", "3")

    for line in lines:
        shown = [j["shown"] for j in line["judgements"]]
        answers = 1 + len(line["scores_rejected"])
        assert all(j["verdict"] == "A" for j in line["judgements"])
        if answers == 2:
            assert shown == [["chosen 0", "rejected 0"], ["rejected 0", "chosen 0"]] and line["correct"] == 0.5
        elif answers == 4:
            assert len(shown) == 1 and line["correct"] == (1.0 if shown[0][0] == "chosen 0" else 0.0)
        else:
            assert len(shown) == 2 * (answers - 1) and line["correct"] == 0.0
    parts, overall = _expected_from_credits(lines)
    assert result["score"] == pytest.approx(overall, abs=1e-12)
    assert parts["Pairwise Helpfulness"] == parts["Pairwise Harmlessness"] == 0.5


def test_about_states_every_rule():
    from leaderboard.about import about_markdown

    text = about_markdown("rmb")
    for rule in (
        "whole conversation goes through the model's chat template",
        "right only when its best answer scores strictly above every loser",
        "strictly higher than the rejected one (a tie is wrong)",
        "every (best, loser) pair in both orders",
        "The accuracy over every example of its 37 scenarios together",
        "**Score** is the plain mean of the 4 parts",
        "the example, within its scenario",
    ):
        assert rule in text, rule
    assert all(f"**{column}**" in text for column in PART_COLUMNS)


def test_the_cli_refuses_a_bad_row_with_its_file_id_and_reason_and_scores_nothing(tiny_classifier, tmp_path, capsys):
    from evaluator.cli import main

    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_RMB_SCENARIOS_PATH, folder)
    file = folder / "RMB_dataset" / "Pairwise_set" / "Harmlessness" / "multi.json"
    rows = json.loads(file.read_text())
    rows[0]["conversation_input"][2]["role"] = "narrator"
    file.write_text(json.dumps(rows))
    code = main(["run", "--model", str(tiny_classifier), "--benchmark", "rmb", "--data", str(folder),
                 "--no-progress", "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code != 0
    assert "multi.json, row 1 of 1 (id 'demo-pair-6')" in err and "turn 3 of 'conversation_input' has role 'narrator'" in err
    assert not any((tmp_path / "out").rglob("*.json"))
