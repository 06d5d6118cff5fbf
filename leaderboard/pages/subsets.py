"""The Subsets tab: every subset of the chosen benchmark as a column, one section or all, and a CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import gradio as gr

from ..tables import table as t
from ..data import ResultsCache, Snapshot
from ..tables.display import (
    subset_headers,
    subsets_export,
    subsets_view,
)
from ..tables.export import write_csv
from ..app_settings import AppSettings
from .following import following
from .common import Filters, View, csv_button, dataframe_update, filtered, rerender_on, results_grid

ALL_SECTIONS = "All sections"


def section_choices(benchmark: Optional[str]) -> list[str]:
    return [ALL_SECTIONS, *t.section_names(benchmark)]


def section_subsets(benchmark: Optional[str], section: str) -> Optional[list[str]]:
    """The subsets of one column of `benchmark`; None (every subset) for all sections."""
    if not benchmark or section not in t.section_names(benchmark):
        return None
    return list(t.spec_of_label(benchmark).column_subsets(section))


def subsets_tab(
    cache: ResultsCache, settings: AppSettings, filters: Filters, export_dir: Path
) -> list[View]:
    gr.Markdown(
        "Accuracy on every subset of the chosen benchmark, in percent. The model filters of the "
        "Leaderboard tab apply here too.",
        elem_classes="lb-note",
    )
    # As the Charts axes: `render` replaces a section of another benchmark.
    section = following(
        gr.Dropdown(
            choices=section_choices(filters.benchmark.value), value=ALL_SECTIONS, label="Section", elem_id="subsets-section"
        )
    )
    grid = results_grid("subsets-table")
    download = csv_button("Download every subset of these rows (CSV)", "subsets-download")

    def render(snap: Snapshot, search, selected, known, benchmark, incomplete, older, chosen_section) -> list:
        frame = filtered(snap.tables.subsets, snap, search, selected, known, benchmark, incomplete, older)
        # The benchmark's subsets are those its results have, whatever the search leaves.
        of_benchmark = t.filter_rows(snap.tables.subsets, benchmark=benchmark, show_incomplete=True, show_older=True)
        choices = section_choices(benchmark)
        chosen_section = chosen_section if chosen_section in choices else ALL_SECTIONS
        every = subset_headers(of_benchmark)
        headers = subset_headers(of_benchmark, section_subsets(benchmark, chosen_section))
        csv = write_csv(subsets_export(frame, every), export_dir, f"subsets-{benchmark}")
        return [
            gr.Dropdown(choices=choices, value=chosen_section),
            dataframe_update(subsets_view(frame, headers, settings.model_link_base)),
            str(csv),
        ]

    view = View([*filters.components, section], [section, grid, download], render)
    rerender_on([*filters.events(), section.input], cache, view)
    return [view]
