"""`build_app(store, settings) -> gr.Blocks`: the pages, wired to the pure modules by thin callbacks.

Each tab is built by one function that returns its `View`s: the components a view reads, the ones it
writes, and a render function from (snapshot, *inputs) to outputs. A view re-renders when one of its
own controls changes, and every view re-renders when the data changes (the Refresh button, a
browser's periodic check that sees a newer snapshot, or a new submission). Nothing here computes a
number: that is `table`, `display`, `figures`, `export`, `queue_view` and `submit`.
"""

from __future__ import annotations

import html
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import gradio as gr
import pandas as pd

from results.model_types import MODEL_TYPES
from results.sections import REWARDBENCH_SECTIONS
from results.store import Store

from . import figures
from . import table as t
from .about import about_markdown
from .data import ResultsCache, Snapshot
from .display import (
    DEFAULT_HEADERS,
    OPTIONAL_HEADERS,
    TABLE_HELP,
    ShownTable,
    chosen_columns,
    count_note,
    escape_markdown,
    hide_paths,
    leaderboard_export,
    leaderboard_view,
    subset_headers,
    subsets_export,
    subsets_view,
)
from .export import write_csv
from .queue_view import QUEUE_SECTIONS, error_details, failed_choices, queue_tables
from .settings import AppSettings
from .submit import DTYPES, SubmissionForm, Submissions

log = logging.getLogger(__name__)

APP_TITLE = "Reward Model Leaderboard"
ALL_SECTIONS = "All sections"
CSS = """
.gradio-container { max-width: 1400px !important; width: 100% !important; margin: 0 auto; }
#lb-title h1 { margin-bottom: 0.1em; }
#lb-stats { color: var(--body-text-color-subdued); font-size: 0.95em; }
.lb-grid { font-size: 0.95em; }
.lb-grid span, .lb-grid th { font-family: var(--font) !important; }
.lb-grid [role=gridcell] span { font-variant-numeric: tabular-nums; }
.lb-note { color: var(--body-text-color-subdued); font-size: 0.9em; }
/* The first column stays in view when a wide table scrolls sideways: Gradio 6.31's virtual table
   ignores `pinned_columns`, so it is pinned here (the cells' own backgrounds keep the row stripes). */
.lb-grid .virtual-row > .body-cell:first-child, .lb-grid .header-table th:first-child {
  position: sticky; left: 0; z-index: 2; box-shadow: 2px 0 3px -2px rgba(0, 0, 0, 0.25);
}
.lb-grid .virtual-row > .body-cell:first-child { background: var(--table-even-background-fill); }
.lb-grid .virtual-row.row-odd > .body-cell:first-child { background: var(--table-odd-background-fill); }
.lb-grid .header-table th:first-child { z-index: 3; background: var(--background-fill-primary); }
/* Queue cells wrap at spaces; a word is cut only when it alone is wider than its column. */
.lb-queue .cell-wrap span, .lb-queue th .cell-wrap { word-break: normal !important; overflow-wrap: break-word !important; }
"""
THEME = gr.themes.Soft(primary_hue="indigo", neutral_hue="slate")


@dataclass
class View:
    inputs: list[Any]
    outputs: list[Any]
    render: Callable[..., list]


@dataclass
class Filters:
    search: gr.Textbox
    types: gr.CheckboxGroup
    known_types: gr.State
    benchmark: gr.Dropdown
    show_incomplete: gr.Checkbox

    @property
    def components(self) -> list[Any]:
        return [self.search, self.types, self.known_types, self.benchmark, self.show_incomplete]

    def events(self) -> list[Callable]:
        """What a reader does to the filters. Types and benchmark listen to `.input`: a data refresh
        also sets them, and must not re-render every view once more."""
        return [self.search.change, self.types.input, self.benchmark.input, self.show_incomplete.change]


# ---- helpers shared by the views ----------------------------------------------------------------


def type_labels(snapshot: Snapshot) -> list[str]:
    """Model types present in the data, in registry order, then any others alphabetically."""
    present = set(snapshot.tables.rows[t.MODEL_TYPE])
    known = [m.label for m in MODEL_TYPES.values() if m.label in present]
    return known + sorted(present - set(known))


def benchmarks(snapshot: Snapshot) -> list[str]:
    return sorted(set(snapshot.tables.rows[t.BENCHMARK]))


def benchmark_choices(snapshot: Snapshot, settings: AppSettings) -> list[str]:
    """Benchmarks with results; the configured one while there are none (a choice must exist)."""
    return benchmarks(snapshot) or [settings.benchmark]


def default_benchmark(snapshot: Snapshot, settings: AppSettings) -> Optional[str]:
    present = benchmarks(snapshot)
    return settings.benchmark if settings.benchmark in present or not present else present[0]


def benchmark_choice_visible(snapshot: Snapshot, settings: AppSettings) -> bool:
    """Show the Benchmark choice unless the only benchmark is the configured one: results on custom
    data (the demo's) carry a label of their own, and the reader must see which data they are on."""
    return benchmarks(snapshot) not in ([], [settings.benchmark])


def shown_types(snapshot: Snapshot, selected: Sequence[str], known: Sequence[str]) -> list[str]:
    """Selected types, plus types that appeared after the reader last saw the checkboxes."""
    return [label for label in type_labels(snapshot) if label in selected or label not in known]


def filtered(
    frame: pd.DataFrame, snapshot: Snapshot, search: str, selected, known, benchmark, show_incomplete=False
) -> pd.DataFrame:
    """The rows of `frame` that the Leaderboard tab's filters let through (every tab uses them)."""
    types = shown_types(snapshot, selected or [], known or [])
    return t.filter_rows(frame, types, search or "", benchmark, show_incomplete=bool(show_incomplete))


def dataframe_update(shown: ShownTable) -> gr.Dataframe:
    return gr.Dataframe(value=shown.styler, datatype=shown.datatypes, column_widths=shown.widths)


def _text_message(ok: bool, message: str) -> str:
    head = "**Queued.**" if ok else "**Not queued.**"
    return f"{head} {escape_markdown(message)}"


# ---- header ---------------------------------------------------------------------------------------


def stats_markdown(snapshot: Snapshot) -> str:
    rows = snapshot.tables.rows
    parts = [f"**{len(rows)}** results"]
    if snapshot.loaded_at:
        parts.append(f"data read {snapshot.loaded_at:%Y-%m-%d %H:%M} UTC")
    if snapshot.tables.skipped:
        parts.append(f"{len(snapshot.tables.skipped)} unreadable result file(s) left out")
    line = " · ".join(parts)
    if snapshot.error:
        line += (
            f"  \n⚠️ The latest refresh failed ({html.escape(hide_paths(snapshot.error))}); showing the data read before."
        )
    return line


def _header(cache: ResultsCache) -> tuple[View, gr.Button]:
    gr.Markdown(
        f"# {APP_TITLE}\nHow well do reward models tell the better answer from the worse one? "
        "Scores on RewardBench, in percent; higher is better.",
        elem_id="lb-title",
    )
    with gr.Row(equal_height=True):
        stats = gr.Markdown(stats_markdown(cache.snapshot), elem_id="lb-stats")
        refresh = gr.Button(
            "↻ Refresh data", scale=0, min_width=150, size="sm", variant="secondary", elem_id="lb-refresh"
        )
    return View([], [stats], lambda snapshot: [stats_markdown(snapshot)]), refresh


# ---- Leaderboard tab ------------------------------------------------------------------------------


def _filters(snapshot: Snapshot, settings: AppSettings) -> Filters:
    labels = type_labels(snapshot)
    with gr.Row(equal_height=True):
        # The minimum widths make the row wrap on a phone: one filter per line, not four squeezed.
        search = gr.Textbox(
            placeholder="Search models (e.g. llama 8b)",
            label="Search",
            scale=2,
            min_width=260,
            elem_id="lb-search",
        )
        types = gr.CheckboxGroup(
            choices=labels, value=labels, label="Model types", scale=3, min_width=320, elem_id="lb-types"
        )
        benchmark = gr.Dropdown(
            choices=benchmark_choices(snapshot, settings),
            value=default_benchmark(snapshot, settings),
            label="Benchmark",
            scale=1,
            visible=benchmark_choice_visible(snapshot, settings),
            elem_id="lb-benchmark",
        )
        show_incomplete = gr.Checkbox(
            value=False,
            label="Show incomplete results",
            info="results missing some of the benchmark's subsets",
            scale=1,
            elem_id="lb-incomplete",
        )
    return Filters(search, types, gr.State(labels), benchmark, show_incomplete)


def _leaderboard_tab(
    cache: ResultsCache, settings: AppSettings, export_dir: Path
) -> tuple[Filters, list[View]]:
    snapshot = cache.snapshot
    filters = _filters(snapshot, settings)
    with gr.Accordion("Columns", open=False):
        columns = gr.CheckboxGroup(
            choices=list(OPTIONAL_HEADERS),
            value=list(DEFAULT_HEADERS),
            show_label=False,
            elem_id="lb-columns",
        )
    count = gr.Markdown(elem_classes="lb-note", elem_id="lb-count")
    grid = _results_grid("lb-table")
    gr.Markdown(TABLE_HELP, elem_classes="lb-note", elem_id="lb-help")
    download = _csv_button("Download this view (CSV)", "lb-download")

    def render(snap: Snapshot, search, selected, known, benchmark, show_incomplete, optional) -> list:
        every = filtered(snap.tables.rows, snap, search, selected, known, benchmark, show_incomplete=True)
        rows = every if show_incomplete else every[every[t.COMPLETE]].reset_index(drop=True)
        chosen = chosen_columns(optional)
        csv = write_csv(leaderboard_export(rows, chosen), export_dir, "leaderboard")
        in_benchmark = t.filter_rows(snap.tables.rows, benchmark=benchmark, show_incomplete=True)
        note = count_note(len(rows), len(in_benchmark), len(every) - len(rows))
        return [dataframe_update(leaderboard_view(rows, chosen, settings.model_link_base)), str(csv), note]

    def render_filters(snap: Snapshot, selected, known, benchmark) -> list:
        labels, present = type_labels(snap), benchmarks(snap)
        keep = benchmark if benchmark in present else default_benchmark(snap, settings)
        return [
            gr.CheckboxGroup(choices=labels, value=shown_types(snap, selected or [], known or [])),
            labels,
            gr.Dropdown(
                choices=benchmark_choices(snap, settings),
                value=keep,
                visible=benchmark_choice_visible(snap, settings),
            ),
        ]

    table_view = View([*filters.components, columns], [grid, download, count], render)
    filter_view = View(
        [filters.types, filters.known_types, filters.benchmark],
        [filters.types, filters.known_types, filters.benchmark],
        render_filters,
    )
    _rerender_on([*filters.events(), columns.change], cache, table_view)
    return filters, [filter_view, table_view]


def _results_grid(elem_id: str) -> gr.Dataframe:
    """A read-only results table: model column pinned (by `pinned_columns` once Gradio honours it,
    by CSS meanwhile), no LaTeX (model names may hold '$')."""
    return gr.Dataframe(
        interactive=False,
        show_label=False,
        pinned_columns=1,
        max_height=760,
        latex_delimiters=[],
        elem_id=elem_id,
        elem_classes="lb-grid",
    )


def _csv_button(label: str, elem_id: str) -> gr.DownloadButton:
    with gr.Row():
        return gr.DownloadButton(label, size="sm", scale=0, min_width=240, elem_id=elem_id)


# ---- Subsets tab --------------------------------------------------------------------------------------


def _section_subsets(section: str) -> Optional[list[str]]:
    for candidate in REWARDBENCH_SECTIONS:
        if candidate.name == section:
            return list(candidate.subset_weights)
    return None


def _subsets_tab(
    cache: ResultsCache, settings: AppSettings, filters: Filters, export_dir: Path
) -> list[View]:
    gr.Markdown(
        "Accuracy on every subset, in percent. The model filters of the Leaderboard tab apply here too.",
        elem_classes="lb-note",
    )
    section = gr.Dropdown(
        choices=[ALL_SECTIONS, *(s.name for s in REWARDBENCH_SECTIONS)],
        value=ALL_SECTIONS,
        label="Section",
        elem_id="subsets-section",
    )
    grid = _results_grid("subsets-table")
    download = _csv_button("Download all subsets (CSV)", "subsets-download")

    def render(snap: Snapshot, search, selected, known, benchmark, show_incomplete, chosen_section) -> list:
        frame = filtered(snap.tables.subsets, snap, search, selected, known, benchmark, show_incomplete)
        headers = subset_headers(snap.tables.subsets, _section_subsets(chosen_section))
        csv = write_csv(subsets_export(snap.tables.subsets), export_dir, "subsets")
        return [dataframe_update(subsets_view(frame, headers, settings.model_link_base)), str(csv)]

    view = View([*filters.components, section], [grid, download], render)
    _rerender_on([*filters.events(), section.change], cache, view)
    return [view]


# ---- Charts tab ---------------------------------------------------------------------------------------


def _charts_tab(cache: ResultsCache, filters: Filters) -> list[View]:
    models = list(t.filter_rows(cache.snapshot.tables.rows, benchmark=filters.benchmark.value)[t.MODEL])
    gr.Markdown(
        "The filters of the Leaderboard tab (search, model types, benchmark, incomplete results) apply "
        "here too. A model has the same colour in every chart.",
        elem_classes="lb-note",
    )
    with gr.Row(equal_height=True):
        top_n = gr.Slider(3, 25, value=figures.DEFAULT_TOP_N, step=1, label="Top models", scale=1)
    bars = gr.Plot(show_label=False, elem_id="chart-sections")
    picked = gr.Dropdown(
        choices=models, value=models[:3], multiselect=True, label="Models to compare", elem_id="chart-models"
    )
    radar = gr.Plot(show_label=False, elem_id="chart-radar")
    with gr.Row(equal_height=True):
        x_axis = gr.Dropdown(choices=list(figures.SCATTER_AXES), value="Chat Hard", label="X axis", scale=1)
        y_axis = gr.Dropdown(choices=list(figures.SCATTER_AXES), value=t.SCORE, label="Y axis", scale=1)
    scatter = gr.Plot(show_label=False, elem_id="chart-scatter")
    types = gr.Plot(show_label=False, elem_id="chart-types")

    def render(snap: Snapshot, search, selected, known, benchmark, show_incomplete, n, chosen, x, y) -> list:
        rows = filtered(snap.tables.rows, snap, search, selected, known, benchmark, show_incomplete)
        names = list(rows[t.MODEL])
        chosen = [m for m in (chosen or []) if m in names]
        colours = figures.colour_map(snap.tables.rows[t.MODEL])  # over every model: filters keep colours
        options = figures.ChartOptions(top_n=int(n), models=chosen, x=x, y=y, colours=colours)
        return [
            figures.draw("sections", rows, options),
            gr.Dropdown(choices=names, value=chosen),
            figures.draw("radar", rows, options),
            figures.draw("scatter", rows, options),
            figures.draw("types", rows, options),
        ]

    view = View(
        [*filters.components, top_n, picked, x_axis, y_axis], [bars, picked, radar, scatter, types], render
    )
    _rerender_on([*filters.events(), top_n.change, picked.input, x_axis.change, y_axis.change], cache, view)
    return [view]


# ---- Submit tab -----------------------------------------------------------------------------------------


@dataclass
class SubmitForm:
    model: gr.Textbox
    revision: gr.Textbox
    model_type: gr.Dropdown
    ref_model: gr.Textbox
    chat_template: gr.Textbox
    dtype: gr.Dropdown

    @property
    def components(self) -> list[Any]:
        return [self.model, self.revision, self.model_type, self.ref_model, self.chat_template, self.dtype]


def _form_fields(allow_local: bool = False) -> SubmitForm:
    first = next(iter(MODEL_TYPES.values()))
    where = "org/name on the Hugging Face Hub" + (", or a model folder on this server" if allow_local else "")
    with gr.Row():
        model = gr.Textbox(label="Model", placeholder=where, scale=3, elem_id="sub-model")
        revision = gr.Textbox(
            label="Revision", value="main", info="branch, tag or commit", scale=1, elem_id="sub-revision"
        )
    with gr.Row():
        model_type = gr.Dropdown(
            choices=[(m.label, m.key) for m in MODEL_TYPES.values()],
            value=first.key,
            label="Model type",
            elem_id="sub-type",
        )
        ref_model = gr.Textbox(
            label="Reference model",
            placeholder=f"the model it was trained from: {where}",
            visible=first.needs_reference,
            elem_id="sub-ref",
        )
    with gr.Row():
        chat_template = gr.Textbox(
            label="Chat template",
            value="tokenizer",
            info="'tokenizer' uses the model's own template",
            elem_id="sub-template",
        )
        dtype = gr.Dropdown(choices=list(DTYPES), value="auto", label="Weights dtype", elem_id="sub-dtype")
    model_type.change(
        lambda key: gr.Textbox(visible=MODEL_TYPES[key].needs_reference if key in MODEL_TYPES else False),
        [model_type],
        [ref_model],
        show_progress="hidden",
    )
    return SubmitForm(model, revision, model_type, ref_model, chat_template, dtype)


def _submit(cache: ResultsCache, submissions: Submissions, submitter: str, values: Sequence[str]) -> str:
    model, revision, model_type, ref_model, chat_template, dtype = ((v or "") for v in values)
    outcome = submissions.submit(
        SubmissionForm(model, revision, model_type, ref_model, chat_template, dtype, submitter or "")
    )
    if outcome.accepted:
        cache.note_request(outcome.request)
    return _text_message(outcome.accepted, outcome.message)


def submit_handler(cache: ResultsCache, submissions: Submissions, signed_in: bool) -> Callable[..., str]:
    """The Submit button's callback: the submitter is the signed-in Hub user on a Space (Gradio fills
    `profile` from the sign-in session, reading the type hint), else the name typed in the form."""
    if signed_in:

        def on_submit(
            model, revision, model_type, ref_model, template, dtype, profile: Optional[gr.OAuthProfile]
        ) -> str:
            name = profile.username if profile else ""
            return _submit(
                cache, submissions, name, (model, revision, model_type, ref_model, template, dtype)
            )
    else:

        def on_submit(model, revision, model_type, ref_model, template, dtype, name) -> str:
            return _submit(
                cache, submissions, name, (model, revision, model_type, ref_model, template, dtype)
            )

    return on_submit


def _submit_tab(cache: ResultsCache, settings: AppSettings, submissions: Submissions):
    local = (
        " Models may also be a folder on this server (an absolute path, or one relative to the app's "
        "working directory) with a config.json and safetensors weights; it is shown by its last two "
        "names, never its path."
        if settings.allow_local_models
        else ""
    )
    gr.Markdown(
        f"Submit a reward model to be evaluated on **{escape_markdown(settings.benchmark)}**. It must be on "
        "the Hub with safetensors weights, load without custom code, and state a license."
        f"{local} Each submitter may send {settings.max_submissions_per_week} models a week.",
        elem_classes="lb-note",
    )
    if settings.on_space:
        gr.LoginButton()
    else:
        submitter = gr.Textbox(
            label="Your name", placeholder="your Hugging Face username", elem_id="sub-submitter"
        )
    form = _form_fields(settings.allow_local_models)
    button = gr.Button("Submit for evaluation", variant="primary", elem_id="sub-button")
    message = gr.Markdown(elem_id="sub-message")
    inputs = form.components if settings.on_space else [*form.components, submitter]
    return button.click(
        submit_handler(cache, submissions, settings.on_space), inputs, [message], concurrency_limit=4
    )


# ---- Queue tab -----------------------------------------------------------------------------------------


def _queue_tab(cache: ResultsCache) -> list[View]:
    gr.Markdown(
        "Every submission and where it stands. Times are UTC. *Runs* counts every time a worker took the "
        "request; a failed request shows the first line of its error, and the whole error below.",
        elem_classes="lb-note",
    )
    grids = [
        gr.Dataframe(
            interactive=False,
            label=section.title,
            wrap=True,
            max_height=400,
            pinned_columns=1,
            column_widths=section.widths,
            elem_id=f"queue-{section.status.value.lower()}",
            elem_classes=["lb-grid", "lb-queue"],
        )
        for section in QUEUE_SECTIONS
    ]
    with gr.Accordion("Whole error of a failed request", open=True, elem_id="queue-error-box"):
        pick = gr.Dropdown(choices=[], value=None, label="Failed request", elem_id="queue-failed-pick")
        error = gr.Textbox(
            label="Error", lines=4, max_lines=30, interactive=False, buttons=["copy"], elem_id="queue-error"
        )
    pick.input(
        lambda request_id: error_details(cache.snapshot.requests, request_id), [pick], [error], show_progress="hidden"
    )

    def render(snap: Snapshot, picked: Optional[str]) -> list:
        tables = queue_tables(snap.requests)
        choices = failed_choices(snap.requests)
        keep = picked if picked in {rid for _, rid in choices} else (choices[0][1] if choices else None)
        return [
            *(
                gr.Dataframe(value=tables[s.status], label=f"{s.title} ({len(tables[s.status])})", datatype="str")
                for s in QUEUE_SECTIONS
            ),
            gr.Dropdown(choices=choices, value=keep),
            error_details(snap.requests, keep),
        ]

    return [View([pick], [*grids, pick, error], render)]


# ---- wiring --------------------------------------------------------------------------------------------


def _rerender_on(events: Sequence[Callable], cache: ResultsCache, view: View) -> None:
    """Re-render `view` on each of `events` (bound listeners such as `search.change`).

    Controls that a data refresh also sets (model types, benchmark, picked models) listen to
    `.input`, which only the reader fires; the others listen to `.change`, which also catches
    pasting and autofill."""
    for event in events:
        event(
            lambda *values: view.render(cache.snapshot, *values),
            view.inputs,
            view.outputs,
            show_progress="hidden",
            trigger_mode="always_last",
        )


class Renderer:
    """Renders every view at once, from one snapshot; the input list has no duplicates."""

    def __init__(self, cache: ResultsCache, views: Sequence[View]):
        self.cache = cache
        self.views = list(views)
        self.inputs: list[Any] = []
        for view in self.views:
            self.inputs += [c for c in view.inputs if all(c is not known for known in self.inputs)]
        self.outputs = [c for view in self.views for c in view.outputs]

    def _index(self, component: Any) -> int:
        return next(i for i, known in enumerate(self.inputs) if known is component)

    def render_all(self, snapshot: Snapshot, values: Sequence[Any]) -> list:
        out: list = [snapshot.version]
        for view in self.views:
            out += view.render(snapshot, *(values[self._index(c)] for c in view.inputs))
        return out

    def if_newer(self, seen_version: int, *values: Any) -> list:
        snapshot = self.cache.snapshot
        if snapshot.version == seen_version:
            return [gr.skip()] * (1 + len(self.outputs))
        return self.render_all(snapshot, values)

    def refreshed(self, min_age_s: float, values: Sequence[Any]) -> list:
        return self.render_all(self.cache.refresh_unless_fresh(min_age_s), values)


def build_app(
    store: Store,
    settings: AppSettings,
    cache: Optional[ResultsCache] = None,
    submissions: Optional[Submissions] = None,
    export_dir: Optional[Path] = None,
) -> gr.Blocks:
    """The whole web app over `store`; `cache` (refreshed by the caller's schedule) is made if not given."""
    cache = cache or ResultsCache(store)
    cache.ensure_loaded()
    submissions = submissions or Submissions(store, settings)
    export_dir = export_dir or Path(tempfile.mkdtemp(prefix="leaderboard-csv-"))
    # No usage analytics leave the host; cached download files are deleted after an hour.
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False, delete_cache=(3600, 3600)) as app:
        seen = gr.State(0)
        header, refresh = _header(cache)
        with gr.Tabs():
            with gr.Tab("Leaderboard", id="leaderboard"):
                filters, leaderboard_views = _leaderboard_tab(cache, settings, export_dir)
            with gr.Tab("Subsets", id="subsets"):
                subset_views = _subsets_tab(cache, settings, filters, export_dir)
            with gr.Tab("Charts", id="charts"):
                chart_views = _charts_tab(cache, filters)
            with gr.Tab("Submit", id="submit"):
                submitted = _submit_tab(cache, settings, submissions)
            with gr.Tab("Queue", id="queue"):
                queue_views = _queue_tab(cache)
            with gr.Tab("About", id="about"):
                gr.Markdown(about_markdown())
        renderer = Renderer(cache, [header, *leaderboard_views, *subset_views, *chart_views, *queue_views])
        inputs, outputs = [seen, *renderer.inputs], [seen, *renderer.outputs]
        app.load(renderer.if_newer, inputs, outputs)
        refresh.click(
            lambda _seen, *values: renderer.refreshed(settings.manual_refresh_min_s, values),
            inputs,
            outputs,
            concurrency_limit=1,
        )
        gr.Timer(settings.ui_poll_s).tick(renderer.if_newer, inputs, outputs, show_progress="hidden")
        submitted.then(renderer.if_newer, inputs, outputs, show_progress="hidden")
    return app


def launch(app: gr.Blocks, settings: AppSettings, **overrides: Any):
    """Serve `app` with the look it was designed with (Gradio 6 takes theme and CSS at launch)."""
    options = {
        "server_name": settings.server_name,
        "server_port": settings.server_port,
        "theme": THEME,
        "css": CSS,
        "footer_links": [],
        **overrides,
    }
    return app.launch(**options)
