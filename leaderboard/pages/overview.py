"""The Overview tab: every model on every benchmark the host offers, one row a model.

The table, its filters and its CSV are the Leaderboard tab's own (`common.search_box`,
`types_choice`, `provenance_choice`, `switch`, `shown_table`; `table.name_and_type_mask`); the
numbers come from `tables/overview.py`, built once per data version and choice (`OverviewCache`), so
a search or a type filter only picks rows. A click on a benchmark's cell opens that result on the
Leaderboard tab (its benchmark, the model searched) and in the Examples tab (`OverviewTab.opened`).
Below: how the benchmarks agree, and charts.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

import gradio as gr
import pandas as pd

from . import prepared
from ..app_settings import AppSettings
from ..data import ResultsCache, Snapshot
from ..tables import figures
from ..tables import overview as ov
from ..tables import overview_columns as oc
from ..tables import overview_figures as of
from ..tables import provenance as prov
from ..tables import table as t
from ..tables.display import escape_markdown
from ..tables.header_sort import HeaderSort
from .common import (
    follow_header_sort,
    Filters,
    View,
    provenance_choice,
    rerender_on,
    results_grid,
    search_box,
    shown_table,
    shown_types,
    sort_state_box,
    switch,
    type_labels,
    types_choice,
    types_update,
    csv_button,
)
from .following import FollowingCheckboxGroup, FollowingDropdown

INTRO = (
    "Every model on every benchmark this leaderboard offers, one row a model (each cell is its newest "
    "result on that benchmark). **Rank score** (ours) places models with gaps: the mean, over the "
    "benchmarks a model has, of its percentile rank among the models that have that benchmark (see "
    "About). **Average** is the plain mean of the benchmarks shown, given only to a model that has "
    "them all. Untick a benchmark under *Columns and benchmarks* to leave it out of all three. "
    "Click a benchmark's cell to open that result on the Leaderboard tab (its own columns) and in the Examples tab."
)
LEGEND = (
    f"Hover a cell for its 95% interval and where it comes from: {oc.IMPORTED_MARK} imported (the "
    "published number as it is); Δ+1.2: verified here, and 1.2 points above its published number; "
    f"{oc.INCOMPLETE_MARK} incomplete (shown with *Show incomplete results*). – : no result."
)
DEFAULT_TOP_N = 8
_TITLE = re.compile(r'title="([^"]*)"')


def model_of_cell(cell: object) -> Optional[str]:
    """The model a row's first cell names (its HTML holds the whole name in a title)."""
    found = _TITLE.search(str(cell or ""))
    return html.unescape(found.group(1)) if found else None


@dataclass
class OverviewControls:
    search: gr.Textbox
    types: gr.CheckboxGroup
    known_types: gr.State
    source: gr.Radio
    show_incomplete: gr.Checkbox
    columns: gr.CheckboxGroup
    known_columns: gr.State

    @property
    def components(self) -> list[Any]:
        return [self.search, self.types, self.known_types, self.source, self.show_incomplete, self.columns]

    def events(self) -> list:
        return [
            self.search.change, self.types.input, self.source.change, self.show_incomplete.change, self.columns.input
        ]


class OverviewPage:
    """The tab's callbacks, from a snapshot and the reader's choices to what the page shows."""

    def __init__(self, cache: ResultsCache, settings: AppSettings, export_dir: Path):
        self.cache, self.settings, self.export_dir = cache, settings, export_dir
        self.built = ov.OverviewCache()

    def offered(self, snap: Snapshot) -> list[str]:
        """The benchmarks the host offers and those the store has results of, registry order."""
        return ov.overview_benchmarks(set(snap.tables.rows[t.BENCHMARK]), self.settings.benchmarks)

    def frame(self, snap: Snapshot, source, show_incomplete, picked) -> tuple[pd.DataFrame, list[str]]:
        """The whole Overview (before search and types) over the benchmarks ticked."""
        benchmarks = oc.shown_benchmarks(self.offered(snap), picked)
        licenses = ov.licenses_of(snap.requests)
        frame = self.built.get(
            snap.version, snap.tables.rows, benchmarks, source or prov.BOTH, show_incomplete, licenses
        )
        return frame, benchmarks

    def table(self, snap: Snapshot, search, selected, known, source, show_incomplete, picked, sort_text=None) -> list:
        frame, benchmarks = self.frame(snap, source, show_incomplete, picked)
        rows = ov.search_rows(frame, shown_types(snap, selected or [], known or []), search or "")
        columns = oc.chosen_columns(self.offered(snap), picked)
        resorted = HeaderSort.parse(sort_text, [c.header for c in columns])
        grid, csv = shown_table(rows, columns, self.export_dir, "overview", self.settings.model_link_base, resorted)
        complete = int(frame[t.COMPLETE].sum())
        order = f"sorted by {escape_markdown(resorted.describe())} (the CSV follows)" if resorted else "best Rank score first"
        note = (
            f"Showing {len(rows)} of {len(frame)} models on {len(benchmarks)} benchmarks, {order}; "
            f"{complete} have all {len(benchmarks)} (only they have an Average)."
        )
        return [grid, csv, note, [c.header for c in columns]]

    def agreement(self, snap: Snapshot, source, show_incomplete, picked, first, second) -> list:
        frame, benchmarks = self.frame(snap, source, show_incomplete, picked)
        first = first if first in benchmarks else (benchmarks[0] if benchmarks else None)
        second = second if second in benchmarks else (benchmarks[1] if len(benchmarks) > 1 else first)
        pairs = ov.disagreements(frame, first, second) if first and second else pd.DataFrame()
        return [
            of.draw(of.agreement_heatmap, ov.agreement(frame, benchmarks)),
            gr.Dropdown(choices=benchmarks, value=first),
            gr.Dropdown(choices=benchmarks, value=second),
            pairs,
        ]

    def charts(self, snap: Snapshot, search, selected, known, source, show_incomplete, picked, top_n, y) -> list:
        frame, benchmarks = self.frame(snap, source, show_incomplete, picked)
        rows = ov.search_rows(frame, shown_types(snap, selected or [], known or []), search or "")
        measures = [ov.RANK_SCORE, ov.AVERAGE, *benchmarks]
        y = y if y in measures else ov.RANK_SCORE
        colours = figures.colour_map(snap.tables.rows[t.MODEL])  # as in every chart: filters keep colours
        return [
            of.draw(of.profile, rows, benchmarks, int(top_n or DEFAULT_TOP_N), colours),
            gr.Dropdown(choices=measures, value=y),
            of.draw(of.against_parameters, rows, y, colours),
        ]

    def chooser(self, snap: Snapshot, picked, known) -> list:
        """The column chooser after a refresh: a benchmark that is new since is ticked."""
        choices = oc.optional_headers(self.offered(snap))
        value = [h for h in choices if h in (picked or []) or h not in (known or [])]
        return [gr.CheckboxGroup(choices=choices, value=value), choices]

    def open_cell(self, headers: Sequence[str], show_incomplete, source, picked, evt: gr.SelectData) -> list:
        """A click on a benchmark's cell: the Leaderboard tab on that benchmark, the model searched,
        and the result (benchmark, store path) for the Examples tab to open."""
        column = evt.index[1] if isinstance(evt.index, (list, tuple)) else None
        header = headers[column] if column is not None and column < len(headers or []) else None
        model = model_of_cell((evt.row_value or [None])[0])
        snap = self.cache.snapshot
        if header not in self.offered(snap) or not model:
            return [gr.skip()] * 7
        frame, _ = self.frame(snap, source, show_incomplete, picked)
        paths = frame.loc[frame[t.MODEL] == model, ov.cell_columns(header)["path"]].dropna()
        opened = (header, str(paths.iloc[0])) if len(paths) else gr.skip()
        leaderboard = gr.Tabs(selected="leaderboard")
        return [leaderboard, header, header, model, bool(show_incomplete), gr.skip(), opened]


def build_controls(snap: Snapshot, page: OverviewPage) -> OverviewControls:
    labels = type_labels(snap)
    with gr.Row(equal_height=True):
        search = search_box("ov-search")
        types = types_choice(labels, "ov-types")
        source = provenance_choice("ov-provenance")
        show_incomplete = switch(
            "Show incomplete results", "results missing some of a benchmark's parts", "ov-incomplete"
        )
    offered_now = oc.optional_headers(page.offered(snap))
    with gr.Accordion("Columns and benchmarks", open=False):
        columns = FollowingCheckboxGroup(
            choices=offered_now, value=offered_now, show_label=False, elem_id="ov-columns"
        )
    known_columns = gr.State(offered_now)
    return OverviewControls(search, types, gr.State(labels), source, show_incomplete, columns, known_columns)


@dataclass
class OverviewTab:
    views: list[View]
    grid: gr.Dataframe
    headers: gr.State
    opened: gr.State  # (benchmark, result path) of the latest clicked cell
    controls: OverviewControls
    page: OverviewPage

    def open_cells_on(self, tabs: gr.Tabs, filters: Filters) -> None:
        """Wire a cell click to the Leaderboard tab's filters (built after this tab) and to `opened`,
        which the Examples tab follows."""
        c = self.controls
        self.grid.select(
            self.page.open_cell,
            [self.headers, c.show_incomplete, c.source, c.columns],
            [
                tabs, filters.benchmark, filters.switched_to, filters.search, filters.show_incomplete,
                filters.show_older, self.opened,
            ],
            show_progress="hidden",
        )


TABLE_ID = "ov-table"


def overview_tab(cache: ResultsCache, settings: AppSettings, export_dir: Path) -> OverviewTab:
    snap = cache.snapshot
    page = OverviewPage(cache, settings, export_dir)
    # The default view's Overview (its bootstrap the dearest part) is built by the refresh itself,
    # in the refresh's thread: the first reader after it finds it ready.
    cache.on_refresh(lambda fresh: page.frame(fresh, prov.BOTH, False, None))
    gr.Markdown(INTRO, elem_classes="lb-note")
    controls = build_controls(snap, page)
    count = gr.Markdown(elem_classes="lb-note", elem_id="ov-count")
    grid = results_grid(TABLE_ID)
    sort_state = sort_state_box(TABLE_ID)
    headers = gr.State([])
    gr.Markdown(LEGEND, elem_classes="lb-note", elem_id="ov-legend")
    download = csv_button("Download this view (CSV)", "ov-download")
    with gr.Accordion("How the benchmarks agree", open=True):
        heatmap = prepared.Plot(show_label=False, elem_id="ov-agreement")
        with gr.Row(equal_height=True):
            first = FollowingDropdown(choices=[], label="Benchmark A", elem_id="ov-first")
            second = FollowingDropdown(choices=[], label="Benchmark B", elem_id="ov-second")
        gr.Markdown(
            "Models whose rank differs most between A and B (rank 1 is the best of those having both).",
            elem_classes="lb-note",
        )
        pairs = prepared.Dataframe(interactive=False, show_label=False, max_height=420, elem_id="ov-disagreements")
    with gr.Accordion("Charts", open=True):
        top_n = gr.Slider(3, 20, value=DEFAULT_TOP_N, step=1, label="Top models", elem_id="ov-top")
        profile = prepared.Plot(show_label=False, elem_id="ov-profile")
        y = FollowingDropdown(
            choices=[ov.RANK_SCORE], value=ov.RANK_SCORE, label="Against parameters", elem_id="ov-y"
        )
        params = prepared.Plot(show_label=False, elem_id="ov-params")

    c = controls
    table_view = View([*c.components, sort_state], [grid, download, count, headers], page.table)
    agreement_view = View(
        [c.source, c.show_incomplete, c.columns, first, second], [heatmap, first, second, pairs], page.agreement
    )
    charts_view = View([*c.components, top_n, y], [profile, y, params], page.charts)
    filter_view = View([c.types, c.known_types], [c.types, c.known_types], types_update)
    chooser_view = View([c.columns, c.known_columns], [c.columns, c.known_columns], page.chooser)
    rerender_on(c.events(), cache, table_view)
    follow_header_sort(sort_state, cache, table_view)
    agreement_events = [c.source.change, c.show_incomplete.change, c.columns.input, first.input, second.input]
    rerender_on(agreement_events, cache, agreement_view)
    rerender_on([*c.events(), top_n.change, y.input], cache, charts_view)
    # The filter and chooser views come first: a refresh updates the choices before the table reads them.
    views = [filter_view, chooser_view, table_view, agreement_view, charts_view]
    return OverviewTab(views, grid, headers, gr.State(None), controls, page)

