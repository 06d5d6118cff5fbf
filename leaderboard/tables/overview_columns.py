"""The Overview's columns, in the Leaderboard table's own terms (`display.Column` and `display.KINDS`),
so that one renderer and one CSV writer (`display.leaderboard_view`, `display.leaderboard_export`)
serve both tabs.

A benchmark's cell is a `headline` column: its headline as a percentage, its 95% interval and where
it comes from on hover, and a mark for an imported result (†), one verified here that also has a
published number (Δ and the difference in points), and an incomplete one (⚠). Its CSV holds the
value, the interval, the source and the difference as columns of their own.
"""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Optional, Sequence

import pandas as pd

from . import overview as ov
from . import table as t
from .display import KINDS, MISSING, Column, Kind, incomplete_note

IMPORTED_MARK = "†"  # a dagger: every font has one (a circled i drew as a box in headless chromium)
INCOMPLETE_MARK = "⚠"
RANK_CI = "95% CI"
PARAMS = "Params"


def _percent(value: object) -> Optional[float]:
    return None if value is None or pd.isna(value) else float(value) * 100.0


def headline_cell(score, low, high, source, delta, missing) -> str:
    """One benchmark's cell as HTML: the number, its marks, the whole story on hover. A leading
    `data-sort` with the number zero-padded makes a header sort (which compares the cells' text)
    order the cells by their number."""
    value = _percent(score)
    if value is None:
        return MISSING
    shown = f"{value:.1f}"
    notes = [f"{shown}%"]
    if _percent(low) is not None and _percent(high) is not None:
        notes.append(f"95% interval {_percent(low):.1f}–{_percent(high):.1f}")
    notes.append(str(source))
    if source == ov.SOURCE_IMPORTED:
        shown += f" {IMPORTED_MARK}"
    if _percent(delta) is not None:
        shown += f" Δ{_percent(delta):+.1f}"
        notes.append(f"verified minus published: {_percent(delta):+.1f} points")
    if isinstance(missing, str) and missing:
        shown += f" {INCOMPLETE_MARK}"
        notes.append(incomplete_note(missing))
    tip = html.escape(" · ".join(notes), quote=True)
    return f'<span data-sort="{value:06.2f}" title="{tip}">{html.escape(shown)}</span>'


def _headline_shown(rows: pd.DataFrame, column: Column, _base: str) -> pd.Series:
    parts = [rows[name] for name in column.sources]
    cells = [headline_cell(*values) for values in zip(*parts, strict=True)]
    return pd.Series(cells, index=rows.index, dtype="object")


def _headline_export(rows: pd.DataFrame, column: Column) -> dict[str, pd.Series]:
    score, low, high, source, delta, _missing = (rows[name] for name in column.sources)
    name = column.header
    return {
        name: score * 100.0,
        f"{name} low": low * 100.0,
        f"{name} high": high * 100.0,
        f"{name} source": source.where(score.notna(), ""),
        f"{name} Δ published": delta * 100.0,
    }


# Registered beside the Leaderboard's kinds: the same renderer and CSV writer read them. Wider than
# a plain percentage: a header holds a benchmark's name, a cell its marks.
KINDS["headline"] = Kind("html", 11, _headline_shown, _headline_export)
KINDS["rank"] = replace(KINDS["percent"], width=10)


def benchmark_column(benchmark: str) -> Column:
    parts = ov.cell_columns(benchmark)
    return Column(benchmark, "headline", tuple(parts[p] for p in ("score", "low", "high", "source", "delta", "missing")))


BEFORE: tuple[Column, ...] = (
    Column(t.MODEL, "model", (t.MODEL,), required=True),
    Column(ov.RANK_SCORE, "rank", (ov.RANK_SCORE,), required=True),
    Column(RANK_CI, "interval", (ov.RANK_LOW, ov.RANK_HIGH)),
    Column(ov.AVERAGE, "percent", (ov.AVERAGE,)),
    Column(ov.COVERAGE, "text", (ov.COVERAGE,)),
)
AFTER: tuple[Column, ...] = (
    Column(t.MODEL_TYPE, "type", (t.MODEL_TYPE, t.TYPE_SETUP)),
    Column(PARAMS, "parameters", (t.PARAMETERS,)),
    Column(ov.LICENSE, "text", (ov.LICENSE,)),
    Column(t.REVISION, "revision", (t.REVISION,)),
)


def overview_columns(benchmarks: Sequence[str]) -> tuple[Column, ...]:
    return (*BEFORE, *(benchmark_column(b) for b in benchmarks), *AFTER)


def optional_headers(benchmarks: Sequence[str]) -> list[str]:
    """What the column chooser offers: the benchmarks (an unticked one leaves Average, Coverage and
    Rank score too) and the optional columns."""
    return [c.header for c in overview_columns(benchmarks) if not c.required]


def chosen_columns(benchmarks: Sequence[str], wanted: Optional[Sequence[str]]) -> list[Column]:
    keep = set(optional_headers(benchmarks) if wanted is None else wanted)
    return [c for c in overview_columns(benchmarks) if c.required or c.header in keep]


def shown_benchmarks(benchmarks: Sequence[str], wanted: Optional[Sequence[str]]) -> list[str]:
    return [b for b in benchmarks if wanted is None or b in set(wanted)]

