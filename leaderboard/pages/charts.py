"""The Charts tab: section bars, radar, scatter and type distribution, following the filters; the
section axes (and the scatter's axis choices) are the chosen benchmark's own."""

from __future__ import annotations

import gradio as gr

from . import prepared
from ..tables import figures
from ..tables import table as t
from ..data import ResultsCache, Snapshot
from .common import Filters, View, filtered, rerender_on
from .following import FollowingDropdown


def _has_matrix(benchmark) -> bool:
    return bool(benchmark) and t.spec_of_label(benchmark).has_matrix


def _has_curves(benchmark) -> bool:
    return bool(benchmark) and t.spec_of_label(benchmark).has_curves


def _axis(axes: list[str], value, fallback: str) -> str:
    return value if value in axes else fallback


def charts_tab(cache: ResultsCache, filters: Filters) -> list[View]:
    first = filters.benchmark.value
    models = list(t.filter_rows(cache.snapshot.tables.rows, benchmark=first)[t.MODEL])
    sections = t.charted_section_names(first)
    gr.Markdown(
        "The filters of the Leaderboard tab (search, model types, benchmark, incomplete results, older "
        "revisions) apply here too; the section axes are the chosen benchmark's. A model has the same "
        "colour in every chart.",
        elem_classes="lb-note",
    )
    with gr.Row(equal_height=True):
        top_n = gr.Slider(3, 25, value=figures.DEFAULT_TOP_N, step=1, label="Top models", scale=1)
    bars = prepared.Plot(show_label=False, elem_id="chart-sections")
    picked = FollowingDropdown(
        # Only the picked models until the tab is selected, which renders every choice (a page load
        # would otherwise carry every model name of the benchmark).
        choices=models[:3], value=models[:3], multiselect=True, label="Models to compare", elem_id="chart-models"
    )
    radar = prepared.Plot(show_label=False, elem_id="chart-radar")
    with gr.Row(equal_height=True):
        axes = figures.scatter_axes(sections)
        # A benchmark switch changes the choices while events sent with the old axis are in flight:
        # `render` replaces an axis the benchmark does not have.
        x_axis = FollowingDropdown(
            choices=axes, value=figures.default_x(sections), label="X axis", scale=1, elem_id="chart-x"
        )
        y_axis = FollowingDropdown(choices=axes, value=t.SCORE, label="Y axis", scale=1, elem_id="chart-y")
    scatter = prepared.Plot(show_label=False, elem_id="chart-scatter")
    types = prepared.Plot(show_label=False, elem_id="chart-types")
    # Benchmarks whose spec has a matrix (RM-Bench's style matrix): the first picked model's heatmap.
    matrix = prepared.Plot(show_label=False, elem_id="chart-matrix", visible=_has_matrix(first))
    # Benchmarks whose spec has curves (PPE Correctness' best-of-K beside the oracle): the first picked model's.
    curves = prepared.Plot(show_label=False, elem_id="chart-curves", visible=_has_curves(first))

    def render(snap: Snapshot, search, selected, known, benchmark, incomplete, older, n, chosen, x, y) -> list:
        rows = filtered(snap.tables.rows, snap, search, selected, known, benchmark, incomplete, older)
        names = list(dict.fromkeys(rows[t.MODEL]))  # a model shown at two revisions is picked once
        chosen = [m for m in (chosen or []) if m in names]
        sections = t.charted_section_names(benchmark)
        axes = figures.scatter_axes(sections)
        x, y = _axis(axes, x, figures.default_x(sections)), _axis(axes, y, t.SCORE)
        colours = figures.colour_map(snap.tables.rows[t.MODEL])  # over every model: filters keep colours
        options = figures.ChartOptions(top_n=int(n), models=chosen, x=x, y=y, colours=colours, sections=sections)
        return [
            figures.draw("sections", rows, options),
            gr.Dropdown(choices=names, value=chosen),
            figures.draw("radar", rows, options),
            gr.Dropdown(choices=axes, value=x),
            gr.Dropdown(choices=axes, value=y),
            figures.draw("scatter", rows, options),
            figures.draw("types", rows, options),
            gr.Plot(figures.draw("matrix", rows, options), visible=_has_matrix(benchmark)),
            gr.Plot(figures.draw("curves", rows, options), visible=_has_curves(benchmark)),
        ]

    view = View(
        [*filters.components, top_n, picked, x_axis, y_axis],
        [bars, picked, radar, x_axis, y_axis, scatter, types, matrix, curves],
        render,
    )
    # The axes listen to `.input`: a benchmark switch sets them too, and must not render twice.
    rerender_on([*filters.events(), top_n.change, picked.input, x_axis.input, y_axis.input], cache, view)
    return [view]
