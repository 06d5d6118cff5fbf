"""The Overview's numbers against answers computed here by plain loops: Average, Coverage, percentile
ranks with ties, the Rank score, its bootstrap interval (reproducible with its seed), Kendall's tau-b,
the disagreements, and the table built from result files (sources, incomplete results, CSV)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from fakes.eval_results import make_spec_result
from leaderboard.tables import overview as ov
from leaderboard.tables import overview_columns as oc
from leaderboard.tables import provenance as prov
from leaderboard.tables import table as t
from leaderboard.tables.display import leaderboard_export
from leaderboard.tables.rank_agreement import kendall_tau_b
from results.benchmarks import SPECS

NAN = float("nan")
# Three models on three benchmarks; model c lacks the second benchmark.
SCORES = np.array([[0.80, 0.60, 0.70], [0.50, 0.90, 0.70], [0.80, NAN, 0.40]])


def brute_percentile(values: list[float], i: int) -> float:
    others = [v for j, v in enumerate(values) if j != i]
    if not others:
        return 0.5
    above = sum(1.0 if values[i] > v else 0.5 if values[i] == v else 0.0 for v in others)
    return above / len(others)


def brute_rank_score(scores: np.ndarray) -> list[float]:
    result = []
    for model in range(scores.shape[0]):
        ranks = []
        for column in range(scores.shape[1]):
            if math.isnan(scores[model, column]):
                continue
            having = [m for m in range(scores.shape[0]) if not math.isnan(scores[m, column])]
            values = [scores[m, column] for m in having]
            ranks.append(brute_percentile(values, having.index(model)))
        result.append(sum(ranks) / len(ranks) if ranks else NAN)
    return result


def test_average_is_the_plain_mean_only_for_a_model_with_every_benchmark():
    means = ov.average(SCORES)
    assert means[0] == pytest.approx((0.80 + 0.60 + 0.70) / 3)
    assert means[1] == pytest.approx((0.50 + 0.90 + 0.70) / 3)
    assert math.isnan(means[2])


def test_coverage_counts_the_benchmarks_shown():
    assert ov.coverage_text(2, 3) == "2 / 3"


def test_percentile_ranks_count_a_tie_as_half():
    values = [0.3, 0.7, 0.7, 0.1, 0.7]
    expected = [brute_percentile(values, i) for i in range(len(values))]
    assert ov.percentile_ranks(np.array(values)).tolist() == pytest.approx(expected)
    assert expected[1] == pytest.approx((2 + 0.5 * 2) / 4)  # above two, tied with two of four others
    assert ov.percentile_ranks(np.array([0.4])).tolist() == [0.5]


def test_percentile_ranks_of_many_rows_are_each_rows_own():
    rng = np.random.default_rng(3)
    rows = np.round(rng.uniform(-0.2, 1.2, size=(50, 9)), 1)  # rounded: many ties
    ranked = ov.percentile_ranks(rows)
    for r, values in enumerate(rows.tolist()):
        assert ranked[r].tolist() == pytest.approx([brute_percentile(values, i) for i in range(len(values))])


def test_rank_score_is_the_mean_percentile_over_the_benchmarks_a_model_has():
    assert ov.rank_score(SCORES).tolist() == pytest.approx(brute_rank_score(SCORES))
    # c: first benchmark tied with a at the top (0.75), third benchmark below both (0.0).
    assert ov.rank_score(SCORES)[2] == pytest.approx((0.75 + 0.0) / 2)


def test_the_bootstrap_interval_is_reproducible_with_its_seed():
    rng = np.random.default_rng(5)
    scores = rng.uniform(0.4, 0.9, size=(12, 3))
    scores[rng.uniform(size=scores.shape) < 0.2] = np.nan
    low, high = scores - 0.05, scores + 0.05
    first = ov.RankBootstrap(replicates=200, seed=7).interval(scores, low, high)
    again = ov.RankBootstrap(replicates=200, seed=7).interval(scores, low, high)
    other = ov.RankBootstrap(replicates=200, seed=8).interval(scores, low, high)
    assert [a.tolist() for a in first] == [a.tolist() for a in again]
    assert [a.tolist() for a in first] != [a.tolist() for a in other]
    # The same replicates by plain loops: the seed's normal draws scaled by each interval's spread.
    noise = np.random.default_rng(7).standard_normal((200, *scores.shape), dtype=np.float32)
    spread = np.float32(0.1 / (2 * ov.Z_95))
    replicated = [brute_rank_score(scores.astype(np.float32) + noise[b] * spread) for b in range(200)]
    assert first[0].tolist() == pytest.approx(np.percentile(replicated, 2.5, axis=0).tolist())
    assert first[1].tolist() == pytest.approx(np.percentile(replicated, 97.5, axis=0).tolist())


def test_the_bootstrap_draws_each_headline_from_its_interval():
    low, high = SCORES - 0.04, SCORES + 0.04
    boot = ov.RankBootstrap(replicates=4000, seed=1)
    draws = boot.draws(SCORES, low, high)
    has = ~np.isnan(SCORES)
    assert np.allclose(draws[:, has].std(axis=0), 0.08 / (2 * ov.Z_95), rtol=0.05)
    assert np.allclose(draws[:, has].mean(axis=0), SCORES[has], atol=0.002)
    assert np.isnan(draws[:, 2, 1]).all()  # no result, no draw


def test_a_result_that_kept_its_runs_replicates_is_drawn_from_them_and_the_others_from_their_interval():
    """Replicate b takes each kept result's replicate b (cycling through fewer); a cell without kept
    replicates keeps its normal draw; the interval is then a plain loop's over those replicates."""
    rng = np.random.default_rng(3)
    scores = rng.uniform(0.4, 0.9, size=(6, 2))
    low, high = scores - 0.05, scores + 0.05
    kept = np.empty(scores.shape, dtype=object)
    kept[:] = None
    for m in range(0, 6, 2):  # every other model kept 7 replicates on the first benchmark
        kept[m, 0] = [float(v) for v in rng.uniform(0.3, 0.95, size=7)]
    boot = ov.RankBootstrap(replicates=30, seed=2)
    drawn = boot.draws(scores, low, high, kept)
    normal = boot.draws(scores, low, high)
    for b in range(30):
        for m in range(6):
            expected = kept[m, 0][b % 7] if kept[m, 0] is not None else normal[b, m, 0]
            assert drawn[b, m, 0] == pytest.approx(expected)
    assert np.array_equal(drawn[:, :, 1], normal[:, :, 1])
    lows, highs = boot.interval(scores, low, high, kept)
    replicated = [brute_rank_score(drawn[b]) for b in range(30)]
    assert lows.tolist() == pytest.approx(np.percentile(replicated, 2.5, axis=0).tolist())
    assert highs.tolist() == pytest.approx(np.percentile(replicated, 97.5, axis=0).tolist())


def test_a_result_without_an_interval_gives_a_point_interval():
    nothing = np.full(SCORES.shape, np.nan)
    low, high = ov.RankBootstrap(replicates=50, seed=0).interval(SCORES, nothing, nothing)
    assert low.tolist() == pytest.approx(brute_rank_score(SCORES))
    assert high.tolist() == pytest.approx(brute_rank_score(SCORES))


def brute_tau_b(x: list[float], y: list[float]) -> float:
    concordant = discordant = ties_x = ties_y = pairs = 0
    for i, j in itertools.combinations(range(len(x)), 2):
        pairs += 1
        dx, dy = x[i] - x[j], y[i] - y[j]
        ties_x += dx == 0
        ties_y += dy == 0
        if dx * dy > 0:
            concordant += 1
        elif dx * dy < 0:
            discordant += 1
    return (concordant - discordant) / math.sqrt((pairs - ties_x) * (pairs - ties_y))


def test_kendall_tau_b_with_ties():
    x = [0.1, 0.4, 0.4, 0.9, 0.2, 0.7]
    y = [0.3, 0.3, 0.8, 0.6, 0.1, 0.6]
    assert kendall_tau_b(np.array(x), np.array(y)) == pytest.approx(brute_tau_b(x, y))
    assert kendall_tau_b([0.5, 0.5], [0.1, 0.2]) is None


def wide(scores: np.ndarray, benchmarks: list[str]) -> pd.DataFrame:
    return pd.DataFrame({t.MODEL: [f"org/m{i}" for i in range(len(scores))], **dict(zip(benchmarks, scores.T))})


def test_agreement_uses_the_models_that_have_both_and_counts_them():
    frame = wide(SCORES, ["a", "b", "c"])
    found = ov.agreement(frame, ["a", "b", "c"])
    assert found.counts.tolist() == [[3, 2, 3], [2, 2, 2], [3, 2, 3]]
    assert found.tau[0, 2] == pytest.approx(brute_tau_b(SCORES[:, 0].tolist(), SCORES[:, 2].tolist()))
    assert found.tau[0, 1] == pytest.approx(brute_tau_b([0.8, 0.5], [0.6, 0.9]))


def test_disagreements_list_the_largest_rank_differences_first():
    frame = wide(np.array([[0.9, 0.1], [0.8, 0.8], [0.1, 0.9], [0.5, NAN]]), ["a", "b"])
    found = ov.disagreements(frame, "a", "b")
    assert found[t.MODEL].tolist() == ["org/m0", "org/m2", "org/m1"]
    assert found[ov.RANK_GAP].tolist() == [2, 2, 0]


# ---- the table from result files ---------------------------------------------------------------------

B1, B2, B3 = list(SPECS)[:3]


def files(*results) -> list[tuple[str, bytes]]:
    return [(f"eval-set/{r.benchmark.name}/{r.model.name}.json", r.model_dump_json().encode()) for r in results]


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    results = [
        make_spec_result("org/full", B1, 0.8),
        make_spec_result("org/full", B2, 0.7),
        make_spec_result("org/full", B3, 0.6),
        make_spec_result("org/gap", B1, 0.9),
        make_spec_result("org/gap", B3, 0.5),
        make_spec_result("org/partial", B2, 0.95, missing_subsets=[SPECS[B2].subsets[0]]),
    ]
    return t.build_tables(files(*results)).rows


def test_the_table_has_one_row_a_model_with_average_and_coverage(rows):
    frame = ov.overview_frame(rows, [B1, B2, B3])
    by_model = frame.set_index(t.MODEL)
    assert sorted(by_model.index) == ["org/full", "org/gap"]  # the incomplete result is hidden
    full = [rows[(rows[t.MODEL] == "org/full") & (rows[t.BENCHMARK] == b)][t.SCORE].iloc[0] for b in (B1, B2, B3)]
    assert by_model.loc["org/full", ov.AVERAGE] == pytest.approx(sum(full) / 3)
    assert math.isnan(by_model.loc["org/gap", ov.AVERAGE])
    assert by_model[ov.COVERAGE].to_dict() == {"org/full": "3 / 3", "org/gap": "2 / 3"}


def test_showing_incomplete_results_adds_their_cells(rows):
    frame = ov.overview_frame(rows, [B1, B2, B3], show_incomplete=True).set_index(t.MODEL)
    assert frame.loc["org/partial", ov.COVERAGE] == "1 / 3"
    assert frame.loc["org/partial", B2 + ov.PART_MISSING] == SPECS[B2].subsets[0]


def test_leaving_a_benchmark_out_changes_average_and_coverage(rows):
    frame = ov.overview_frame(rows, [B1, B3]).set_index(t.MODEL)
    assert frame.loc["org/gap", ov.COVERAGE] == "2 / 2"
    assert not math.isnan(frame.loc["org/gap", ov.AVERAGE])


def test_cells_say_where_they_come_from():
    published = {"model": "org/full", "model_type": "Seq. Classifier", **{s: 0.5 for s in SPECS[B1].subsets}}
    imported_only = {"model": "org/elsewhere", "model_type": "Seq. Classifier", **{s: 0.6 for s in SPECS[B1].subsets}}
    store_files = [
        *files(make_spec_result("org/full", B1, 0.8)),
        ("eval-set/org/full.json", str(published).replace("'", '"').encode()),
        ("eval-set/org/elsewhere.json", str(imported_only).replace("'", '"').encode()),
    ]
    rows = t.build_tables(store_files).rows
    frame = ov.overview_frame(rows, [B1]).set_index(t.MODEL)
    assert frame.loc["org/full", B1 + ov.SOURCE] == ov.SOURCE_BOTH
    assert frame.loc["org/elsewhere", B1 + ov.SOURCE] == ov.SOURCE_IMPORTED
    verified, printed = frame.loc["org/full", B1], frame.loc["org/full", B1 + ov.DELTA]
    assert printed == pytest.approx(verified - rows[rows[t.PROVENANCE] == "imported"].set_index(t.MODEL).loc["org/full", t.SCORE])
    only = ov.overview_frame(rows, [B1], source=prov.ONLY_VERIFIED)
    assert only[t.MODEL].tolist() == ["org/full"]
    cell = oc.headline_cell(0.612, 0.6, 0.63, ov.SOURCE_IMPORTED, None, "")
    assert ">61.2 †<" in cell and "95% interval 60.0–63.0" in cell and "imported" in cell


def test_the_csv_holds_each_cell_its_interval_and_source(rows):
    frame = ov.overview_frame(rows, [B1, B2, B3])
    export = leaderboard_export(frame, oc.chosen_columns([B1, B2, B3], None))
    assert export["Model"].tolist() == frame[t.MODEL].tolist()
    assert export[f"{B1} source"].tolist() == [ov.SOURCE_VERIFIED, ov.SOURCE_VERIFIED]
    assert export[B2].isna().tolist() == frame[B2].isna().tolist()
    assert export["Rank score"].tolist() == [round(v * 100, 1) for v in frame[ov.RANK_SCORE]]


def test_the_cache_builds_once_per_version_and_choice(rows):
    built = []
    cache = ov.OverviewCache(build=lambda *args: built.append(args) or pd.DataFrame())
    for _ in range(3):
        cache.get(1, rows, [B1], prov.BOTH, False, {})
    cache.get(1, rows, [B1], prov.BOTH, True, {})
    cache.get(2, rows, [B1], prov.BOTH, False, {})
    assert len(built) == 3


def test_the_columns_are_the_labels_with_results_and_the_offered_in_registry_order():
    first, second, third, fourth = list(SPECS)[:4]
    custom = f"{third} · custom data: sample.jsonl"
    present = {fourth, custom, f"{fourth} · custom data: b.jsonl", f"{fourth} · custom data: a.jsonl"}
    assert ov.overview_benchmarks(present, [first, third]) == [
        first,  # offered, never run: an empty column
        custom,  # third has results on custom data only: no empty column of its own
        fourth,
        f"{fourth} · custom data: a.jsonl",
        f"{fourth} · custom data: b.jsonl",
    ]


def test_a_clicked_rows_model_is_read_back_from_its_cell_whatever_its_name():
    from leaderboard.pages.overview import model_of_cell
    from leaderboard.tables.display import model_cell

    for name in ("org/plain-rm", 'org/"quoted" & <b>bold</b>', "local/a b"):
        assert model_of_cell(model_cell(name)) == name
    assert model_of_cell(None) is None


def test_a_store_without_results_gives_an_empty_overview():
    empty = ov.overview_frame(t.build_tables([]).rows, [B1, B2])
    assert empty.empty and {ov.AVERAGE, ov.COVERAGE, ov.RANK_SCORE, B1, B2} <= set(empty.columns)
    assert ov.agreement(empty, [B1, B2]).counts.tolist() == [[0, 0], [0, 0]]
    assert ov.disagreements(empty, B1, B2).empty


def test_the_license_is_the_newest_requests_that_states_one():
    from datetime import datetime, timedelta, timezone

    from results.schema import EvalRequest

    start = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def request(i: int, name: str, license):
        org, short = name.split("/")
        return EvalRequest(
            request_id=f"r{i}{short}", model=name, org=org, name=short, benchmark=B1, license=license,
            submitted_at=start + timedelta(days=i),
        )

    found = ov.licenses_of([request(2, "org/a", "mit"), request(1, "org/a", "apache-2.0"), request(3, "org/a", None),
                            request(1, "org/b", None)])
    assert found == {"org/a": "mit"}
