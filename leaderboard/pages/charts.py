"""The Charts tab: section bars, radar, scatter and type distribution, following the filters."""

from __future__ import annotations

import gradio as gr

from .. import figures
from .. import table as t
from ..data import ResultsCache, Snapshot
from .common import Filters, View, filtered, rerender_on


def charts_tab(cache: ResultsCache, filters: Filters) -> list[View]:
    models = list(t.filter_rows(cache.snapshot.tables.rows, benchmark=filters.benchmark.value)[t.MODEL])
    gr.Markdown(
        "The filters of the Leaderboard tab (search, model types, benchmark, incomplete results) apply "
        "here too. A model has the same colour in every chart.",
        elem_classes="lb-note",
    )
    with gr.Row(equal_height=True):
        top_n = gr.Slider(3, 25, value=figures.DEFAULT_TOP_N, step=1, label="Top models", scale=1)
    bars = gr.Plot(show_label=False, elem_id="chart-sections")
    picked = gr.Dropdown(
        choices=models, value=models[:3], multiselect=True, label="Models to compare", elem_id="chart-models"
    )
    radar = gr.Plot(show_label=False, elem_id="chart-radar")
    with gr.Row(equal_height=True):
        x_axis = gr.Dropdown(choices=list(figures.SCATTER_AXES), value="Chat Hard", label="X axis", scale=1)
        y_axis = gr.Dropdown(choices=list(figures.SCATTER_AXES), value=t.SCORE, label="Y axis", scale=1)
    scatter = gr.Plot(show_label=False, elem_id="chart-scatter")
    types = gr.Plot(show_label=False, elem_id="chart-types")

    def render(snap: Snapshot, search, selected, known, benchmark, show_incomplete, n, chosen, x, y) -> list:
        rows = filtered(snap.tables.rows, snap, search, selected, known, benchmark, show_incomplete)
        names = list(rows[t.MODEL])
        chosen = [m for m in (chosen or []) if m in names]
        colours = figures.colour_map(snap.tables.rows[t.MODEL])  # over every model: filters keep colours
        options = figures.ChartOptions(top_n=int(n), models=chosen, x=x, y=y, colours=colours)
        return [
            figures.draw("sections", rows, options),
            gr.Dropdown(choices=names, value=chosen),
            figures.draw("radar", rows, options),
            figures.draw("scatter", rows, options),
            figures.draw("types", rows, options),
        ]

    view = View(
        [*filters.components, top_n, picked, x_axis, y_axis], [bars, picked, radar, scatter, types], render
    )
    rerender_on([*filters.events(), top_n.change, picked.input, x_axis.change, y_axis.change], cache, view)
    return [view]
