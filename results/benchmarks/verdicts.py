"""How a generative judge's verdicts on one pair, over its slot orders, become the pair's credit
(pure). A benchmark spec names its rule (`BenchmarkSpec.verdict_rule`); the evaluator's judges apply it.

A pick is the completion a verdict named ("chosen 0", "rejected 0"), or None for a tie or no verdict.

- `COIN_TOSS` (RewardBench and most): right in every order = 1, wrong in every order = 0, anything
  else (a split, a tie, no verdict) = 1 / slots, what guessing would earn.
- `TWO_GAMES` (JudgeBench, the authors' rule): each verdict counts +1 when it picks the right answer,
  -1 when it picks the wrong one, 0 for a tie or none; the pair is right (1) only when the sum is
  above 0. So right + right and right + tie are right; right + wrong, tie + tie and wrong + anything
  are wrong.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Optional, Sequence

Pick = Optional[str]


def _right(pick: Pick) -> bool:
    return pick is not None and pick.startswith("chosen")


def _wrong(pick: Pick) -> bool:
    return pick is not None and not pick.startswith("chosen")


class VerdictRule(ABC):
    name: str

    @abstractmethod
    def credit(self, picks: Sequence[Pick], slots: int) -> float:
        """The pair's (or list's) credit in [0, 1] from its picks, one per slot order."""


class CoinToss(VerdictRule):
    name = "coin toss"

    def credit(self, picks, slots):
        if all(_right(p) for p in picks):
            return 1.0
        if all(_wrong(p) for p in picks):
            return 0.0
        return 1.0 / slots


class TwoGames(VerdictRule):
    name = "two games"

    def credit(self, picks, slots):
        return 1.0 if sum(_right(p) - _wrong(p) for p in picks) > 0 else 0.0


COIN_TOSS = CoinToss()
TWO_GAMES = TwoGames()
