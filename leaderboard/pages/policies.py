"""The Policies tab: policies judged by reward models against reference completions. A table of
policies x reward models (win rate with its interval, or win probability), its CSV, a heatmap,
win rate against completion length, the reward models' agreement on the policy ranking, one
policy's per-prompt reward differences, and the form that submits a policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import gradio as gr
import pandas as pd

from results.policy import DEFAULT_REFERENCE_SET, REFERENCE_SETS
from results.policy_files import file_size

from . import prepared
from ..policies import policies as p
from ..policies import policy_figures as pf
from ..tables import table as t
from ..data import ResultsCache, Snapshot
from ..tables.display import escape_markdown, tooltip_cell
from ..tables.export import write_csv
from ..submission.hub_lookup import Refused
from ..policies.policy_submit import INLINE, MAX_NEW_TOKENS, DEFAULT_MAX_NEW_TOKENS, PolicyForm, PolicySubmissions, eligible_judges
from ..app_settings import AppSettings
from ..endpoints import WRITES
from .common import View, client_address, csv_button, default_benchmark, rerender_on, results_grid, submission_answer
from .following import FollowingCheckboxGroup, FollowingDropdown

FILE_SOURCE, HUB_SOURCE = "Completions file", "Hub model (the worker generates)"
INTRO = (
    "A policy's completions are judged against reference completions by reward models of this "
    "leaderboard. **Win rate**: the share of prompts where the reward model prefers the policy's "
    "completion (a tie counts half), with its 95% bootstrap interval; **win probability**: the mean "
    "of sigmoid(r_policy - r_reference), for reward models that give rewards (not generative judges); "
    "**length-controlled win rate**: the win rate at equal completion lengths, where there are enough prompts to fit it. "
    "Reward models are in leaderboard order; the CSV holds every number at full precision."
)


def leaderboard_models(snap: Snapshot, settings: AppSettings) -> list[str]:
    """Models of the leading benchmark, best first: the order of the reward-model columns."""
    rows = t.filter_rows(snap.tables.rows, benchmark=default_benchmark(snap, settings))
    return list(dict.fromkeys(rows[t.MODEL]))


def shown_table(cells: pd.DataFrame) -> gr.Dataframe:
    """Policies as escaped text cells with their whole name on hover; headers are reward models."""
    frame = cells.copy()
    frame.insert(0, p.POLICY, [tooltip_cell(name) for name in cells.index])
    return gr.Dataframe(value=frame.reset_index(drop=True), datatype=["html", *(["str"] * len(cells.columns))])


def agreement_table(agreement: p.Agreement) -> gr.Dataframe:
    def cell(a: str, b: str) -> str:
        tau, n = agreement.tau.loc[a, b], agreement.common.loc[a, b]
        return f"{p.MISSING} ({n})" if pd.isna(tau) else f"{tau:.2f} ({n})"

    models = list(agreement.tau.index)
    frame = pd.DataFrame({b: [cell(a, b) for a in models] for b in models})
    frame.insert(0, p.REWARD_MODEL, [tooltip_cell(m) for m in models])
    return gr.Dataframe(value=frame, datatype=["html", *(["str"] * len(models))])


AGREEMENT_NOTE = (
    "Kendall's tau-b between two reward models' rankings of the policies (by the measure shown above), "
    "over the policies both judged (their number in brackets): 1 = the same order, -1 = the reverse, "
    "– where fewer than two policies (or no differences) leave it undefined."
)


def count_note(tables: p.PolicyTables, models: Sequence[str], policies: Sequence[str]) -> str:
    if tables.long.empty:
        note = "No policy has been evaluated yet: submit one below."
    else:
        note = f"{len(policies)} policies judged by {len(models)} reward models ({len(tables.long)} results)."
    if tables.skipped:
        note += f" {len(tables.skipped)} unreadable policy result file(s) skipped (see the log)."
    return note


def differences_of(files: p.PolicyFiles, tables: p.PolicyTables, policy: Optional[str]) -> tuple[dict, dict, list]:
    """The picked policy's reward differences per reward model, prompts without rewards, and the
    reward models whose per-prompt file could not be read."""
    differences, no_rewards, missing = {}, {}, []
    for path in tables.long.loc[tables.long[p.POLICY] == policy, p.PATH]:
        result = tables.results[path]
        outcomes = files.outcomes(result)
        if outcomes is None:
            missing.append(result.reward_model.name)
            continue
        differences[result.reward_model.name], no_rewards[result.reward_model.name] = p.reward_differences(outcomes)
    return differences, no_rewards, missing


def differences_note(no_rewards: dict, missing: list) -> str:
    parts = []
    verdicts = [m for m, n in no_rewards.items() if n]
    if verdicts:
        parts.append(f"Left out, no rewards to compare (generative judges give verdicts): {', '.join(verdicts)}.")
    if missing:
        parts.append(f"No per-prompt file for: {', '.join(missing)}.")
    return escape_markdown(" ".join(parts))


def results_views(cache: ResultsCache, settings: AppSettings, files: p.PolicyFiles, export_dir: Path) -> list[View]:
    gr.Markdown(INTRO, elem_classes="lb-note")
    metric = gr.Radio(
        choices=[(m.label, key) for key, m in p.METRICS.items()], value=p.DEFAULT_METRIC, label="Show",
        elem_id="pol-metric",
    )
    count = gr.Markdown(elem_classes="lb-note", elem_id="pol-count")
    grid = results_grid("pol-table")
    download = csv_button("Download the policy results (CSV)", "pol-download")
    heatmap = prepared.Plot(show_label=False, elem_id="pol-heatmap")
    length = prepared.Plot(show_label=False, elem_id="pol-length")
    gr.Markdown("#### Do the reward models agree on the policy ranking?")
    agreement = prepared.Dataframe(interactive=False, show_label=False, latex_delimiters=[], elem_id="pol-agreement",
                             elem_classes="lb-grid")
    gr.Markdown(AGREEMENT_NOTE, elem_classes="lb-note", elem_id="pol-agreement-note")
    pick = FollowingDropdown(choices=[], value=None, label="Policy", elem_id="pol-pick")
    differences = prepared.Plot(show_label=False, elem_id="pol-differences")
    differences_text = gr.Markdown(elem_classes="lb-note", elem_id="pol-differences-note")

    def ordered(snap: Snapshot, metric_key: str):
        tables = files.for_version(snap.version)
        models = p.reward_model_order(tables.long, leaderboard_models(snap, settings))
        return tables, models, p.policy_order(tables.long, metric_key)

    def render(snap: Snapshot, metric_key) -> list:
        metric_key = metric_key if metric_key in p.METRICS else p.DEFAULT_METRIC
        tables, models, policies = ordered(snap, metric_key)
        data = pf.PolicyChartData(tables.long, models, policies, metric_key)
        csv = write_csv(p.export_frame(tables.long, models, policies), export_dir, f"policies-{metric_key}")
        return [
            count_note(tables, models, policies),
            shown_table(p.cell_frame(tables.long, metric_key, models, policies)),
            str(csv),
            pf.draw("heatmap", data),
            pf.draw("length", data),
            agreement_table(p.agreement(tables.long, models, metric_key)),
        ]

    def render_differences(snap: Snapshot, picked) -> list:
        tables, models, policies = ordered(snap, p.DEFAULT_METRIC)
        picked = picked if picked in policies else (policies[0] if policies else None)
        found, no_rewards, missing = differences_of(files, tables, picked)
        data = pf.PolicyChartData(tables.long, models, policies, differences=found, picked=picked)
        return [gr.Dropdown(choices=policies, value=picked), pf.draw("differences", data),
                differences_note(no_rewards, missing)]

    table_view = View([metric], [count, grid, download, heatmap, length, agreement], render)
    differences_view = View([pick], [pick, differences, differences_text], render_differences)
    rerender_on([metric.change], cache, table_view)
    rerender_on([pick.input], cache, differences_view)
    return [table_view, differences_view]


# ---- the submission form ---------------------------------------------------------------------------


def read_upload(path: Optional[str], max_bytes: int) -> Optional[bytes]:
    """The uploaded file's bytes; one over the limit is refused before it is read."""
    if not path:
        return None
    size = Path(path).stat().st_size
    if size > max_bytes:
        raise Refused(f"The completions file was refused: the file is {file_size(size)}; the limit is {file_size(max_bytes)}.")
    return Path(path).read_bytes()


def submit_policy(
    cache: ResultsCache,
    settings: AppSettings,
    submissions: PolicySubmissions,
    submitter: str,
    values: Sequence[Any],
    client: str = "",
) -> str:
    name, source, upload, generator, revision, max_new_tokens, reference_set, ticked = values
    try:
        data = read_upload(upload, settings.max_policy_file_bytes) if source == FILE_SOURCE else None
    except Refused as reason:
        return submission_answer(False, str(reason))
    form = PolicyForm(
        policy=name or "", submitter=submitter or "", completions=data,
        generator=(generator or "") if source == HUB_SOURCE else "", revision=revision or "",
        max_new_tokens=int(max_new_tokens or DEFAULT_MAX_NEW_TOKENS), reward_models=tuple(ticked or ()),
        reference_set=reference_set or DEFAULT_REFERENCE_SET, client=client,
    )
    snap = cache.snapshot
    outcome = submissions.submit(form, eligible_judges(snap.tables.rows, default_benchmark(snap, settings)))
    for request in outcome.requests:
        cache.note_request(request)
    return submission_answer(outcome.accepted, outcome.message)


def submit_handler(cache, settings, submissions, signed_in: bool) -> Callable[..., str]:
    """The button's callback: the submitter is the signed-in Hub user on a Space, else the name typed."""
    if signed_in:

        def on_submit(name, source, upload, generator, revision, tokens, reference, ticked,
                      profile: Optional[gr.OAuthProfile], request: Optional[gr.Request] = None) -> str:
            values = (name, source, upload, generator, revision, tokens, reference, ticked)
            user = profile.username if profile else ""
            return submit_policy(cache, settings, submissions, user, values, client_address(request))
    else:

        def on_submit(name, source, upload, generator, revision, tokens, reference, ticked, submitter,
                      request: Optional[gr.Request] = None) -> str:
            values = (name, source, upload, generator, revision, tokens, reference, ticked)
            return submit_policy(cache, settings, submissions, submitter, values, client_address(request))

    return on_submit


def source_fields(settings: AppSettings) -> list[Any]:
    source = gr.Radio(choices=[FILE_SOURCE, HUB_SOURCE], value=FILE_SOURCE, label="Completions from",
                      elem_id="pol-source")
    with gr.Group(visible=True) as file_box:
        upload = gr.File(
            label=f"Completions file (JSONL, or an AlpacaEval JSON list; at most {file_size(settings.max_policy_file_bytes)})",
            file_types=[".jsonl", ".json"], type="filepath", elem_id="pol-file",
        )
    with gr.Row(visible=False) as hub_box:
        generator = gr.Textbox(label="Model", placeholder="org/name on the Hugging Face Hub", scale=3,
                               elem_id="pol-generator")
        revision = gr.Textbox(label="Revision", value="main", scale=1, elem_id="pol-revision")
        tokens = gr.Number(value=DEFAULT_MAX_NEW_TOKENS, precision=0, minimum=1, maximum=MAX_NEW_TOKENS,
                           label="Max new tokens", info="greedy, with the model's chat template", scale=1,
                           elem_id="pol-max-new-tokens")
    source.change(lambda s: (gr.Group(visible=s == FILE_SOURCE), gr.Row(visible=s == HUB_SOURCE)),
                  [source], [file_box, hub_box], show_progress="hidden")
    return [source, upload, generator, revision, tokens]


def form_view(cache: ResultsCache, settings: AppSettings) -> tuple[list[Any], View]:
    name = gr.Textbox(label="Policy", placeholder="org/name, as it will be listed", elem_id="pol-name")
    sources = source_fields(settings)
    reference = gr.Dropdown(
        choices=[*((n, n) for n in REFERENCE_SETS), ("inline: the file gives each prompt's reference", INLINE)],
        value=DEFAULT_REFERENCE_SET, label="Reference set", elem_id="pol-reference-set",
    )
    ticked = FollowingCheckboxGroup(
        choices=[], value=[], label="Reward models",
        info=f"tick the ones to judge by; none ticked: the top {settings.policy_reward_models} of the leaderboard",
        elem_id="pol-reward-models",
    )

    def render(snap: Snapshot, picked) -> list:
        names = [j.name for j in eligible_judges(snap.tables.rows, default_benchmark(snap, settings))]
        return [gr.CheckboxGroup(choices=names, value=[m for m in (picked or []) if m in names])]

    return [name, *sources, reference, ticked], View([ticked], [ticked], render)


def policies_tab(cache: ResultsCache, settings: AppSettings, export_dir: Path,
                 submissions: Optional[PolicySubmissions] = None) -> list[View]:
    files = p.PolicyFiles(cache.store)
    submissions = submissions or PolicySubmissions(cache.store, settings)
    views = results_views(cache, settings, files, export_dir)
    with gr.Accordion("Submit a policy", open=False, elem_id="pol-submit-box"):
        gr.Markdown(
            "Upload a completions file (each line: `prompt_id`, `prompt`, `completion`, optionally "
            "`reference`), or name a Hub model to generate them. Each refusal says why; a submission counts "
            f"once toward the weekly limit of {settings.max_submissions_per_week}.", elem_classes="lb-note",
        )
        if settings.on_space:
            gr.LoginButton()
        else:
            submitter = gr.Textbox(label="Your name", placeholder="your Hugging Face username",
                                   elem_id="pol-submitter")
        fields, choices_view = form_view(cache, settings)
        button = gr.Button("Submit the policy", variant="primary", elem_id="pol-button")
        message = gr.Markdown(elem_id="pol-message")
    inputs = fields if settings.on_space else [*fields, submitter]
    button.click(submit_handler(cache, settings, submissions, settings.on_space), inputs, [message],
                 api_name="submit_policy", **WRITES)
    return [*views, choices_view]
