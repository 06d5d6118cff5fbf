"""The app's endpoints: which ones people may script, and how many of each kind run at once.

The public API is the four names in `PUBLIC` (built in pages/api.py, listed in About, called by
tests/test_public_api.py). Every other event is the page's own (a view's re-render, a tab's
selection, a form's toggles): `hide_internal` makes each one private once the app is built, so it
is neither in the API page nor callable by `gradio_client` (the browser still calls it by its index).
A new tab's events are hidden without anyone naming them.

Concurrency is set per kind on purpose (Gradio's default is one run at a time per event):
- READS: renders and the public read endpoints share one pool. Many at once: a render mostly waits on
  a value another session is computing (`Snapshot.derive`), and a queue of readers behind one slow
  render is what made fifty viewers wait.
- WRITES: Submit (the form and `/submit`) and the policy form share a small pool: each asks the Hub
  about the model and writes to the request queue; a burst waits its turn instead of holding every
  worker thread on Hub calls.
"""

from __future__ import annotations

import os
from typing import Any

import gradio as gr

PUBLIC: dict[str, str] = {
    "leaderboard": "The ranked rows of one benchmark, filtered as on the Leaderboard tab (a list of records).",
    "csv": "The same rows as CSV text, as the page's download holds them.",
    "examples": "One result's per-example rewards and outcomes (a list of records).",
    "submit": "Queue a model for evaluation, with the Submit form's checks and limits.",
}
READS: dict[str, Any] = {"concurrency_id": "reads", "concurrency_limit": 16}
WRITES: dict[str, Any] = {"concurrency_id": "writes", "concurrency_limit": 2}
# Gradio's queue summarises its recent events in a pandas table after every event (for a monitoring
# page this app does not open): by default a table of up to 10,000 rows built per event, a cost that
# grows as the server runs. Here: every 1,000 events, over the last 1,000. Read when the queue is made.
QUEUE_ANALYTICS_ENV = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": "1000", "GRADIO_ANALYTICS_MAX_EVENTS": "1000"}


def queued(app: gr.Blocks) -> gr.Blocks:
    """`app` with its queue: reads at READS' limit unless an event sets its own, light analytics
    (unless the environment sets them)."""
    for name, value in QUEUE_ANALYTICS_ENV.items():
        os.environ.setdefault(name, value)
    return app.queue(default_concurrency_limit=READS["concurrency_limit"])


def hide_internal(app: gr.Blocks) -> list[str]:
    """Make every event that is not in `PUBLIC` private; the names left public, sorted."""
    public = []
    for fn in app.fns.values():
        if fn.api_name in PUBLIC:
            fn.api_visibility = "public"
            public.append(fn.api_name)
        else:
            fn.api_visibility = "private"
    return sorted(public)


def api_markdown() -> str:
    """The About tab's list of the public endpoints."""
    lines = [
        "### Scripting the leaderboard",
        "These endpoints are the leaderboard's API (with `gradio_client`: "
        "`Client(url).predict(..., api_name=\"/leaderboard\")`; *Use via API* at the foot of the page lists "
        "their parameters). Everything else the page calls is internal and may change.",
        "",
    ]
    lines += [f"- `/{name}`: {text}" for name, text in PUBLIC.items()]
    return "\n".join(lines)
