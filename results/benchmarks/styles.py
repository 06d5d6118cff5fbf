"""Substance against style (RM-Bench's shape, pure): every example has one chosen and one rejected
answer in each of three styles (concise, detailed, detailed with markdown), and all six are scored.

Per domain, the 3x3 matrix M[i][j] = the share of examples whose chosen answer in style i scores
strictly higher than the rejected answer in style j (a tie is wrong). An example's credit is the
share of its 9 comparisons it gets right, so the domain score, the mean of the 9 cells, is the mean
credit. Hard = mean of the cells above the diagonal (the chosen answer plainer than the rejected
one), Normal = the diagonal, Easy = below it. Columns: each domain; Easy, Normal and Hard as means
over the domains; the headline is the mean of the domains (none when one is missing, unless the
data is custom). The bootstrap resamples examples within a domain, each replicate giving all 9 cells.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Optional, Sequence

import numpy as np

from results.schema import ExampleScore

from .aggregation import Counts, Matrix, Metrics, Parts, Value, absent, mean_of_all
from .credit import MeanCreditScorer, Resampled, SubsetValue
from .errors import BenchmarkDataError

STYLES: tuple[str, ...] = ("concise", "detailed", "detailed with markdown")
CELLS: tuple[tuple[int, int], ...] = tuple((i, j) for i in range(3) for j in range(3))
DIFFICULTIES: dict[str, tuple[tuple[int, int], ...]] = {
    "Easy": tuple((i, j) for i, j in CELLS if i > j),
    "Normal": tuple((i, j) for i, j in CELLS if i == j),
    "Hard": tuple((i, j) for i, j in CELLS if i < j),
}


def cell_name(i: int, j: int) -> str:
    """`M[chosen style][rejected style]`, e.g. M01: chosen concise against rejected detailed."""
    return f"M{i}{j}"


def _wins(scores_chosen: Sequence[float], scores_rejected: Sequence[float]) -> np.ndarray:
    """The 9 comparisons of one example, in CELLS order: 1 where chosen i > rejected j."""
    if len(scores_chosen) != 3 or len(scores_rejected) != 3:
        raise BenchmarkDataError(
            f"a style-matrix example needs 3 chosen and 3 rejected scores ({', '.join(STYLES)}), "
            f"got {len(scores_chosen)} and {len(scores_rejected)}"
        )
    return np.asarray([float(scores_chosen[i] > scores_rejected[j]) for i, j in CELLS])


def _example_wins(example: ExampleScore) -> np.ndarray:
    if example.pair_wins is not None:
        return np.asarray([float(example.pair_wins[i][j]) for i, j in CELLS])
    return _wins(example.scores_chosen, example.scores_rejected)


class StyleMatrixScorer(MeanCreditScorer):
    def credit(self, scores_chosen, scores_rejected):
        return float(_wins(scores_chosen, scores_rejected).mean())

    def _table(self, examples: Sequence[ExampleScore]) -> np.ndarray:
        """One row of 9 comparisons per example: a judge's pairwise outcomes where it compared the
        pairs itself (`pair_wins`), else the rule applied to the six scores."""
        return np.stack([_example_wins(e) for e in examples])

    def value(self, examples):
        cells = self._table(examples).mean(axis=0)
        return SubsetValue(float(cells.mean()), {cell_name(i, j): float(v) for (i, j), v in zip(CELLS, cells)})

    def resample(self, examples, samples, rng) -> Resampled:
        table = self._table(examples)
        n = len(table)
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=samples) / n
        cells = weights @ table  # samples x 9
        return Resampled(cells.mean(axis=1), {cell_name(i, j): cells[:, k] for k, (i, j) in enumerate(CELLS)})

    def replicates(self, examples, samples, rng):
        return self.resample(examples, samples, rng).score


STYLE_MATRIX = StyleMatrixScorer()


class StyleMetrics(Metrics):
    def __init__(self, domains: Mapping[str, str]):
        self.domains = dict(domains)  # subset (domain) -> its column

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.domains.values(), *DIFFICULTIES)

    @property
    def subsets(self) -> tuple[str, ...]:
        return tuple(self.domains)

    def column_subsets(self, column: str) -> tuple[str, ...]:
        if column in DIFFICULTIES:
            return self.subsets
        return tuple(d for d, c in self.domains.items() if c == column)

    def aggregate(self, values: Mapping[str, Value], parts: Optional[Parts] = None, counts: Optional[Counts] = None):
        columns = {self.domains[d]: values[d] for d in self.domains if d in values}
        with_cells = [d for d in self.domains if d in values and all(cell_name(*c) in (parts or {}).get(d, {}) for c in CELLS)]
        for difficulty, cells in DIFFICULTIES.items():
            if with_cells:
                per_domain = [sum(parts[d][cell_name(*c)] for c in cells) / len(cells) for d in with_cells]
                columns[difficulty] = sum(per_domain) / len(per_domain)
        return columns

    def matrix(self, parts: Parts) -> Optional[Matrix]:
        """The style matrix averaged over the domains that have one (each domain counts once)."""
        domains = [d for d in self.domains if all(cell_name(*c) in parts.get(d, {}) for c in CELLS)]
        if not domains:
            return None
        values = tuple(
            tuple(sum(parts[d][cell_name(i, j)] for d in domains) / len(domains) for j in range(3)) for i in range(3)
        )
        return Matrix(
            title=f"Chosen style against rejected style, mean over {', '.join(self.domains[d] for d in domains)}",
            rows=tuple(f"chosen {s}" for s in STYLES),
            columns=tuple(f"rejected {s}" for s in STYLES),
            values=values,
        )

    def headline(self, columns: Mapping[str, Value], partial: bool = False) -> Optional[Value]:
        return mean_of_all(columns, self.domains.values(), partial)

    def missing(self, present: Iterable[str], optional_columns: frozenset[str] = frozenset(), partial: bool = False):
        return absent(present, self.domains, partial)

    def describe(self, optional_columns: frozenset[str] = frozenset()) -> list[str]:
        names = ", ".join(self.domains.values())
        return [
            f"- **{names}**: per domain, the 3x3 matrix M[i][j] = the share of examples whose chosen answer in "
            f"style i ({' / '.join(STYLES)}) scores strictly higher than the rejected answer in style j (a tie is "
            "wrong); the domain's score is the mean of its 9 cells.",
            "- **Hard**: the mean, over the domains, of the cells where the chosen answer is plainer than the "
            "rejected one (M01, M02, M12): does substance beat style?",
            "- **Normal**: the mean of the diagonal (both in the same style); **Easy**: the cells below it.",
            "",
            f"**Score** is the plain mean of {names}. A result that lacks a domain has no Score and is listed as "
            "incomplete; on custom data the same formulas run over the domains the data has.",
        ]
