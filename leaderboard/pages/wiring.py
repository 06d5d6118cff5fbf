"""Which events re-render which views: a reader's action renders what it changed, and only in sight.

Pages call `rerender_on(events, cache, view)` (pages/common.py) while they are built. Inside
`collecting()` (what `build_app` does), each call is noted instead of bound; `Wiring.bind` then
binds the page in *places*: above the tabs (key None, always in sight) and each tab (a view's tab is
the `gr.Tab` it was built in, `View.tab`, so a new tab needs nothing here).

Gradio's cost of an output does not depend on whether the callback changed it: a skipped output
still has its component rebuilt and its configuration recomputed for the session (about a
millisecond each), and one event that rendered the tab in sight and skipped every other tab's views
paid that for fifty outputs on every search and every timer tick. So nothing here is skipped in bulk:
- a trigger (a component's `.change`, `.input`, ...) renders the views of its own tab that listen
  to it at once, in one event: the reader acts on what is in sight;
- views of other places that follow it (the Subsets tab follows the Leaderboard's filters) are
  asked in one tiny event: it sets the request state (`asked`) of each such place in sight and
  leaves the others' (a state's skip costs nothing); the state's `.change` renders exactly the
  views of that place that listen to the trigger;
- the data checks (the page's load, its timer, the Refresh button, a submission) ask each place in
  sight whose data is older than the snapshot (`seen`: the version each place shows) to render all
  of its views, and ask nothing at all when the data has not changed;
- selecting a tab renders that tab's views from the current data.

Every render goes through `render_shared` (pages/common.py): one render per snapshot, view and input
values, shared by all sessions (fifty readers opening the default view cost one render).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import gradio as gr

from ..data import ResultsCache, Snapshot
from ..endpoints import READS
from .common import View, enclosing_tab, render_shared

ALL = "all"  # the trigger of a data check: every view of the place renders


def _unique(items: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if all(item is not known for known in out):
            out.append(item)
    return out


def tab_key(tab: Optional[gr.Tab]) -> Optional[str]:
    return None if tab is None else str(tab.id if tab.id is not None else tab._id)


def bare(outputs: list) -> Any:
    """An event handler's return for `outputs`: Gradio takes a lone output bare, not in a list."""
    return outputs[0] if len(outputs) == 1 else outputs


@dataclass
class Group:
    """Views rendered together: their inputs (once each) and outputs, in one Gradio event."""

    views: list[View]
    inputs: list[Any] = field(init=False)
    outputs: list[Any] = field(init=False)

    def __post_init__(self) -> None:
        self.inputs = _unique([c for view in self.views for c in view.inputs])
        self.outputs = [c for view in self.views for c in view.outputs]

    def render(self, snapshot: Snapshot, values: Sequence[Any]) -> list:
        by_component = {id(c): v for c, v in zip(self.inputs, values)}
        return [
            out
            for view in self.views
            for out in render_shared(view, snapshot, [by_component[id(c)] for c in view.inputs])
        ]


@dataclass
class Place:
    """Above the tabs (key None) or one tab: in sight or out of it as a whole."""

    key: Optional[str]
    views: list[View]
    group: Group = field(init=False)  # all its views: what a data check or the tab's selection renders
    seen: gr.State = field(default_factory=lambda: gr.State(None))  # the data version its views show
    asked: gr.State = field(default_factory=lambda: gr.State(None))  # a data check's render request

    def __post_init__(self) -> None:
        self.group = Group(self.views)


class Wiring:
    """Binds the noted (event, view) pairs, the tabs' selection and the data checks, once the pages
    are built."""

    def __init__(self, cache: ResultsCache, views: Sequence[View]):
        self.cache = cache
        self.tabs = _unique([view.tab for view in views if view.tab is not None])
        keys = [None, *(tab_key(tab) for tab in self.tabs)]
        self.places = [Place(key, [v for v in views if tab_key(v.tab) == key]) for key in keys]
        first = self.tabs[0].parent.children[0] if self.tabs else None
        self.in_sight = gr.State(tab_key(first))  # the tab this session has in sight
        self._serial = itertools.count(1)  # request values: each one new, so that its `.change` fires

    # ---- a reader's action ----------------------------------------------------------------------

    def bind(self, noted: Sequence[tuple[Callable, View]]) -> None:
        triggers: dict[tuple[int, str], tuple[Callable, list[View]]] = {}
        for event, view in noted:
            key = (event.__self__._id, event.__func__.event_name)
            triggers.setdefault(key, (event, []))[1].append(view)
        for event, views in triggers.values():
            self._bind_trigger(event, _unique(views))
        for place in self.places:
            self._bind_render(place.asked, place.group, seen=place.seen)
        for tab, place in zip(self.tabs, self.places[1:]):
            self._bind_tab(tab, place)

    def _bind_trigger(self, event: Callable, views: list[View]) -> None:
        home = tab_key(enclosing_tab(event.__self__))  # in sight whenever the reader acts on it
        asks: list[tuple[Optional[str], gr.State]] = []
        for place in self.places:
            listening = [v for v in place.views if any(v is w for w in views)]
            if listening and place.key == home:
                self._bind_direct(event, Group(listening))
            elif listening:
                asked = gr.State(None)
                self._bind_render(asked, Group(listening))
                asks.append((place.key, asked))
        if asks:
            self._bind_asks(event, asks)

    def _bind_direct(self, event: Callable, group: Group) -> None:
        """The views on the trigger's own tab render at once: one event, no request in between (a
        value set by another event may fire it out of sight: a render then, never a wrong one)."""

        def render(*values):
            return bare(group.render(self.cache.snapshot, values))

        event(render, group.inputs, group.outputs, show_progress="hidden", trigger_mode="always_last", **READS)

    def _bind_asks(self, event: Callable, asks: list[tuple[Optional[str], gr.State]]) -> None:
        """Views elsewhere that follow the trigger (the Subsets tab follows the Leaderboard's filters)
        are asked for a render if their place is in sight: the top always, a tab if it is the one."""

        def ask(in_sight):
            return bare([next(self._serial) if key in (None, in_sight) else gr.skip() for key, _ in asks])

        event(ask, [self.in_sight], [asked for _, asked in asks], show_progress="hidden", trigger_mode="always_last")

    def _bind_render(self, asked: gr.State, group: Group, seen: Optional[gr.State] = None) -> None:
        """`asked`'s change renders `group` (and records the version shown in `seen`, if given)."""

        def render(_request, *values):
            snapshot = self.cache.snapshot
            return bare([*([snapshot.version] if seen else []), *group.render(snapshot, values)])

        asked.change(
            render,
            [asked, *group.inputs],
            [*([seen] if seen else []), *group.outputs],
            show_progress="hidden",
            trigger_mode="always_last",
            **READS,
        )

    def _bind_tab(self, tab: gr.Tab, place: Place) -> None:
        group = place.group

        def shown(*values):
            snapshot = self.cache.snapshot
            return [place.key, snapshot.version, *group.render(snapshot, values)]

        tab.select(
            shown, group.inputs, [self.in_sight, place.seen, *group.outputs], show_progress="hidden", **READS
        )

    # ---- the data checks ------------------------------------------------------------------------

    @property
    def check_inputs(self) -> list[gr.State]:
        return [self.in_sight, *(place.seen for place in self.places)]

    @property
    def check_outputs(self) -> list[gr.State]:
        return [place.asked for place in self.places]

    def stale(self, snapshot: Snapshot, in_sight: Optional[str], *seen: Any) -> list:
        """A render request for each place in sight whose views show older data than `snapshot`;
        nothing (a skip of a state, free) for the others: an unchanged store costs a tick nothing."""
        return [
            next(self._serial) if place.key in (None, in_sight) and version != snapshot.version else gr.skip()
            for place, version in zip(self.places, seen)
        ]

    def if_newer(self, in_sight: Optional[str], *seen: Any) -> list:
        """What the page's load, its timer and a submission call."""
        return self.stale(self.cache.snapshot, in_sight, *seen)

    def refreshed(self, min_age_s: float) -> Callable[..., list]:
        """What the Refresh button calls: re-read the store (unless just read), then check."""

        def refresh(in_sight: Optional[str], *seen: Any) -> list:
            return self.stale(self.cache.refresh_unless_fresh(min_age_s), in_sight, *seen)

        return refresh
