"""The Subsets tab: every subset as a column, one section or all, and a CSV of all."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import gradio as gr

from results.sections import REWARDBENCH_SECTIONS

from ..data import ResultsCache, Snapshot
from ..display import (
    subset_headers,
    subsets_export,
    subsets_view,
)
from ..export import write_csv
from ..settings import AppSettings
from .common import Filters, View, csv_button, dataframe_update, filtered, rerender_on, results_grid

ALL_SECTIONS = "All sections"


def section_subsets(section: str) -> Optional[list[str]]:
    for candidate in REWARDBENCH_SECTIONS:
        if candidate.name == section:
            return list(candidate.subset_weights)
    return None


def subsets_tab(
    cache: ResultsCache, settings: AppSettings, filters: Filters, export_dir: Path
) -> list[View]:
    gr.Markdown(
        "Accuracy on every subset, in percent. The model filters of the Leaderboard tab apply here too.",
        elem_classes="lb-note",
    )
    section = gr.Dropdown(
        choices=[ALL_SECTIONS, *(s.name for s in REWARDBENCH_SECTIONS)],
        value=ALL_SECTIONS,
        label="Section",
        elem_id="subsets-section",
    )
    grid = results_grid("subsets-table")
    download = csv_button("Download all subsets (CSV)", "subsets-download")

    def render(snap: Snapshot, search, selected, known, benchmark, show_incomplete, chosen_section) -> list:
        frame = filtered(snap.tables.subsets, snap, search, selected, known, benchmark, show_incomplete)
        headers = subset_headers(snap.tables.subsets, section_subsets(chosen_section))
        csv = write_csv(subsets_export(snap.tables.subsets), export_dir, "subsets")
        return [dataframe_update(subsets_view(frame, headers, settings.model_link_base)), str(csv)]

    view = View([*filters.components, section], [grid, download], render)
    rerender_on([*filters.events(), section.change], cache, view)
    return [view]
