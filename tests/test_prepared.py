"""Tables and charts converted once per shared render (leaderboard/pages/prepared.py): the JSON a
prepared value carries is exactly what Gradio would have sent, and a served page receives it."""

from __future__ import annotations

import json

import gradio as gr
import httpx
import orjson
import plotly.graph_objects as go

from fakes.page_protocol import Page
from leaderboard.app_settings import AppSettings
from leaderboard.data import ResultsCache
from leaderboard.pages import prepared
from leaderboard.tables.display import chosen_columns, default_headers, leaderboard_view
from leaderboard.tables.table import BENCHMARK
from tests.browser_fixtures import serving_store
from tests.leaderboard_fixtures import fixture_store


def as_sent(value) -> object:
    """A value as the page receives it: JSON, tuples as lists, numbers as JSON writes them."""
    return json.loads(orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY))


def a_table(tmp_path):
    cache = ResultsCache(fixture_store(tmp_path))
    rows = cache.refresh().tables.rows
    rows = rows[rows[BENCHMARK] == "rewardbench"].reset_index(drop=True)
    return leaderboard_view(rows, chosen_columns(default_headers(), "rewardbench"), "https://huggingface.co/")


def test_a_prepared_table_carries_what_gradio_sends_for_its_styler(tmp_path):
    shown = a_table(tmp_path)
    assert len(shown.styler.data) > 1
    expected = as_sent(gr.Dataframe(interactive=False, render=False).postprocess(shown.styler).model_dump())
    table = prepared.Dataframe(interactive=False, render=False)
    value = prepared.converted(table, shown.styler)
    assert isinstance(value, orjson.Fragment) and prepared.loaded(value) == expected
    assert table.postprocess(value) is value  # sent as it is, converted no more
    assert prepared.converted(table, value) is value and prepared.converted(table, None) is None


def test_a_prepared_chart_carries_what_gradio_sends_for_its_figure():
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    expected = as_sent(gr.Plot(render=False).postprocess(figure).model_dump())
    assert prepared.loaded(prepared.converted(prepared.Plot(render=False), figure)) == expected


def test_updates_keep_their_other_properties_and_other_components_are_left_alone():
    chart = prepared.Plot(render=False)
    figure = go.Figure(go.Bar(x=["a"], y=[1]))
    shown = prepared.prepared_output(chart, gr.Plot(figure, visible=True))
    assert shown["__type__"] == "update" and shown["visible"] is True
    assert isinstance(shown["value"], orjson.Fragment)
    hidden = gr.Plot(visible=False)
    assert prepared.prepared_output(chart, hidden) is hidden  # no value: nothing to convert
    as_dict = prepared.prepared_output(chart, {"__type__": "update", "value": figure, "label": "x"})
    assert as_dict["label"] == "x" and isinstance(as_dict["value"], orjson.Fragment)
    text = gr.Markdown(render=False)
    assert prepared.prepared_output(text, "**bold**") == "**bold**"
    assert prepared.prepare_outputs([text, chart], ["a", None]) == ["a", None]


def test_a_served_page_receives_the_table_as_json(tmp_path):
    """Gradio writes a prepared value's bytes into its message as they are: the page gets the
    table itself (headers, cells, display values), not a string or a repr of it."""
    store = fixture_store(tmp_path / "store")
    settings = AppSettings(store="local", store_root=store.root, benchmarks=("rewardbench",))
    with serving_store(store, settings, tmp_path / "exports") as (url, _cache):
        with httpx.Client(timeout=60) as http:
            page = Page(http, url.rstrip("/"))
            page.load()
            page.select_tab("Leaderboard")
            received = page.values[page.by_elem_id("lb-table")]
    assert received["headers"][:3] == ["Model", "Model Type", "Score"]
    assert received["data"] and all(len(row) == len(received["headers"]) for row in received["data"])
    assert received["data"][0][0].startswith("<a href=") and isinstance(received["data"][0][2], float)
    assert len(received["metadata"]["display_value"]) == len(received["data"])
