"""Which events re-render which views: one Gradio event per trigger, rendering only what is in sight.

Pages call `rerender_on(events, cache, view)` (pages/common.py) while they are built. Inside
`collecting()` (what
`build_app` does), each call is noted instead of bound; `Wiring.bind` then binds one event per
trigger (a component's `.change`, `.input`, ...) for every view listening to it, whose callback
renders the views of the tab in sight and those above the tabs, and skips the others: a search costs
the visible tab's table, not every tab's. Selecting a tab renders that tab's views from the current
data. A view's tab is the `gr.Tab` it was built in (`View.tab`), so a new tab needs nothing here.

Every render goes through `render_shared` (pages/common.py): one render per snapshot, view and input values, shared by
all sessions (fifty readers opening the default view cost one render).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import gradio as gr

from ..data import ResultsCache, Snapshot
from ..endpoints import READS
from .common import View, render_shared

def _unique(components: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for component in components:
        if all(component is not known for known in out):
            out.append(component)
    return out


def tab_key(tab: Optional[gr.Tab]) -> Optional[str]:
    return None if tab is None else str(tab.id if tab.id is not None else tab._id)


def seen_after(seen: Any, version: int, *places: Optional[str]) -> dict:
    """A session's record of the data version each place shows (a tab's key; None: above the tabs),
    after `places` were rendered from `version`. Kept per place, not once for the page: a check of the
    timer that left with the tab seen before a switch renders that tab only, and the tab switched to
    must still be found older by the next check."""
    return {**(seen if isinstance(seen, dict) else {}), **{place: version for place in places}}


def is_current(seen: Any, version: int, in_sight: Optional[str]) -> bool:
    return isinstance(seen, dict) and seen.get(None) == version and seen.get(in_sight) == version


@dataclass
class Group:
    """Views rendered together: their inputs (once each) and outputs, in one Gradio event."""

    views: list[View]
    inputs: list[Any] = field(init=False)
    outputs: list[Any] = field(init=False)

    def __post_init__(self) -> None:
        self.inputs = _unique([c for view in self.views for c in view.inputs])
        self.outputs = [c for view in self.views for c in view.outputs]

    def render(self, snapshot: Snapshot, in_sight: Optional[str], values: Sequence[Any]) -> list:
        """Outputs of the views in sight (above the tabs, or on tab `in_sight`); skips for the others."""
        by_component = {id(c): v for c, v in zip(self.inputs, values)}
        out: list = []
        for view in self.views:
            if tab_key(view.tab) in (None, in_sight):
                out += render_shared(view, snapshot, [by_component[id(c)] for c in view.inputs])
            else:
                out += [gr.skip()] * len(view.outputs)
        return out


class Wiring:
    """Binds the noted (event, view) pairs and the tabs' selection, once the pages are built."""

    def __init__(self, cache: ResultsCache, views: Sequence[View]):
        self.cache = cache
        self.views = list(views)
        tabs = _unique([view.tab for view in self.views if view.tab is not None])
        self.tabs = tabs
        first = tabs[0].parent.children[0] if tabs else None
        self.in_sight = gr.State(tab_key(first))  # the tab this session has in sight
        self.seen = gr.State({})  # the data version each place of the page shows (`seen_after`)

    def bind(self, noted: Sequence[tuple[Callable, View]]) -> None:
        triggers: dict[tuple[int, str], tuple[Callable, list[View]]] = {}
        for event, view in noted:
            key = (event.__self__._id, event.__func__.event_name)
            triggers.setdefault(key, (event, []))[1].append(view)
        for event, views in triggers.values():
            self._bind_group(event, Group(_unique(views)))
        for tab in self.tabs:
            self._bind_tab(tab, Group([v for v in self.views if v.tab is tab]))

    def _bind_group(self, event: Callable, group: Group) -> None:
        def render(in_sight, *values):
            return group.render(self.cache.snapshot, in_sight, values)

        event(
            render,
            [self.in_sight, *group.inputs],
            group.outputs,
            show_progress="hidden",
            trigger_mode="always_last",
            **READS,
        )

    def _bind_tab(self, tab: gr.Tab, group: Group) -> None:
        key = tab_key(tab)

        def shown(seen, *values):
            snapshot = self.cache.snapshot
            return [key, seen_after(seen, snapshot.version, key), *group.render(snapshot, key, values)]

        tab.select(
            shown, [self.seen, *group.inputs], [self.in_sight, self.seen, *group.outputs], show_progress="hidden", **READS
        )
