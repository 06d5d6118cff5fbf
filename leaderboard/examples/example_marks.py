"""The Leaderboard's columns that come from per-example files: "significantly different from the
model above" and the share of pairs where the model preferred the longer answer.

The mark compares each row with the row above it in the view the reader sees: a paired bootstrap
(`stats.paired_bootstrap`, seeded, 1,000 resamples) on the two results' per-example credits. It is
possible only when both results have per-example scores on the same rows (same benchmark, same data
fingerprint, same example keys); otherwise the cell says why not. Each result's credits and each
pair's test are computed once and cached (keyed by the results' paths and evaluation times), so a
snapshot costs one computation per pair, not one per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from ..tables import table as t
from ..tables.mark_columns import LONGER_PREFERRED, SIGNIFICANT, SIGNIFICANT_NOTE
from .example_files import LRU, ExampleFiles, ResultSummary
from .stats import PairedTest, paired_bootstrap

YES, NO, UNKNOWN = "yes", "no", "–"


@dataclass(frozen=True)
class Mark:
    text: str
    note: str


def pair_test(above: ResultSummary, below: ResultSummary) -> Optional[PairedTest]:
    """The paired test of the result above against the one below; None when they are not on the same rows."""
    same_data = (above.benchmark, above.data_fingerprint) == (below.benchmark, below.data_fingerprint)
    if not (above.credits and below.credits and same_data and above.credits.keys() == below.credits.keys()):
        return None
    keys = list(above.credits)
    return paired_bootstrap([above.credits[k] for k in keys], [below.credits[k] for k in keys])


def mark_of(test: Optional[PairedTest], above_model: str, has_scores: bool) -> Mark:
    if test is None:
        why = (
            "no per-example scores on the same rows as the model above"
            if has_scores
            else "no per-example scores (a published result)"
        )
        return Mark(UNKNOWN, f"Not testable: {why}.")
    text = YES if test.significant else NO
    return Mark(
        text,
        f"{'Significantly different' if test.significant else 'Not significantly different'} from "
        f"{above_model}: {test.difference * 100:+.1f} points for it, 95% interval {test.low * 100:+.1f} "
        f"to {test.high * 100:+.1f} (paired bootstrap over {test.n} shared examples).",
    )


class ExampleMarks:
    """Adds the two columns to a view's rows; caches every result's summary and every pair's test."""

    def __init__(self, files: ExampleFiles):
        self.summaries = files.summaries  # shared: the refresh warms them for every result
        self._tests: LRU[Optional[PairedTest]] = LRU(4096)

    def _summary(self, row: pd.Series) -> ResultSummary:
        return self.summaries.get(row[t.PATH], row[t.EVALUATED])

    def _test(self, above: pd.Series, below: pd.Series) -> Optional[PairedTest]:
        key = (above[t.PATH], str(above[t.EVALUATED]), below[t.PATH], str(below[t.EVALUATED]))
        return self._tests.get(key, lambda: pair_test(self._summary(above), self._summary(below)))

    def for_view(self, rows: pd.DataFrame, headers: Sequence[str]) -> pd.DataFrame:
        """`rows` annotated when the view shows one of the two columns (else as they are: no file is read)."""
        return self.annotate(rows) if {SIGNIFICANT, LONGER_PREFERRED} & set(headers) else rows

    def annotate(self, rows: pd.DataFrame) -> pd.DataFrame:
        """`rows` (in the order shown) with SIGNIFICANT, SIGNIFICANT_NOTE and LONGER_PREFERRED."""
        marks, longer = [], []
        previous: Optional[pd.Series] = None
        for _, row in rows.iterrows():
            summary = self._summary(row)
            longer.append(np.nan if summary.longer_share is None else summary.longer_share)
            if previous is None:
                marks.append(Mark(UNKNOWN, "The first row: no model above it."))
            else:
                marks.append(mark_of(self._test(previous, row), previous[t.MODEL], bool(summary.credits)))
            previous = row
        return rows.assign(
            **{
                SIGNIFICANT: [m.text for m in marks],
                SIGNIFICANT_NOTE: [m.note for m in marks],
                LONGER_PREFERRED: pd.Series(longer, index=rows.index, dtype="float64"),
            }
        )
