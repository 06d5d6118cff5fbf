"""`build_app(store, settings) -> gr.Blocks`: the pages, wired to the pure modules by thin callbacks.

Each tab is one module of `leaderboard/pages/` whose builder returns its `View`s: the components a view reads, the ones it
writes, and a render function from (snapshot, *inputs) to outputs. A view re-renders when one of its
own controls changes, and the views in sight re-render when the data changes (the Refresh button, a
browser's periodic check that sees a newer snapshot, or a new submission); a tab's views render when
it is selected (pages/wiring.py). Renders are shared by every session (`Snapshot.derive`). Every
event but the public API is hidden (endpoints.py). Nothing here computes a number: that is `table`,
`display`, `figures`, `export`, `queue_view` and `submit`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Optional

import gradio as gr
from starlette.middleware import Middleware

from results.store import Store

from .data import ResultsCache
from .pages import about, charts, examples, header, overview, queue, rankings, submission, subsets
from .pages import policies as policies_page
from .endpoints import READS, hide_internal, queued
from .page_cache import PageCache
from .pages.api import public_api
from .pages.common import collecting
from .pages.wiring import Wiring
from .policies.policy_submit import PolicySubmissions
from .app_settings import AppSettings
from .tables.header_sort import sort_watcher
from .tables.mark_columns import SIGNIFICANT
from .submission.submit import Submissions

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
/* A phone (issue 24): the Model Type column is left out of the main tables, so that Score stands
   beside the model name (the type is in the filters above and in the CSV). */
/* The switches keep a readable width: Gradio 6.31 ignores a Checkbox's min_width, and on a phone the
   filter row squeezed "Show incomplete results" into a sliver beside the Benchmark choice. */
#lb-incomplete, #lb-older, #ov-incomplete { min-width: min(240px, 100%) !important; flex: 1 1 240px !important; }
@media (max-width: 640px) {
  #lb-table th:nth-child(2), #lb-table .virtual-row > .body-cell:nth-child(2),
  #subsets-table th:nth-child(2), #subsets-table .virtual-row > .body-cell:nth-child(2) { display: none !important; }
}
/* Where the page script writes the table's header sort for the server (tables/header_sort.py). */
[id$="-table-sort-state"] { display: none !important; }
/* Queue cells wrap at spaces; a word is cut only when it alone is wider than its column. */
.lb-queue .cell-wrap span, .lb-queue th .cell-wrap { word-break: normal !important; overflow-wrap: break-word !important; }
"""
THEME = gr.themes.Soft(primary_hue="indigo", neutral_hue="slate")



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
    # Both forms look the queue up in one index, which each refresh replaces (no read per submission).
    policy_submissions = PolicySubmissions(store, settings, queue=submissions.queue)
    cache.on_refresh(lambda snapshot: submissions.queue.replace(snapshot.requests))
    export_dir = export_dir or Path(tempfile.mkdtemp(prefix="leaderboard-csv-"))
    export_dir.mkdir(parents=True, exist_ok=True)
    # Served in place: Gradio would otherwise copy every CSV a render hands out into its cache.
    gr.set_static_paths([export_dir])
    # No usage analytics leave the host; cached download files are deleted after an hour.
    with gr.Blocks(title=header.APP_TITLE, analytics_enabled=False, delete_cache=(3600, 3600)) as app:
        header_view, refresh = header.build_header(cache, settings.benchmarks)
        # wrap: on a phone every tab stays one tap away, on a second row (a menu hid six of eight).
        with collecting() as noted, gr.Tabs(overflow_behavior="wrap") as tabs:
            with gr.Tab("Overview", id="overview"):
                overview_tab = overview.overview_tab(cache, settings, export_dir)
            with gr.Tab("Leaderboard", id="leaderboard"):
                filters, leaderboard_views = rankings.leaderboard_tab(cache, settings, export_dir)
            overview_tab.open_cells_on(tabs, filters)
            with gr.Tab("Subsets", id="subsets"):
                subset_views = subsets.subsets_tab(cache, settings, filters, export_dir)
            with gr.Tab("Charts", id="charts"):
                chart_views = charts.charts_tab(cache, filters)
            with gr.Tab("Examples", id="examples"):
                example_views = examples.examples_tab(cache, settings, overview_tab.opened)
            with gr.Tab("Policies", id="policies"):
                policy_views = policies_page.policies_tab(cache, settings, export_dir, policy_submissions)
            with gr.Tab("Submit", id="submit"):
                submitted, submit_views = submission.submit_tab(cache, settings, submissions)
            with gr.Tab("Queue", id="queue"):
                queue_views = queue.queue_tab(cache)
            with gr.Tab("About", id="about"):
                about_views = about.about_tab(cache, filters)
        views = [
            header_view,
            *overview_tab.views,
            *leaderboard_views,
            *subset_views,
            *chart_views,
            *example_views,
            *policy_views,
            *submit_views,
            *queue_views,
            *about_views,
        ]
        wiring = Wiring(cache, views)
        wiring.bind(noted)
        checks = dict(inputs=wiring.check_inputs, outputs=wiring.check_outputs, show_progress="hidden")
        app.load(wiring.if_newer, **checks, **READS)
        refresh.click(wiring.refreshed(settings.manual_refresh_min_s), **checks, concurrency_limit=1)
        # A check that finds nothing new returns at once; it has no limit to queue behind.
        gr.Timer(settings.ui_poll_s).tick(wiring.if_newer, **checks, concurrency_limit=None)
        submitted.then(wiring.if_newer, **checks, **READS)
        public_api(cache, settings)
    hide_internal(app)
    return queued(app)


def launch(app: gr.Blocks, settings: AppSettings, **overrides: Any):
    """Serve `app` with the look it was designed with (Gradio 6 takes theme and CSS at launch)."""
    options = {
        "server_name": settings.server_name,
        "server_port": settings.server_port,
        "theme": THEME,
        "css": CSS,
        "footer_links": [],
        "js": sort_watcher([rankings.TABLE_ID, overview.TABLE_ID], [SIGNIFICANT]),
        # No upload is ever larger than a completions file the policy form takes (Gradio answers 413).
        "max_file_size": settings.max_policy_file_bytes,
        # The page is built once per address, not once per visitor (page_cache.py); with a login
        # (`auth`), Gradio writes the user into the page, which must then be built for each.
        **({} if overrides.get("auth") else {"app_kwargs": {"middleware": [Middleware(PageCache)]}}),
        **overrides,
    }
    return app.launch(**options)
