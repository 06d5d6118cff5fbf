"""The Subsets tab: every subset of the chosen benchmark as a column, one section or all, and a CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import gradio as gr

from ..tables import table as t
from ..data import ResultsCache, Snapshot
from ..tables.display import (
    escape_markdown,
    subset_headers,
    subsets_export,
    subsets_view,
)
from ..tables.export import write_csv
from ..app_settings import AppSettings
from .following import FollowingRadio
from .common import Filters, View, csv_button, dataframe_update, filtered, rerender_on, results_grid, shown_benchmark

ALL_SECTIONS = "All sections"


def section_choices(benchmark: Optional[str]) -> list[str]:
    return [ALL_SECTIONS, *t.section_names(benchmark)]


def section_subsets(benchmark: Optional[str], section: str, present: Sequence[str]) -> Optional[list[str]]:
    """The subsets of `present` that count in one column of `benchmark` (its shape says, so subsets
    named by the data count too: RMB's scenarios); None (every subset) for all sections."""
    if not benchmark or section not in t.section_names(benchmark):
        return None
    metrics = t.spec_of_label(benchmark).metrics
    return [s for s in present if metrics.in_column(section, s)]


def benchmark_heading(benchmark: Optional[str]) -> str:
    """Which benchmark the tab shows: it has no choice of its own, the Leaderboard tab's applies."""
    if not benchmark:
        return ""
    title = t.spec_of_label(benchmark).title
    return f"#### Subsets of {escape_markdown(title)}: {escape_markdown(benchmark)}"


def subsets_tab(
    cache: ResultsCache, settings: AppSettings, filters: Filters, export_dir: Path
) -> list[View]:
    shown = gr.Markdown(elem_id="subsets-benchmark")
    gr.Markdown(
        "Accuracy on every subset of the benchmark chosen on the Leaderboard tab, in percent. Its model "
        "filters apply here too.",
        elem_classes="lb-note",
    )
    # Radio buttons, not a dropdown: Gradio 6.31's dropdown, once its choices were replaced (a switch
    # to RewardBench v1 from the page's first benchmark), fired again with "All sections" after each
    # pick, so a section snapped back. The choices follow the benchmark (`render_choice`).
    section = FollowingRadio(
        choices=section_choices(filters.benchmark.value), value=ALL_SECTIONS, label="Section", elem_id="subsets-section"
    )
    grid = results_grid("subsets-table")
    download = csv_button("Download every subset of these rows (CSV)", "subsets-download")

    def render(snap: Snapshot, search, selected, known, benchmark, incomplete, older, chosen_section) -> list:
        benchmark = shown_benchmark(snap, settings, benchmark)
        frame = filtered(snap.tables.subsets, snap, search, selected, known, benchmark, incomplete, older)
        # The benchmark's subsets are those its results have, whatever the search leaves.
        of_benchmark = t.filter_rows(snap.tables.subsets, benchmark=benchmark, show_incomplete=True, show_older=True)
        every = subset_headers(of_benchmark)
        headers = subset_headers(of_benchmark, section_subsets(benchmark, chosen_section, every))
        csv = write_csv(subsets_export(frame, every), export_dir, f"{benchmark}-subsets")
        return [
            benchmark_heading(benchmark),
            dataframe_update(subsets_view(frame, headers, settings.model_link_base)),
            str(csv),
        ]

    def render_choice(_snap: Snapshot, benchmark, chosen_section) -> list:
        choices = section_choices(benchmark)
        return [gr.Radio(choices=choices, value=chosen_section if chosen_section in choices else ALL_SECTIONS)]

    # The section is no output of its own choice: a reader's pick is never written back over.
    view = View([*filters.components, section], [shown, grid, download], render)
    choice_view = View([filters.benchmark, section], [section], render_choice)
    rerender_on([*filters.events(), section.input], cache, view)
    rerender_on([filters.switched], cache, choice_view)
    return [choice_view, view]
