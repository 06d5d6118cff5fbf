"""The Examples tab: one result's examples (filter, search, sort by margin, click one to read it),
a second model beside it (agreement, disagreements, paired bootstrap) and its length bias.

`ExamplesPage` holds the callbacks (what the bench times); `examples_tab` lays out the components
and wires them. Files are read through `cache.examples` (read on first use, then cached).
"""

from __future__ import annotations

from dataclasses import dataclass

from typing import Any, Optional, Sequence

import gradio as gr
import pandas as pd

from . import prepared
from ..examples import examples as ex
from ..tables import table as t
from ..data import ResultsCache, Snapshot
from ..tables.display import escape_markdown
from ..examples.example_figures import length_figure, length_table, reference_rows
from ..tables.figures import matrix_heatmap, message_figure
from ..examples.example_files import LoadedResult
from ..examples.lengths import LENGTH_UNIT
from ..app_settings import AppSettings
from .common import View, benchmark_choices, default_benchmark, render_shared
from .following import FollowingDropdown

NONE = "(none)"
PICK_ONE = "Pick an example in the table to read it here."
# Column widths in pixels: every column of a table fits a desktop page (the previews are cut anyway).
TABLE_WIDTHS = ["130px", "70px", "300px", "220px", "220px", "90px", "90px", "80px", "70px"]
DISAGREEMENT_WIDTHS = ["140px", "70px", "520px", "70px", "100px", "100px"]
INTRO = (
    "Every example of one result: pick a benchmark, a model and a subset; filter by right or wrong "
    "and search the texts; click a row to read it whole. An example is *right* when it earned full "
    "credit; the margin is the chosen reward minus the best rejected one. Lengths are counted in "
    f"{LENGTH_UNIT}."
)


def result_label(row: pd.Series) -> str:
    label = row[t.MODEL]
    if not row[t.LATEST] and isinstance(row[t.REVISION], str):
        label += f" @ {row[t.REVISION][:8]}"
    return label


class ExamplesPage:
    """The tab's callbacks, from the snapshot and the reader's picks to what the page shows."""

    def __init__(self, cache: ResultsCache, settings: AppSettings):
        self.cache = cache
        self.settings = settings

    # ---- which result ---------------------------------------------------------------------------

    def benchmark(self, snap: Snapshot, picked: Optional[str]) -> str:
        choices = benchmark_choices(snap, self.settings)
        return picked if picked in choices else default_benchmark(snap, self.settings)

    def results(self, snap: Snapshot, benchmark: str) -> pd.DataFrame:
        return t.filter_rows(snap.tables.rows, benchmark=benchmark, show_incomplete=True, show_older=True)

    def model_choices(self, snap: Snapshot, benchmark: str) -> list[tuple[str, str]]:
        return [(result_label(r), r[t.PATH]) for _, r in self.results(snap, benchmark).iterrows()]

    def model(self, snap: Snapshot, benchmark: str, picked: Optional[str]) -> Optional[str]:
        paths = [path for _, path in self.model_choices(snap, benchmark)]
        return picked if picked in paths else (paths[0] if paths else None)

    def load(self, snap: Snapshot, path: Optional[str]) -> Optional[LoadedResult]:
        if not path:
            return None
        found = snap.tables.rows[snap.tables.rows[t.PATH] == path]
        evaluated = found[t.EVALUATED].iloc[0] if len(found) else None
        return self.cache.examples.load(path, evaluated)

    def score(self, snap: Snapshot, path: str) -> float:
        """The leaderboard score of the result at `path` (a fraction)."""
        return float(snap.tables.rows.loc[snap.tables.rows[t.PATH] == path, t.SCORE].iloc[0])

    def name(self, snap: Snapshot, path: Optional[str]) -> str:
        found = snap.tables.rows[snap.tables.rows[t.PATH] == path]
        return result_label(found.iloc[0]) if len(found) else str(path)

    # ---- the callbacks --------------------------------------------------------------------------

    def picks(self, snap: Snapshot, benchmark, model, model_b, subset) -> tuple:
        """The benchmark, model, second model and subset the views show for the reader's picks:
        each kept if the data still has it, else the default (what `choices` and `table` show)."""
        benchmark = self.benchmark(snap, benchmark)
        model = self.model(snap, benchmark, model)
        others = [path for _, path in self.model_choices(snap, benchmark) if path != model]
        loaded = self.load(snap, model)
        subsets = [ex.ALL, *ex.subsets_of(loaded.examples.frame)] if loaded is not None else [ex.ALL]
        return benchmark, model, model_b if model_b in others else NONE, subset if subset in subsets else ex.ALL

    def choices(self, snap: Snapshot, benchmark, model, model_b) -> list:
        """Benchmark, model and second-model choices after a data refresh or a benchmark switch."""
        benchmark = self.benchmark(snap, benchmark)
        options = self.model_choices(snap, benchmark)
        model = self.model(snap, benchmark, model)
        others = [(label, path) for label, path in options if path != model]
        keep_b = model_b if model_b in [p for _, p in others] else NONE
        return [
            gr.Dropdown(choices=benchmark_choices(snap, self.settings), value=benchmark),
            gr.Dropdown(choices=options, value=model),
            gr.Dropdown(choices=[(NONE, NONE), *others], value=keep_b),
        ]

    def table(self, snap: Snapshot, benchmark, model, subset, outcome, query, order) -> list:
        """The examples table, its note and the subset choice."""
        benchmark = self.benchmark(snap, benchmark)
        loaded = self.load(snap, self.model(snap, benchmark, model))
        if loaded is None:
            return [
                gr.Dropdown(choices=[ex.ALL], value=ex.ALL),
                "No results on this benchmark yet.",
                pd.DataFrame(columns=list(ex.SHOWN_COLUMNS)),
            ]
        frame = loaded.examples.frame
        subsets = [ex.ALL, *ex.subsets_of(frame)]
        subset = subset if subset in subsets else ex.ALL
        selected = ex.select_examples(frame, subset, outcome or ex.ALL, query or "", order or ex.ORDERS[0])
        shown = ex.shown_examples(selected)
        note = f"{len(selected)} of {len(frame)} examples"
        if len(shown) < len(selected):
            note += f" (the first {len(shown)} shown: narrow the filters to see the others)"
        note += "." + (f" {loaded.note}" if loaded.note else "")
        return [
            gr.Dropdown(choices=subsets, value=subset),
            note,
            gr.Dataframe(value=shown, column_widths=TABLE_WIDTHS),
        ]

    def detail(self, snap: Snapshot, benchmark, model, model_b, subset_id: tuple[str, str]) -> str:
        benchmark = self.benchmark(snap, benchmark)
        loaded = self.load(snap, self.model(snap, benchmark, model))
        if loaded is None:
            return ""
        other = self.load(snap, model_b) if model_b and model_b != NONE else None
        pair = (self.name(snap, model_b), other.examples) if other is not None else None
        return ex.detail_markdown(loaded.examples, ex.example_key(*subset_id), pair, t.spec_of_label(benchmark))

    def matrix(self, snap: Snapshot, benchmark, model) -> list:
        """The picked result's matrix as a heatmap, shown only where the benchmark has one."""
        benchmark = self.benchmark(snap, benchmark)
        if not t.spec_of_label(benchmark).has_matrix:
            return [gr.Plot(visible=False)]
        path = self.model(snap, benchmark, model)
        found = snap.tables.rows[snap.tables.rows[t.PATH] == path] if path else snap.tables.rows.iloc[0:0]
        matrix = found[t.MATRIX].iloc[0] if len(found) and t.MATRIX in found.columns else None
        if matrix is None or (isinstance(matrix, float) and pd.isna(matrix)):
            return [gr.Plot(message_figure("This result has no matrix (its subsets lack the cells)."), visible=True)]
        return [gr.Plot(matrix_heatmap(matrix, f"{self.name(snap, path)}: {matrix.title}"), visible=True)]

    def compare(self, snap: Snapshot, benchmark, model, model_b, subset) -> list:
        """The comparison note and the disagreements table."""
        benchmark = self.benchmark(snap, benchmark)
        model = self.model(snap, benchmark, model)
        if not model_b or model_b == NONE or model_b == model:
            return ["Pick a second model to compare.", ex.shown_disagreements()]
        a, b = self.load(snap, model), self.load(snap, model_b)
        if a is None or b is None or a.examples.frame.empty or b.examples.frame.empty:
            return ["Both results need per-example scores to be compared.", ex.shown_disagreements()]
        if a.data_fingerprint != b.data_fingerprint:
            return [
                "These two results were scored on different data: their examples cannot be paired.",
                ex.shown_disagreements(),
            ]
        comparison = ex.compare(a.examples.frame, b.examples.frame, subset)
        names = self.name(snap, model), self.name(snap, model_b)
        # The leaderboard scores are the whole benchmark's: beside a subset's comparison they would mislead.
        scores = (self.score(snap, model), self.score(snap, model_b)) if subset in (None, ex.ALL) else None
        note = (
            f"**A** = {escape_markdown(names[0])}, **B** = {escape_markdown(names[1])}. "
            + ex.comparison_note(comparison, *names, scores=scores)
        )
        shown = ex.shown_disagreements(comparison)
        return [note, gr.Dataframe(value=shown, column_widths=DISAGREEMENT_WIDTHS)]

    def lengths(self, snap: Snapshot, benchmark, model, model_b) -> list:
        """The length-bias chart, its summary and the baseline rows."""
        benchmark = self.benchmark(snap, benchmark)
        model = self.model(snap, benchmark, model)
        loaded = self.load(snap, model)
        if loaded is None or not loaded.examples.has_texts:
            return [
                length_figure([]),
                "Length bias needs the examples' texts, which this result does not have.",
                None,
            ]
        series = [(self.name(snap, model), length_table(loaded.examples))]
        other = self.load(snap, model_b) if model_b and model_b != NONE else None
        if other is not None and other.examples.has_texts:
            series.append((self.name(snap, model_b), length_table(other.examples)))
        share = loaded.examples.preference().share
        summary = (
            f"{escape_markdown(series[0][0])} gave the higher reward to the longer answer in "
            f"**{share:.1%}** of the response pairs whose lengths differ (a tie of rewards counts half)."
            if share is not None
            else "No response pairs differ in length."
        )
        base = t.base_benchmark(benchmark)
        return [length_figure(series), summary, reference_rows(loaded.examples, series[0][0], base)]


def examples_grid(elem_id: str, columns: Sequence[str] = ()) -> gr.Dataframe:
    """A read-only examples table: text cells are plain text (no Markdown, HTML or LaTeX); it starts
    empty under its own column names (Gradio's placeholder is "1 2 3")."""
    return prepared.Dataframe(
        value=pd.DataFrame(columns=list(columns)) if columns else None,
        interactive=False,
        show_label=False,
        max_height=520,
        latex_delimiters=[],
        wrap=False,
        elem_id=elem_id,
        elem_classes="lb-grid",
    )


def safe_markdown_box(elem_id: str, value: str = "") -> gr.Markdown:
    # line_breaks: an answer's line breaks are kept (a poem, a list of steps without Markdown marks).
    return gr.Markdown(value, sanitize_html=True, latex_delimiters=[], line_breaks=True, elem_id=elem_id)


def _picked_row(evt: gr.SelectData) -> Optional[tuple[str, str]]:
    values = evt.row_value or []
    return (str(values[0]), str(values[1])) if len(values) >= 2 else None


@dataclass(frozen=True)
class ExampleWidgets:
    """The tab's components, as `_wire` connects them."""

    benchmark: Any
    model: Any
    model_b: Any
    subset: Any
    outcome: Any
    query: Any
    order: Any
    note: Any
    grid: Any
    detail: Any
    matrix: Any
    compare_note: Any
    disagreements: Any
    length_summary: Any
    chart: Any
    baselines: Any


def examples_tab(cache: ResultsCache, settings: AppSettings, opened: Optional[gr.State] = None) -> list[View]:
    """The tab; `opened`, when given, holds a (benchmark, result path) another tab asks it to open."""
    page = ExamplesPage(cache, settings)
    snap = cache.snapshot
    first = page.benchmark(snap, None)
    gr.Markdown(INTRO, elem_classes="lb-note")
    with gr.Row(equal_height=True):
        benchmark = FollowingDropdown(
            choices=benchmark_choices(snap, settings), value=first, label="Benchmark", elem_id="ex-benchmark"
        )
        # Only the chosen model until the tab is selected, which renders the whole list: every
        # result of the benchmark would otherwise ride along in every page load (150 KB at 2,000).
        chosen = page.model(snap, first, None)
        model = FollowingDropdown(
            choices=[c for c in page.model_choices(snap, first) if c[1] == chosen],
            value=chosen,
            label="Model",
            elem_id="ex-model",
        )
        subset = gr.Dropdown(
            choices=[ex.ALL], value=ex.ALL, label="Subset", allow_custom_value=True, elem_id="ex-subset"
        )
    with gr.Row(equal_height=True):
        outcome = gr.Radio(list(ex.OUTCOMES), value=ex.ALL, label="Examples", elem_id="ex-outcome")
        query = gr.Textbox(
            label="Search the texts", placeholder="words in the prompt or a response", elem_id="ex-search"
        )
        order = gr.Dropdown(list(ex.ORDERS), value=ex.ORDERS[0], label="Order", elem_id="ex-order")
    note = gr.Markdown(elem_classes="lb-note", elem_id="ex-note")
    grid = examples_grid("ex-table", ex.SHOWN_COLUMNS)
    detail = safe_markdown_box("ex-detail", PICK_ONE)
    matrix = prepared.Plot(show_label=False, elem_id="ex-matrix", visible=t.spec_of_label(first).has_matrix if first else False)
    with gr.Accordion("Compare with another model", open=True):
        model_b = FollowingDropdown(
            choices=[(NONE, NONE)], value=NONE, label="Second model (B)", elem_id="ex-model-b"
        )
        compare_note = safe_markdown_box("ex-compare-note")
        disagreements = examples_grid("ex-disagreements", ex.DISAGREEMENT_COLUMNS)
    with gr.Accordion("Length bias", open=False):
        length_summary = safe_markdown_box("ex-length-summary")
        chart = prepared.Plot(show_label=False, elem_id="ex-length-chart")
        baselines = examples_grid("ex-baselines")

    widgets = ExampleWidgets(
        benchmark=benchmark,
        model=model,
        model_b=model_b,
        subset=subset,
        outcome=outcome,
        query=query,
        order=order,
        note=note,
        grid=grid,
        detail=detail,
        matrix=matrix,
        compare_note=compare_note,
        disagreements=disagreements,
        length_summary=length_summary,
        chart=chart,
        baselines=baselines,
    )
    return _wire(page, cache, widgets, opened)


def _wire(page, cache, w: "ExampleWidgets", opened: Optional[gr.State] = None) -> list[View]:
    choice_view = View([w.benchmark, w.model, w.model_b], [w.benchmark, w.model, w.model_b], page.choices)
    table_view = View(
        [w.benchmark, w.model, w.subset, w.outcome, w.query, w.order], [w.subset, w.note, w.grid], page.table
    )
    compare_view = View([w.benchmark, w.model, w.model_b, w.subset], [w.compare_note, w.disagreements], page.compare)
    length_view = View([w.benchmark, w.model, w.model_b], [w.chart, w.length_summary, w.baselines], page.lengths)
    matrix_view = View([w.benchmark, w.model], [w.matrix], page.matrix)

    def run(view: View):
        def render(*values: Any):
            return view.rendered(cache.snapshot, *values)

        return render

    def chosen(benchmark, model, model_b, subset, outcome, query, order) -> list:
        """Every view after a benchmark or model pick, in one event (it was a chain of five, each
        waiting for the one before): the picks are settled first, as the chain's first step did."""
        snap = cache.snapshot
        benchmark, model, model_b, subset = page.picks(snap, benchmark, model, model_b, subset)
        return [
            *render_shared(choice_view, snap, [benchmark, model, model_b]),
            *render_shared(table_view, snap, [benchmark, model, subset, outcome, query, order]),
            *render_shared(compare_view, snap, [benchmark, model, model_b, subset]),
            *render_shared(length_view, snap, [benchmark, model, model_b]),
            *render_shared(matrix_view, snap, [benchmark, model]),
            PICK_ONE,  # the open example was another model's
        ]

    def after_choice(trigger):
        trigger(
            chosen,
            [w.benchmark, w.model, w.model_b, w.subset, w.outcome, w.query, w.order],
            [*choice_view.outputs, *table_view.outputs, *compare_view.outputs, *length_view.outputs, *matrix_view.outputs, w.detail],
            show_progress="hidden",
        )

    after_choice(w.benchmark.input)
    after_choice(w.model.input)
    if opened is not None:  # a result another tab opened (the Overview's cell): picked, then shown
        after_choice(
            lambda render, inputs, outputs, **options: opened.change(
                lambda pick: list(pick) if pick else [gr.skip(), gr.skip()],
                [opened],
                [w.benchmark, w.model],
                show_progress="hidden",
            ).then(render, inputs, outputs, **options)
        )
    w.model_b.input(run(compare_view), compare_view.inputs, compare_view.outputs, show_progress="hidden").then(
        run(length_view), length_view.inputs, length_view.outputs, show_progress="hidden"
    )
    for event in (w.subset.input, w.outcome.change, w.query.change, w.order.input):
        event(
            run(table_view),
            table_view.inputs,
            table_view.outputs,
            show_progress="hidden",
            trigger_mode="always_last",
        )
    w.subset.input(run(compare_view), compare_view.inputs, compare_view.outputs, show_progress="hidden")

    def open_example(benchmark_value, model_value, model_b_value, evt: gr.SelectData):
        picked = _picked_row(evt)
        if picked is None:
            return gr.skip()
        return page.detail(cache.snapshot, benchmark_value, model_value, model_b_value, picked)

    for source in (w.grid, w.disagreements):
        source.select(open_example, [w.benchmark, w.model, w.model_b], [w.detail], show_progress="hidden")
    return [choice_view, table_view, compare_view, length_view, matrix_view]
