"""What the Submit form says a run of each benchmark scores: the newest verified run's texts and a
judge's calls, never a custom-data run's."""

from __future__ import annotations

from datetime import timedelta

from fakes.eval_results import FINISHED, make_spec_result
from leaderboard.submission.run_sizes import RunSize, benchmark_choices, run_sizes
from leaderboard.tables import table as t
from results.benchmarks import SPECS
from results.schema import JudgeInfo

FIRST, SECOND, THIRD = list(SPECS)[:3]


def with_texts(result, texts: int, hours: int = 0):
    stats = result.stats.model_copy(update={"num_texts": texts})
    timings = result.timings.model_copy(update={"finished_at": FINISHED + timedelta(hours=hours)})
    return result.model_copy(update={"stats": stats, "timings": timings})


def judged(result, calls: int):
    judge = JudgeInfo(
        formats={"pairwise": "x"}, format_sha256={"x": "0" * 64}, orders=2, order_seed=0, backend="api",
        decoding={"temperature": 0}, judgements=calls, unparsable_share=0.0,
    )
    return result.model_copy(update={"judge": judge})


def rows_of(*results):
    return t.build_tables([(f"eval-set/{i}.json", r.model_dump_json().encode()) for i, r in enumerate(results)]).rows


def test_the_newest_run_on_the_benchmarks_own_data_gives_its_size():
    rows = rows_of(
        with_texts(make_spec_result("a/old", FIRST, 0.7), 100, hours=0),
        with_texts(make_spec_result("a/new", FIRST, 0.7), 120, hours=5),
        with_texts(make_spec_result("a/custom", FIRST, 0.7, custom_data=True, data_source="x.jsonl"), 9, hours=9),
        judged(with_texts(make_spec_result("a/judge", SECOND, 0.7), 0, hours=1), 3000),
    )
    sizes = run_sizes(rows, [FIRST, SECOND, THIRD])
    assert sizes[FIRST] == RunSize(texts=120, judge_calls=None)
    assert sizes[SECOND] == RunSize(texts=0, judge_calls=3000)
    assert sizes[THIRD] == RunSize()
    labels = dict((value, label) for label, value in benchmark_choices(rows, [FIRST, SECOND, THIRD]))
    assert labels == {
        FIRST: f"{FIRST}: 120 texts",
        SECOND: f"{SECOND}: 3,000 judge calls",
        THIRD: f"{THIRD}: its size is known after its first run here",
    }
