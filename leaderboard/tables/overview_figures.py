"""The Overview's charts (pure: frames in, plotly figures out): how the benchmarks agree (a heatmap of
Kendall's tau-b), the top models' profile across benchmarks, and a headline against parameters.

They are drawn through `figures.draw`'s guard (`draw` here): a chart that cannot be drawn says why
in words. A model has the colour it has in every chart (`figures.colour_map`).
"""

from __future__ import annotations

import logging
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import figures
from . import overview as ov
from . import table as t
from .figures import ChartUnavailable, label, message_figure

log = logging.getLogger(__name__)


def agreement_heatmap(agreement: ov.Agreement) -> go.Figure:
    """Benchmark x benchmark tau-b, each cell with its value and the number of models it is over."""
    if len(agreement.benchmarks) < 2:
        raise ChartUnavailable("The agreement needs results on at least two benchmarks.")
    names = [label(b) for b in agreement.benchmarks]
    text = [
        [("–" if np.isnan(v) else f"{v:.2f}") + f"<br>n={n}" for v, n in zip(line, counts, strict=True)]
        for line, counts in zip(agreement.tau, agreement.counts, strict=True)
    ]
    figure = go.Figure(
        go.Heatmap(
            z=np.where(np.isnan(agreement.tau), None, agreement.tau).tolist(),
            x=names,
            y=names,
            zmin=-1,
            zmax=1,
            colorscale="RdBu",
            text=text,
            texttemplate="%{text}",
            customdata=agreement.counts.tolist(),
            hovertemplate="%{y} vs %{x}: tau-b %{z:.3f} over %{customdata} models<extra></extra>",
        )
    )
    return figures._layout(
        figure, "How the benchmarks agree: Kendall's tau-b of their rankings", yaxis={"autorange": "reversed"}
    )


def profile(frame: pd.DataFrame, benchmarks: Sequence[str], top_n: int, colours: Mapping[str, str]) -> go.Figure:
    """The top models (by Rank score, as the table ranks them) across the benchmarks: one line a model."""
    top = frame[frame[ov.RANK_SCORE].notna()].head(max(1, top_n))
    if top.empty or not benchmarks:
        raise ChartUnavailable("No model has a result on the benchmarks shown.")
    figure = go.Figure()
    for _, row in top.iterrows():
        figure.add_scatter(
            name=label(row[t.MODEL]),
            x=[label(b) for b in benchmarks],
            y=[row[b] * 100 if pd.notna(row[b]) else None for b in benchmarks],
            mode="lines+markers",
            connectgaps=False,  # a benchmark the model lacks stays a gap, not a line through it
            line={"color": colours.get(row[t.MODEL])},
            marker={"size": 9},
            hovertemplate="%{x}: %{y:.1f}<extra>%{fullData.name}</extra>",
        )
    return figures._layout(
        figure, f"Profile of the top {len(top)} models across benchmarks", yaxis={"title": "headline (%)"}
    )


def against_parameters(frame: pd.DataFrame, y: str, colours: Mapping[str, str]) -> go.Figure:
    """A headline (a benchmark's, the Average or the Rank score) against parameters, log scale."""
    if y not in frame.columns:
        raise ChartUnavailable(f"Unknown measure {y!r}.")
    rows = frame[frame[y].notna() & frame[t.PARAMETERS].notna()]
    if rows.empty:
        raise ChartUnavailable(f"No model has both {y} and a parameter count.")
    # Models of one size and score are set side by side, as on the Charts tab.
    x, _shared = figures.spread_shared_points(rows[t.PARAMETERS].astype("float64") / 1e9, rows[y], log_x=True)
    figure = go.Figure()
    for model_type, group in rows.groupby(t.MODEL_TYPE, sort=True):
        figure.add_scatter(
            name=label(model_type),
            x=x[group.index],
            y=group[y] * 100,
            mode="markers",
            marker={"size": 11, "color": [colours.get(m) for m in group[t.MODEL]], "line": {"width": 1, "color": "white"}},
            text=[label(m) for m in group[t.MODEL]],
            hovertemplate="%{text}<br>%{x:.3g}B, %{y:.1f}<extra></extra>",
        )
    return figures._layout(
        figure,
        f"{label(y)} against parameters",
        xaxis={"title": "parameters (billions, log scale)", "type": "log"},
        yaxis={"title": f"{label(y)} (%)"},
        legend={"title": {"text": "model type<br>colour: model"}},
    )


def draw(build: Callable[..., go.Figure], *args) -> go.Figure:
    """`build(*args)`, or a figure saying why it cannot be drawn (a bug in one chart is logged)."""
    try:
        return build(*args)
    except ChartUnavailable as reason:
        return message_figure(str(reason))
    except Exception:
        log.exception("overview chart %s failed", build.__name__)
        return message_figure("This chart could not be drawn; the error was logged.")
