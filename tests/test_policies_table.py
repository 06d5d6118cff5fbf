"""Policy results -> the Policies tab's tables, Kendall's tau-b, and the charts' data (pure)."""

from __future__ import annotations

import csv
import io
import itertools
import logging
import random

import pytest
from scipy.stats import kendalltau

from leaderboard.policies import policies as p
from leaderboard.policies import policy_figures as pf
from leaderboard.tables.export import to_csv
from results.store import LocalStore
from tests.policy_web_fixtures import (
    BAD,
    GOOD,
    GOOD_A_DIFFERENCES,
    GOOD_A_REWARDS,
    JUDGE_C,
    LEADERBOARD_ORDER,
    MID,
    RM_A,
    RM_B,
    TAU_A_B,
    WIN_PROBABILITY,
    XSS_POLICY,
    outcome_lines,
    policy_store,
    win_rate,
)


# ---- Kendall's tau-b -------------------------------------------------------------------------------


def test_identical_rankings_agree_fully_and_reversed_ones_not_at_all():
    assert p.kendall_tau_b([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert p.kendall_tau_b([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0


def test_a_hand_computed_case_with_ties():
    # x = 1 2 2 3, y = 1 3 2 2. Pairs (6): (0,1) C, (0,2) C, (0,3) C, (1,2) tied in x, (1,3) D
    # (x up, y down), (2,3) tied in y. C = 3, D = 1; ties in x 1, ties in y 1:
    # tau-b = (3 - 1) / sqrt((6 - 1) * (6 - 1)) = 0.4.
    assert p.kendall_tau_b([1, 2, 2, 3], [1, 3, 2, 2]) == pytest.approx(0.4)


def test_tau_b_matches_scipy_on_random_rankings_with_ties():
    rng = random.Random(7)
    for _ in range(50):
        n = rng.randint(3, 9)
        x = [rng.randint(0, 3) for _ in range(n)]
        y = [rng.randint(0, 3) for _ in range(n)]
        expected = kendalltau(x, y, variant="b").statistic
        found = p.kendall_tau_b(x, y)
        if found is None:
            assert expected != expected  # scipy's NaN: undefined for it too
        else:
            assert found == pytest.approx(expected)


def test_tau_is_undefined_with_fewer_than_two_items_or_all_tied():
    assert p.kendall_tau_b([], []) is None
    assert p.kendall_tau_b([0.5], [0.7]) is None
    assert p.kendall_tau_b([0.5, 0.5, 0.5], [1, 2, 3]) is None
    with pytest.raises(ValueError):
        p.kendall_tau_b([1, 2], [1])


# ---- the tables -------------------------------------------------------------------------------------


@pytest.fixture
def tables(tmp_path) -> p.PolicyTables:
    return p.PolicyFiles(policy_store(tmp_path)).for_version(1)


def test_unreadable_files_are_skipped_and_logged_and_the_rest_is_read(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        tables = p.PolicyFiles(policy_store(tmp_path)).for_version(1)
    assert [s.path for s in tables.skipped] == ["policy-set/broken/cut/acme/rm-a/1.json"]
    assert "not valid JSON" in tables.skipped[0].reason
    assert "policy-set/broken/cut" in caplog.text
    assert len(tables.long) == 10  # nine of the three policies, one of the HTML-named one


def test_the_newest_evaluation_of_a_policy_under_a_reward_model_is_shown(tables):
    cell = tables.long[(tables.long[p.POLICY] == GOOD) & (tables.long[p.REWARD_MODEL] == RM_A)]
    assert list(cell[p.WIN_RATE]) == [0.8]  # not the older run's 2 of 20
    assert len(tables.results) == 11  # both are read


def test_reward_models_follow_the_leaderboard_then_names_and_policies_their_mean(tables):
    assert p.reward_model_order(tables.long, [JUDGE_C, "other/rm", RM_A]) == [JUDGE_C, RM_A, RM_B]
    assert p.reward_model_order(tables.long, LEADERBOARD_ORDER) == [RM_A, RM_B, JUDGE_C]
    # means: GOOD (0.8+0.75+0.7)/3, MID (0.55+0.35+0.5)/3 = 0.467, XSS 0.45 (RM_A only), BAD 0.3
    assert p.policy_order(tables.long) == [GOOD, MID, XSS_POLICY, BAD]
    # by win probability: the judge gives none; XSS has none at all, so it comes last
    assert p.policy_order(tables.long, "win-probability") == [GOOD, MID, BAD, XSS_POLICY]


def test_cells_show_the_value_and_its_interval_in_percent(tables):
    models, policies = [RM_A, RM_B, JUDGE_C], [GOOD, MID, BAD]
    cells = p.cell_frame(tables.long, "win-rate", models, policies)
    assert cells.loc[GOOD, RM_A] == "80.0% [70.0, 90.0]"
    assert cells.loc[MID, RM_A] == "55.0% [45.0, 65.0]"  # 10 wins and 2 ties of 20
    assert cells.loc[BAD, JUDGE_C] == "20.0% [10.0, 30.0]"
    probability = p.cell_frame(tables.long, "win-probability", models, policies)
    assert probability.loc[GOOD, RM_B] == "68.0% [63.0, 73.0]"
    assert probability.loc[GOOD, JUDGE_C] == p.MISSING  # a judge's verdicts give no probability
    assert p.cell_frame(tables.long, "win-rate", models, [XSS_POLICY]).loc[XSS_POLICY, RM_B] == p.MISSING
    controlled = p.cell_frame(tables.long, "length-controlled", models, policies)
    assert list(controlled[RM_A]) == ["72.0%", "58.0%", p.MISSING]  # no interval; none below the minimum
    assert set(controlled[RM_B]) == {p.MISSING}


def test_the_csv_holds_every_number_at_full_precision_in_the_shown_order(tables):
    models, policies = [RM_A, RM_B, JUDGE_C], p.policy_order(tables.long)
    rows = list(csv.DictReader(io.StringIO(to_csv(p.export_frame(tables.long, models, policies)))))
    assert [(r[p.POLICY], r[p.REWARD_MODEL]) for r in rows[:4]] == [
        (GOOD, RM_A), (GOOD, RM_B), (GOOD, JUDGE_C), (MID, RM_A)
    ]
    by_key = {(r[p.POLICY], r[p.REWARD_MODEL]): r for r in rows}
    for (policy, rm), probability in WIN_PROBABILITY.items():
        assert float(by_key[(policy, rm)][p.WIN_RATE]) == win_rate((policy, rm))
        assert float(by_key[(policy, rm)][p.WIN_PROB]) == probability
    assert by_key[(GOOD, JUDGE_C)][p.WIN_PROB] == ""
    assert float(by_key[(GOOD, RM_A)][p.LC_WIN_RATE]) == 0.72 and by_key[(BAD, RM_A)][p.LC_WIN_RATE] == ""
    assert float(by_key[(MID, RM_B)][p.WIN_RATE_LOW]) == pytest.approx(0.35 - 0.1, abs=1e-12)
    assert p.PATH not in rows[0]


def test_the_agreement_matrix_rests_on_the_policies_both_judged(tables):
    models = [RM_A, RM_B, JUDGE_C]
    agreement = p.agreement(tables.long, models)
    assert agreement.tau.loc[RM_A, JUDGE_C] == pytest.approx(1.0)
    assert agreement.tau.loc[RM_A, RM_B] == pytest.approx(TAU_A_B)
    assert agreement.tau.loc[RM_B, JUDGE_C] == pytest.approx(TAU_A_B)
    assert agreement.tau.loc[RM_B, RM_A] == agreement.tau.loc[RM_A, RM_B]
    assert agreement.common.loc[RM_A, RM_A] == 4 and agreement.common.loc[RM_A, RM_B] == 3
    # Recomputed independently: scipy over the three policies both judged.
    wide = tables.long.pivot(index=p.POLICY, columns=p.REWARD_MODEL, values=p.WIN_RATE).dropna()
    for a, b in itertools.combinations(models, 2):
        assert agreement.tau.loc[a, b] == pytest.approx(kendalltau(wide[a], wide[b]).statistic)


def test_no_policy_results_make_empty_tables_and_charts_that_say_so(tmp_path):
    tables = p.PolicyFiles(LocalStore(tmp_path)).for_version(1)
    assert tables.long.empty and p.policy_order(tables.long) == []
    assert p.cell_frame(tables.long, "win-rate", [], []).empty
    figure = pf.draw("heatmap", pf.PolicyChartData(tables.long, [], []))
    assert "No policy has been evaluated yet" in figure.layout.annotations[0].text


# ---- per-prompt files and the charts ----------------------------------------------------------------------


def test_reward_differences_are_read_from_the_per_prompt_file_and_judges_have_none(tmp_path):
    files = p.PolicyFiles(policy_store(tmp_path))
    tables = files.for_version(1)
    newest = {r.reward_model.name: r for r in tables.results.values() if r.policy.name == GOOD
              and r.reward_model.revision != "9" * 40}
    assert p.reward_differences(files.outcomes(newest[RM_A])) == (GOOD_A_DIFFERENCES, 0)
    assert p.reward_differences(files.outcomes(newest[JUDGE_C])) == ([], len(GOOD_A_REWARDS))
    assert files.outcomes(newest[RM_B]) is None  # no file stored


def test_an_unreadable_per_prompt_file_is_logged_and_reads_as_missing(tmp_path, caplog):
    store = policy_store(tmp_path)
    files = p.PolicyFiles(store)
    result = next(r for r in files.for_version(1).results.values() if r.policy.name == BAD)
    from results.policy import policy_scores_path

    store.write_file(policy_scores_path(BAD, result.reward_model), outcome_lines([(1.0, 0.0)]) + b"{oops\n")
    with caplog.at_level(logging.WARNING):
        assert files.outcomes(result) is None
    assert "skipping policy scores" in caplog.text


def test_the_charts_draw_their_data(tables):
    models, policies = [RM_A, RM_B, JUDGE_C], [GOOD, MID, BAD]
    data = pf.PolicyChartData(tables.long, models, policies)
    heat = pf.draw("heatmap", data).data[0]
    assert list(heat.y) == policies and list(heat.x) == models
    assert heat.z[0][0] == pytest.approx(80.0) and heat.text[0][0] == "80.0% [70.0, 90.0]"
    length = pf.draw("length", data)
    assert [trace.name for trace in length.data] == models
    assert sorted(length.data[0].x) == [300.0, 450.0, 600.0, 900.0]
    low, high = length.layout.yaxis.range  # issue 24: a point at 100% was cut in half by the frame
    assert low < 0 and high > 100
    picked = pf.PolicyChartData(tables.long, models, policies, differences={RM_A: GOOD_A_DIFFERENCES, JUDGE_C: []},
                                picked=GOOD)
    violins = pf.draw("differences", picked)
    assert [v.name for v in violins.data] == [RM_A] and list(violins.data[0].y) == GOOD_A_DIFFERENCES
    only_judge = pf.PolicyChartData(tables.long, models, policies, differences={JUDGE_C: []}, picked=GOOD)
    assert "generative judges" in pf.draw("differences", only_judge).layout.annotations[0].text


def test_names_in_chart_labels_are_escaped(tables):
    data = pf.PolicyChartData(tables.long, [RM_A], [XSS_POLICY])
    heat = pf.draw("heatmap", data).data[0]
    assert list(heat.y) == ["&lt;img src=z onerror=alert(3)&gt;"]


def test_a_broken_chart_says_so_instead_of_failing(tables, caplog):
    data = pf.PolicyChartData(tables.long, ["not/a-column"], [GOOD], metric="no-such-metric")
    with caplog.at_level(logging.ERROR):
        figure = pf.draw("heatmap", data)
    assert "could not be drawn" in figure.layout.annotations[0].text
    assert "policy chart heatmap failed" in caplog.text


def test_a_result_whose_names_hold_no_path_has_no_per_prompt_file_and_breaks_nothing(tmp_path):
    files = p.PolicyFiles(policy_store(tmp_path))
    xss = next(r for r in files.for_version(1).results.values() if r.policy.name == XSS_POLICY)
    assert files.outcomes(xss) is None
