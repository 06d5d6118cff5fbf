"""The Leaderboard tab: the filters every tab follows, the ranked table and its CSV."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from ..tables import provenance as prov
from ..tables import table as t
from ..data import ResultsCache, Snapshot
from ..tables.display import (
    TABLE_HELP,
    chosen_columns,
    count_note,
    default_headers,
    merge_choice,
    optional_headers,
    twins_note,
)
from ..examples.example_marks import ExampleMarks
from ..tables.header_sort import HeaderSort
from ..app_settings import AppSettings
from .following import FollowingCheckboxGroup, FollowingDropdown
from .common import (
    follow_header_sort,
    Filters,
    View,
    benchmark_choice_visible,
    benchmark_choices,
    csv_button,
    default_benchmark,
    filtered,
    render_shared,
    provenance_choice,
    rerender_on,
    results_grid,
    search_box,
    benchmark_rows,
    shown_benchmark,
    shown_table,
    sort_state_box,
    switch,
    type_labels,
    types_choice,
    types_update,
)


TABLE_ID = "lb-table"


def build_filters(snapshot: Snapshot, settings: AppSettings) -> Filters:
    labels = type_labels(snapshot)
    with gr.Row(equal_height=True):
        # The minimum widths make the row wrap on a phone: one filter per line, not four squeezed.
        search = search_box("lb-search")
        types = types_choice(labels, "lb-types")
        benchmark = FollowingDropdown(
            choices=benchmark_choices(snapshot, settings),
            value=default_benchmark(snapshot, settings),
            label="Benchmark",
            scale=2,
            min_width=300,  # a custom-data label ("rewardbench-2 · custom data: <file>") whole
            visible=benchmark_choice_visible(snapshot, settings),
            elem_id="lb-benchmark",
        )
        show_incomplete = switch("Show incomplete results", "results missing some of the benchmark's subsets", "lb-incomplete")
        show_older = switch("Show older revisions", "a model's earlier results on the benchmark", "lb-older")
    filters = Filters(
        search, types, gr.State(labels), benchmark, show_incomplete, show_older, gr.State(benchmark.value)
    )
    filters.watch_switches()
    return filters


def leaderboard_tab(
    cache: ResultsCache, settings: AppSettings, export_dir: Path
) -> tuple[Filters, list[View]]:
    snapshot = cache.snapshot
    filters = build_filters(snapshot, settings)
    provenance = provenance_choice()
    wanted = gr.State(default_headers())
    with gr.Accordion("Columns", open=False):
        first = default_benchmark(snapshot, settings)
        columns = FollowingCheckboxGroup(
            choices=optional_headers(first),
            value=[h for h in optional_headers(first) if h in default_headers()],
            show_label=False,
            elem_id="lb-columns",
        )
    count = gr.Markdown(elem_classes="lb-note", elem_id="lb-count")
    grid = results_grid(TABLE_ID)
    # The CSV and the caption follow a sort from a column's menu (header_sort.py).
    sort_state = sort_state_box(TABLE_ID)
    gr.Markdown(TABLE_HELP, elem_classes="lb-note", elem_id="lb-help")
    download = csv_button("Download this view (CSV)", "lb-download")
    marks = ExampleMarks(cache.examples)

    def render(
        snap: Snapshot, search, selected, known, benchmark, show_incomplete, show_older, picked, source, sort_text
    ) -> list:
        source = source or prov.BOTH
        benchmark = shown_benchmark(snap, settings, benchmark)
        in_benchmark = benchmark_rows(snap, benchmark)
        every = filtered(in_benchmark, snap, search, selected, known, benchmark, True, True, provenance=None)
        twins = prov.hidden_twins(every, source)
        every = every[prov.provenance_mask(every, source)].reset_index(drop=True)
        shown = t.apply_switches(every, bool(show_incomplete), bool(show_older))
        chosen = chosen_columns(picked, benchmark)
        rows = marks.for_view(shown.rows, [c.header for c in chosen])
        resorted = HeaderSort.parse(sort_text, [c.header for c in chosen])
        grid_update, csv = shown_table(
            rows, chosen, export_dir, f"{benchmark}-leaderboard", settings.model_link_base, resorted
        )
        note = count_note(
            len(shown.rows), len(in_benchmark), shown.hidden_incomplete, shown.hidden_older, benchmark,
            resorted.describe(),
        ) + twins_note(twins)
        return [grid_update, csv, note]

    def render_chooser(snap: Snapshot, benchmark, picked) -> list:
        offered = optional_headers(shown_benchmark(snap, settings, benchmark))
        return [gr.CheckboxGroup(choices=offered, value=[h for h in offered if h in (picked or [])])]

    def render_filters(snap: Snapshot, selected, known, benchmark) -> list:
        keep = shown_benchmark(snap, settings, benchmark)
        return [
            *types_update(snap, selected, known),
            gr.Dropdown(
                choices=benchmark_choices(snap, settings),
                value=keep,
                visible=benchmark_choice_visible(snap, settings),
            ),
        ]

    table_view = View([*filters.components, wanted, provenance, sort_state], [grid, download, count], render)
    filter_view = View(
        [filters.types, filters.known_types, filters.benchmark],
        [filters.types, filters.known_types, filters.benchmark],
        render_filters,
    )
    chooser_view = View([filters.benchmark, wanted], [columns], render_chooser)
    rerender_on([*filters.events(), provenance.change], cache, table_view)
    follow_header_sort(sort_state, cache, table_view)
    rerender_on([filters.switched], cache, chooser_view)
    # A tick changes the reader's choice for this benchmark only, then the table follows it.
    columns.input(
        lambda picked, benchmark, ticked: merge_choice(picked or [], optional_headers(benchmark), ticked or []),
        [wanted, filters.benchmark, columns],
        [wanted],
        show_progress="hidden",
        trigger_mode="always_last",
    ).then(
        lambda *values: render_shared(table_view, cache.snapshot, values),
        table_view.inputs,
        table_view.outputs,
        show_progress="hidden",
    )
    return filters, [filter_view, chooser_view, table_view]
