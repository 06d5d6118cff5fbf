"""Raw leaderboard rows -> what the page shows and what a CSV download holds (pure).

Every column is one line in `LEADERBOARD_COLUMNS`; how a column of a given kind is shown, formatted
and exported is one entry in `KINDS`. Shown tables keep numbers as numbers (so sorting by a header
is numeric) and a pandas Styler formats them (percentages with one decimal, parameters as 22.1M or
7.24B); exports keep full precision.

Text cells are HTML so that each can carry its whole value as a tooltip (`title`): the grid cuts
long cells, and a revision shows 12 characters of its sha. Everything in them comes from result files
anyone can write, so every value is escaped (`html.escape`) before it becomes part of a cell.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable, Mapping, Optional, Sequence

import pandas as pd
from pandas.io.formats.style import Styler

from results.benchmarks import SPECS
from results.names import InvalidModelName, storage_name

from . import provenance as prov
from . import table as t
from .mark_columns import LONGER_PREFERRED, SIGNIFICANT, SIGNIFICANT_NOTE
from ..app_settings import HUB_URL

MISSING = "–"
REVISION_CHARS = 12
INCOMPLETE_MARK = "⚠"
# Characters Markdown (and Gradio's LaTeX and table rendering) would otherwise interpret.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$<>])")


def escape_markdown(text: str) -> str:
    """Plain text that Markdown renders verbatim: entities for < > &, backslashes for the rest.

    Quotes are left alone: their entities (`&#x27;`) hold a '#' that would then be escaped too.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _attr(text: object) -> str:
    return html.escape(str(text), quote=True)


def tooltip_cell(text: object, tooltip: Optional[str] = None) -> str:
    """HTML for a text cell: the text, escaped, with its whole value (or `tooltip`) on hover."""
    return f'<span title="{_attr(tooltip if tooltip is not None else text)}">{_attr(text)}</span>'


def model_url(model: str, base_url: str = HUB_URL) -> Optional[str]:
    """The model's Hub page when `model` is a valid Hub id, else None."""
    try:
        org, name = storage_name(model)
    except InvalidModelName:
        return None
    return f"{base_url.rstrip('/')}/{org}/{name}"


def incomplete_note(missing_subsets: str) -> str:
    return f"Incomplete: no score for {missing_subsets}. Not ranked with complete results."


OLDER_MARK = "older"
OLDER_NOTE = "An earlier result of this model on this benchmark (another commit, or a re-run): not its newest."


def model_cell(model: str, base_url: str = HUB_URL, missing_subsets: str = "", latest: bool = True) -> str:
    """HTML for a model name: a link to its Hub page when it is a Hub id (else plain text), the full
    name on hover, a mark when the result is incomplete, and one when it is not the model's newest."""
    url = model_url(model, base_url)
    parts = [
        f'<a href="{_attr(url)}" target="_blank" rel="noopener noreferrer" title="{_attr(model)}">{_attr(model)}</a>'
        if url
        else tooltip_cell(model)
    ]
    if missing_subsets:
        parts.append(tooltip_cell(INCOMPLETE_MARK, incomplete_note(missing_subsets)))
    if not latest:
        parts.append(f'<em>{tooltip_cell(f"({OLDER_MARK})", OLDER_NOTE)}</em>')
    return " ".join(parts)


_LOCAL_PATH = re.compile(r"(?<![\w:/.~-])~?/(?:[^\s/'\"():,;]+/)+")
_WINDOWS_PATH = re.compile(r"\b[A-Za-z]:\\(?:[^\s\\'\"():,;]+\\)+")


def hide_paths(text: str) -> str:
    """`text` with the folders of absolute local paths cut (…/file stays): error messages and
    tracebacks name files on the worker's disk, which a public page must not show. URLs and Hub
    ids are left alone: their slashes follow a letter or a colon."""
    return _WINDOWS_PATH.sub(r"…\\", _LOCAL_PATH.sub("…/", text))


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
    decimals: int = 1  # what the CSV keeps of a float, as `fmt` shows it (as_shown)


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


# Parameter counts: three significant digits under the largest unit that leaves at least 1.
_PARAMETER_UNITS: tuple[tuple[float, str], ...] = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def format_parameters(count: object) -> str:
    """22_100_000 -> '22.1M', 7_241_000_000 -> '7.24B', 405e9 -> '405B'; '–' when unknown."""
    if count is None or pd.isna(count):
        return MISSING
    value = float(count)
    for scale, unit in _PARAMETER_UNITS:
        shown = f"{value / scale:.3g}"
        if float(shown) >= 1:  # 999,999 rounds to 1M, never to "1e+03K"
            return f"{shown}{unit}"
    return f"{value:.0f}"


def _counts(rows: pd.DataFrame, column: Column, _base: str) -> pd.Series:
    return _first(rows, column).astype("float64")  # numbers, so that sorting by the header is numeric


def revision_cell(revision: object) -> str:
    if revision is None or pd.isna(revision):
        return MISSING
    return tooltip_cell(str(revision)[:REVISION_CHARS], str(revision))


def _revisions(rows: pd.DataFrame, column: Column, _base: str) -> pd.Series:
    return _first(rows, column).map(revision_cell)


def _texts(rows: pd.DataFrame, column: Column, _base: str) -> pd.Series:
    return _first(rows, column).map(lambda v: MISSING if v is None or pd.isna(v) or v == "" else tooltip_cell(v))


def _types(rows: pd.DataFrame, column: Column, _base: str) -> pd.Series:
    """The model type, with how a judge or critique model was run after it (`CLoud ... · K=4 critiques`)."""
    setups = _optional(rows, column.sources[1])
    cells = [
        MISSING if not label else tooltip_cell(f"{label} · {setup}" if isinstance(setup, str) and setup else label)
        for label, setup in zip(rows[column.sources[0]], setups, strict=True)
    ]
    return pd.Series(cells, index=rows.index, dtype="object")


def model_cells(rows: pd.DataFrame, base: str) -> list[str]:
    triples = zip(rows[t.MODEL], rows[t.MISSING_SUBSETS], rows[t.LATEST], strict=True)
    return [model_cell(m, base, missing, bool(latest)) for m, missing, latest in triples]


def _models(rows: pd.DataFrame, column: Column, base: str) -> pd.Series:
    return pd.Series(model_cells(rows, base), index=rows.index, dtype="object")


def _day(rows: pd.DataFrame, column: Column, _base: str) -> pd.Series:
    return _first(rows, column).dt.strftime("%Y-%m-%d").fillna(MISSING)


def _iso(rows: pd.DataFrame, column: Column) -> dict[str, pd.Series]:
    return {column.header: _first(rows, column).map(lambda v: v.isoformat() if pd.notna(v) else "")}


def _same(rows: pd.DataFrame, column: Column) -> dict[str, pd.Series]:
    return {column.header: _first(rows, column)}


def _raw_count(rows: pd.DataFrame, column: Column) -> dict[str, pd.Series]:
    """The exact count under the raw column's name (the page shows 22.1M)."""
    return {column.sources[0]: _first(rows, column)}


def _format_number(spec: str) -> Callable[[object], str]:
    return lambda v: MISSING if pd.isna(v) else format(v, spec)


def _optional(rows: pd.DataFrame, name: str) -> pd.Series:
    """A column that only some views' rows carry (those from per-example files); empty otherwise."""
    return rows[name] if name in rows.columns else pd.Series(None, index=rows.index, dtype="object")


def _marks(rows: pd.DataFrame, column: Column, _base: str) -> pd.Series:
    """A short mark with its explanation on hover (the second source column)."""
    pairs = zip(_optional(rows, column.sources[0]), _optional(rows, column.sources[1]), strict=True)
    cells = [MISSING if mark is None else tooltip_cell(mark, note) for mark, note in pairs]
    return pd.Series(cells, index=rows.index, dtype="object")


def _mark_export(rows: pd.DataFrame, column: Column) -> dict[str, pd.Series]:
    mark, note = (_optional(rows, name) for name in column.sources)
    return {column.header: mark, f"{column.header} (why)": note}


def _share(rows: pd.DataFrame, column: Column) -> pd.Series:
    return _optional(rows, column.sources[0]).astype("float64") * 100.0


def _percent_export(rows: pd.DataFrame, column: Column) -> dict[str, pd.Series]:
    return {column.header: _percent(rows, column)}


KINDS: dict[str, Kind] = {
    "model": Kind("html", 17, _models, _same),
    "text": Kind("html", 11, _texts, _same),
    "type": Kind("html", 11, _types, _same),
    "percent": Kind(
        "number",
        8,
        lambda rows, c, _base: _percent(rows, c),
        lambda rows, c: {c.header: _percent(rows, c)},
        _format_number(".1f"),
    ),
    "interval": Kind("str", 9, _interval_text, _interval_export),
    "parameters": Kind("number", 8, _counts, _raw_count, format_parameters),
    # A difference in percentage points, signed: +1.2 when the verified score is higher.
    "delta": Kind("number", 8, lambda rows, c, _base: _percent(rows, c), _percent_export, _format_number("+.1f")),
    "revision": Kind("html", 10, _revisions, _same),
    "date": Kind("str", 9, _day, _iso),
    "mark": Kind("html", 8, _marks, _mark_export),
    "share": Kind(
        "number",
        8,
        lambda rows, c, _base: _share(rows, c),
        lambda rows, c: {c.header: _share(rows, c)},
        _format_number(".1f"),
    ),
    # A benchmark's own columns that are not scores: a coefficient as it is, a count as a whole number.
    "correlation": Kind("number", 8, lambda rows, c, _base: _first(rows, c), _same, _format_number("+.3f"), 3),
    "count": Kind("number", 8, lambda rows, c, _base: _first(rows, c), _same, _format_number(".0f"), 0),
}

# The columns before and after a benchmark's own section columns (which come from its section table).
# The revision is shown by default: one model may have results at several commits.
COLUMNS_BEFORE_SECTIONS: tuple[Column, ...] = (
    Column(t.MODEL, "model", (t.MODEL,), required=True),
    Column(t.MODEL_TYPE, "type", (t.MODEL_TYPE, t.TYPE_SETUP)),
    Column(t.SCORE, "percent", (t.SCORE,), required=True),
    Column("95% CI", "interval", (t.SCORE_CI_LOW, t.SCORE_CI_HIGH)),
)
COLUMNS_AFTER_SECTIONS: tuple[Column, ...] = (
    Column("Params", "parameters", (t.PARAMETERS,)),
    Column(t.REVISION, "revision", (t.REVISION,)),
    Column(t.REFERENCE, "text", (t.REFERENCE,), shown_by_default=False),
    Column(t.TYPE_SETUP, "text", (t.TYPE_SETUP,), shown_by_default=False),
    Column(t.EVALUATED, "date", (t.EVALUATED,)),
    Column(t.MISSING_SUBSETS, "text", (t.MISSING_SUBSETS,), shown_by_default=False),
    # From the per-example files (example_marks.py adds these columns to the rows of a view).
    Column(SIGNIFICANT, "mark", (SIGNIFICANT, SIGNIFICANT_NOTE)),
    Column(LONGER_PREFERRED, "share", (LONGER_PREFERRED,), shown_by_default=False),
    # Verified here or imported (from which repo and commit); a verified row's published twin.
    Column(t.SOURCE, "text", (t.SOURCE,)),
    Column(t.PUBLISHED_SCORE, "percent", (t.PUBLISHED_SCORE,), shown_by_default=False),
    Column(t.PUBLISHED_DELTA, "delta", (t.PUBLISHED_DELTA,)),
)


def leaderboard_columns(benchmark: Optional[str]) -> tuple[Column, ...]:
    """Every column of the Leaderboard table for `benchmark` (a label), its spec's columns in the
    middle, each shown as its spec's `column_kind` says (a score as a percentage; a spread or a
    relative change as signed points; a correlation as it is; a count)."""
    spec = t.spec_of_label(benchmark or "")
    shown = set(spec.shown_columns)
    sections = tuple(
        Column(name, spec.metrics.column_kind(name), (name,), shown_by_default=name in shown)
        for name in spec.columns
    )
    return (*COLUMNS_BEFORE_SECTIONS, *sections, *COLUMNS_AFTER_SECTIONS)


def optional_headers(benchmark: Optional[str]) -> list[str]:
    """The headers the column chooser offers for `benchmark`."""
    return [c.header for c in leaderboard_columns(benchmark) if not c.required]


def default_headers() -> list[str]:
    """The optional headers shown until the reader chooses: over every benchmark, so that switching
    benchmark shows the new one's sections."""
    every = [c for b in SPECS for c in leaderboard_columns(b) if not c.required]
    return list(dict.fromkeys(c.header for c in every if c.shown_by_default))


def merge_choice(wanted: Sequence[str], offered: Sequence[str], ticked: Sequence[str]) -> list[str]:
    """The reader's wanted headers over every benchmark, after they ticked `ticked` out of `offered`
    (the current benchmark's): headers of other benchmarks keep their state."""
    return [*(h for h in wanted if h not in set(offered)), *ticked]


def chosen_columns(wanted: Optional[Sequence[str]], benchmark: str) -> list[Column]:
    """Required columns plus the wanted optional ones (None: the default ones) of `benchmark`, always
    in table order."""
    keep = set(default_headers() if wanted is None else wanted)
    return [c for c in leaderboard_columns(benchmark) if c.required or c.header in keep]


# ---- notes beside the table ----------------------------------------------------------------------

TABLE_HELP = (
    "**Sort** by a column: click its header, then the ⋮ button beside its name (*Clear sort* goes back "
    f"to the ranking). {INCOMPLETE_MARK} marks an **incomplete** result: it has no score for some of the "
    "benchmark's subsets (hover the mark to see which), so it is listed after the complete results "
    "and not ranked with them. Hover a cell to read it whole; a revision shows its full commit sha. "
    f"*{SIGNIFICANT}* is *yes* when the score differs significantly from the row above's (a paired "
    "bootstrap over the examples both scored; hover it for the difference and its 95% interval); "
    f"*{LONGER_PREFERRED}* (in Columns) is how often the model gave the longer answer the higher reward."
)


def _hidden(count: int, what: str, switch: str) -> str:
    plural = "s" if count != 1 else ""
    return f" {count} {what} result{plural} hidden: tick *{switch}* to list them."


def count_note(
    shown: int,
    total: int,
    hidden_incomplete: int,
    hidden_older: int = 0,
    benchmark: Optional[str] = None,
    sorted_by: str = "",
) -> str:
    """The line above the table: how many results the filters let through, in which order (best
    score first, or the reader's header sort), and how many incomplete and older ones the switches
    hide. A custom-data benchmark is named whole here (its label names the data file, and the
    Benchmark choice is too narrow to show all of it)."""
    note = f"Showing {shown} of {total} results, best score first."
    if sorted_by:
        note = (
            f"Showing {shown} of {total} results, sorted by {escape_markdown(sorted_by)} (the CSV follows this "
            f"order; *{SIGNIFICANT}* is hidden: it compares each result with the one above it in the ranking "
            "by score, which *Clear sort* in the column's menu brings back)."
        )
    if benchmark and t.CUSTOM_DATA_MARK in benchmark:
        name, data = benchmark.split(t.CUSTOM_DATA_MARK, 1)
        note = (
            f"**{escape_markdown(name)} on custom data** ({escape_markdown(data)}), not the benchmark's own "
            f"data: these scores are not {escape_markdown(name)} scores. {note}"
        )
    if hidden_incomplete:
        note += _hidden(hidden_incomplete, "incomplete", "Show incomplete results")
    if hidden_older:
        note += _hidden(hidden_older, "older", "Show older revisions")
    return note


def twins_note(count: int) -> str:
    """What the Source choice hides: imported results of models whose verified result is shown."""
    if not count:
        return ""
    plural, them = ("s", "them") if count != 1 else ("", "it")
    return (
        f" {count} imported result{plural} of models verified here hidden (the verified row shows the "
        f"published score and the difference): choose *{prov.ONLY_IMPORTED}* to list {them}."
    )


# ---- shown tables and exports ---------------------------------------------------------------------


PX_PER_SHARE = 11.8  # the default columns then fill a desktop page (about 1,210 px)


def pixel_widths(shares: Sequence[float], px_per_share: float = PX_PER_SHARE) -> list[str]:
    """CSS widths in proportion to `shares`, in pixels: percentages would squeeze every column into
    a phone's width, while fixed widths let the table scroll sideways under its pinned first column."""
    return [f"{share * px_per_share:.0f}px" for share in shares]


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
        # Fixed widths: with the revision column (and six sections on RewardBench 2) the table may be
        # wider than the page and scrolls sideways under its pinned Model column; narrower columns
        # would cut headers such as "Precise IF" and the shown 12 characters of a revision.
        pixel_widths([KINDS[c.kind].width for c in columns]),
    )


def leaderboard_export(rows: pd.DataFrame, columns: Sequence[Column]) -> pd.DataFrame:
    """The rows of a view with its columns, as precise as the page shows them; the model as its
    plain name."""
    data: dict[str, pd.Series] = {}
    decimals: dict[str, int] = {}
    for column in columns:
        exported = KINDS[column.kind].export(rows, column)
        data.update(exported)
        decimals.update(dict.fromkeys(exported, KINDS[column.kind].decimals))
    return as_shown(pd.DataFrame(data, index=rows.index), decimals)


# Percentages (scores, intervals, shares, differences) are shown with one decimal; the CSV keeps
# the same, so a download reads as the page does and not "63.849999999999994" (x 100 in floats).
SHOWN_DECIMALS = 1


def as_shown(frame: pd.DataFrame, decimals: Optional[Mapping[str, int]] = None) -> pd.DataFrame:
    """Float columns rounded as the page's format rounds them (formatted, then read back, so a value
    such as 63.85, stored as 63.8499..., comes out as the page's 63.8 whatever numpy would do).
    `decimals`: columns shown with other than one decimal (a correlation's three)."""
    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    places = {c: (decimals or {}).get(c, SHOWN_DECIMALS) for c in floats}
    shown = {c: frame[c].map(lambda v, n=places[c]: float(f"{v:.{n}f}") if pd.notna(v) else v) for c in floats}
    return frame.assign(**shown)


def subset_headers(subsets: pd.DataFrame, section_subsets: Optional[Sequence[str]] = None) -> list[str]:
    """The subset columns of the per-subset table that have a value in `subsets` (the rows of one
    benchmark, so its subsets only), all or just those of one section."""
    present = [c for c in subsets.columns if c not in t.SUBSET_ID_COLUMNS and subsets[c].notna().any()]
    if section_subsets is None:
        return present
    return [c for c in present if c in set(section_subsets)]


def subsets_view(subsets: pd.DataFrame, headers: Sequence[str], base_url: str = HUB_URL) -> ShownTable:
    frame = pd.DataFrame(
        {
            t.MODEL: model_cells(subsets, base_url),
            t.MODEL_TYPE: subsets[t.MODEL_TYPE].map(tooltip_cell),
            t.SCORE: subsets[t.SCORE] * 100.0,
            **{h: subsets[h] * 100.0 for h in headers},
        },
        index=subsets.index,
    )
    percent = _format_number(".1f")
    styler = _styled(frame, {h: percent for h in (t.SCORE, *headers)})
    return ShownTable(styler, ["html", "html", *["number"] * (1 + len(headers))], list(frame.columns))


def subsets_export(subsets: pd.DataFrame, headers: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """The per-subset table (its `headers` subsets; None: all) as percentages, as the page shows them."""
    numeric = list(subsets.columns[list(subsets.columns).index(t.SCORE) :])
    keep = numeric if headers is None else [t.SCORE, *headers]
    ids = [c for c in t.SUBSET_ID_COLUMNS if c != t.SCORE]
    return as_shown(subsets[[*ids, *keep]].assign(**{c: subsets[c] * 100.0 for c in keep}))
