"""Agreement with human votes on Chatbot Arena battles (PPE human preference's shape of `Metrics`, pure).

Each subset (a language) is scored by `BattleScorer`: its accuracy over the battles people decided
(ties left out), its parts the number of ties left out and of decided battles, and sums the columns
pool across languages (`SubsetValue.statistics`): decided and right battles per category tag, and per
pair of battling models the games, the human wins and the reward model's wins. From those sums
`ArenaMetrics` gives:

- Accuracy (the headline): right / decided over every battle; each category the same over its battles;
- Ties left out: how many battles people called a tie;
- Spearman and Kendall (BT): Bradley-Terry ratings of the battling models fitted once from the human
  votes and once from the reward model's verdicts (bradley_terry.py), and the rank correlation of
  the two ratings over the models that played.

Every statistic is a sum over battles, so a bootstrap replicate (battles resampled within their
language) gives each column through the same arithmetic, the Bradley-Terry fits included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Sequence

import numpy as np

from .aggregation import Metrics, Value
from .battles import MODEL_A, MODEL_B, WINNER, Battle, battles_of
from .bradley_terry import PRIOR_PRECISION, fit_ratings, kendall_tau_b, spearman
from .credit import Resampled, SubsetScorer, SubsetValue, pair_correct

ACCURACY = "Accuracy"
TIES_COLUMN = "Ties left out"
SPEARMAN = "Spearman (BT)"
KENDALL = "Kendall (BT)"
TIES_PART = "ties left out"
DECIDED_PART = "battles with a winner"
_PAIR = "\t"  # between two model names in a statistic's key (names hold no tabs)


def _decided(tag: str = "") -> str:
    return f"decided {tag}".strip()


def _right(tag: str = "") -> str:
    return f"right {tag}".strip()


def _pair_key(kind: str, first: str, second: str) -> str:
    return f"{kind}:{first}{_PAIR}{second}"


def _contributions(battle: Battle) -> dict[str, float]:
    """What one battle adds to each statistic (models in sorted order: wins counted for the first)."""
    first, second = sorted((battle.model_a, battle.model_b))
    flip = first != battle.model_a
    added = {
        TIES_PART: float(not battle.decided),
        _decided(): float(battle.decided),
        _right(): battle.correct * battle.decided,
        _pair_key("games", first, second): 1.0,
        _pair_key("human", first, second): 1.0 - battle.human if flip else battle.human,
        _pair_key("reward", first, second): 1.0 - battle.reward if flip else battle.reward,
    }
    for tag in battle.tags:
        added[_decided(tag)] = float(battle.decided)
        added[_right(tag)] = battle.correct * battle.decided
    return added


@dataclass(frozen=True)
class _BattleTable:
    """Each statistic as the battles that add to it and what each adds: `sums(weights)` turns a
    (replicates x battles) matrix of weights into every statistic's weighted sum."""

    members: dict[str, tuple[np.ndarray, np.ndarray]]
    size: int

    @classmethod
    def build(cls, battles: Sequence[Battle]) -> "_BattleTable":
        columns: dict[str, tuple[list[int], list[float]]] = {}
        for index, battle in enumerate(battles):
            for key, amount in _contributions(battle).items():
                rows, amounts = columns.setdefault(key, ([], []))
                rows.append(index)
                amounts.append(amount)
        members = {key: (np.asarray(rows), np.asarray(amounts)) for key, (rows, amounts) in columns.items()}
        return cls(members, len(battles))

    def sums(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        return {key: weights[:, rows] @ amounts for key, (rows, amounts) in self.members.items()}


def _accuracy(right: np.ndarray, decided: np.ndarray) -> np.ndarray:
    return np.divide(right, decided, out=np.zeros_like(right), where=decided > 0)


class BattleScorer(SubsetScorer):
    """A language's battles: accuracy over the decided ones; a tie of rewards is wrong (`credit`)."""

    def credit(self, scores_chosen, scores_rejected):
        return pair_correct(scores_chosen, scores_rejected)

    def counts(self, example):
        return (example.groups or {}).get(WINNER) in (MODEL_A, MODEL_B)

    def _split(self, sums: dict[str, np.ndarray]) -> tuple[np.ndarray, dict, dict]:
        parts = {TIES_PART: sums[TIES_PART], DECIDED_PART: sums[_decided()]}
        return _accuracy(sums[_right()], sums[_decided()]), parts, sums

    def value(self, examples):
        table = _BattleTable.build(battles_of(examples))
        score, parts, statistics = self._split(table.sums(np.ones((1, table.size))))
        return SubsetValue(
            score=float(score[0]),
            parts={k: float(v[0]) for k, v in parts.items()},
            statistics={k: float(v[0]) for k, v in statistics.items()},
        )

    def resample(self, examples, samples, rng):
        table = _BattleTable.build(battles_of(examples))
        counts = rng.multinomial(table.size, np.full(table.size, 1.0 / table.size), size=samples).astype(float)
        score, parts, statistics = self._split(table.sums(counts))
        return Resampled(score, {**statistics, **parts})

    def replicates(self, examples, samples, rng):
        return self.resample(examples, samples, rng).score


def _pooled(parts: Mapping[str, Mapping[str, Value]]) -> dict[str, np.ndarray]:
    """Every statistic summed over the subsets, as (replicates,) arrays (one entry for a point value)."""
    total: dict[str, np.ndarray] = {}
    for subset_parts in parts.values():
        for key, value in subset_parts.items():
            total[key] = total.get(key, 0.0) + np.atleast_1d(np.asarray(value, dtype=float))
    return total


def _win_matrices(total: Mapping[str, np.ndarray]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The models that played, and (replicates x m x m) win matrices from the human votes and from the
    reward model: [r, i, j] = how often i beat j (a tie half a win each)."""
    pairs = [key.partition(":")[2].split(_PAIR) for key in total if key.startswith("games:")]
    models = sorted({name for pair in pairs for name in pair})
    index = {name: i for i, name in enumerate(models)}
    replicates = len(next(iter(total.values())))
    wins = {kind: np.zeros((replicates, len(models), len(models))) for kind in ("human", "reward")}
    for first, second in pairs:
        games = total[_pair_key("games", first, second)]
        for kind, matrix in wins.items():
            won = total[_pair_key(kind, first, second)]
            matrix[:, index[first], index[second]] = won
            matrix[:, index[second], index[first]] = games - won
    return models, wins["human"], wins["reward"]


def rank_agreement(total: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Spearman and Kendall (tau-b) between the two Bradley-Terry ratings, per replicate, over the
    models with games in that replicate (NaN where undefined)."""
    models, human, reward = _win_matrices(total)
    if len(models) < 2:
        return {}
    human_ratings, reward_ratings = fit_ratings(human), fit_ratings(reward)
    played = (human + np.swapaxes(human, 1, 2)).sum(axis=2) > 0
    rho, tau = [], []
    for mask, h, r in zip(played, human_ratings, reward_ratings):
        rho.append(spearman(h[mask], r[mask]))
        tau.append(kendall_tau_b(h[mask], r[mask]))
    return {SPEARMAN: np.asarray(rho), KENDALL: np.asarray(tau)}


def _as_given(value: np.ndarray, point: bool) -> Value:
    return float(value[0]) if point else value


class ArenaMetrics(Metrics):
    def __init__(self, languages: tuple[str, ...], other_languages: str, categories: Mapping[str, str]):
        self.languages = languages  # those with a subset of their own, each required of a complete result
        self.other_languages = other_languages
        self.categories = dict(categories)  # tag column -> column name

    @property
    def columns(self) -> tuple[str, ...]:
        return (ACCURACY, *self.categories.values(), SPEARMAN, KENDALL, TIES_COLUMN)

    @property
    def subsets(self) -> tuple[str, ...]:
        return (*self.languages, self.other_languages)

    def column_subsets(self, column: str) -> tuple[str, ...]:
        return self.subsets if column in self.columns else ()

    def column_is_fraction(self, column: str) -> bool:
        return column not in (SPEARMAN, KENDALL, TIES_COLUMN)

    def column_kind(self, column: str) -> str:
        return {SPEARMAN: "correlation", KENDALL: "correlation", TIES_COLUMN: "count"}.get(column, "percent")

    def aggregate(self, values, parts=None, counts=None) -> dict[str, Value]:
        """Columns from the pooled statistics; none from subset accuracies alone (a file without them)."""
        total = _pooled(parts or {})
        if _decided() not in total:
            return {}
        point = all(np.ndim(v) == 0 for v in values.values())
        columns = {ACCURACY: _accuracy(total[_right()], total[_decided()])}
        for tag, name in self.categories.items():
            if _decided(tag) in total and np.any(total[_decided(tag)] > 0):
                columns[name] = np.where(total[_decided(tag)] > 0, _accuracy(total[_right(tag)], total[_decided(tag)]), np.nan)
        for name, value in rank_agreement(total).items():
            if not (point and np.isnan(value[0])):
                columns[name] = value
        columns[TIES_COLUMN] = total[TIES_PART]
        return {name: _as_given(value, point) for name, value in columns.items()}

    def headline(self, columns: Mapping[str, Value], partial: bool = False) -> Optional[Value]:
        return columns.get(ACCURACY)

    def missing(
        self, present: Iterable[str], optional_columns: frozenset[str] = frozenset(), partial: bool = False
    ) -> tuple[str, ...]:
        """The named languages without battles (custom data: nothing, its battles are what it has)."""
        if partial:
            return ()
        have = set(present)
        return tuple(language for language in self.languages if language not in have)

    def describe(self, optional_columns: frozenset[str] = frozenset()) -> list[str]:
        tags = "; ".join(f"**{name}**: battles tagged `{tag}`" for tag, name in self.categories.items())
        return [
            f"- **{ACCURACY}**: the share of battles with a winner where the answer the reward model scores "
            "higher is the one people voted for. Battles people called a tie are left out; a tie of rewards is "
            "wrong. A generative judge sees each battle twice, in both orders: right in both = 1, wrong in both "
            "= 0, a split = 0.5.",
            f"- The same accuracy over the battles of each category ({tags}); a battle may carry several tags "
            "or none.",
            f"- **{TIES_COLUMN}**: how many battles people called a tie (`tie` or `tie (bothbad)`).",
            f"- **{SPEARMAN}** and **{KENDALL}**: our implementation of the paper's definition (the authors' "
            "code could not be checked). Bradley-Terry ratings of the battling models (`model_a`, `model_b`) "
            "are fitted twice by maximum likelihood: once from the human votes (a tie is half a win for each), "
            "once from the reward model's verdicts (the model whose answer scored higher wins; equal scores "
            "are half a win each; for a judge, the answer picked in more of its two verdicts). The columns "
            "are Spearman's rho and Kendall's tau-b between the two ratings over the models that played, "
            "shown as coefficients from -1 to 1 (none when a ranking puts every model level). The fit adds a "
            f"weak Gaussian prior (precision {PRIOR_PRECISION:g}) so that a model without wins still gets a "
            "finite rating. Each per-example line names both models and the vote, so all of this recomputes "
            "from the scores file.",
            f"- **Subsets** are languages (the battle's `language`: {', '.join(self.languages)}; any other pools "
            f"into `{self.other_languages}`), each with its accuracy over its decided battles, its ties left out and "
            "its battles with a winner. A language whose battles are all ties shows 0 with no battles with a "
            "winner, and adds nothing to the columns. The Examples tab lists the battles with a winner.",
            "",
            f"**Score** is the {ACCURACY}. A result that lacks a named language is listed as incomplete; on "
            "custom data the columns run over the battles the file has.",
        ]
