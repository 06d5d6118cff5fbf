"""The public read endpoints (`/leaderboard`, `/csv`, `/examples`; `/submit` is the Submit form's own
event): plain data for scripts, from the same snapshot and the same filters as the pages, computed
once per data refresh and shared with every other caller (`Snapshot.derive`).

Names and descriptions: leaderboard/endpoints.py (`PUBLIC`), which also hides every other event.
"""

from __future__ import annotations

import json
from typing import Optional

import gradio as gr
import pandas as pd

from ..app_settings import AppSettings
from ..data import ResultsCache, Snapshot
from ..endpoints import PUBLIC, READS
from ..examples import examples as ex
from ..tables import table as t
from ..tables.display import chosen_columns, leaderboard_export
from ..tables.export import to_csv
from .common import benchmark_choices, default_benchmark, type_labels

EXAMPLE_COLUMNS = (ex.SUBSET, ex.ID, ex.PROMPT, ex.CHOSEN, ex.REJECTED, ex.REWARD_CHOSEN, ex.REWARD_REJECTED,
                   ex.MARGIN, ex.CREDIT, ex.RIGHT)


class UnknownChoice(gr.Error):
    """A benchmark, model type or model the data does not hold: the caller sees which, and the choices."""


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON records, a missing value as null (not NaN, which JSON lacks)."""
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def pick_benchmark(snap: Snapshot, settings: AppSettings, benchmark: str) -> str:
    choices = benchmark_choices(snap, settings)
    if not benchmark:
        return default_benchmark(snap, settings)
    if benchmark not in choices:
        raise UnknownChoice(f"no results on benchmark {benchmark!r}; the benchmarks with results: {', '.join(choices)}")
    return benchmark


def ranked_rows(
    snap: Snapshot, settings: AppSettings, benchmark: str, search: str, model_types: Optional[list[str]],
    show_incomplete: bool, show_older: bool,
) -> pd.DataFrame:
    """The Leaderboard tab's rows and default columns for these filters (its CSV, as a frame)."""
    benchmark = pick_benchmark(snap, settings, benchmark)
    labels = type_labels(snap)
    unknown = sorted(set(model_types or ()) - set(labels))
    if unknown:
        raise UnknownChoice(f"unknown model type(s) {', '.join(unknown)}; the types: {', '.join(labels)}")
    rows = t.filter_rows(
        snap.tables.rows, model_types if model_types else None, search or "", benchmark,
        show_incomplete=show_incomplete, show_older=show_older,
    )
    return leaderboard_export(rows.reset_index(drop=True), chosen_columns(None, benchmark))


def example_rows(
    cache: ResultsCache, snap: Snapshot, settings: AppSettings, benchmark: str, model: str, subset: str,
    outcome: str, query: str, limit: int,
) -> pd.DataFrame:
    """One result's examples (its newest on `benchmark`), selected as on the Examples tab."""
    benchmark = pick_benchmark(snap, settings, benchmark)
    rows = t.filter_rows(snap.tables.rows, benchmark=benchmark, show_incomplete=True, show_older=False, provenance=None)
    found = rows[rows[t.MODEL] == model]
    if found.empty:
        raise UnknownChoice(f"no result of {model!r} on {benchmark}")
    if outcome not in ex.OUTCOMES:
        raise UnknownChoice(f"outcome must be one of {', '.join(ex.OUTCOMES)}, not {outcome!r}")
    loaded = cache.examples.load(found[t.PATH].iloc[0], found[t.EVALUATED].iloc[0])
    selected = ex.select_examples(loaded.examples.frame, subset or ex.ALL, outcome, query or "", ex.ORDERS[2])
    if selected.empty:
        return pd.DataFrame(columns=list(EXAMPLE_COLUMNS))
    return selected.head(max(0, limit))[list(EXAMPLE_COLUMNS)]


def public_api(cache: ResultsCache, settings: AppSettings) -> None:
    """Bind `/leaderboard`, `/csv` and `/examples` (inside the app's Blocks)."""

    def leaderboard(
        benchmark: str = "", search: str = "", model_types: Optional[list[str]] = None,
        show_incomplete: bool = False, show_older: bool = False,
    ) -> list[dict]:
        snap = cache.snapshot
        key = ("api-rows", benchmark, search, tuple(model_types or ()), show_incomplete, show_older)
        return records(snap.derive(key, lambda: ranked_rows(snap, settings, *key[1:3], model_types, *key[4:])))

    def csv(
        benchmark: str = "", search: str = "", model_types: Optional[list[str]] = None,
        show_incomplete: bool = False, show_older: bool = False,
    ) -> str:
        snap = cache.snapshot
        key = ("api-rows", benchmark, search, tuple(model_types or ()), show_incomplete, show_older)
        return to_csv(snap.derive(key, lambda: ranked_rows(snap, settings, *key[1:3], model_types, *key[4:])))

    def examples(
        model: str, benchmark: str = "", subset: str = ex.ALL, outcome: str = ex.ALL, query: str = "",
        limit: int = ex.MAX_SHOWN,
    ) -> list[dict]:
        snap = cache.snapshot
        return records(example_rows(cache, snap, settings, benchmark, model, subset, outcome, query, int(limit)))

    for fn in (leaderboard, csv, examples):
        gr.api(fn, api_name=fn.__name__, api_description=PUBLIC[fn.__name__], **READS)
