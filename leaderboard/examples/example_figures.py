"""The length-bias chart and the length tables of the Examples tab (pure: frames in, figure out)."""

from __future__ import annotations

from typing import Optional, Sequence

import pandas as pd
import plotly.graph_objects as go

from .examples import CREDIT, LENGTH_DIFFERENCE, SUBSET, ExampleSet
from ..tables.figures import label
from .lengths import ALWAYS_LONGER, ALWAYS_SHORTER, LENGTH_UNIT, accuracy_by_length, length_baselines

ALL_SUBSETS = "All"


def length_table(examples: ExampleSet) -> pd.DataFrame:
    """Accuracy per length bucket, over the examples that have texts."""
    with_texts = examples.frame[examples.frame[LENGTH_DIFFERENCE].notna()]
    return accuracy_by_length(with_texts[LENGTH_DIFFERENCE], with_texts[CREDIT])


def length_figure(tables: Sequence[tuple[str, pd.DataFrame]]) -> go.Figure:
    """Bars of accuracy per length bucket, one series per model (name, `length_table`)."""
    figure = go.Figure()
    for name, table in tables:
        figure.add_bar(
            x=table["bucket"],
            y=table["accuracy"] * 100,
            name=label(name),
            text=[f"n={n}" for n in table["n"]],
            hovertemplate="%{x}<br>accuracy %{y:.1f}% (%{text})<extra>" + label(name) + "</extra>",
        )
    figure.update_layout(
        template="plotly_white",
        title={"text": "Accuracy by how much longer the chosen answer is than the rejected one", "x": 0},
        showlegend=True,
        height=400,
        barmode="group",
        yaxis={"title": "accuracy (%)", "range": [0, 100]},
        xaxis={"title": f"relative length difference d of chosen vs rejected ({LENGTH_UNIT})"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        margin={"t": 70, "l": 60, "r": 20, "b": 120},
    )
    return figure


def reference_rows(examples: ExampleSet, name: str, benchmark: str) -> Optional[pd.DataFrame]:
    """The model's accuracy per subset, with the always-longer and always-shorter baselines below it
    as reference rows (in percent); None without texts."""
    if not examples.has_texts:
        return None
    baselines = length_baselines(examples.length_rows(), benchmark).set_index("subset")
    frame = examples.frame[examples.frame[LENGTH_DIFFERENCE].notna()]
    model = frame.groupby(SUBSET, sort=False)[CREDIT].mean()
    every = {
        name: model,
        f"{ALWAYS_LONGER} (baseline)": baselines[ALWAYS_LONGER],
        f"{ALWAYS_SHORTER} (baseline)": baselines[ALWAYS_SHORTER],
    }
    rows = pd.DataFrame(every).T * 100
    counts = baselines["n"]
    totals = {label: float((series * counts).sum() / counts.sum() * 100) for label, series in every.items()}
    rows.insert(0, ALL_SUBSETS, pd.Series(totals))
    rows = rows.round(1)
    rows.insert(0, "", rows.index)
    return rows.reset_index(drop=True)
