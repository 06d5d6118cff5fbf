"""Bradley-Terry ratings from pairwise outcomes, and rank correlations between two ratings (pure numpy).

A rating vector theta over m competitors says P(i beats j) = sigmoid(theta_i - theta_j). The fit
maximises the log-likelihood of the outcomes, where a win counts 1, a tie half a win for each side
(Chatbot Arena's convention), plus a weak Gaussian prior (`PRIOR_PRECISION` / 2 * |theta|^2). The
prior keeps the maximum finite and unique when the plain likelihood has none (a competitor that
never won, or two groups that never met) and is negligible against thousands of games; it also
fixes the ratings' common offset (they sum to zero at the optimum).

Newton's method on that strictly concave objective, for a whole stack of outcome matrices at once
(one per bootstrap replicate): each step solves the m x m Hessian system, capped so that no rating
moves by more than `MAX_STEP` (early steps on a competitor without wins would otherwise overshoot).

Correlations follow scipy.stats' definitions: Spearman's rho is Pearson's r of the average ranks;
Kendall's tau is tau-b (ties in either ranking adjust the denominator). NaN when undefined (fewer
than two competitors, or a ranking without any order).
"""

from __future__ import annotations

import numpy as np

PRIOR_PRECISION = 1e-3
MAX_STEP = 4.0
MAX_ITERATIONS = 200
TOLERANCE = 1e-10


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def log_likelihood(theta: np.ndarray, wins: np.ndarray, prior_precision: float = PRIOR_PRECISION) -> float:
    """The objective the fit maximises, for one rating vector and one m x m matrix where
    wins[i, j] = how often i beat j (a tie adds 0.5 to both cells)."""
    difference = theta[:, None] - theta[None, :]
    log_p = -np.logaddexp(0.0, -difference)  # log sigmoid, stable for large |difference|
    return float((wins * log_p).sum() - 0.5 * prior_precision * theta @ theta)


def fit_ratings(wins: np.ndarray, prior_precision: float = PRIOR_PRECISION) -> np.ndarray:
    """Ratings for a stack of win matrices: `wins` is (..., m, m) with wins[..., i, j] = how often
    i beat j; returns (..., m). A competitor without games keeps rating 0."""
    wins = np.asarray(wins, dtype=float)
    games = wins + np.swapaxes(wins, -1, -2)
    theta = np.zeros(wins.shape[:-1])
    eye = np.eye(wins.shape[-1])
    for _ in range(MAX_ITERATIONS):
        p = _sigmoid(theta[..., :, None] - theta[..., None, :])
        gradient = (wins - games * p).sum(axis=-1) - prior_precision * theta
        curvature = games * p * (1.0 - p)
        hessian = curvature - eye * (curvature.sum(axis=-1)[..., None, :] + prior_precision)
        step = -np.linalg.solve(hessian, gradient[..., None])[..., 0]
        largest = np.abs(step).max(axis=-1, keepdims=True)
        step *= np.minimum(1.0, MAX_STEP / np.maximum(largest, 1e-300))
        theta = theta + step
        if largest.max() < TOLERANCE:
            break
    return theta


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of a 1-D array, tied values sharing the mean of their ranks."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    start = 0
    for end in range(1, len(values) + 1):
        if end == len(values) or sorted_values[end] != sorted_values[start]:
            ranks[order[start:end]] = (start + end + 1) / 2.0
            start = end
    return ranks


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2:
        return float("nan")
    rx, ry = average_ranks(x) - (len(x) + 1) / 2.0, average_ranks(y) - (len(y) + 1) / 2.0
    denominator = np.sqrt((rx @ rx) * (ry @ ry))
    return float(rx @ ry / denominator) if denominator > 0 else float("nan")


def kendall_tau_b(x: np.ndarray, y: np.ndarray) -> float:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    i, j = np.triu_indices(len(x), k=1)
    sx, sy = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
    untied_x, untied_y = np.count_nonzero(sx), np.count_nonzero(sy)
    if untied_x == 0 or untied_y == 0:
        return float("nan")
    return float((sx * sy).sum() / np.sqrt(untied_x * untied_y))
