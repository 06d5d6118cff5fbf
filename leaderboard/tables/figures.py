"""Leaderboard rows -> plotly figures (pure).

Each chart is one builder in `FIGURES`. `draw` is the only way the page gets a figure: when a chart
cannot be drawn (no data, nothing picked, or a bug) it returns a figure that says so in words, so
one chart can never break the page.

A model has one colour in every chart (`colour_map`, from a hash of its name, over every model of
the leaderboard), so it can be followed from the bars to the radar to the scatter, and keeps it when
the filters change.

The section axes are the chosen benchmark's own (`ChartOptions.sections`, from its section table):
RewardBench's five sections, or RewardBench 2's six subsets.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import logging
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Mapping, Optional, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from plotly.colors import qualitative

from results.benchmarks.aggregation import Matrix

from . import table as t

log = logging.getLogger(__name__)

PARAMETERS_AXIS = "Parameters"


def scatter_axes(sections: Sequence[str]) -> list[str]:
    """The scatter's axis choices for a benchmark with these sections."""
    return [t.SCORE, *sections, PARAMETERS_AXIS]


def default_x(sections: Sequence[str]) -> str:
    """The scatter's first X axis: the benchmark's first section (the score when it has none)."""
    return sections[0] if sections else PARAMETERS_AXIS


DEFAULT_TOP_N = 10
TEMPLATE = "plotly_white"
HEIGHT = 440
# Plotly's ten, then darker ones unlike any of them: models that end up side by side stay apart.
PALETTE: tuple[str, ...] = (
    *qualitative.Plotly,
    *("#1CA71C", "#DA16FF", "#222A2A", "#B68100", "#750D86", "#00A08B"),
    *("#862A16", "#6C7C32", "#778AAE", "#620042", "#0D2A63", "#2E91E5"),
)
TYPE_SYMBOLS: tuple[str, ...] = ("circle", "square", "diamond", "triangle-up", "cross", "star", "hexagon")


class ChartUnavailable(Exception):
    """The chart cannot be drawn from this data; the message tells the reader why."""


@dataclass(frozen=True)
class ChartOptions:
    top_n: int = DEFAULT_TOP_N
    models: Sequence[str] = ()
    x: str = ""  # empty: the benchmark's first column
    y: str = t.SCORE
    colours: Mapping[str, str] = field(default_factory=dict)  # model -> colour; `colour_map` of all models
    sections: Sequence[str] = ()  # the benchmark's column axes; empty: those of the rows' benchmark

    def resolved(self, rows: pd.DataFrame) -> "ChartOptions":
        """These options with the axes of the rows' benchmark filled in where none were given."""
        sections = self.sections
        if not sections and not rows.empty:
            sections = tuple(t.charted_section_names(rows[t.BENCHMARK].iloc[0]))
        return replace(self, sections=sections, x=self.x or default_x(sections))


@dataclass(frozen=True)
class FigureSpec:
    title: str
    build: Callable[[pd.DataFrame, ChartOptions], go.Figure]


def label(text: object) -> str:
    """Text for plotly, which renders a few HTML tags in labels: names from files are escaped."""
    return html.escape(str(text), quote=True)


def _slot(model: str) -> int:
    # sha256, not hash(): Python salts str hashes per process, and a colour must survive restarts.
    return int.from_bytes(hashlib.sha256(model.encode("utf-8")).digest()[:8], "big") % len(PALETTE)


def colour_map(models: Iterable[str]) -> dict[str, str]:
    """Model -> colour. Each model takes the palette slot its name hashes to, or the next free one
    (models in name order), so no two models share a colour until the palette is used up."""
    taken: set[int] = set()
    colours = {}
    for model in sorted(set(models)):
        slot = _slot(model)
        while slot in taken and len(taken) < len(PALETTE):
            slot = (slot + 1) % len(PALETTE)
        taken.add(slot)
        colours[model] = PALETTE[slot]
    return colours


def _colours(rows: pd.DataFrame, options: ChartOptions) -> dict[str, str]:
    """The page's colours (over every model), else those of the models drawn."""
    return {**colour_map(rows[t.MODEL]), **options.colours}


def message_figure(message: str) -> go.Figure:
    figure = go.Figure()
    figure.add_annotation(
        text=label(message), showarrow=False, font={"size": 16}, x=0.5, y=0.5, xref="paper", yref="paper"
    )
    figure.update_layout(template=TEMPLATE, height=240, xaxis={"visible": False}, yaxis={"visible": False})
    return figure


def _layout(figure: go.Figure, title: str, **extra) -> go.Figure:
    layout = {
        "template": TEMPLATE,
        "height": HEIGHT,
        "title": {"text": title, "x": 0.01},
        "margin": {"l": 50, "r": 20, "t": 60, "b": 50},
        "legend": {"font": {"size": 11}},
    }
    figure.update_layout(**{**layout, **extra})
    return figure


def _sections_present(rows: pd.DataFrame, options: ChartOptions) -> list[str]:
    sections = [name for name in options.sections if name in rows.columns and rows[name].notna().any()]
    if not sections:
        raise ChartUnavailable("This benchmark has no section scores to chart.")
    return sections


def _scored(rows: pd.DataFrame) -> pd.DataFrame:
    scored = rows[rows[t.SCORE].notna()]
    if scored.empty:
        raise ChartUnavailable("No scored models to show yet.")
    return scored


def section_bars(rows: pd.DataFrame, options: ChartOptions) -> go.Figure:
    top = _scored(rows).head(max(1, options.top_n))
    sections = _sections_present(top, options)
    colours = _colours(rows, options)
    figure = go.Figure()
    for _, row in top.iterrows():
        figure.add_bar(
            name=label(row[t.MODEL]),
            x=sections,
            y=[row[s] * 100 for s in sections],
            marker_color=colours[row[t.MODEL]],
            hovertemplate="%{x}: %{y:.1f}<extra>%{fullData.name}</extra>",
        )
    return _layout(
        figure,
        f"Section scores of the top {len(top)} models",
        barmode="group",
        yaxis={"title": "accuracy (%)", "range": [0, 100]},
    )


def radar(rows: pd.DataFrame, options: ChartOptions) -> go.Figure:
    if not options.models:
        raise ChartUnavailable("Pick one or more models to compare.")
    picked = rows[rows[t.MODEL].isin(list(options.models))]
    if picked.empty:
        raise ChartUnavailable("None of the picked models is in the current table.")
    sections = _sections_present(picked, options)
    colours = _colours(rows, options)
    figure = go.Figure()
    for _, row in picked.iterrows():
        values = [row[s] * 100 for s in sections]
        figure.add_scatterpolar(
            name=label(row[t.MODEL]),
            r=values + values[:1],
            theta=sections + sections[:1],
            fill="toself",
            opacity=0.55,
            line_color=colours[row[t.MODEL]],
            fillcolor=colours[row[t.MODEL]],
        )
    return _layout(figure, "Models compared by section", polar={"radialaxis": {"range": [0, 100]}})


def _axis_values(rows: pd.DataFrame, axis: str, options: ChartOptions) -> pd.Series:
    if axis == PARAMETERS_AXIS:
        return rows[t.PARAMETERS].astype("float64") / 1e9
    axes = scatter_axes(options.sections)
    if axis not in axes:
        raise ChartUnavailable(f"Unknown axis {axis!r}: choose one of {', '.join(axes)}.")
    return rows[axis] * 100


def _axis_title(axis: str) -> str:
    return "parameters (billions, log scale)" if axis == PARAMETERS_AXIS else f"{axis} (%)"


def spread_shared_points(x: pd.Series, y: pd.Series, log_x: bool = False) -> tuple[pd.Series, pd.Series]:
    """`x` with the points that share a position (two models with the same scores) set side by side,
    and a Series that is True for those points (they are labelled: one marker would hide the other).
    The step is 1% of the x range (of its decades on a log axis), so neighbours never swap places."""
    shown = x.astype("float64").copy()
    keys = pd.Series(list(zip(x.round(6), y.round(6))), index=x.index)
    shared = keys.duplicated(keep=False) & x.notna() & y.notna()
    values = np.log10(x[x > 0]) if log_x else x
    width = float(values.max() - values.min()) if len(values.dropna()) else 0.0
    step = 0.01 * (width or 1.0)
    for _, group in keys[shared].groupby(keys[shared]):
        for i, index in enumerate(group.index):
            offset = (i - (len(group) - 1) / 2) * step
            shown[index] = x[index] * 10**offset if log_x else x[index] + offset
    return shown, shared


def scatter(rows: pd.DataFrame, options: ChartOptions) -> go.Figure:
    x, y = _axis_values(rows, options.x, options), _axis_values(rows, options.y, options)
    both = x.notna() & y.notna()
    if not both.any():
        raise ChartUnavailable(f"No model has both {options.x} and {options.y}.")
    x, shared = spread_shared_points(x.where(both), y.where(both), options.x == PARAMETERS_AXIS)
    figure = go.Figure()
    # Colour is the model (as in the other charts); the marker's shape is its type (the legend says both).
    groups = rows[both].groupby(t.MODEL_TYPE, sort=True)
    colours = _colours(rows, options)
    for symbol, (model_type, group) in zip(itertools.cycle(TYPE_SYMBOLS), groups):
        figure.add_scatter(
            name=label(model_type),
            x=x[group.index],
            y=y[group.index],
            mode="markers+text",
            # Only points that share a position are named beside the marker: the others have hover.
            texttemplate=[label(m) if shared[i] else "" for i, m in group[t.MODEL].items()],
            textposition="top center",
            textfont={"size": 10},
            marker={
                "size": 11,
                "opacity": 0.85,
                "symbol": symbol,
                "color": [colours[m] for m in group[t.MODEL]],
                "line": {"width": 1, "color": "white"},
            },
            text=[label(m) for m in group[t.MODEL]],
            hovertemplate="%{text}<br>%{x:.3g}, %{y:.1f}<extra></extra>",
        )
    log_x = {"type": "log"} if options.x == PARAMETERS_AXIS else {}
    log_y = {"type": "log"} if options.y == PARAMETERS_AXIS else {}
    return _layout(
        figure,
        f"{options.y} against {options.x}",
        xaxis={"title": _axis_title(options.x), **log_x},
        yaxis={"title": _axis_title(options.y), **log_y},
        legend={"title": {"text": "shape: model type<br>colour: model"}, "font": {"size": 11}},
    )



def type_distribution(rows: pd.DataFrame, options: ChartOptions) -> go.Figure:
    scored = _scored(rows)
    figure = go.Figure()
    for model_type, group in scored.groupby(t.MODEL_TYPE, sort=True):
        figure.add_box(
            name=label(model_type),
            y=group[t.SCORE] * 100,
            boxpoints="all",
            jitter=0.4,
            pointpos=0,
            text=[label(m) for m in group[t.MODEL]],
            hovertemplate="%{text}: %{y:.1f}<extra></extra>",
        )
    return _layout(figure, "Score by model type", showlegend=False, yaxis={"title": "score (%)"})


def _first_picked_with(rows: pd.DataFrame, options: ChartOptions, column: str, what: str) -> pd.Series:
    """The row of the first picked model that has `column` (else the first row that has it)."""
    having = rows[rows[column].notna()] if column in rows.columns else rows.iloc[0:0]
    if having.empty:
        raise ChartUnavailable(f"This benchmark has no {what} to show.")
    picked = having[having[t.MODEL].isin(list(options.models))]
    return (picked if not picked.empty else having).iloc[0]


def matrix_heatmap(matrix: Matrix, title: str) -> go.Figure:
    """A benchmark's matrix (e.g. RM-Bench's chosen style against rejected style) as a heatmap with each
    cell's percentage written in it: the Charts tab draws a result's, the Examples tab too."""
    values = [[v * 100 for v in line] for line in matrix.values]
    figure = go.Figure(
        go.Heatmap(
            z=values,
            x=list(matrix.columns),
            y=list(matrix.rows),
            zmin=0,
            zmax=100,
            colorscale="Blues",
            text=[[f"{v:.1f}" for v in line] for line in values],
            texttemplate="%{text}",
            hovertemplate="%{y} vs %{x}: %{z:.1f}%<extra></extra>",
        )
    )
    return _layout(figure, title, yaxis={"autorange": "reversed"})


def style_matrix(rows: pd.DataFrame, options: ChartOptions) -> go.Figure:
    """The first picked model's matrix (the first row's when none is picked)."""
    row = _first_picked_with(rows, options, t.MATRIX, "matrix")
    return matrix_heatmap(row[t.MATRIX], f"{label(row[t.MODEL])}: {row[t.MATRIX].title}")


def result_curves(rows: pd.DataFrame, options: ChartOptions) -> go.Figure:
    """The first picked model's curves (the benchmark's, e.g. the best-of-K curve beside the oracle's),
    one panel per group side by side on a shared y axis; reference curves dashed and grey."""
    row = _first_picked_with(rows, options, t.CURVES, "curves")
    curves = row[t.CURVES]
    figure = make_subplots(rows=1, cols=len(curves.panels), subplot_titles=[title for title, _ in curves.panels], shared_yaxes=True)
    colour = options.colours.get(row[t.MODEL], PALETTE[0])
    for column, (title, lines) in enumerate(curves.panels, start=1):
        for line in lines:
            figure.add_trace(
                go.Scatter(
                    x=list(range(1, len(line.values) + 1)),
                    y=[v * 100 for v in line.values],
                    mode="lines",
                    name=line.name,
                    legendgroup=line.name,
                    showlegend=column == 1,
                    line={"color": "#888888" if line.reference else colour, "dash": "dash" if line.reference else "solid"},
                    hovertemplate=f"{html.escape(title)}, {line.name}: K=%{{x}}, %{{y:.1f}}%<extra></extra>",
                ),
                row=1,
                col=column,
            )
        figure.update_xaxes(title_text=curves.x_label, row=1, col=column)
    figure.update_yaxes(title_text=curves.y_label, range=[-2, 102], row=1, col=1)
    return _layout(figure, f"{label(row[t.MODEL])}: {curves.title}")


FIGURES: dict[str, FigureSpec] = {
    "sections": FigureSpec("Top models by section", section_bars),
    "radar": FigureSpec("Compare models", radar),
    "scatter": FigureSpec("Two axes", scatter),
    "types": FigureSpec("Score by model type", type_distribution),
    "matrix": FigureSpec("Style matrix", style_matrix),
    "curves": FigureSpec("Curves", result_curves),
}


def draw(key: str, rows: pd.DataFrame, options: Optional[ChartOptions] = None) -> go.Figure:
    """The figure `key` for `rows`, or a figure with a message saying why it cannot be drawn."""
    spec = FIGURES.get(key)
    if spec is None:
        return message_figure(f"There is no chart called {key!r}.")
    try:
        return spec.build(rows, (options or ChartOptions()).resolved(rows))
    except ChartUnavailable as reason:
        return message_figure(str(reason))
    except Exception:  # a bug in one chart must not take the page down with it
        log.exception("chart %s failed", key)
        return message_figure(f"The chart “{spec.title}” could not be drawn; the error was logged.")
