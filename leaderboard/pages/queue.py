"""The Queue tab: one table per status, and the whole error of a failed request on demand."""

from __future__ import annotations

from typing import Optional

import gradio as gr

from . import prepared
from ..data import ResultsCache, Snapshot
from ..submission.queue_view import QUEUE_SECTIONS, error_details, failed_choices, queue_tables
from .common import View


def queue_tab(cache: ResultsCache) -> list[View]:
    gr.Markdown(
        "Every submission and where it stands. Times are UTC. A running request shows how far it has got "
        "(texts or judge calls done, and the time left at its rate so far), as its worker wrote it with its "
        "last heartbeat. *Runs* counts every time a worker took the request; a failed request shows the "
        "first line of its error, and the whole error below.",
        elem_classes="lb-note",
    )
    grids = [
        prepared.Dataframe(
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
                gr.Dataframe(
                    value=tables[s.status],
                    label=f"{s.title} ({len(tables[s.status])})",
                    datatype="str",
                    column_widths=s.widths_for(tables[s.status]),
                )
                for s in QUEUE_SECTIONS
            ),
            gr.Dropdown(choices=choices, value=keep),
            error_details(snap.requests, keep),
        ]

    return [View([pick], [*grids, pick, error], render)]
