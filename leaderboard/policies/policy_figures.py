"""The Policies tab's charts (pure): a heatmap of policies x reward models, the per-prompt reward
differences of one policy under each reward model, and win rate against completion length.

As in figures.py: `draw` is the only way the page gets a figure, and a chart that cannot be drawn
says why in words; a reward model keeps its colour (`colour_map` over every reward model shown).
Names in labels come from files anyone can write, so they go through `figures.label` (escaped).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional, Sequence

import pandas as pd
import plotly.graph_objects as go

from . import policies as p
from ..tables.figures import ChartUnavailable, _layout, colour_map, label, message_figure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PolicyChartData:
    long: pd.DataFrame
    models: Sequence[str]  # reward models, in leaderboard order
    policies: Sequence[str]  # policies, best first
    metric: str = p.DEFAULT_METRIC
    # The picked policy's per-prompt reward differences by reward model, and prompts without rewards.
    differences: Mapping[str, Sequence[float]] = field(default_factory=dict)
    no_rewards: Mapping[str, int] = field(default_factory=dict)
    picked: Optional[str] = None


@dataclass(frozen=True)
class PolicyFigure:
    title: str
    build: Callable[[PolicyChartData], go.Figure]


def _judged(data: PolicyChartData) -> None:
    if data.long.empty:
        raise ChartUnavailable("No policy has been evaluated yet.")


def heatmap(data: PolicyChartData) -> go.Figure:
    _judged(data)
    metric = p.METRICS[data.metric]
    values = p.wide_frame(data.long, metric.value, data.models, data.policies)
    if values.isna().all().all():
        raise ChartUnavailable(f"No policy has a {metric.label.lower()} yet (generative judges give none).")
    cells = p.cell_frame(data.long, data.metric, data.models, data.policies)
    figure = go.Figure(
        go.Heatmap(
            z=(values * 100).values,
            x=[label(m) for m in data.models],
            y=[label(q) for q in data.policies],
            text=cells.values,
            texttemplate="%{text}",
            colorscale="RdBu",
            zmid=50,
            zmin=0,
            zmax=100,
            colorbar={"title": {"text": "%"}},
            hovertemplate="%{y} under %{x}: %{text}<extra></extra>",
        )
    )
    return _layout(
        figure,
        f"{metric.label} against the references (%)",
        yaxis={"autorange": "reversed", "title": "policy"},
        xaxis={"title": "reward model"},
        height=max(320, 120 + 48 * len(data.policies)),
    )


def reward_differences(data: PolicyChartData) -> go.Figure:
    if not data.picked:
        raise ChartUnavailable("Pick a policy to see its reward differences.")
    drawn = [m for m in data.models if data.differences.get(m)]
    if not drawn:
        raise ChartUnavailable(
            "No per-prompt rewards for this policy: its reward models are generative judges (a verdict, "
            "no reward) or its per-prompt file is missing."
        )
    colours = colour_map(data.models)
    figure = go.Figure()
    for model in drawn:
        figure.add_violin(
            name=label(model),
            y=list(data.differences[model]),
            box_visible=True,
            meanline_visible=True,
            points="outliers",
            line_color=colours[model],
            hovertemplate="%{y:.3g}<extra>%{fullData.name}</extra>",
        )
    figure.add_hline(y=0, line_dash="dot", line_color="grey")
    return _layout(
        figure,
        f"Reward differences of {label(data.picked)}: r(policy) - r(reference), per prompt",
        showlegend=False,
        yaxis={"title": "reward difference"},
    )


def length_bias(data: PolicyChartData) -> go.Figure:
    _judged(data)
    metric = p.METRICS[data.metric]
    rows = data.long[data.long[metric.value].notna()]
    if rows.empty:
        raise ChartUnavailable(f"No policy has a {metric.label.lower()} yet.")
    colours = colour_map(data.models)
    figure = go.Figure()
    for model in data.models:
        group = rows[rows[p.REWARD_MODEL] == model]
        if group.empty:
            continue
        figure.add_scatter(
            name=label(model),
            x=group[p.LENGTH_POLICY],
            y=group[metric.value] * 100,
            mode="markers",
            marker={"size": 11, "color": colours[model], "line": {"width": 1, "color": "white"}},
            text=[label(q) for q in group[p.POLICY]],
            hovertemplate="%{text}: %{y:.1f}% at %{x:.0f} characters<extra>%{fullData.name}</extra>",
        )
    reference = rows[p.LENGTH_REFERENCE].mean()
    figure.add_vline(x=reference, line_dash="dash", line_color="grey",
                     annotation_text=f"references: {reference:.0f} characters")
    return _layout(
        figure,
        f"{metric.label} against the policy's mean completion length",
        xaxis={"title": "mean completion length (characters)"},
        # A little past 0 and 100: a policy at 100% is drawn whole, not cut in half by the frame.
        yaxis={"title": f"{metric.label.lower()} (%)", "range": [-4, 104]},
        legend={"title": {"text": "reward model"}, "font": {"size": 11}},
    )


POLICY_FIGURES: dict[str, PolicyFigure] = {
    "heatmap": PolicyFigure("Policies x reward models", heatmap),
    "differences": PolicyFigure("Reward differences", reward_differences),
    "length": PolicyFigure("Length bias", length_bias),
}


def draw(key: str, data: PolicyChartData) -> go.Figure:
    """The figure `key`, or a figure saying why it cannot be drawn (one chart never breaks the page)."""
    spec = POLICY_FIGURES.get(key)
    if spec is None:
        return message_figure(f"There is no chart called {key!r}.")
    try:
        return spec.build(data)
    except ChartUnavailable as reason:
        return message_figure(str(reason))
    except Exception:
        log.exception("policy chart %s failed", key)
        return message_figure(f"The chart “{spec.title}” could not be drawn; the error was logged.")
