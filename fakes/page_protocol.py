"""A served Gradio page driven over HTTP as the browser drives it, for tests and bench/hosted_load.py.

`Page(http, url).load()` GETs the page and its config and runs the load events; `set_and_fire`
sets a control and runs the events it triggers; an action returns once every event it set off has
answered, chained ones included (`.then`, and the `.change` of a value or a server-held state that
an answer changed). Events go through Gradio's queue by their index (`/gradio_api/queue/join`,
answers read from the session's stream `/gradio_api/queue/data`), so internal events, which
`gradio_client` may not call, are driven exactly as a reader's browser drives them.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Optional

import httpx

TIMEOUT_S = 120.0


# ---- one viewer's page, over HTTP as the browser drives it --------------------------------------

CONFIG_START, CONFIG_END = "window.gradio_config = ", ";</script>"


def embedded_config(page: str) -> dict:
    """The app's configuration as Gradio writes it into the page."""
    start = page.index(CONFIG_START) + len(CONFIG_START)
    return json.loads(page[start : page.index(CONFIG_END, start)])



def new_value(output: Any) -> tuple[bool, Any]:
    """(whether an event's output sets the component's value, the value)."""
    if isinstance(output, dict) and output.get("__type__") == "update":
        return ("value" in output, output.get("value"))
    return True, output


@dataclass
class Page:
    http: httpx.Client
    url: str
    config: dict = field(default_factory=dict)
    values: dict[int, Any] = field(default_factory=dict)
    session: str = field(default_factory=lambda: uuid.uuid4().hex)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.stream = SessionStream(self.http, self.url, self.session)

    def load(self) -> None:
        """GET the page and run its load events, as a browser does: the app's configuration is in
        the page (`window.gradio_config`); a browser asks for no `/config`."""
        self.config = embedded_config(self.http.get(self.url + "/").raise_for_status().text)
        self.values = {c["id"]: c.get("props", {}).get("value") for c in self.config["components"]}
        self.fire_all([(d, None) for d in self.config["dependencies"] if any(t[1] == "load" for t in d["targets"])])

    def by_elem_id(self, elem_id: str) -> int:
        return next(c["id"] for c in self.config["components"] if c.get("props", {}).get("elem_id") == elem_id)

    def tab_id(self, label: str) -> Optional[int]:
        return next(
            (c["id"] for c in self.config["components"] if c["type"] == "tabitem" and c["props"].get("label") == label),
            None,
        )

    def select_tab(self, label: str) -> None:
        """Click the tab `label`, as a reader does (the page opens on the first tab)."""
        tab = self.tab_id(label)
        self.fire_all([(d, None) for d in self.listeners(tab, "select")], tab)

    @staticmethod
    def _triggered_by(dep: dict, component: Optional[int], event: str) -> bool:
        return any(t[0] == component and t[1] == event for t in dep.get("targets", []))

    def listeners(self, component: Optional[int], event: str) -> list[dict]:
        return [d for d in self.config["dependencies"] if self._triggered_by(d, component, event)]

    def set_and_fire(self, component: int, event: str, value: Any, event_data: Any = None) -> None:
        with self.lock:
            self.values[component] = value
        self.fire_all([(d, event_data) for d in self.listeners(component, event)], component)

    def fire_all(self, deps: list[tuple[dict, Any]], trigger: Optional[int] = None) -> None:
        """Send the events at once and wait for them and every event they set off."""
        if not deps:
            return
        with ThreadPoolExecutor(len(deps)) as pool:
            for future in [pool.submit(self._run, dep, data, trigger) for dep, data in deps]:
                future.result()

    def _run(self, dep: dict, event_data: Any, trigger: Optional[int]) -> None:
        if dep.get("js") and not dep.get("backend_fn", True):
            return
        with self.lock:
            data = [self.values.get(i) for i in dep["inputs"]]
        outputs, changed = self._call(dep["id"], data, event_data, trigger)
        with self.lock:
            for component, output in zip(dep["outputs"], outputs):
                sets, value = new_value(output)
                if sets and value != self.values.get(component):
                    self.values[component] = value
                    changed.append(component)
        after = [(d, None) for d in self.config["dependencies"] if d.get("trigger_after") == dep["id"]]
        follow = [(d, None) for c in changed for d in self.listeners(c, "change")]
        self.fire_all(after + follow)

    def _call(self, fn_index: int, data: list, event_data: Any, trigger: Optional[int]) -> tuple[list, list]:
        """The event's outputs, and the states it changed (held by the server, named by it)."""
        body = {
            "data": data,
            "fn_index": fn_index,
            "session_hash": self.session,
            "event_data": event_data,
            "trigger_id": trigger,
        }
        join = self.http.post(self.url + "/gradio_api/queue/join", json=body).raise_for_status().json()
        message = self.stream.wait(join["event_id"])
        if not message.get("success", False):
            raise RuntimeError(f"event {fn_index} failed: {message.get('output')}")
        return message["output"]["data"], list(message["output"].get("changed_state_ids") or [])


class SessionStream:
    """The session's one stream of queue messages, as the browser keeps it: open while any event of
    the session is pending, each completion handed to the event that waits for it."""

    def __init__(self, http: httpx.Client, url: str, session: str):
        self.http, self.url, self.session = http, url, session
        self.cond = threading.Condition()
        self.done: dict[str, dict] = {}
        self.waiting: set[str] = set()
        self.reading = False

    def wait(self, event_id: str) -> dict:
        with self.cond:
            self.waiting.add(event_id)
            if not self.reading:
                self.reading = True
                threading.Thread(target=self._read, daemon=True).start()
            if not self.cond.wait_for(lambda: event_id in self.done, TIMEOUT_S):
                raise TimeoutError(f"no answer to event {event_id} in {TIMEOUT_S:.0f} s")
            self.waiting.discard(event_id)
            return self.done.pop(event_id)

    def _read(self) -> None:
        while True:
            try:
                self._read_once()
            except httpx.HTTPError:
                time.sleep(0.1)
            with self.cond:
                if not (self.waiting - set(self.done)):
                    self.reading = False
                    return

    def _read_once(self) -> None:
        with self.http.stream("GET", self.url + "/gradio_api/queue/data", params={"session_hash": self.session}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("msg") == "close_stream":
                    return
                if message.get("msg") == "process_completed":
                    with self.cond:
                        self.done[message["event_id"]] = message
                        self.cond.notify_all()
