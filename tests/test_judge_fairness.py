"""Order fairness and credit: which prompts a row gets, and what the verdicts are worth."""

from __future__ import annotations

import pytest

from evaluator.benchmarks.loading import Example
from evaluator.judges.fairness import FormatSet, fairness_stats, plan_row, scored_row
from evaluator.judges.formats import FORMATS
from results.benchmarks.verdicts import COIN_TOSS, TWO_GAMES
from results.schema import Judgement


def pair(row_id=1, subset="chat"):
    return Example(id=row_id, subset=subset, prompt=(("user", "Q?"),), chosen=("good",), rejected=("bad",))


def best_of_4(row_id=1):
    return Example(id=row_id, subset="Focus", prompt=(("user", "Q?"),), chosen=("good",), rejected=("r0", "r1", "r2"))


def answer(task, verdict_text):
    return Judgement(format=task.format.name, shown=list(task.shown), output=verdict_text, verdict=task.format.parse(verdict_text))


def judged(example, texts, orders=2, seed=0, by_margin=False):
    tasks = plan_row(0, example, FormatSet(), orders, seed, by_margin)
    judgements = [answer(t, text) for t, text in zip(tasks, texts)]
    return tasks, judgements, scored_row(example, tasks, judgements)


def test_a_pair_is_judged_in_both_orders():
    tasks = plan_row(0, pair(), FormatSet(), orders=2, seed=0, by_margin=False)
    assert [t.shown for t in tasks] == [("chosen 0", "rejected 0"), ("rejected 0", "chosen 0")]
    first, second = (t.messages[-1]["content"] for t in tasks)
    assert first.index("good") < first.index("bad") and second.index("bad") < second.index("good")


@pytest.mark.parametrize(
    "texts, expected",
    [
        (["[[A]]", "[[B]]"], 1.0),  # right in both orders
        (["[[B]]", "[[A]]"], 0.0),  # wrong in both
        (["[[A]]", "[[A]]"], 0.5),  # always the first slot: a split
        (["[[A]]", "no verdict"], 0.5),  # right once, unparsable once
        (["??", "??"], 0.5),
    ],
)
def test_two_order_credit(texts, expected):
    _, _, scored = judged(pair(), texts)
    assert scored.correct == expected


def test_pair_scores_are_vote_shares():
    _, _, scored = judged(pair(), ["[[A]]", "??"])
    # chosen: one vote + half of the unparsable one; rejected: the other half.
    assert scored.scores_chosen == [0.75] and scored.scores_rejected == [0.25]


def test_one_order_is_seeded_per_row_and_varies_across_rows():
    orders = {plan_row(0, pair(i), FormatSet(), 1, seed=7, by_margin=False)[0].shown for i in range(40)}
    assert orders == {("chosen 0", "rejected 0"), ("rejected 0", "chosen 0")}
    again = [plan_row(5, pair(i), FormatSet(), 1, seed=7, by_margin=False)[0].shown for i in range(40)]
    assert again == [plan_row(0, pair(i), FormatSet(), 1, seed=7, by_margin=False)[0].shown for i in range(40)]
    other_seed = [plan_row(0, pair(i), FormatSet(), 1, seed=8, by_margin=False)[0].shown for i in range(40)]
    assert other_seed != again


def test_one_order_credit_right_wrong_unparsable():
    example = pair(3)
    tasks = plan_row(0, example, FormatSet(), 1, 0, False)
    chosen_letter = "AB"[tasks[0].shown.index("chosen 0")]
    rejected_letter = "AB"[tasks[0].shown.index("rejected 0")]
    assert judged(example, [f"[[{chosen_letter}]]"], orders=1)[2].correct == 1.0
    assert judged(example, [f"[[{rejected_letter}]]"], orders=1)[2].correct == 0.0
    assert judged(example, ["?"], orders=1)[2].correct == 0.5


def test_best_of_4_is_one_ranking_prompt_with_the_chosen_in_a_seeded_slot():
    slots = {plan_row(0, best_of_4(i), FormatSet(), 2, 0, False)[0].shown.index("chosen 0") for i in range(60)}
    assert slots == {0, 1, 2, 3}
    tasks = plan_row(0, best_of_4(11), FormatSet(), 2, 0, False)
    assert len(tasks) == 1 and tasks[0].format.name == "rb2-ranking"
    letter = "ABCD"[tasks[0].shown.index("chosen 0")]
    wrong = "ABCD"[tasks[0].shown.index("rejected 1")]
    assert judged(best_of_4(11), [f"[[{letter}]]"])[2].correct == 1.0
    right_miss = judged(best_of_4(11), [f"[[{wrong}]]"])[2]
    assert right_miss.correct == 0.0 and right_miss.scores_rejected == [0.0, 1.0, 0.0]
    unparsable = judged(best_of_4(11), ["I cannot decide"])[2]
    assert unparsable.correct == 0.25 and unparsable.scores_chosen == [0.25]


def test_margin_subsets_and_odd_sizes_are_rated_one_by_one():
    example = best_of_4()
    tasks, _, scored = judged(example, ["Rating: [[9]]", "[[2]]", "none", "[[5]]"], by_margin=True)
    assert [t.shown for t in tasks] == [("chosen 0",), ("rejected 0",), ("rejected 1",), ("rejected 2",)]
    assert scored.correct is None  # the benchmark's scorer decides (Ties' margins)
    assert scored.scores_chosen == [9.0] and scored.scores_rejected == [2.0, 0.0, 5.0]
    three = Example(id=1, subset="x", prompt=(("user", "q"),), chosen=("a",), rejected=("b", "c"))
    assert {t.format.name for t in plan_row(0, three, FormatSet(), 2, 0, False)} == {"rating-1-10"}


def test_a_chosen_format_takes_the_rows_of_its_mode():
    formats = FormatSet.with_format(FORMATS["prometheus-2-relative"])
    assert plan_row(0, pair(), formats, 2, 0, False)[0].format.name == "prometheus-2-relative"
    assert plan_row(0, best_of_4(), formats, 2, 0, False)[0].format.name == "rb2-ranking"


def test_credit_rule_directly():
    assert COIN_TOSS.credit(["chosen 0", "chosen 0"], 2) == 1.0
    assert COIN_TOSS.credit(["rejected 0", None], 2) == 0.5
    assert COIN_TOSS.credit([None], 4) == 0.25


R, W, T = "chosen 0", "rejected 0", None  # right, wrong, a tie or no verdict


@pytest.mark.parametrize(
    ("picks", "expected"),
    [
        ((R, R), 1.0), ((R, T), 1.0), ((T, R), 1.0),  # right + right, right + tie: right
        ((R, W), 0.0), ((W, R), 0.0),  # inconsistent: wrong
        ((T, T), 0.0),  # tie + tie: wrong
        ((W, W), 0.0), ((W, T), 0.0), ((T, W), 0.0),  # wrong + anything: wrong
    ],
)
def test_judgebench_two_game_rule_case_by_case(picks, expected):
    assert TWO_GAMES.credit(list(picks), 2) == expected


def test_fairness_statistics():
    rows = [
        judged(pair(1), ["[[A]]", "[[B]]"])[:2],  # consistent (chosen both times)
        judged(pair(2), ["[[A]]", "[[A]]"])[:2],  # position bias: inconsistent
        judged(pair(3), ["[[B]]", "[[A]]"])[:2],  # consistent (rejected both times)
        judged(pair(4), ["??", "[[A]]"])[:2],  # one unparsable: not consistent
        judged(best_of_4(), ["[[A]]"])[:2],  # not a two-order pair
    ]
    stats = fairness_stats(rows)
    assert stats.judgements == 9 and stats.unparsable == 1
    assert stats.both_orders == 4 and stats.position_consistency == 0.5
    assert stats.unparsable_share == pytest.approx(1 / 9)
