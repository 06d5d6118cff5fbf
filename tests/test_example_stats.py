"""The paired bootstrap and the length measures, against answers worked out by hand or recomputed
independently."""

from __future__ import annotations

import math

import numpy as np
import pytest

from results.benchmarks import UnknownBenchmark

from leaderboard.examples import lengths as L
from leaderboard.examples.stats import bootstrap_means, paired_bootstrap

# ---- paired bootstrap ---------------------------------------------------------------------------------


def test_identical_models_differ_by_exactly_nothing():
    credits = [1, 0, 1, 1, 0.5, 0.25, 0]
    test = paired_bootstrap(credits, credits)
    assert (test.difference, test.low, test.high, test.significant) == (0.0, 0.0, 0.0, False)


def test_a_model_right_wherever_the_other_is_wrong_is_better_with_certainty():
    test = paired_bootstrap([1.0] * 50, [0.0] * 50)
    assert (test.n, test.difference, test.low, test.high, test.significant) == (50, 1.0, 1.0, 1.0, True)


def test_two_rows_resample_as_worked_out_by_hand():
    # differences [1, 0]: a resample of two rows has mean 0 (both draws the 0: 1/4), 1/2 (1/2) or 1 (1/4)
    means = bootstrap_means(np.array([1.0, 0.0]), 40_000, seed=3)
    shares = {value: float(np.mean(means == value)) for value in (0.0, 0.5, 1.0)}
    assert sum(shares.values()) == 1.0
    assert shares == pytest.approx({0.0: 0.25, 0.5: 0.5, 1.0: 0.25}, abs=0.01)
    test = paired_bootstrap([1, 0], [0, 0], resamples=40_000)
    assert (test.difference, test.low, test.high, test.significant) == (0.5, 0.0, 1.0, False)


def binomial_quantile(n: int, p: float, q: float) -> int:
    """The smallest k with P(Binomial(n, p) <= k) >= q, summed term by term."""
    total = 0.0
    for k in range(n + 1):
        total += math.comb(n, k) * p**k * (1 - p) ** (n - k)
        if total >= q:
            return k
    return n


def test_the_interval_is_the_binomial_one_when_a_wins_some_rows_and_ties_the_rest():
    # A right and B wrong on 60 rows, the same on 40: a resample's mean is Binomial(100, 0.6) / 100
    a, b = [1.0] * 60 + [1.0] * 20 + [0.0] * 20, [0.0] * 60 + [1.0] * 20 + [0.0] * 20
    test = paired_bootstrap(a, b, resamples=20_000)
    assert test.difference == pytest.approx(0.6)
    assert test.low == pytest.approx(binomial_quantile(100, 0.6, 0.025) / 100, abs=0.011)
    assert test.high == pytest.approx(binomial_quantile(100, 0.6, 0.975) / 100, abs=0.011)
    assert test.significant
    swapped = paired_bootstrap(b, a, resamples=20_000)
    assert swapped.difference == pytest.approx(-0.6)
    assert (swapped.low, swapped.high) == pytest.approx((-test.high, -test.low), abs=0.011)


def test_the_interval_matches_an_independent_row_by_row_resampling():
    rng = np.random.default_rng(11)
    a = rng.choice([0.0, 0.25, 0.5, 1.0], size=300, p=[0.3, 0.1, 0.1, 0.5])
    b = rng.choice([0.0, 1.0], size=300)
    test = paired_bootstrap(a, b, resamples=20_000)
    index = np.random.default_rng(99).integers(0, 300, size=(20_000, 300))
    means = (a - b)[index].mean(axis=1)
    assert (test.low, test.high) == pytest.approx(tuple(np.percentile(means, [2.5, 97.5])), abs=0.006)
    assert paired_bootstrap(a, b) == paired_bootstrap(a, b)  # seeded: the same mark on every visit


def test_unpaired_or_empty_credits_are_refused():
    with pytest.raises(ValueError, match="one length"):
        paired_bootstrap([1, 0], [1])
    with pytest.raises(ValueError, match="no examples"):
        paired_bootstrap([], [])


# ---- lengths --------------------------------------------------------------------------------------------


def test_relative_difference_and_buckets():
    assert L.relative_difference([10], [5]) == 0.5
    assert L.relative_difference([5], [10]) == -0.5
    assert L.relative_difference([0], [0]) == 0.0
    assert L.relative_difference([10], [5, 10, 15]) == 0.0  # the mean of the rejected ones
    assert L.response_length("héllo") == 5  # characters, not bytes
    edges = [-1, -0.6, -0.5, -0.2, -0.05, 0, 0.05, 0.2, 0.5, 1]
    assert list(L.bucket_indices(edges)) == [0, 0, 1, 2, 3, 3, 4, 5, 6, 6]


def test_accuracy_by_length_counts_every_bucket():
    table = L.accuracy_by_length([0.6, 0.7, -0.6, 0.0], [1.0, 0.0, 1.0, 0.5]).set_index("bucket")
    assert list(table.index) == list(L.LENGTH_BUCKETS)
    much_longer, much_shorter, same = L.LENGTH_BUCKETS[6], L.LENGTH_BUCKETS[0], L.LENGTH_BUCKETS[3]
    assert (table.loc[much_longer, "n"], table.loc[much_longer, "accuracy"]) == (2, 0.5)
    assert (table.loc[much_shorter, "n"], table.loc[much_shorter, "accuracy"]) == (1, 1.0)
    assert (table.loc[same, "n"], table.loc[same, "accuracy"]) == (1, 0.5)
    assert table["n"].sum() == 4 and table["accuracy"].isna().sum() == 4


def test_preferring_the_longer_answer_is_counted_over_pairs():
    assert L.row_preference([2.0], [1.0], [10], [5]) == L.Preference(1.0, 1)  # longer won
    assert L.row_preference([2.0], [1.0], [5], [10]) == L.Preference(0.0, 1)  # shorter won
    assert L.row_preference([1.0], [1.0], [5], [10]) == L.Preference(0.5, 1)  # a tie of rewards
    assert L.row_preference([2.0], [1.0], [5], [5]) == L.Preference(0.0, 0)  # same length: no pair
    # best-of-4: chosen (len 10, reward 3) against rejected lengths 20, 5, 10 with rewards 1, 4, 9
    row = L.row_preference([3.0], [1.0, 4.0, 9.0], [10], [20, 5, 10])
    assert row == L.Preference(0.0, 2)  # the longer 20 lost to 3; the shorter 5 beat 3; 10 vs 10 skipped
    total = L.total_preference([L.Preference(1.0, 1), L.Preference(0.5, 3)])
    assert (total, total.share) == (L.Preference(1.5, 4), 0.375)
    assert L.Preference(0, 0).share is None


def row(subset, chosen, rejected):
    return L.LengthRow(subset, tuple(chosen), tuple(rejected))


def test_length_baselines_on_pairs_follow_the_strict_rule():
    rows = [row("a", [10], [5]), row("a", [3], [8]), row("a", [4], [4]), row("b", [20], [2])]
    table = L.length_baselines(rows, "rewardbench").set_index("subset")
    assert table.loc["a"].to_dict() == {
        "n": 3,
        L.ALWAYS_LONGER: 1 / 3,
        L.ALWAYS_SHORTER: 1 / 3,
    }  # the tie is wrong
    assert table.loc["b"].to_dict() == {"n": 1, L.ALWAYS_LONGER: 1.0, L.ALWAYS_SHORTER: 0.0}
    # a benchmark no spec describes is refused, never credited by a default rule
    with pytest.raises(UnknownBenchmark, match="unknown benchmark 'my-own-benchmark'"):
        L.length_baselines(rows, "my-own-benchmark")


def test_length_baselines_on_best_of_4_share_a_tie_at_the_top():
    rows = [
        row("Focus", [10], [5, 3, 1]),  # longest chosen: longer 1, shorter 0
        row("Focus", [5], [10, 5, 1]),  # longer: 10 wins -> 0; shorter: 1 wins -> 0
        row("Focus", [5], [5, 1, 1]),  # longer: chosen ties one rejected at the top -> 1/2; shorter: 0
        row("Math", [1], [5, 1, 9]),  # shorter: chosen ties one rejected at the top -> 1/2
        row("Ties", [10, 12], [5]),  # several chosen: every chosen above every rejected
    ]
    table = L.length_baselines(rows, "rewardbench-2").set_index("subset")
    assert table.loc["Focus", L.ALWAYS_LONGER] == pytest.approx(1.5 / 3)
    assert table.loc["Focus", L.ALWAYS_SHORTER] == 0.0
    assert (table.loc["Math", L.ALWAYS_LONGER], table.loc["Math", L.ALWAYS_SHORTER]) == (0.0, 0.5)
    assert (table.loc["Ties", L.ALWAYS_LONGER], table.loc["Ties", L.ALWAYS_SHORTER]) == (1.0, 0.0)
    assert list(table.index) == ["Focus", "Math", "Ties"] and list(table["n"]) == [3, 1, 1]
