"""The title line, the data summary and the Refresh button above the tabs."""

from __future__ import annotations

import html
from typing import Sequence

import gradio as gr

from results.benchmarks import get_spec

from ..tables import provenance as prov
from ..tables import table as t
from ..data import ResultsCache, Snapshot
from ..tables.display import hide_paths
from .common import View

APP_TITLE = "Reward Model Leaderboard"


def stats_markdown(snapshot: Snapshot) -> str:
    rows = snapshot.tables.rows
    parts = [f"**{len(rows)}** results"]
    imported = int((rows[t.PROVENANCE] == prov.IMPORTED).sum())
    if imported:  # where the numbers come from, at a glance
        parts[0] += f" ({len(rows) - imported} verified here, {imported} imported)"
    if snapshot.loaded_at:
        parts.append(f"data read {snapshot.loaded_at:%Y-%m-%d %H:%M} UTC")
    if snapshot.tables.skipped:
        parts.append(f"{len(snapshot.tables.skipped)} unreadable result file(s) left out")
    line = " · ".join(parts)
    if snapshot.error:
        line += (
            f"  \n⚠️ The latest refresh failed ({html.escape(hide_paths(snapshot.error))}); showing the data read before."
        )
    return line


def build_header(cache: ResultsCache, benchmarks: Sequence[str]) -> tuple[View, gr.Button]:
    titles = " and ".join(get_spec(name).title for name in benchmarks)
    gr.Markdown(
        f"# {APP_TITLE}\nHow well do reward models tell the better answer from the worse one? "
        f"Scores on {titles} (pick one above the table), in percent; higher is better.",
        elem_id="lb-title",
    )
    with gr.Row(equal_height=True):
        stats = gr.Markdown(stats_markdown(cache.snapshot), elem_id="lb-stats")
        refresh = gr.Button(
            "↻ Refresh data", scale=0, min_width=150, size="sm", variant="secondary", elem_id="lb-refresh"
        )
    return View([], [stats], lambda snapshot: [stats_markdown(snapshot)]), refresh
