"""From per-prompt rewards to a policy's scores: win rate, win probability, their bootstrap
intervals, and a length-controlled win rate. Pure numpy: no model, no store.

- win: 1 when the policy's completion gets the higher reward, 0 when the reference's does, 0.5 on
  a tie (a generative judge gives the win directly: its verdict, 0.5 for a split or no verdict);
- win rate: the mean win;
- win probability: the mean Bradley-Terry probability sigmoid(r_policy - r_reference), which also
  counts by how much a completion wins, on the reward model's own scale;
- 95% percentile bootstrap intervals over prompts (the same resamples for both);
- length-controlled win rate: a logistic regression of the win on the length difference (policy
  minus reference, in characters, divided by its standard deviation so the fit is well scaled),
  read at zero difference: sigmoid(intercept). A reward model that likes long answers makes a
  verbose policy win; this asks how often it would win at equal length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from results.policy import LengthControlled, PolicyScore
from results.schema import Interval

DEFAULT_BOOTSTRAP_SAMPLES = 1000
DEFAULT_SEED = 0
# A two-parameter logistic fit on fewer prompts is not worth reporting: with n prompts the
# intercept's standard error is about 2/sqrt(n) on the logit scale near a 50% win rate, i.e. about
# +-7 points of win rate at n = 50 and +-11 at n = 20, and the slope (what the correction rests on)
# is poorer still; below 50 one prompt's win more or less moves the read-out by several points.
MIN_LC_PROMPTS = 50
# |coefficient| beyond this (a fitted probability within ~1e-9 of 0 or 1) means the wins are
# (nearly) separated by length: the likelihood has no finite maximum and the read-out means nothing.
MAX_LOGIT = 20.0
MAX_NEWTON_STEPS = 100
NEWTON_TOLERANCE = 1e-10


def win(policy_reward: float, reference_reward: float) -> float:
    if policy_reward > reference_reward:
        return 1.0
    if policy_reward < reference_reward:
        return 0.0
    return 0.5


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def win_probabilities(policy_rewards: Sequence[float], reference_rewards: Sequence[float]) -> np.ndarray:
    return sigmoid(np.asarray(policy_rewards, float) - np.asarray(reference_rewards, float))


def bootstrap_interval(values: np.ndarray, indices: np.ndarray) -> Interval:
    """The 2.5th and 97.5th percentiles of the mean over the resampled `indices` (samples x n)."""
    means = values[indices].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return Interval(low=float(low), high=float(high))


def resample_indices(n: int, samples: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, size=(samples, n))


@dataclass(frozen=True)
class LogisticFit:
    intercept: float
    slope: float
    steps: int


def fit_logistic(x: np.ndarray, y: np.ndarray) -> Optional[LogisticFit]:
    """Maximum likelihood of y ~ Bernoulli(sigmoid(a + b x)) for targets y in [0, 1] (a tie is half
    a win: the fractional target gives exactly the likelihood of a duplicated row with weight 1/2
    each way), by Newton's method. None when it does not converge or the wins are separated."""
    design = np.column_stack([np.ones_like(x), x])
    beta = np.zeros(2)
    for step in range(1, MAX_NEWTON_STEPS + 1):
        p = sigmoid(design @ beta)
        gradient = design.T @ (y - p)
        hessian = design.T @ (design * (p * (1 - p))[:, None])
        try:
            delta = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            return None
        beta = beta + delta
        if np.max(np.abs(beta)) > MAX_LOGIT:
            return None
        if np.max(np.abs(delta)) < NEWTON_TOLERANCE:
            return LogisticFit(float(beta[0]), float(beta[1]), step)
    return None


def length_controlled(
    wins: np.ndarray, length_difference: np.ndarray, min_prompts: int = MIN_LC_PROMPTS
) -> LengthControlled:
    n = len(wins)
    if n < min_prompts:
        return LengthControlled(min_prompts=min_prompts, note=f"{n} prompts; the fit needs at least {min_prompts}")
    spread = float(np.std(length_difference))
    if spread == 0.0:
        return LengthControlled(min_prompts=min_prompts, note="the length difference is the same on every prompt")
    fit = fit_logistic(length_difference / spread, wins)
    if fit is None:
        return LengthControlled(
            min_prompts=min_prompts, note="the fit did not converge (the wins are separated by length)"
        )
    return LengthControlled(
        win_rate=float(sigmoid(fit.intercept)),
        min_prompts=min_prompts,
        note=f"slope {fit.slope:+.3f} per standard deviation of the length difference ({spread:.0f} characters)",
    )


def policy_score(
    wins: Sequence[float],
    policy_lengths: Sequence[int],
    reference_lengths: Sequence[int],
    win_probabilities: Optional[Sequence[float]] = None,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_SEED,
    min_lc_prompts: int = MIN_LC_PROMPTS,
) -> PolicyScore:
    """The scores of one policy under one reward model; `win_probabilities` is None for judges
    that give verdicts, not rewards."""
    won = np.asarray(wins, dtype=float)
    if len(won) == 0:
        raise ValueError("no prompts to score")
    indices = resample_indices(len(won), bootstrap_samples, seed)
    policy_len, reference_len = np.asarray(policy_lengths, float), np.asarray(reference_lengths, float)
    probabilities = None if win_probabilities is None else np.asarray(win_probabilities, dtype=float)
    return PolicyScore(
        n=len(won),
        wins=int(np.sum(won == 1.0)),
        ties=int(np.sum((won > 0.0) & (won < 1.0))),
        losses=int(np.sum(won == 0.0)),
        win_rate=float(won.mean()),
        win_rate_ci95=bootstrap_interval(won, indices),
        win_probability=None if probabilities is None else float(probabilities.mean()),
        win_probability_ci95=None if probabilities is None else bootstrap_interval(probabilities, indices),
        length_controlled=length_controlled(won, policy_len - reference_len, min_lc_prompts),
        mean_length_policy=float(policy_len.mean()),
        mean_length_reference=float(reference_len.mean()),
        bootstrap_samples=bootstrap_samples,
        bootstrap_seed=seed,
    )
