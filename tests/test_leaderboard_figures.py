"""Charts: each builder draws from the rows it is given; a chart that cannot be drawn says why."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from leaderboard.tables import figures as f
from leaderboard.tables import table as t
from tests.leaderboard_fixtures import EXPECTED_ORDER, XSS_NAME, fixture_store


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> pd.DataFrame:
    """The default view: RewardBench's own data, complete results only."""
    tables = t.build_tables(fixture_store(tmp_path_factory.mktemp("store")).iter_result_files())
    return t.filter_rows(tables.rows, benchmark="rewardbench")


def message_of(figure: go.Figure) -> str:
    return figure.layout.annotations[0].text if figure.layout.annotations else ""


def test_section_bars_show_the_top_models_per_section(rows):
    figure = f.draw("sections", rows, f.ChartOptions(top_n=3))
    assert [trace.name for trace in figure.data] == list(EXPECTED_ORDER[:3])
    top = figure.data[0]
    assert list(top.x) == t.section_names("rewardbench")
    assert top.y[0] == pytest.approx(rows.loc[0, "Chat"] * 100)


def test_radar_compares_picked_models_and_asks_when_none_is_picked(rows):
    picked = f.draw("radar", rows, f.ChartOptions(models=["tulu/dpo-8b", "acme/rm-small"]))
    assert sorted(trace.name for trace in picked.data) == ["acme/rm-small", "tulu/dpo-8b"]
    assert picked.data[0].theta[0] == picked.data[0].theta[-1]  # the outline is closed
    assert "Pick one or more models" in message_of(f.draw("radar", rows, f.ChartOptions(models=[])))


def test_scatter_of_parameters_uses_a_log_axis_and_only_models_with_both_values(rows):
    figure = f.draw("scatter", rows, f.ChartOptions(x=f.PARAMETERS_AXIS, y=t.SCORE))
    assert figure.layout.xaxis.type == "log"
    assert sum(len(trace.x) for trace in figure.data) == int(rows[t.PARAMETERS].notna().sum())
    assert sorted(x for trace in figure.data for x in trace.x) == [1.5, 8.0, 70.0]


def test_two_models_at_one_point_are_both_seen_and_the_legend_says_what_shape_and_colour_mean(rows):
    """Issue 24: two models with the same scores were one marker; shape and colour were unexplained."""
    twin = rows.iloc[[0]].assign(**{t.MODEL: "twin/of-the-best"})
    figure = f.draw("scatter", pd.concat([rows, twin], ignore_index=True), f.ChartOptions(x="Chat", y=t.SCORE))
    points = [(x, y, name) for trace in figure.data for x, y, name in zip(trace.x, trace.y, trace.texttemplate)]
    best = [p for p in points if p[2]]  # only the two that share a point are named beside their markers
    assert sorted(p[2] for p in best) == sorted([f.label(rows.iloc[0][t.MODEL]), "twin/of-the-best"])
    assert best[0][1] == best[1][1] and best[0][0] != best[1][0]  # same score, set side by side
    assert abs(best[0][0] - best[1][0]) < 1.0  # by a step, not a distance that reads as a difference
    title = figure.layout.legend.title.text
    assert "shape: model type" in title and "colour: model" in title


def test_type_distribution_has_one_box_per_model_type(rows):
    figure = f.draw("types", rows)
    assert sorted(trace.name for trace in figure.data) == sorted(f.label(x) for x in set(rows[t.MODEL_TYPE]))
    assert "&lt;img src=y onerror=alert(2)&gt;" in {trace.name for trace in figure.data}  # escaped, not raw


def test_model_names_are_escaped_in_chart_labels(rows):
    figure = f.draw("sections", rows, f.ChartOptions(top_n=10))
    names = [trace.name for trace in figure.data]
    assert XSS_NAME not in names and "&lt;img src=x onerror=alert(1)&gt;" in names


def test_empty_data_and_unknown_charts_give_a_message_not_an_error(rows):
    empty = rows.iloc[0:0]
    for key in f.FIGURES:
        assert message_of(f.draw(key, empty, f.ChartOptions(models=["x"]))), key
    assert "no chart called" in message_of(f.draw("nope", rows))
    assert "Unknown axis" in message_of(f.draw("scatter", rows, f.ChartOptions(x="Bogus")))


def test_a_failing_builder_is_logged_and_shown_as_a_message(rows, monkeypatch, caplog):
    def broken(frame, options):
        raise RuntimeError("boom")

    monkeypatch.setitem(f.FIGURES, "broken", f.FigureSpec("Broken chart", broken))
    with caplog.at_level(logging.ERROR, logger="leaderboard.tables.figures"):
        figure = f.draw("broken", rows)
    assert "could not be drawn" in message_of(figure)
    assert "boom" in caplog.text


def colours_by_model(figure: go.Figure) -> dict[str, str]:
    """Model name -> colour of its bars, radar outline or scatter point."""
    found: dict[str, str] = {}
    for trace in figure.data:
        if trace.type == "bar":
            found[trace.name] = trace.marker.color
        elif trace.type == "scatterpolar":
            found[trace.name] = trace.line.color
        else:
            found.update(zip(trace.text, trace.marker.color))
    return found


def test_a_model_keeps_one_colour_in_bars_radar_and_scatter(rows):
    names = list(rows[t.MODEL])
    bars = colours_by_model(f.draw("sections", rows, f.ChartOptions(top_n=10)))
    radar = colours_by_model(f.draw("radar", rows, f.ChartOptions(models=names)))
    scatter = colours_by_model(f.draw("scatter", rows, f.ChartOptions(x="Chat", y=t.SCORE)))
    assert set(bars) == set(radar) == set(scatter) == {f.label(m) for m in names}
    assert bars == radar == scatter
    assert len(set(bars.values())) == len(names)  # and no two models share one


def test_with_the_pages_colour_map_a_model_keeps_its_colour_whatever_else_is_shown(rows):
    colours = f.colour_map(rows[t.MODEL])
    for model in rows[t.MODEL]:
        alone = rows[rows[t.MODEL] == model]
        for key, options in (
            ("sections", f.ChartOptions(colours=colours)),
            ("radar", f.ChartOptions(models=[model], colours=colours)),
            ("scatter", f.ChartOptions(x="Chat", colours=colours)),
        ):
            assert colours_by_model(f.draw(key, alone, options)) == {f.label(model): colours[model]}, key


def test_the_colour_map_gives_distinct_colours_until_the_palette_is_used_up():
    models = [f"org/model-{i}" for i in range(len(f.PALETTE) + 5)]
    first = f.colour_map(models[: len(f.PALETTE)])
    assert len(set(first.values())) == len(f.PALETTE)
    assert f.colour_map(reversed(models[: len(f.PALETTE)])) == first  # the order given does not matter
    assert set(f.colour_map(models).values()) <= set(f.PALETTE)


def test_colours_are_the_same_in_every_process():
    # Python salts str hashes per process: a colour from hash() would change on each restart.
    probe = "from leaderboard.tables.figures import colour_map; print(colour_map(['acme/a', 'acme/b', 'x/y']))"
    seen = {
        subprocess.run(
            [sys.executable, "-c", probe],
            cwd=Path(__file__).resolve().parent.parent,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert seen == {str(f.colour_map(["acme/a", "acme/b", "x/y"]))}
