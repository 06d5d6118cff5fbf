"""Model type `generative`: a chat model judges the completions of each row (an LLM-as-judge).

score(rows): plan the prompts of every row (fairness.py), answer each distinct prompt once, from
the judgement cache or the backend one chunk at a time (cache.py), parse each answer with its
format, and turn the verdicts into scores and credit (fairness.py). The raw answers go into the
per-example lines; the run's verdict statistics into the result (`EvalResult.judge`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Callable, Optional, Sequence

from results.benchmarks.verdicts import COIN_TOSS
from results.schema import JudgeInfo, Judgement

from ..adapters.base import LoadOptions, RewardAdapter, ScoredExample, ScoringStats
from ..adapters.chat_format import ChatFormat, chat_format
from ..benchmarks.loading import Example
from ..errors import ConfigError
from ..generation.base import Generation, GenerationBackend
from ..generation.cache import GenerationCache, entry_key
from .fairness import FormatSet, JudgeTask, fairness_stats, plan_row, scored_row
from .formats import get_format
from ..judge_options import JudgeSettings

log = logging.getLogger(__name__)
# Between a judge's first answer and its answer to the follow-up question, in the judgement's output.
FOLLOW_UP_MARK = "\n\n[asked again for a verdict label]\n\n"
# The output of a judgement never asked: its prompt does not fit the judge's context (no verdict).
NOT_ASKED = "[not asked: "
NO_ROOM = NOT_ASKED + "the prompt has {tokens:,} tokens; the judge's context of {context:,} leaves {room:,} beside its {answer:,}-token answer]"
# An API judge counts its own tokens: its refusal of a prompt as too long, in the judgement's output.
REFUSED_TOO_LONG = NOT_ASKED + "the judge API refused the prompt as longer than its context; it {reason}]"


class ServerTemplate(ChatFormat):
    """An API judge's server renders the chat itself: nothing to record but that."""

    name = "server"


def _local_backend(settings: JudgeSettings, options: LoadOptions) -> GenerationBackend:
    from ..generation.transformers_local import TransformersBackend

    identity = f"{options.model_identity}|{str(options.dtype).removeprefix('torch.')}|{options.device.type}"
    return TransformersBackend.load(
        options.model_path, options.device, options.dtype, identity,
        batch_tokens=options.batch_tokens, max_length=options.max_length, progress=options.progress,
    )


def _vllm_backend(settings: JudgeSettings, options: LoadOptions) -> GenerationBackend:
    from ..generation.vllm_backend import VLLMBackend

    return VLLMBackend.load(
        options.model_path, options.dtype, f"{options.model_identity}|vllm", options.max_length, options.device
    )


def _api_backend(settings: JudgeSettings, options: LoadOptions) -> GenerationBackend:
    from ..generation.openai_api import OpenAICompatibleBackend

    return OpenAICompatibleBackend(
        api_base=settings.api_base,
        model=settings.api_model,
        api_key_env=settings.api_key_env,
        concurrency=settings.concurrency,
        timeout_s=settings.timeout_s,
        max_retries=settings.max_retries,
    )


BACKENDS: dict[str, Callable[[JudgeSettings, LoadOptions], GenerationBackend]] = {
    "transformers": _local_backend,
    "vllm": _vllm_backend,
    "api": _api_backend,
}


class GenerativeAdapter(RewardAdapter):
    model_type = "generative"

    def __init__(self, backend: GenerationBackend, settings: JudgeSettings, options: LoadOptions):
        self.backend = backend
        self.settings = settings
        self.options = options
        self.formats = FormatSet.with_format(get_format(settings.format, settings.format_mode))
        self.decoding = settings.decoding(options.seed)
        self.cache = GenerationCache(options.store, backend.identity, self.decoding)
        self.chat_format = self._chat_format(backend, options.chat_template)
        self.max_length = getattr(backend, "max_length", 0)
        self.judge_info: Optional[JudgeInfo] = None

    @staticmethod
    def _chat_format(backend: GenerationBackend, requested: str) -> ChatFormat:
        """A local judge is prompted with its tokenizer's chat template, or a template file's."""
        tokenizer = getattr(backend, "tokenizer", None)
        if tokenizer is None:
            return ServerTemplate()
        rendering = chat_format(requested, tokenizer)
        template = getattr(rendering, "template", None)
        if template is None:
            raise ConfigError(
                f"a generative judge is prompted as a chat model: use its tokenizer's chat template or a "
                f"template file, not {requested!r}"
            )
        backend.chat_template = template
        return rendering

    @classmethod
    def load(cls, options: LoadOptions) -> "GenerativeAdapter":
        settings = options.judge or JudgeSettings()
        get_format(settings.format, settings.format_mode)  # an unknown format fails before the model loads
        return cls(BACKENDS[settings.backend](settings, options), settings, options)

    def num_parameters(self) -> Optional[int]:
        count = getattr(self.backend, "num_parameters", None)
        return count() if count else None

    def score(self, examples: Sequence[Example]) -> tuple[list[ScoredExample], ScoringStats]:
        start = time.perf_counter()
        self._cached = 0
        self._too_long = 0
        plans = [self._plan(i, ex) for i, ex in enumerate(examples)]
        tasks = [task for plan in plans for task in plan]
        encode_s = time.perf_counter() - start
        answers = self._with_follow_ups(tasks, self._answers(tasks))
        rows, cursor = [], 0
        for example, plan in zip(examples, plans):
            judgements = [self._judgement(task, answers[cursor + k]) for k, task in enumerate(plan)]
            cursor += len(plan)
            scored = scored_row(
                example, plan, judgements, self.options.verdict_rule or COIN_TOSS, self.options.judge_every_pair
            )
            rows.append((plan, judgements, replace(scored, judgements=judgements)))
        self.judge_info = self._info(rows, len(tasks))
        return [scored for _, _, scored in rows], self._stats(tasks, encode_s)

    def _plan(self, row: int, example: Example) -> list[JudgeTask]:
        by_margin = example.subset in self.options.margin_subsets
        return plan_row(
            row, example, self.formats, self.settings.orders, self.options.seed, by_margin,
            self.options.judge_every_pair, self.options.judge_lists_by_pairs,
        )

    def _judgement(self, task: JudgeTask, answer: Generation) -> Judgement:
        return Judgement(
            format=task.format.name, shown=list(task.shown), output=answer.text, verdict=task.format.parse(answer.text)
        )

    def _answers(self, tasks: list[JudgeTask]) -> list[Generation]:
        """One answer per task: each distinct prompt asked once, the cache first."""
        self.cache.load()
        keys = [entry_key(task.format.sha256, task.messages) for task in tasks]
        found = {key: hit for key in dict.fromkeys(keys) if (hit := self.cache.get(key)) is not None}
        missing = {key: task.messages for key, task in zip(keys, tasks) if key not in found}
        log.info("judging: %d prompts, %d from the cache, %d to ask", len(set(keys)), len(found), len(missing))
        # Longest first, so each chunk holds prompts of similar length (less padding when batched).
        order = sorted(missing, key=lambda key: -len(str(missing[key])))
        too_long = {key: answer for key in order if (answer := self._no_room(missing[key])) is not None}
        found.update(too_long)  # never cached: a judge with a longer context may answer them
        self._too_long += len(too_long)
        order = [key for key in order if key not in too_long]
        for at in range(0, len(order), self.settings.chunk):
            chunk = order[at : at + self.settings.chunk]
            generations = dict(zip(chunk, self.backend.generate([missing[key] for key in chunk], self.decoding)))
            refused = {key: Generation(REFUSED_TOO_LONG.format(reason=g.text)) for key, g in generations.items() if g.refused_too_long}
            self._too_long += len(refused)
            generations.update(refused)
            self.cache.put({key: g for key, g in generations.items() if key not in refused})  # as above: never cached
            found.update(generations)
        self._cached += len(set(keys)) - len(missing)
        return [found[key] for key in keys]

    def _no_room(self, messages) -> Optional[Generation]:
        """A prompt a local judge's context cannot hold with room for its answer is not asked (cutting it
        would hide a question or an answer from the judge): its judgement says why and has no verdict.
        A judge behind an API counts its own tokens and refuses such a prompt (REFUSED_TOO_LONG)."""
        render = getattr(self.backend, "render", None)
        context = getattr(self.backend, "max_length", 0)
        if render is None or not context:
            return None
        tokens = len(render(messages))
        room = context - self.decoding.max_new_tokens
        if tokens <= room:
            return None
        text = NO_ROOM.format(tokens=tokens, context=context, room=max(room, 0), answer=self.decoding.max_new_tokens)
        return Generation(text)

    def _with_follow_ups(self, tasks: list[JudgeTask], answers: list[Generation]) -> list[Generation]:
        """An answer without any verdict label is asked once more in the same conversation (formats
        with a `follow_up`); the judgement keeps both answers, the verdict read from them together."""
        asked = [
            k
            for k, (task, answer) in enumerate(zip(tasks, answers))
            if task.format.needs_follow_up(answer.text) and not answer.text.startswith(NOT_ASKED)
        ]
        if not asked:
            return answers
        follow_ups = [
            JudgeTask(tasks[k].row, tasks[k].format, tasks[k].shown, [
                *tasks[k].messages,
                {"role": "assistant", "content": answers[k].text},
                {"role": "user", "content": tasks[k].format.follow_up},
            ])
            for k in asked
        ]
        log.info("judging: %d answers gave no verdict label; asked once more", len(asked))
        seconds = self._answers(follow_ups)
        merged = list(answers)
        for k, second in zip(asked, seconds):
            merged[k] = Generation(
                f"{answers[k].text}{FOLLOW_UP_MARK}{second.text}",
                answers[k].prompt_tokens + second.prompt_tokens,
                answers[k].completion_tokens + second.completion_tokens,
            )
        return merged

    def _info(self, rows, num_tasks: int) -> JudgeInfo:
        stats = fairness_stats([(plan, judgements) for plan, judgements, _ in rows])
        used = {plan[0].format for plan, _, _ in rows if plan}
        usage = self.backend.usage
        return JudgeInfo(
            formats={fmt.mode.name: fmt.name for fmt in used},
            format_sha256={fmt.name: fmt.sha256 for fmt in used},
            orders=self.settings.orders,
            order_seed=self.options.seed,
            backend=self.settings.backend,
            api_base=self.settings.api_base,
            api_model=self.settings.api_model if self.settings.backend == "api" else None,
            decoding={k: v for k, v in vars(self.decoding).items()},
            judgements=num_tasks,
            cached=self._cached,
            too_long=self._too_long,
            unparsable_share=stats.unparsable_share,
            position_consistency=stats.position_consistency,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            retries=usage.retries,
        )

    def _stats(self, tasks: list[JudgeTask], encode_s: float) -> ScoringStats:
        usage = self.backend.usage
        tokens = usage.prompt_tokens + usage.completion_tokens
        return ScoringStats(
            num_texts=len(tasks),
            num_truncated=getattr(self.backend, "num_truncated", 0),
            real_tokens=tokens,
            padded_tokens=tokens,
            encode_s=encode_s,
        )
