"""Bradley-Terry fit and rank correlations (results/benchmarks/bradley_terry.py) against independent
computations: scipy.optimize on the same objective written out game by game, planted ratings
recovered from many simulated games, and scipy.stats' spearmanr and kendalltau."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, stats

from results.benchmarks.bradley_terry import PRIOR_PRECISION, fit_ratings, kendall_tau_b, spearman


def _objective_by_games(games: list[tuple[int, int, float]], m: int, prior: float):
    """Minus the penalised log-likelihood, one game at a time: (i, j, outcome for i)."""

    def negative(theta: np.ndarray) -> float:
        total = 0.0
        for i, j, y in games:
            p = 1.0 / (1.0 + math.exp(-(theta[i] - theta[j])))
            total += y * math.log(p) + (1.0 - y) * math.log(1.0 - p)
        return -(total - 0.5 * prior * float(theta @ theta))

    return negative


def _wins(games: list[tuple[int, int, float]], m: int) -> np.ndarray:
    wins = np.zeros((m, m))
    for i, j, y in games:
        wins[i, j] += y
        wins[j, i] += 1.0 - y
    return wins


SMALL = [(0, 1, 1.0), (0, 1, 0.0), (0, 1, 1.0), (1, 2, 1.0), (1, 2, 0.5), (2, 0, 0.0), (2, 3, 1.0), (3, 1, 0.0), (0, 3, 1.0)]


def test_fit_equals_a_direct_maximisation_of_the_same_likelihood():
    expected = optimize.minimize(_objective_by_games(SMALL, 4, PRIOR_PRECISION), np.zeros(4), method="BFGS", options={"gtol": 1e-10}).x
    fitted = fit_ratings(_wins(SMALL, 4))
    assert np.allclose(fitted, expected, atol=1e-4)
    # Model 3 never wins: the plain likelihood has no maximum, the prior keeps it finite and lowest.
    assert np.argmin(fitted) == 3 and np.isfinite(fitted).all()


def test_with_a_vanishing_prior_a_connected_fit_is_the_plain_maximum_likelihood():
    games = [(0, 1, 1.0), (1, 0, 1.0), (0, 1, 1.0), (1, 2, 1.0), (2, 1, 1.0), (2, 0, 1.0), (0, 2, 1.0), (0, 2, 0.5)]
    fitted = fit_ratings(_wins(games, 3), prior_precision=1e-9)
    # The plain likelihood fixes differences only: compare with the first rating pinned at 0.
    pinned = optimize.minimize(
        lambda rest: _objective_by_games(games, 3, 0.0)(np.concatenate([[0.0], rest])), np.zeros(2), method="BFGS"
    ).x
    assert np.allclose(fitted[1:] - fitted[0], pinned, atol=1e-4)


def test_planted_ratings_are_recovered_from_many_games():
    rng = np.random.default_rng(7)
    planted = np.array([1.2, 0.5, 0.0, -0.4, -1.3])
    games = []
    for _ in range(40_000):
        i, j = rng.choice(5, size=2, replace=False)
        p = 1.0 / (1.0 + math.exp(-(planted[i] - planted[j])))
        games.append((i, j, float(rng.random() < p)))
    fitted = fit_ratings(_wins(games, 5))
    assert np.allclose(fitted - fitted.mean(), planted - planted.mean(), atol=0.06)


def test_a_stack_of_matrices_fits_each_as_alone():
    first, second = _wins(SMALL, 4), _wins([(0, 1, 0.0), (2, 3, 0.5), (1, 2, 1.0), (3, 0, 1.0)], 4)
    stacked = fit_ratings(np.stack([first, second]))
    assert np.allclose(stacked[0], fit_ratings(first)) and np.allclose(stacked[1], fit_ratings(second))


def test_a_model_without_games_keeps_rating_zero():
    wins = np.zeros((3, 3))
    wins[0, 1], wins[1, 0] = 3.0, 1.0
    assert fit_ratings(wins)[2] == 0.0


@pytest.mark.parametrize("seed", range(6))
def test_correlations_equal_scipy(seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, size=9).astype(float)  # ties within a ranking are common here
    y = x + rng.integers(-2, 3, size=9)
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic)
    assert kendall_tau_b(x, y) == pytest.approx(stats.kendalltau(x, y).statistic)


def test_correlations_are_undefined_without_order():
    assert math.isnan(spearman(np.array([1.0, 1.0, 1.0]), np.array([1.0, 2.0, 3.0])))
    assert math.isnan(kendall_tau_b(np.array([2.0, 2.0]), np.array([1.0, 2.0])))
    assert math.isnan(spearman(np.array([1.0]), np.array([1.0])))
