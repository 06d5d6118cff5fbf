"""The About tab: how scores are computed, for the benchmark chosen on the Leaderboard tab."""

from __future__ import annotations

import gradio as gr

from ..about import about_markdown
from ..data import ResultsCache
from ..endpoints import api_markdown
from .common import Filters, View, rerender_on


def about_tab(cache: ResultsCache, filters: Filters) -> list[View]:
    text = gr.Markdown(about_markdown(filters.benchmark.value), elem_id="about-text")
    view = View([filters.benchmark], [text], lambda _snap, benchmark: [about_markdown(benchmark)])
    rerender_on([filters.switched], cache, view)
    gr.Markdown(api_markdown(), elem_id="about-api")
    return [view]
