"""One result's examples: the joined table, filters, the comparison of two models, the detail view's
safe Markdown, the cached reads from the store and the Leaderboard's marks."""

from __future__ import annotations

import pytest

from leaderboard.examples import examples as ex
from leaderboard.tables import table as t
from leaderboard.data import ResultsCache
from leaderboard.tables.mark_columns import LONGER_PREFERRED, SIGNIFICANT, SIGNIFICANT_NOTE
from leaderboard.examples.example_figures import reference_rows
from leaderboard.examples.example_files import NO_SCORES, NO_TEXTS, ExampleFiles
from leaderboard.examples.example_marks import ExampleMarks
from leaderboard.pages.examples import NONE, ExamplesPage
from leaderboard.app_settings import AppSettings
from results.schema import Judgement
from results.store import LocalStore, result_paths, scores_path_of
from tests.examples_fixtures import CODE_ANSWER, XSS_PROMPT, scored, store_result, text
from tests.leaderboard_fixtures import published_result, subset_levels, write_published

# v1 ids repeat across subsets: (subset, id) is the key
TEXTS = [
    text("alpacaeval-easy", 1, "What is 2+2?", ["4"], ["The answer is five, I am quite sure of it."]),
    text("alpacaeval-easy", 2, XSS_PROMPT, [CODE_ANSWER], ["no"]),
    text("math-prm", 1, "Integrate x", ["x^2/2 + C, by the power rule"], ["x"]),
    text("math-prm", 2, "Name a prime", ["7"], ["8 is prime, because it has many divisors"]),
]
REWARDS_A = [([2.0], [1.0]), ([0.5], [1.5]), ([3.0], [0.0]), ([1.0], [2.0])]  # right, wrong, right, wrong
REWARDS_B = [([2.0], [1.0]), ([2.0], [0.0]), ([0.0], [1.0]), ([0.0], [3.0])]  # right, right, wrong, wrong


def test_the_table_joins_scores_and_texts_by_subset_and_id():
    examples = ex.examples_frame(scored(TEXTS, REWARDS_A), TEXTS)
    frame = examples.frame.set_index(ex.KEY)
    math_one = frame.loc[ex.example_key("math-prm", 1)]
    assert (math_one[ex.PROMPT], math_one[ex.MARGIN], bool(math_one[ex.RIGHT])) == ("Integrate x", 3.0, True)
    assert frame.loc[ex.example_key("alpacaeval-easy", 1), ex.PROMPT] == "What is 2+2?"
    assert list(examples.frame[ex.RIGHT]) == [True, False, True, False]
    # lengths in characters: chosen "4" (1) vs 42 characters
    assert frame.loc[ex.example_key("alpacaeval-easy", 1), ex.LENGTH_DIFFERENCE] == pytest.approx(
        (1 - 42) / 42
    )


def test_best_of_4_and_ties_rows_show_the_best_rejected_and_an_all_above_margin():
    texts = [
        text("Focus", "f1", "p", ["good"], ["r0", "r1 best", "r2"]),
        text("Ties", "t1", "q", ["a", "b"], ["c"]),
    ]
    examples = ex.examples_frame(
        scored(texts, [([1.0], [0.2, 1.4, 0.9]), ([3.0, 2.0], [1.5])]), texts
    ).frame.set_index(ex.ID)
    assert examples.loc["f1", ex.REJECTED] == "r1 best"
    assert examples.loc["f1", ex.MARGIN] == pytest.approx(1.0 - 1.4)
    assert examples.loc["t1", ex.MARGIN] == pytest.approx(
        2.0 - 1.5
    )  # the lowest chosen against the best rejected


def test_filters_search_and_order():
    frame = ex.examples_frame(scored(TEXTS, REWARDS_A), TEXTS).frame
    wrong = ex.select_examples(frame, outcome=ex.WRONG)
    assert list(zip(wrong[ex.SUBSET], wrong[ex.ID])) == [("alpacaeval-easy", "2"), ("math-prm", "2")]
    assert list(wrong[ex.MARGIN]) == [-1.0, -1.0]  # lowest margin first, file order among equals
    assert list(ex.select_examples(frame, order=ex.ORDERS[1])[ex.MARGIN]) == [3.0, 1.0, -1.0, -1.0]
    assert list(ex.select_examples(frame, subset="math-prm", outcome="right")[ex.ID]) == ["1"]
    assert list(ex.select_examples(frame, query="POWER rule")[ex.SUBSET]) == [
        "math-prm"
    ]  # every word, any case
    assert ex.select_examples(frame, query="power banana").empty
    shown = ex.shown_examples(ex.select_examples(frame, order=ex.ORDERS[2]), limit=3)
    assert list(shown.columns) == list(ex.SHOWN_COLUMNS) and list(shown["Correct"]) == ["✓", "✗", "✓"]


def test_searching_a_result_without_examples_finds_nothing_and_raises_nothing():
    """Issue 24: a search in Examples on a result without per-example scores raised in the server log."""
    empty = ex.examples_frame([], []).frame
    assert ex.select_examples(empty, "Ties", ex.WRONG, "france", ex.ORDERS[0]).empty


def test_two_models_compared_on_the_same_rows():
    a = ex.examples_frame(scored(TEXTS, REWARDS_A), TEXTS).frame
    b = ex.examples_frame(scored(TEXTS, REWARDS_B), TEXTS).frame
    comparison = ex.compare(a, b)
    assert (comparison.n, comparison.agreement) == (4, 0.5)
    assert (comparison.both_right, comparison.both_wrong, comparison.only_a, comparison.only_b) == (
        1,
        1,
        1,
        1,
    )
    assert comparison.test.difference == 0.0 and not comparison.test.significant
    assert sorted(zip(comparison.disagreements[ex.SUBSET], comparison.disagreements[ex.ID])) == [
        ("alpacaeval-easy", "2"),
        ("math-prm", "1"),
    ]
    shown = ex.shown_disagreements(comparison)
    assert list(shown["Right"]) == ["B", "A"]
    within = ex.compare(a, b, "math-prm")
    assert (within.n, within.only_a, within.only_b) == (2, 1, 0)
    assert "agree on 50.0%" in ex.comparison_note(comparison, "a", "b")


def test_safe_markdown_shows_html_as_text_and_leaves_code_alone():
    assert ex.safe_markdown("a <img src=x onerror=y> & b") == "a &lt;img src=x onerror=y> &amp; b"
    assert ex.safe_markdown("use `a<b` here") == "use `a<b` here"
    fenced = "before <b>\n```python\nif a < b:\n    pass\n```\nafter <i>"
    assert ex.safe_markdown(fenced) == "before &lt;b>\n```python\nif a < b:\n    pass\n```\nafter &lt;i>"
    assert ex.safe_markdown("`` <img> `") == "`` &lt;img> `"  # unmatched backtick runs are no code span
    assert ex.safe_markdown("\\`<img>`") == "\\`&lt;img>`"  # nor is an escaped backtick
    assert ex.code_block("x ``` y") == "````text\nx ``` y\n````"


RUNNING_SUM = "def running_sum(n):\n    total = 0\n    for i in range(1, n + 1):\n        total += i\n    return total\n"


def test_code_without_a_fence_keeps_its_lines_and_indentation():
    """Issue 24: Markdown joined an unfenced function into one line; it is shown as code, verbatim."""
    shown = ex.safe_markdown(f"Here it is:\n\n{RUNNING_SUM}\nIt returns <n>.")
    assert "```text\ndef running_sum(n):\n    total = 0\n    for i in range(1, n + 1):\n        total += i\n" in shown
    assert shown.endswith("It returns &lt;n>.")  # the prose after it is prose, escaped
    assert "```" not in ex.safe_markdown("Steps:\n- mix\n  - slowly\n\nthen <bake>")  # a nested list stays a list
    assert ex.safe_markdown("    indented block\n    stays") == "    indented block\n    stays"  # Markdown's own code


def test_a_ties_row_shows_each_text_beside_its_own_reward():
    """Issue 24: a row with several chosen answers showed the first one beside the lowest reward, another's."""
    row = text("tied", 2, "Name a country in Europe.", ["France", "Switzerland"], ["Brazil", "Japan"])
    frame = ex.examples_frame(scored([row], [([-5.537, -19.467], [-25.0, -22.0])]), [row]).frame.iloc[0]
    assert (frame[ex.CHOSEN], frame[ex.REWARD_CHOSEN]) == ("Switzerland", -19.467)
    assert (frame[ex.REJECTED], frame[ex.REWARD_REJECTED]) == ("Japan", -22.0)


def test_the_detail_view_shows_every_response_and_the_judge_answers():
    judgement = Judgement(
        format="pairwise-ab", shown=["chosen", "rejected 0"], output="I pick <b>[[A]]</b> ```", verdict="A"
    )
    unparsable = Judgement(format="pairwise-ab", shown=["rejected 0", "chosen"], output="hmm", verdict=None)
    examples = ex.examples_frame(scored(TEXTS, REWARDS_A, {1: [judgement, unparsable]}), TEXTS)
    other = ex.examples_frame(scored(TEXTS, REWARDS_B), TEXTS)
    detail = ex.detail_markdown(examples, ex.example_key("alpacaeval-easy", 2), ("org/b", other))
    assert "alpacaeval\\-easy · id 2: wrong" in detail
    assert "&lt;img src=x onerror" in detail and "<img" not in detail and "<script" not in detail
    assert "```python\nif a < b:" in detail  # the response's code block, as written
    assert "org/b: right, margin 2" in detail
    assert "format pairwise\\-ab; shown: chosen, rejected 0; verdict: **A**" in detail
    assert "````text\nI pick <b>[[A]]</b> ```\n````" in detail  # the raw answer verbatim, in a code block
    assert "verdict: ***unparsable***" in detail
    no_texts = ex.examples_frame(scored(TEXTS, REWARDS_A))
    assert "not available" in ex.detail_markdown(no_texts, ex.example_key("math-prm", 1))
    assert "Rewards: chosen 3; rejected 0" in ex.detail_markdown(no_texts, ex.example_key("math-prm", 1))


def test_the_detail_view_shows_a_critique_models_critiques_and_rewards():
    from results.schema import Critique

    critiques = [
        Critique(completion="chosen 0", sample=0, text="Correct, <script>x()</script> well put.", reward=1.5),
        Critique(completion="rejected 0", sample=0, text="Wrong sum.", reward=-0.25),
    ]
    scores = [s.model_copy(update={"critiques": critiques}) if i == 0 else s for i, s in enumerate(scored(TEXTS, REWARDS_A))]
    examples = ex.examples_frame(scores, TEXTS)
    detail = ex.detail_markdown(examples, ex.example_key(scores[0].subset, scores[0].id))
    assert "#### Critiques" in detail
    assert "**chosen 0**, critique 1: reward 1.5" in detail and "**rejected 0**, critique 1: reward -0.25" in detail
    assert "```text\nCorrect, <script>x()</script> well put.\n```" in detail  # verbatim, inside a code block


def test_example_files_are_read_once_and_say_what_is_missing(tmp_path, caplog):
    store = LocalStore(tmp_path)
    with_texts = store_result(store, "org/a", TEXTS, scored(TEXTS, REWARDS_A))
    older = store_result(store, "org/old", TEXTS[:2], scored(TEXTS[:2], REWARDS_A[:2]), with_texts=False)
    write_published(store, "pub", "lished", published_result("pub/lished", subset_levels(0.5)))
    files = ExampleFiles(store)
    path = result_paths(with_texts)[0]
    loaded = files.load(path, "t0")
    assert loaded.examples.has_texts and loaded.note == "" and len(loaded.examples.frame) == 4
    assert files.load(path, "t0") is loaded and files._results.misses == 1  # cached: not read again
    assert files.load(path, "t1") is not loaded  # a re-run (a new evaluation time) is read afresh
    old = files.load(result_paths(older)[0])
    assert (old.note, list(old.examples.frame[ex.PROMPT])) == (NO_TEXTS, [ex.NO_TEXTS] * 2)
    assert files.load("eval-set/pub/lished.json").note == NO_SCORES
    store.write_file(scores_path_of(result_paths(older)[0]), b'{"id": 1}\n')
    assert files.load(result_paths(older)[0], "again").note == NO_SCORES
    assert "unreadable per-example scores" in caplog.text


def test_reference_rows_put_the_length_baselines_under_the_model():
    examples = ex.examples_frame(scored(TEXTS, REWARDS_A), TEXTS)
    rows = reference_rows(examples, "org/a", "rewardbench").set_index("")
    # always longer: 4 vs 42 chars wrong, long code vs "no" right; math: right, wrong -> 50% each
    assert rows.loc["always longer (baseline)"].to_dict() == {
        "All": 50.0,
        "alpacaeval-easy": 50.0,
        "math-prm": 50.0,
    }
    assert rows.loc["always shorter (baseline)"].to_dict() == {
        "All": 50.0,
        "alpacaeval-easy": 50.0,
        "math-prm": 50.0,
    }
    assert rows.loc["org/a"].to_dict() == {"All": 50.0, "alpacaeval-easy": 50.0, "math-prm": 50.0}
    assert reference_rows(ex.examples_frame(scored(TEXTS, REWARDS_A)), "org/a", "rewardbench") is None


def leaderboard_store(tmp_path):
    """Three results on one data (the best right everywhere, two alike), one on other data, one published."""
    texts = [
        text("alpacaeval-easy", i, f"q{i}", ["long answer " * (1 + i % 3)], ["short"]) for i in range(60)
    ]
    store = LocalStore(tmp_path)
    store_result(store, "org/best", texts, scored(texts, [([1.0], [0.0])] * 60))
    half = [([1.0], [0.0]) if i % 2 else ([0.0], [1.0]) for i in range(60)]
    store_result(store, "org/half", texts, scored(texts, half))
    alike = [([1.0], [0.0]) if i % 2 or i == 0 else ([0.0], [1.0]) for i in range(60)]
    store_result(store, "org/alike", texts, scored(texts, alike), level=0.6)
    other = [text("alpacaeval-easy", i, f"other {i}", ["x"], ["y"]) for i in range(10)]
    store_result(store, "org/elsewhere", other, scored(other, [([1.0], [0.0])] * 10))
    write_published(store, "pub", "lished", published_result("pub/lished", subset_levels(0.1)))
    return store


def test_the_leaderboard_marks_a_significant_gap_to_the_model_above(tmp_path):
    cache = ResultsCache(leaderboard_store(tmp_path))
    rows = t.filter_rows(cache.refresh().tables.rows, benchmark="rewardbench")
    assert list(rows[t.MODEL]) == ["org/best", "org/elsewhere", "org/alike", "org/half", "pub/lished"]
    marks = ExampleMarks(cache.examples)
    marked = marks.annotate(rows).set_index(t.MODEL)
    assert list(marked[SIGNIFICANT]) == ["–", "–", "–", "no", "–"]
    assert "no model above" in marked.loc["org/best", SIGNIFICANT_NOTE]
    assert "same rows" in marked.loc["org/alike", SIGNIFICANT_NOTE]
    assert "published" in marked.loc["pub/lished", SIGNIFICANT_NOTE]
    assert "+1.7 points" in marked.loc["org/half", SIGNIFICANT_NOTE]
    # without the result on other data in between, best and alike are adjacent: a real gap
    without = marks.annotate(rows[rows[t.MODEL] != "org/elsewhere"]).set_index(t.MODEL)
    assert (
        without.loc["org/alike", SIGNIFICANT] == "yes"
        and "+48.3 points" in without.loc["org/alike", SIGNIFICANT_NOTE]
    )
    # the longer answer is the chosen one everywhere: best prefers it always, half on half the pairs
    assert marked.loc["org/best", LONGER_PREFERRED] == 1.0 and marked.loc["org/half", LONGER_PREFERRED] == 0.5
    # elsewhere's answers are all one character long (no pair differs in length); published has no texts
    assert marked[LONGER_PREFERRED].isna().tolist() == [False, True, False, False, True]
    assert marks.for_view(rows, ["Score"]) is rows  # not shown: no file is read


def test_the_page_callbacks_over_a_store(tmp_path):
    store = LocalStore(tmp_path)
    a = store_result(store, "org/a", TEXTS, scored(TEXTS, REWARDS_A), level=0.8)
    b = store_result(store, "org/b", TEXTS, scored(TEXTS, REWARDS_B))
    cache = ResultsCache(store)
    snap = cache.refresh()
    page = ExamplesPage(cache, AppSettings(benchmarks="rewardbench"))
    path_a, path_b = result_paths(a)[0], result_paths(b)[0]
    benchmark, model, model_b = page.choices(snap, None, None, None)
    assert (benchmark.value, model.value, model_b.value) == ("rewardbench", path_a, NONE)
    _, note, shown = page.table(snap, "rewardbench", path_a, ex.ALL, ex.WRONG, "", ex.ORDERS[0])
    assert note.startswith("2 of 4 examples.") and list(shown.value["data"]) == [
        ["alpacaeval-easy", "2", *shown.value["data"][0][2:]],
        ["math-prm", "2", *shown.value["data"][1][2:]],
    ]
    detail = page.detail(snap, "rewardbench", path_a, path_b, ("alpacaeval-easy", "2"))
    assert "org/b: right" in detail
    compare_note, disagreements = page.compare(snap, "rewardbench", path_a, path_b, ex.ALL)
    assert "agree on 50.0%" in compare_note and len(disagreements.value["data"]) == 2
    _, summary, baselines = page.lengths(snap, "rewardbench", path_a, path_b)
    assert "50.0%" in summary and list(baselines[""])[1:] == [
        "always longer (baseline)",
        "always shorter (baseline)",
    ]


def test_the_comparison_names_its_difference_and_shows_the_leaderboard_scores(tmp_path):
    """Issue 24: "Score difference A - B: -4.4 points" beside scores 4.8 apart read as a contradiction:
    it is the mean per-example credit difference, with both leaderboard scores beside it; and before
    a model B is picked the table has its own headers, not Gradio's "1 2 3"."""
    store = LocalStore(tmp_path)
    a = store_result(store, "org/a", TEXTS, scored(TEXTS, REWARDS_A))
    b = store_result(store, "org/b", TEXTS, scored(TEXTS, REWARDS_B))
    store.write_result(a.model_copy(update={"score": 0.812}), scored(TEXTS, REWARDS_A), texts=TEXTS)
    store.write_result(b.model_copy(update={"score": 0.764}), scored(TEXTS, REWARDS_B), texts=TEXTS)
    cache = ResultsCache(store)
    snap = cache.refresh()
    page = ExamplesPage(cache, AppSettings(benchmarks="rewardbench"))
    path_a, path_b = result_paths(a)[0], result_paths(b)[0]
    note, _ = page.compare(snap, "rewardbench", path_a, path_b, ex.ALL)
    assert "Mean per-example credit difference A − B: +0.0 points" in note
    assert "Leaderboard scores: A 81.2, B 76.4 (difference +4.8" in note
    subset_note, _ = page.compare(snap, "rewardbench", path_a, path_b, "math-prm")
    assert "Leaderboard scores" not in subset_note  # the whole benchmark's scores, not a subset's
    _, before_b = page.compare(snap, "rewardbench", path_a, NONE, ex.ALL)
    assert list(before_b.columns) == ["Subset", "ID", "Prompt", "Right", "Margin A", "Margin B"]


def test_the_length_chart_has_a_bar_per_bucket_and_escaped_names():
    from leaderboard.examples.example_figures import length_figure, length_table
    from leaderboard.examples.lengths import LENGTH_BUCKETS

    table = length_table(ex.examples_frame(scored(TEXTS, REWARDS_A), TEXTS))
    # chosen vs rejected lengths: 1 vs 42 (right), 85 vs 2 (wrong), 28 vs 1 (right), 1 vs 40 (wrong)
    assert list(table["bucket"]) == list(LENGTH_BUCKETS)
    assert list(table["n"]) == [2, 0, 0, 0, 0, 0, 2]
    assert (table["accuracy"].iloc[0], table["accuracy"].iloc[6]) == (0.5, 0.5)
    figure = length_figure([("<b>org/a</b>", table)])
    assert figure.data[0].name == "&lt;b&gt;org/a&lt;/b&gt;" and len(figure.data[0].x) == len(LENGTH_BUCKETS)
    assert "<b>org" not in figure.data[0].hovertemplate


def test_a_refresh_summarises_every_result_in_the_background(tmp_path):
    cache = ResultsCache(leaderboard_store(tmp_path))
    rows = t.filter_rows(cache.refresh().tables.rows, benchmark="rewardbench")
    cache.examples._warming.join(timeout=60)
    summaries = cache.examples.summaries
    assert summaries._summaries.misses == len(rows)  # one per result, the published one too
    ExampleMarks(cache.examples).annotate(rows)
    assert summaries._summaries.misses == len(rows)  # the marks read no file


def test_the_detail_view_shows_an_examples_own_style_matrix_as_a_plain_loop_gives_it():
    """RM-Bench: the example's 3x3 table says, cell by cell, whether chosen style i scored strictly
    above rejected style j (a tie lost); a benchmark without a matrix shows no such table."""
    from results.benchmarks import get_spec
    from results.schema import ExampleScore

    spec = get_spec("rm-bench")
    chosen, rejected = [2.0, 0.5, 1.0], [1.0, 2.0, 0.25]
    score = ExampleScore(id="c-1", subset="chat", scores_chosen=chosen, scores_rejected=rejected,
                         correct=spec.credit("chat", chosen, rejected))
    detail = ex.detail_markdown(ex.examples_frame([score]), ex.example_key("chat", "c-1"), spec=spec)
    table = detail.split("#### Which chosen answer scored above which rejected one\n\n")[1].split("\n\n")[0]
    rows = [line.strip("|").split("|") for line in table.splitlines()[2:]]
    assert len(rows) == 3
    for i, row in enumerate(rows):
        assert [cell.strip() for cell in row[1:]] == ["won" if chosen[i] > rejected[j] else "lost" for j in range(3)]
    pairwise = ExampleScore(id=1, subset="chat", scores_chosen=[1.0], scores_rejected=[0.0], correct=1.0)
    other = ex.detail_markdown(ex.examples_frame([pairwise]), ex.example_key("chat", 1), spec=get_spec("rewardbench"))
    assert "Which chosen answer" not in other
