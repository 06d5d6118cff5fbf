"""Policy metrics against hand computations and independent fits (no model needed)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import minimize

from evaluator.policy import metrics


def test_win_counts_a_tie_as_half():
    assert metrics.win(2.0, 1.0) == 1.0
    assert metrics.win(1.0, 1.0) == 0.5
    assert metrics.win(-3.0, 1.0) == 0.0


def test_win_rate_and_probability_equal_a_direct_computation():
    rng = np.random.default_rng(3)
    policy = rng.normal(size=40).round(1)  # rounding makes ties
    reference = rng.normal(size=40).round(1)
    reference[:3] = policy[:3]
    wins = [metrics.win(p, r) for p, r in zip(policy, reference)]
    probabilities = metrics.win_probabilities(policy, reference)
    score = metrics.policy_score(wins, [10] * 40, [12] * 40, probabilities, bootstrap_samples=200)

    by_hand = sum(1.0 if p > r else 0.5 if p == r else 0.0 for p, r in zip(policy, reference)) / 40
    assert score.win_rate == pytest.approx(by_hand)
    assert score.win_probability == pytest.approx(
        sum(1 / (1 + math.exp(r - p)) for p, r in zip(policy, reference)) / 40
    )
    assert score.ties == sum(p == r for p, r in zip(policy, reference)) >= 3
    assert score.wins == sum(p > r for p, r in zip(policy, reference))
    assert score.wins + score.ties + score.losses == score.n == 40
    assert (score.mean_length_policy, score.mean_length_reference) == (10.0, 12.0)


def test_bootstrap_interval_is_the_percentiles_of_resampled_means():
    wins = np.array([1.0, 0.0, 0.5, 1.0, 1.0, 0.0, 1.0, 0.5, 0.0, 1.0])
    score = metrics.policy_score(wins, [1] * 10, [1] * 10, bootstrap_samples=500, seed=7)
    rng = np.random.default_rng(7)
    means = sorted(float(np.mean([wins[i] for i in row])) for row in rng.integers(0, 10, size=(500, 10)))
    assert score.win_rate_ci95.low == pytest.approx(np.percentile(means, 2.5))
    assert score.win_rate_ci95.high == pytest.approx(np.percentile(means, 97.5))
    assert score.win_rate_ci95.low < score.win_rate < score.win_rate_ci95.high
    assert (score.bootstrap_samples, score.bootstrap_seed) == (500, 7)
    assert score.win_probability is None and score.win_probability_ci95 is None  # a judge's verdicts


def test_length_controlled_matches_the_closed_form_of_two_length_groups():
    """Length differences of +-c only: the logistic fit is saturated, sigmoid(a + b) is the win
    rate of the long group, sigmoid(a - b) of the short one, so a = (logit(p+) + logit(p-)) / 2."""
    long_wins = [1.0] * 22 + [0.5] * 4 + [0.0] * 4  # 24 / 30 = 0.8
    short_wins = [1.0] * 10 + [0.5] * 4 + [0.0] * 16  # 12 / 30 = 0.4
    wins = np.array(long_wins + short_wins)
    difference = np.array([300.0] * 30 + [-300.0] * 30)
    lc = metrics.length_controlled(wins, difference)

    logit = lambda p: math.log(p / (1 - p))  # noqa: E731
    expected = 1 / (1 + math.exp(-(logit(0.8) + logit(0.4)) / 2))
    assert lc.win_rate == pytest.approx(expected, abs=1e-9)


def _negative_log_likelihood(beta, x, y):
    z = beta[0] + beta[1] * x
    return float(np.sum(np.logaddexp(0, z) - y * z))


def test_newton_fit_agrees_with_a_general_purpose_optimiser():
    rng = np.random.default_rng(11)
    x = rng.normal(size=200)
    p = 1 / (1 + np.exp(-(0.3 + 0.8 * x)))
    y = (rng.random(200) < p).astype(float)
    y[:20] = 0.5
    fit = metrics.fit_logistic(x, y)
    best = minimize(
        _negative_log_likelihood,
        x0=[0.0, 0.0],
        args=(x, y),
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 10_000},
    )
    assert fit.intercept == pytest.approx(best.x[0], abs=1e-5)
    assert fit.slope == pytest.approx(best.x[1], abs=1e-5)


def test_a_tie_as_half_a_win_is_the_fit_of_duplicated_rows_one_won_one_lost():
    rng = np.random.default_rng(5)
    x = rng.normal(size=60)
    y = rng.choice([0.0, 0.5, 1.0], size=60)
    fractional = metrics.fit_logistic(x, y)
    doubled_y = np.concatenate([np.where(y == 0.5, 1.0, y), np.where(y == 0.5, 0.0, y)])
    duplicated = metrics.fit_logistic(np.concatenate([x, x]), doubled_y)
    assert fractional.intercept == pytest.approx(duplicated.intercept, abs=1e-9)
    assert fractional.slope == pytest.approx(duplicated.slope, abs=1e-9)


def test_length_controlled_is_withheld_below_its_minimum_and_when_the_fit_fails():
    few = metrics.length_controlled(np.array([1.0, 0.0] * 10), np.arange(20.0))
    assert few.win_rate is None and few.min_prompts == metrics.MIN_LC_PROMPTS and "20 prompts" in few.note

    difference = np.arange(-30.0, 30.0)
    separated = metrics.length_controlled((difference > 0).astype(float), difference)
    assert separated.win_rate is None and "did not converge" in separated.note

    constant = metrics.length_controlled(np.array([1.0, 0.0] * 30), np.full(60, 5.0))
    assert constant.win_rate is None and "same on every prompt" in constant.note


def test_length_controlled_removes_a_pure_length_preference():
    """A judge that only likes length: the policy wins by length alone, with no advantage at equal
    length, so the read-out at zero difference is near 50% while the raw win rate is high."""
    rng = np.random.default_rng(2)
    difference = rng.normal(loc=200.0, scale=200.0, size=2000)
    wins = (rng.random(2000) < 1 / (1 + np.exp(-difference / 100.0))).astype(float)
    lc = metrics.length_controlled(wins, difference)
    assert wins.mean() > 0.75
    assert lc.win_rate == pytest.approx(0.5, abs=0.05)
