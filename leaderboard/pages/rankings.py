"""The Leaderboard tab: the filters every tab follows, the ranked table and its CSV."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from .. import table as t
from ..data import ResultsCache, Snapshot
from ..display import (
    DEFAULT_HEADERS,
    OPTIONAL_HEADERS,
    TABLE_HELP,
    chosen_columns,
    count_note,
    leaderboard_export,
    leaderboard_view,
)
from ..export import write_csv
from ..settings import AppSettings
from .common import (
    Filters,
    View,
    benchmark_choice_visible,
    benchmark_choices,
    benchmarks,
    csv_button,
    dataframe_update,
    default_benchmark,
    filtered,
    rerender_on,
    results_grid,
    shown_types,
    type_labels,
)


def build_filters(snapshot: Snapshot, settings: AppSettings) -> Filters:
    labels = type_labels(snapshot)
    with gr.Row(equal_height=True):
        # The minimum widths make the row wrap on a phone: one filter per line, not four squeezed.
        search = gr.Textbox(
            placeholder="Search models (e.g. llama 8b)",
            label="Search",
            scale=2,
            min_width=260,
            elem_id="lb-search",
        )
        types = gr.CheckboxGroup(
            choices=labels, value=labels, label="Model types", scale=3, min_width=320, elem_id="lb-types"
        )
        benchmark = gr.Dropdown(
            choices=benchmark_choices(snapshot, settings),
            value=default_benchmark(snapshot, settings),
            label="Benchmark",
            scale=1,
            visible=benchmark_choice_visible(snapshot, settings),
            elem_id="lb-benchmark",
        )
        show_incomplete = gr.Checkbox(
            value=False,
            label="Show incomplete results",
            info="results missing some of the benchmark's subsets",
            scale=1,
            elem_id="lb-incomplete",
        )
    return Filters(search, types, gr.State(labels), benchmark, show_incomplete)


def leaderboard_tab(
    cache: ResultsCache, settings: AppSettings, export_dir: Path
) -> tuple[Filters, list[View]]:
    snapshot = cache.snapshot
    filters = build_filters(snapshot, settings)
    with gr.Accordion("Columns", open=False):
        columns = gr.CheckboxGroup(
            choices=list(OPTIONAL_HEADERS),
            value=list(DEFAULT_HEADERS),
            show_label=False,
            elem_id="lb-columns",
        )
    count = gr.Markdown(elem_classes="lb-note", elem_id="lb-count")
    grid = results_grid("lb-table")
    gr.Markdown(TABLE_HELP, elem_classes="lb-note", elem_id="lb-help")
    download = csv_button("Download this view (CSV)", "lb-download")

    def render(snap: Snapshot, search, selected, known, benchmark, show_incomplete, optional) -> list:
        every = filtered(snap.tables.rows, snap, search, selected, known, benchmark, show_incomplete=True)
        rows = every if show_incomplete else every[every[t.COMPLETE]].reset_index(drop=True)
        chosen = chosen_columns(optional)
        csv = write_csv(leaderboard_export(rows, chosen), export_dir, "leaderboard")
        in_benchmark = t.filter_rows(snap.tables.rows, benchmark=benchmark, show_incomplete=True)
        note = count_note(len(rows), len(in_benchmark), len(every) - len(rows))
        return [dataframe_update(leaderboard_view(rows, chosen, settings.model_link_base)), str(csv), note]

    def render_filters(snap: Snapshot, selected, known, benchmark) -> list:
        labels, present = type_labels(snap), benchmarks(snap)
        keep = benchmark if benchmark in present else default_benchmark(snap, settings)
        return [
            gr.CheckboxGroup(choices=labels, value=shown_types(snap, selected or [], known or [])),
            labels,
            gr.Dropdown(
                choices=benchmark_choices(snap, settings),
                value=keep,
                visible=benchmark_choice_visible(snap, settings),
            ),
        ]

    table_view = View([*filters.components, columns], [grid, download, count], render)
    filter_view = View(
        [filters.types, filters.known_types, filters.benchmark],
        [filters.types, filters.known_types, filters.benchmark],
        render_filters,
    )
    rerender_on([*filters.events(), columns.change], cache, table_view)
    return filters, [filter_view, table_view]
