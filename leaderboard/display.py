"""Raw leaderboard rows -> what the page shows and what a CSV download holds (pure).

Every column is one line in `LEADERBOARD_COLUMNS`; how a column of a given kind is shown, formatted
and exported is one entry in `KINDS`. Shown tables keep numbers as numbers (so sorting by a header
is numeric) and a pandas Styler formats them (percentages with one decimal); exports keep full
precision.

Model names come from result files anyone can write, so they are escaped before they become
Markdown (the Model column links to the model's Hub page).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import pandas as pd
from pandas.io.formats.style import Styler

from results.names import InvalidModelName, storage_name

from . import table as t
from .settings import HUB_URL

MISSING = "–"
# Characters Markdown (and Gradio's LaTeX and table rendering) would otherwise interpret.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$<>])")


def escape_markdown(text: str) -> str:
    """Plain text that Markdown renders verbatim: entities for < > &, backslashes for the rest.

    Quotes are left alone: their entities (`&#x27;`) hold a '#' that would then be escaped too.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def model_link(model: str, base_url: str = HUB_URL) -> str:
    """Markdown for a model name: a link to its Hub page when it is a valid Hub id, else plain text."""
    text = escape_markdown(model)
    try:
        org, name = storage_name(model)
    except InvalidModelName:
        return text
    return f"[{text}]({base_url.rstrip('/')}/{org}/{name})"


# ---- column kinds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    kind: str
    sources: tuple[str, ...]
    required: bool = False  # always shown; not offered in the column chooser
    shown_by_default: bool = True


@dataclass(frozen=True)
class Kind:
    datatype: str  # gr.Dataframe datatype of the shown column
    width: float  # share of the table width (relative to the other shown columns)
    shown: Callable[[pd.DataFrame, Column, str], pd.Series]  # (rows, column, link base) -> shown values
    export: Callable[[pd.DataFrame, Column], dict[str, pd.Series]]  # CSV header -> values
    fmt: Optional[Callable[[object], str]] = None  # how the Styler writes a shown value


def _first(rows: pd.DataFrame, column: Column) -> pd.Series:
    return rows[column.sources[0]]


def _percent(rows: pd.DataFrame, column: Column) -> pd.Series:
    return _first(rows, column) * 100.0


def _interval_text(rows: pd.DataFrame, column: Column, _base: str) -> pd.Series:
    low, high = (rows[c] * 100.0 for c in column.sources)
    pairs = zip(low, high, strict=True)
    text = [f"{a:.1f}–{b:.1f}" if pd.notna(a) and pd.notna(b) else MISSING for a, b in pairs]
    return pd.Series(text, index=rows.index, dtype="object")


def _interval_export(rows: pd.DataFrame, column: Column) -> dict[str, pd.Series]:
    low, high = (rows[c] * 100.0 for c in column.sources)
    return {f"{column.header} low": low, f"{column.header} high": high}


def _billions(rows: pd.DataFrame, column: Column, _base: str) -> pd.Series:
    return _first(rows, column).astype("float64") / 1e9


def _short_sha(rows: pd.DataFrame, column: Column, _base: str) -> pd.Series:
    return _first(rows, column).fillna(MISSING).astype(str).str.slice(0, 7)


def _day(rows: pd.DataFrame, column: Column, _base: str) -> pd.Series:
    return _first(rows, column).dt.strftime("%Y-%m-%d").fillna(MISSING)


def _iso(rows: pd.DataFrame, column: Column) -> dict[str, pd.Series]:
    return {column.header: _first(rows, column).map(lambda v: v.isoformat() if pd.notna(v) else "")}


def _same(rows: pd.DataFrame, column: Column) -> dict[str, pd.Series]:
    return {column.header: _first(rows, column)}


def _raw_count(rows: pd.DataFrame, column: Column) -> dict[str, pd.Series]:
    """The exact count under the raw column's name (the page shows billions)."""
    return {column.sources[0]: _first(rows, column)}


def _format_number(spec: str) -> Callable[[object], str]:
    return lambda v: MISSING if pd.isna(v) else format(v, spec)


KINDS: dict[str, Kind] = {
    "model": Kind(
        "markdown", 17, lambda rows, c, base: _first(rows, c).map(lambda m: model_link(m, base)), _same
    ),
    "text": Kind("str", 11, lambda rows, c, _base: _first(rows, c).fillna(MISSING), _same),
    "percent": Kind(
        "number",
        8,
        lambda rows, c, _base: _percent(rows, c),
        lambda rows, c: {c.header: _percent(rows, c)},
        _format_number(".1f"),
    ),
    "interval": Kind("str", 9, _interval_text, _interval_export),
    "billions": Kind("number", 9, _billions, _raw_count, _format_number(".3g")),
    "revision": Kind("str", 8, _short_sha, _same),
    "date": Kind("str", 9, _day, _iso),
}

LEADERBOARD_COLUMNS: tuple[Column, ...] = (
    Column(t.MODEL, "model", (t.MODEL,), required=True),
    Column(t.MODEL_TYPE, "text", (t.MODEL_TYPE,)),
    Column(t.SCORE, "percent", (t.SCORE,), required=True),
    Column("95% CI", "interval", (t.SCORE_CI_LOW, t.SCORE_CI_HIGH)),
    *(Column(name, "percent", (name,)) for name in t.SECTION_NAMES),
    Column("Params (B)", "billions", (t.PARAMETERS,)),
    Column(t.REVISION, "revision", (t.REVISION,), shown_by_default=False),
    Column(t.REFERENCE, "text", (t.REFERENCE,), shown_by_default=False),
    Column(t.EVALUATED, "date", (t.EVALUATED,)),
)
COLUMNS_BY_HEADER = {c.header: c for c in LEADERBOARD_COLUMNS}
OPTIONAL_HEADERS: tuple[str, ...] = tuple(c.header for c in LEADERBOARD_COLUMNS if not c.required)
DEFAULT_HEADERS: tuple[str, ...] = tuple(h for h in OPTIONAL_HEADERS if COLUMNS_BY_HEADER[h].shown_by_default)


def chosen_columns(optional_headers: Optional[Sequence[str]]) -> list[Column]:
    """Required columns plus the chosen optional ones (None: the default ones), always in table order."""
    wanted = set(DEFAULT_HEADERS if optional_headers is None else optional_headers)
    return [c for c in LEADERBOARD_COLUMNS if c.required or c.header in wanted]


# ---- shown tables and exports ---------------------------------------------------------------------


def percent_widths(shares: Sequence[float]) -> list[str]:
    """CSS widths that fill the table, in proportion to `shares`."""
    total = sum(shares)
    return [f"{100 * share / total:.2f}%" for share in shares]


@dataclass(frozen=True)
class ShownTable:
    styler: Styler
    datatypes: list[str]
    headers: list[str]
    widths: Optional[list[str]] = None


def _styled(frame: pd.DataFrame, formats: dict[str, Callable[[object], str]]) -> Styler:
    styler = frame.style.format(formats or None, na_rep=MISSING).hide(axis="index")
    if t.SCORE in frame.columns:  # the number people come for
        styler = styler.set_properties(subset=[t.SCORE], **{"font-weight": "600"})
    return styler


def leaderboard_view(rows: pd.DataFrame, columns: Sequence[Column], base_url: str = HUB_URL) -> ShownTable:
    frame = pd.DataFrame(
        {c.header: KINDS[c.kind].shown(rows, c, base_url) for c in columns}, index=rows.index
    )
    formats = {c.header: KINDS[c.kind].fmt for c in columns if KINDS[c.kind].fmt}
    return ShownTable(
        _styled(frame, formats),
        [KINDS[c.kind].datatype for c in columns],
        [c.header for c in columns],
        percent_widths([KINDS[c.kind].width for c in columns]),
    )


def leaderboard_export(rows: pd.DataFrame, columns: Sequence[Column]) -> pd.DataFrame:
    """The rows of a view with its columns, at full precision; the model as its plain name."""
    data: dict[str, pd.Series] = {}
    for column in columns:
        data.update(KINDS[column.kind].export(rows, column))
    return pd.DataFrame(data, index=rows.index)


def subset_headers(subsets: pd.DataFrame, section_subsets: Optional[Sequence[str]] = None) -> list[str]:
    """The subset columns of the per-subset table, all or just those of one section."""
    present = [c for c in subsets.columns if c not in t.SUBSET_ID_COLUMNS]
    if section_subsets is None:
        return present
    return [c for c in present if c in set(section_subsets)]


def subsets_view(subsets: pd.DataFrame, headers: Sequence[str], base_url: str = HUB_URL) -> ShownTable:
    frame = pd.DataFrame(
        {
            t.MODEL: subsets[t.MODEL].map(lambda m: model_link(m, base_url)),
            t.MODEL_TYPE: subsets[t.MODEL_TYPE],
            t.SCORE: subsets[t.SCORE] * 100.0,
            **{h: subsets[h] * 100.0 for h in headers},
        },
        index=subsets.index,
    )
    percent = _format_number(".1f")
    styler = _styled(frame, {h: percent for h in (t.SCORE, *headers)})
    return ShownTable(styler, ["markdown", "str", *["number"] * (1 + len(headers))], list(frame.columns))


def subsets_export(subsets: pd.DataFrame) -> pd.DataFrame:
    """The whole per-subset table as percentages at full precision."""
    numeric = [c for c in subsets.columns if c not in (t.MODEL, t.MODEL_TYPE, t.BENCHMARK)]
    return subsets.assign(**{c: subsets[c] * 100.0 for c in numeric})
