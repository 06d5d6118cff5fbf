"""What every page of the app shares: the View record, the Leaderboard filters that every tab
follows, and the small component builders the tabs use alike."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterator, Optional, Sequence

import gradio as gr
import pandas as pd
from gradio.context import Context

from results.model_types import MODEL_TYPES

from . import prepared
from ..tables import provenance as prov
from ..tables import table as t
from ..data import ResultsCache, Snapshot
from ..tables.display import Column, ShownTable, escape_markdown, leaderboard_export, leaderboard_view
from ..tables.export import write_csv
from ..tables.header_sort import HeaderSort, state_elem_id
from ..tables.mark_columns import SIGNIFICANT
from ..app_settings import AppSettings
from ..endpoints import READS
from .following import FollowingCheckboxGroup


def submission_answer(ok: bool, message: str) -> str:
    """The Submit and Policies tabs' answer, led by a bold "Queued" or "Not queued". A message that
    already starts with the word ("Queued org/name at ...") gets it bolded, not said twice."""
    head = "Queued" if ok else "Not queued"
    if message.startswith(head + " "):
        return f"**{head}** {escape_markdown(message[len(head) + 1:])}"
    return f"**{head}.** {escape_markdown(message)}"


def enclosing_tab(block: Any = None) -> Optional[gr.Tab]:
    """The `gr.Tab` that `block` is in (default: the block being built), if any."""
    block = Context.block if block is None else block
    while block is not None and not isinstance(block, gr.Tab):
        block = block.parent
    return block


@dataclass
class View:
    inputs: list[Any]
    outputs: list[Any]
    render: Callable[..., list]
    # The tab it is on (None: above the tabs, always in sight): taken from where it is built, so a
    # page's views are rendered only while its tab is in sight (see pages/wiring.py).
    tab: Optional[gr.Tab] = field(default_factory=enclosing_tab, repr=False)

    def rendered(self, snapshot: Any, *values: Any) -> Any:
        """`render`'s outputs (shared by every session: `render_shared`) as an event handler returns
        them: Gradio takes a lone output bare, not in a list."""
        out = render_shared(self, snapshot, values)
        return out[0] if len(self.outputs) == 1 else out


@dataclass
class Filters:
    search: gr.Textbox
    types: gr.CheckboxGroup
    known_types: gr.State
    benchmark: gr.Dropdown
    show_incomplete: gr.Checkbox
    show_older: gr.Checkbox
    switched_to: gr.State  # the benchmark of the latest switch: see `watch_switches`

    @property
    def components(self) -> list[Any]:
        return [self.search, self.types, self.known_types, self.benchmark, self.show_incomplete, self.show_older]

    def watch_switches(self) -> None:
        """Gradio 6.31's dropdown, once set to another benchmark than the page opened with, fires
        `.input` again and again with the same value; each firing re-rendered every view with the
        values of that moment, over the reader's newer picks (a Subsets section snapped back). A
        switch is an input whose benchmark differs from the last one: views listen to `switched`."""
        self.benchmark.input(
            lambda new, last: gr.skip() if new == last else new,
            [self.benchmark, self.switched_to],
            [self.switched_to],
            show_progress="hidden",
            trigger_mode="always_last",
        )

    @property
    def switched(self) -> Callable:
        return self.switched_to.change

    def events(self) -> list[Callable]:
        """What a reader does to the filters. Types listen to `.input` and the benchmark to a switch:
        a data refresh also sets them, and must not re-render every view once more."""
        return [
            self.search.change,
            self.types.input,
            self.switched,
            self.show_incomplete.change,
            self.show_older.change,
        ]


# ---- helpers shared by the views ----------------------------------------------------------------


def type_labels(snapshot: Snapshot) -> list[str]:
    """Model types present in the data, in registry order, then any others alphabetically (once per
    snapshot: every render of every filter asks)."""

    def labels() -> list[str]:
        present = set(snapshot.tables.rows[t.MODEL_TYPE])
        known = [m.label for m in MODEL_TYPES.values() if m.label in present]
        return known + sorted(present - set(known))

    return list(snapshot.derive("type labels", labels))


def benchmarks(snapshot: Snapshot) -> list[str]:
    return list(snapshot.derive("benchmarks", lambda: sorted(set(snapshot.tables.rows[t.BENCHMARK]))))


def benchmark_rows(snapshot: Snapshot, benchmark: Optional[str]) -> pd.DataFrame:
    """Every row of `benchmark` (older, incomplete and imported ones too), in the table's order: cut
    once per snapshot, so that a search filters one benchmark's rows, not every benchmark's."""
    every = dict(show_incomplete=True, show_older=True, provenance=None)
    return snapshot.derive(
        ("rows of", benchmark), lambda: t.filter_rows(snapshot.tables.rows, benchmark=benchmark, **every)
    )


def benchmark_choices(snapshot: Snapshot, settings: AppSettings) -> list[str]:
    """Benchmarks with results: those of the host's benchmarks in its order (RewardBench 2 first by
    default; labels with results verified here first, then each benchmark's own results before its
    custom-data ones), then any others alphabetically;
    the leading configured one while there are none (a choice must exist)."""
    order = {name: i for i, name in enumerate(settings.benchmarks)}
    rows = snapshot.tables.rows
    verified = set(rows.loc[rows[t.PROVENANCE] == prov.VERIFIED, t.BENCHMARK])

    def rank(label: str) -> tuple:
        # A custom-data label sorts with its benchmark: the demo's RewardBench 2 results lead too,
        # before a label with imported results only (the demo's published sample).
        base = t.base_benchmark(label)
        return (order.get(base, len(order)), label not in verified, label != base, label)

    return sorted(benchmarks(snapshot), key=rank) or [settings.benchmark]


def default_benchmark(snapshot: Snapshot, settings: AppSettings) -> Optional[str]:
    return benchmark_choices(snapshot, settings)[0]


def shown_benchmark(snapshot: Snapshot, settings: AppSettings, picked: Optional[str]) -> Optional[str]:
    """The benchmark a view shows: the reader's pick while it has results, else the default, as the
    Benchmark choice itself becomes in the same render. A view must not read the pick alone: a page
    opened before any result (the choice holding the configured default, which may have none) would
    render an empty table beside a choice that the same render set, and no event follows that set."""
    return picked if picked in benchmarks(snapshot) else default_benchmark(snapshot, settings)


def benchmark_choice_visible(snapshot: Snapshot, settings: AppSettings) -> bool:
    """Show the Benchmark choice unless there is one, and it is one the host offers: results on custom
    data (the demo's) carry a label of their own, and the reader must see which data they are on."""
    choices = benchmark_choices(snapshot, settings)
    return not (len(choices) == 1 and choices[0] in settings.benchmarks)


def shown_types(snapshot: Snapshot, selected: Sequence[str], known: Sequence[str]) -> list[str]:
    """Selected types, plus types that appeared after the reader last saw the checkboxes."""
    return [label for label in type_labels(snapshot) if label in selected or label not in known]


def filtered(
    frame: pd.DataFrame,
    snapshot: Snapshot,
    search: str,
    selected,
    known,
    benchmark,
    show_incomplete=False,
    show_older=False,
    provenance: Optional[str] = prov.BOTH,
) -> pd.DataFrame:
    """The rows of `frame` that the Leaderboard tab's filters let through (every tab uses them; the
    other tabs show verified and imported results, a model verified here once)."""
    types = shown_types(snapshot, selected or [], known or [])
    return t.filter_rows(
        frame,
        types,
        search or "",
        benchmark,
        show_incomplete=bool(show_incomplete),
        show_older=bool(show_older),
        provenance=provenance,
    )


# A table that is never shown: it turns a Styler into what the page receives. Made here, not in a
# callback: a component made while Gradio answers an event is only an update, without its methods.
_GRID_CONVERTER = prepared.Dataframe(interactive=False, render=False)


# ---- the controls and the table of the Leaderboard and the Overview tabs ------------------------------


def search_box(elem_id: str) -> gr.Textbox:
    return gr.Textbox(
        placeholder="Search models (e.g. llama 8b)", label="Search", scale=2, min_width=260, elem_id=elem_id
    )


def types_choice(labels: list[str], elem_id: str) -> FollowingCheckboxGroup:
    # The minimum widths make a filter row wrap on a phone: one filter per line, not four squeezed.
    return FollowingCheckboxGroup(
        choices=labels, value=labels, label="Model types", scale=3, min_width=320, elem_id=elem_id
    )


def types_update(snap: Snapshot, selected, known) -> list:
    """The model-type choice after a data refresh (new types ticked) and the types it now knows."""
    labels = type_labels(snap)
    return [gr.CheckboxGroup(choices=labels, value=shown_types(snap, selected or [], known or [])), labels]


def switch(label: str, info: str, elem_id: str) -> gr.Checkbox:
    """A filter that is off until the reader ticks it."""
    return gr.Checkbox(value=False, label=label, info=info, scale=1, elem_id=elem_id)  # its width: ui.CSS


def provenance_choice(elem_id: str = "lb-provenance") -> gr.Radio:
    """Verified here, imported, or both (a model with both shows its verified result)."""
    return gr.Radio(
        choices=list(prov.PROVENANCE_CHOICES),
        value=prov.BOTH,
        label="Source",
        info="verified here: computed by this leaderboard's worker; imported: published numbers as they are",
        elem_id=elem_id,
    )


def sort_state_box(table_elem_id: str) -> gr.Textbox:
    """Where the page script (tables/header_sort.py) writes the table's header sort for the server:
    Gradio 6.31 sorts on the page and tells the server nothing. Hidden by ui.CSS, not by
    `visible=False`, which would leave it out of the page."""
    return gr.Textbox(show_label=False, container=False, elem_id=state_elem_id(table_elem_id))


def follow_header_sort(sort_state: gr.Textbox, cache: ResultsCache, table_view: View) -> None:
    """Re-render a table view's CSV and caption (its second and third outputs, after the grid) when
    the page reports a header sort; the grid and any later output are left as they are: a new grid
    value would undo the reader's sort."""

    def render(*values):
        out = render_shared(table_view, cache.snapshot, values)
        return [o if i in (1, 2) else gr.skip() for i, o in enumerate(out)]

    sort_state.change(
        render, table_view.inputs, table_view.outputs, show_progress="hidden", trigger_mode="always_last"
    )


def shown_table(
    rows: pd.DataFrame,
    columns: Sequence[Column],
    export_dir,
    stem: str,
    link_base: str,
    resorted: Optional[HeaderSort] = None,
) -> tuple[gr.Dataframe, str]:
    """A results table as the page shows it and the CSV of exactly those rows and columns, in the
    page's order: after a header sort (`resorted`), that order, without the marks that only mean
    something in ranking order (the page hides them meanwhile)."""
    table = leaderboard_view(rows, columns, link_base)
    export = leaderboard_export(rows, columns)
    if resorted:
        export = export.iloc[resorted.order(table.styler.data)]
        export = export[[c for c in export.columns if not c.startswith(SIGNIFICANT)]]
    return dataframe_update(table), str(write_csv(export, export_dir, stem))


def dataframe_update(shown: ShownTable) -> dict:
    """The table's update, its cells converted once into what the page receives (pages/prepared.py;
    the table shown must be a `prepared.Dataframe`), so a render shared by fifty sessions is not
    converted, walked and serialized fifty times. A dict, not a `gr.Dataframe`: made outside an
    event (a test), a component would convert its value again, and a prepared one it cannot."""
    value = prepared.converted(_GRID_CONVERTER, shown.styler)
    return gr.update(value=value, datatype=shown.datatypes, column_widths=shown.widths)





_COLLECTING: ContextVar[Optional[list[tuple[Callable, View]]]] = ContextVar("rerender_on", default=None)


def frozen(value: Any) -> Hashable:
    """`value` as a key: lists and tuples as tuples, dicts and sets in a fixed order."""
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), frozen(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(repr(v) for v in value))
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def render_key(view: View, values: Sequence[Any]) -> Hashable:
    """What a shared render is kept under in its snapshot (`Snapshot.derive`)."""
    return ("view", id(view), frozen(list(values)))


def render_shared(view: View, snapshot: Snapshot, values: Sequence[Any]) -> list:
    """`view.render(snapshot, *values)`, computed once per snapshot and input values for everyone,
    its tables and charts converted once into what the page receives (pages/prepared.py). Each
    caller gets its own copy of an update dict: Gradio pops the value out of the one it is handed."""
    outputs = snapshot.derive(
        render_key(view, values), lambda: prepared.prepare_outputs(view.outputs, view.render(snapshot, *values))
    )
    return [dict(out) if isinstance(out, dict) else out for out in outputs]


@contextmanager
def collecting() -> Iterator[list[tuple[Callable, View]]]:
    """While building the pages, `rerender_on` notes its (event, view) pairs here for `Wiring.bind`."""
    noted: list[tuple[Callable, View]] = []
    token = _COLLECTING.set(noted)
    try:
        yield noted
    finally:
        _COLLECTING.reset(token)


def rerender_on(events: Sequence[Callable], cache: ResultsCache, view: View) -> None:
    """Re-render `view` on each of `events` (bound listeners such as `search.change`).

    Controls that a data refresh also sets (model types, benchmark, picked models) listen to
    `.input`, which only the reader fires; the others listen to `.change`, which also catches
    pasting and autofill. Built outside `collecting()` (a page on its own, in a test), the events
    are bound at once, each to this view alone."""
    noted = _COLLECTING.get()
    if noted is not None:
        noted.extend((event, view) for event in events)
        return

    def render(*values):
        return view.rendered(cache.snapshot, *values)

    for event in events:
        event(render, view.inputs, view.outputs, show_progress="hidden", trigger_mode="always_last", **READS)



def results_grid(elem_id: str) -> gr.Dataframe:
    """A read-only results table: model column pinned (by `pinned_columns` once Gradio honours it,
    by CSS meanwhile), no LaTeX (model names may hold '$')."""
    return prepared.Dataframe(
        interactive=False,
        show_label=False,
        pinned_columns=1,
        max_height=760,
        latex_delimiters=[],
        elem_id=elem_id,
        elem_classes="lb-grid",
    )


def client_address(request: Optional[gr.Request]) -> str:
    """The address a form came from (Gradio fills a `gr.Request` parameter): the limits count per
    address where a typed name is allowed. Kept in memory only, never written to the queue."""
    client = getattr(request, "client", None)
    return str(getattr(client, "host", "") or "")


def csv_button(label: str, elem_id: str) -> gr.DownloadButton:
    with gr.Row():
        return gr.DownloadButton(label, size="sm", scale=0, min_width=240, elem_id=elem_id)
