"""The Submit tab: the form, its callback (the signed-in Hub user on a Space), the answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

import gradio as gr

from results.benchmarks import DEFAULT_OFFERED
from results.judge_formats import DEFAULTS as JUDGE_DEFAULTS
from results.judge_formats import FORMATS as JUDGE_FORMATS
from results.model_types import MODEL_TYPES

from ..data import ResultsCache
from ..tables.display import escape_markdown
from ..app_settings import AppSettings
from ..endpoints import WRITES
from ..submission.run_sizes import benchmark_choices
from ..submission.submit import CRITIQUE_TYPE, DTYPES, JUDGE_TYPE, MAX_CRITIQUES, SubmissionForm, Submissions
from .common import View, client_address, submission_answer

DEFAULT_JUDGE_FORMAT = JUDGE_DEFAULTS["pairwise"].name


@dataclass
class SubmitForm:
    model: gr.Textbox
    revision: gr.Textbox
    model_type: gr.Dropdown
    ref_model: gr.Textbox
    chat_template: gr.Textbox
    dtype: gr.Dropdown
    judge_format: gr.Dropdown
    num_critiques: gr.Number
    critique_temperature: gr.Number
    benchmarks: gr.CheckboxGroup

    @property
    def components(self) -> list[Any]:
        return [
            self.model,
            self.revision,
            self.model_type,
            self.ref_model,
            self.chat_template,
            self.dtype,
            self.judge_format,
            self.num_critiques,
            self.critique_temperature,
            self.benchmarks,
        ]


def form_fields(
    allow_local: bool = False,
    offered: Sequence[str] = DEFAULT_OFFERED,
    labelled: Optional[Sequence[tuple[str, str]]] = None,
) -> SubmitForm:
    """The form; `labelled`: the benchmark choices as (label, name), each saying what a run scores."""
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
    judge_format = gr.Dropdown(
        choices=[(f"{f.name}: {f.description}", f.name) for f in JUDGE_FORMATS.values() if f.mode.name == "pairwise"],
        value=DEFAULT_JUDGE_FORMAT,
        label="Judge format",
        info="how the judge is asked about a pair; best-of-4 rows use the 4-way ranking format and rows "
        "scored by margins the 1-10 rating; every pair is judged in both orders",
        visible=first.key == JUDGE_TYPE,
        elem_id="sub-judge-format",
    )
    with gr.Row(visible=first.key == CRITIQUE_TYPE) as critique_row:
        num_critiques = gr.Number(
            value=1, precision=0, minimum=0, maximum=MAX_CRITIQUES, label="Critiques per response",
            info="the rewards after each critique are averaged (self-consistency); 0 scores without one",
            elem_id="sub-critiques",
        )
        critique_temperature = gr.Number(
            value=0.0, minimum=0, maximum=2, label="Critique temperature",
            info="0 = greedy; sampling several critiques needs more than 0", elem_id="sub-critique-temperature",
        )
    benchmarks = gr.CheckboxGroup(
        choices=list(labelled or offered),
        value=list(offered),
        label="Benchmarks",
        info="one evaluation per benchmark ticked, each a line of the queue; together they count as one "
        "submission, and the model's Overview row fills in as they finish",
        elem_id="sub-benchmarks",
    )
    model_type.change(
        lambda key: (
            gr.Textbox(visible=MODEL_TYPES[key].needs_reference if key in MODEL_TYPES else False),
            gr.Dropdown(visible=key == JUDGE_TYPE),
            gr.Row(visible=key == CRITIQUE_TYPE),
        ),
        [model_type],
        [ref_model, judge_format, critique_row],
        show_progress="hidden",
    )
    return SubmitForm(
        model, revision, model_type, ref_model, chat_template, dtype, judge_format, num_critiques,
        critique_temperature, benchmarks,
    )


def submit_form(
    cache: ResultsCache, submissions: Submissions, submitter: str, values: Sequence[Any], client: str = ""
) -> str:
    *texts, judge_format, num_critiques, critique_temperature, benchmarks = values
    model, revision, model_type, ref_model, chat_template, dtype = ((v or "") for v in texts)
    outcome = submissions.submit(
        SubmissionForm(
            model, revision, model_type, ref_model, chat_template, dtype, submitter or "", tuple(benchmarks or ()),
            judge_format=judge_format or "",
            num_critiques=int(num_critiques if num_critiques is not None else 1),
            critique_temperature=float(critique_temperature or 0.0),
            client=client,
        )
    )
    for request in outcome.requests:
        cache.note_request(request)
    return submission_answer(outcome.accepted, outcome.message)


def submit_handler(cache: ResultsCache, submissions: Submissions, signed_in: bool) -> Callable[..., str]:
    """The Submit button's callback: the submitter is the signed-in Hub user on a Space (Gradio fills
    `profile` from the sign-in session, reading the type hint), else the name typed in the form."""
    if signed_in:

        def on_submit(
            model, revision, model_type, ref_model, template, dtype, judge_format, critiques, temperature, benchmarks,
            profile: Optional[gr.OAuthProfile], request: Optional[gr.Request] = None,
        ) -> str:
            name = profile.username if profile else ""
            values = (model, revision, model_type, ref_model, template, dtype, judge_format, critiques, temperature,
                      benchmarks)
            return submit_form(cache, submissions, name, values, client_address(request))
    else:

        def on_submit(
            model, revision, model_type, ref_model, template, dtype, judge_format, critiques, temperature, benchmarks,
            name, request: Optional[gr.Request] = None,
        ) -> str:
            values = (model, revision, model_type, ref_model, template, dtype, judge_format, critiques, temperature,
                      benchmarks)
            return submit_form(cache, submissions, name, values, client_address(request))

    return on_submit


def submit_tab(cache: ResultsCache, settings: AppSettings, submissions: Submissions):
    local = (
        " Models may also be a folder on this server, in one of the folders the host keeps models in (an "
        "absolute path, or one relative to the app's working directory), with a config.json and "
        "safetensors weights; it is shown by its last two names, never its path."
        if settings.allow_local_models
        else ""
    )
    gr.Markdown(
        "Submit a reward model to be evaluated on the benchmarks you tick "
        f"({escape_markdown(', '.join(settings.benchmarks))}). It must be on "
        "the Hub with safetensors weights, load without custom code, and state a license."
        f"{local} Each submitter may send {settings.max_submissions_per_week} models a week; a submission "
        "counts once, however many benchmarks it asks for.",
        elem_classes="lb-note",
    )
    if settings.on_space:
        gr.LoginButton()
    else:
        submitter = gr.Textbox(
            label="Your name", placeholder="your Hugging Face username", elem_id="sub-submitter"
        )
    labelled = benchmark_choices(cache.snapshot.tables.rows, settings.benchmarks)
    form = form_fields(settings.allow_local_models, settings.benchmarks, labelled)
    button = gr.Button("Submit for evaluation", variant="primary", elem_id="sub-button")
    message = gr.Markdown(elem_id="sub-message")
    inputs = form.components if settings.on_space else [*form.components, submitter]
    submitted = button.click(
        submit_handler(cache, submissions, settings.on_space), inputs, [message], api_name="submit", **WRITES,
    )
    # Each refresh may bring a benchmark's first run here, and with it what a run of it scores.
    sizes = View(
        [form.benchmarks],
        [form.benchmarks],
        lambda snap, ticked: [gr.CheckboxGroup(choices=benchmark_choices(snap.tables.rows, settings.benchmarks))],
    )
    return submitted, [sizes]
