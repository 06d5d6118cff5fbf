"""Prompt-prefix sharing: run a prompt once, then every response to it on the cached prompt.

The responses of one prompt (two in a pair, four or more in RewardBench 2, sixteen in best-of-N)
repeat the prompt's tokens, and a causal decoder computes the same keys and values for them every
time: token t only sees tokens before it. So the texts whose first `response_start` ids are
identical (compared id by id, never assumed from the template) form a group; the group's prompt
runs once with its key/value cache kept, and its responses run on that cache, one cache row per
response, with positions continuing after the prompt.

Batching keeps padding as low as the unshared path's: groups are sorted by prompt length and cut
into windows whose padded prompts fit the token budget (one forward of prompts per window, so its
cache is no bigger than one batch); the window's responses are then sorted by their own length
and batched by `plan_batches`, each row taking its prompt's cache row. Prompts are padded on the
right and that padding is masked out of every response's attention, so each response sees exactly
its own prompt.

What each model type reads is unchanged: a causal LM's first response token is predicted by the
prompt's last logits and the rest by the response's own; a sequence classifier pools the last
non-pad token of the response part, the same token it pools in the whole text.

Texts that cannot share run through the adapter's ordinary unshared batches, untouched:
- a text whose prompt ids match no other text's (a prompt cut by truncation, a BPE merge across
  the prompt/response boundary that the classifier reads as is);
- a text with an empty prompt or an empty response part, or (classifiers) whose last non-pad
  token lies in the prompt;
- every text of a model that fails the probe: before sharing anything, one group is scored both
  ways and must agree, so a bidirectional encoder, a model that ignores the cache, or one that
  cannot take it is detected, not assumed.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import torch

from ..encoded import Encoded
from ..progress import ProgressBar
from .batching import DEFAULT_BATCH_OVERHEAD_TOKENS, pad_right, plan_batches
from .kept_logits import first_and_rest_spans, keep_kwargs, last_position_spans, logprob_sum, span_logits
from .packing import plan_unshared

log = logging.getLogger(__name__)

# One group's texts per probe: enough to exercise the expanded cache, cheap to run twice.
PROBE_TEXTS = 2
# A forward call's fixed cost on CPU, in tokens of compute: a few milliseconds, about ten tokens
# of a 22M-parameter model on 2 cores. Shared batches are smaller than unshared ones (a prompt's
# responses differ more in length than texts sorted together), so on CPU they are cut where
# padding is least at this price: 0.70x the time of the unshared batches' 512 tokens, measured
# in-process on 120 LLMBar pairs (bench/RESULTS.md). Accelerators keep the 512.
CPU_BATCH_OVERHEAD_TOKENS = 32


@dataclass(frozen=True)
class PrefixGroup:
    prefix_len: int
    members: tuple[int, ...]  # indices into the encoded texts; all start with the same prefix ids


@dataclass(frozen=True)
class SharingPlan:
    groups: list[PrefixGroup]
    unshared: list[int]  # texts that run on their own

    @property
    def num_shared(self) -> int:
        return sum(len(g.members) for g in self.groups)


@dataclass(frozen=True)
class SharedPass:
    """The outputs of one shared batch: the prompts' forward and the responses' forward."""

    groups: list[PrefixGroup]
    rows: list[tuple[int, int]]  # per response row: (its group's index, its text's index)
    prefix_logits: torch.Tensor
    suffix_logits: torch.Tensor  # a classifier's pooled ones, or a language model's (kept_logits.py)
    spans: list = field(default_factory=list)  # what each response row's logits were kept for


@dataclass(frozen=True)
class SharedScores:
    values: list[Any]  # one per text, in order: what `read` or `unshared` returned for it
    real_tokens: int
    padded_tokens: int
    num_shared: int
    num_packed: int = 0  # texts that shared with none, run in packed rows


Reader = Callable[[SharedPass, Sequence[Encoded]], list]
Unshared = Callable[[list[Encoded]], Sequence]
Shareable = Callable[[Encoded], bool]


@dataclass(frozen=True)
class PrefixScorer:
    """How one model type shares: which texts may, what it reads from a shared pass, and how it
    scores a text on its own (the adapter's ordinary path)."""

    model: Any
    shareable: Shareable
    read: Reader
    unshared: Unshared
    pad_id: int
    device: torch.device
    batch_tokens: int
    # Agreement the probe asks of shared and unshared scores (absolute, plus relative to the score).
    atol: float = 1e-3
    rtol: float = 1e-4
    desc: str = "scoring"  # the progress bar's, as the unshared path names it
    progress: bool = True
    packed: bool = False  # whether `unshared` packs its batch (packing.py): its texts are planned as rows


def plan_sharing(encoded: Sequence[Encoded], shareable: Shareable) -> SharingPlan:
    """Group texts by their exact prompt ids; a prompt only one text has is not shared."""
    by_prefix: dict[tuple[int, ...], list[int]] = {}
    unshared = []
    for index, text in enumerate(encoded):
        if shareable(text):
            by_prefix.setdefault(tuple(text.ids[: text.response_start]), []).append(index)
        else:
            unshared.append(index)
    groups = []
    for prefix, members in by_prefix.items():
        if len(members) > 1:
            groups.append(PrefixGroup(len(prefix), tuple(members)))
        else:
            unshared.extend(members)
    return SharingPlan(groups=groups, unshared=sorted(unshared))


def has_prompt_and_response(text: Encoded) -> bool:
    return 0 < text.response_start < len(text.ids)


def prompt_windows(
    groups: Sequence[PrefixGroup], batch_tokens: int, batch_overhead_tokens: int = DEFAULT_BATCH_OVERHEAD_TOKENS
) -> list[list[PrefixGroup]]:
    """The groups cut into windows as `plan_batches` cuts texts: by prompt length, longest first,
    padded prompts within the token budget. Each window's prompts run as one forward, and its
    cache stays no bigger than one batch's."""
    plan = plan_batches([g.prefix_len for g in groups], batch_tokens, batch_overhead_tokens)
    return [[groups[i] for i in batch] for batch in plan.batches]


@dataclass(frozen=True)
class PromptPass:
    groups: list[PrefixGroup]
    mask: torch.Tensor  # (groups, longest prompt): 1 on real prompt tokens
    cache: Any  # the model's key/value cache of the padded prompts
    logits: torch.Tensor  # a language model's: at each prompt's last token, (groups, vocabulary)


def run_prompts(model, encoded: Sequence[Encoded], groups: list[PrefixGroup], pad_id: int, device) -> PromptPass:
    prompts = [encoded[g.members[0]].ids[: g.prefix_len] for g in groups]
    prompt_ids, prompt_mask = pad_right(prompts, pad_id)
    # A language model: only each prompt's last position predicts (its responses' first token).
    keep = keep_kwargs(model, last_position_spans([g.prefix_len for g in groups]), tuple(prompt_ids.shape))
    out = model(input_ids=prompt_ids.to(device), attention_mask=prompt_mask.to(device), use_cache=True, **keep)
    logits = out.logits  # a classifier's pooled ones, the kept (groups, vocabulary), or every position's
    if logits.dim() == 3:
        last = torch.tensor([g.prefix_len - 1 for g in groups], device=logits.device)
        logits = logits[torch.arange(len(groups), device=logits.device), last]
    return PromptPass(groups, prompt_mask, out.past_key_values, logits)


def run_responses(model, prompts: PromptPass, encoded: Sequence[Encoded], rows: list[tuple[int, int]], pad_id: int, device) -> SharedPass:
    """`rows` ((group index in `prompts`, text index) each) as one batch on their prompts' cache rows."""
    owner = torch.tensor([gi for gi, _ in rows], dtype=torch.long)
    suffix_ids, suffix_mask = pad_right([encoded[i].ids[prompts.groups[gi].prefix_len :] for gi, i in rows], pad_id)
    starts = torch.tensor([g.prefix_len for g in prompts.groups], dtype=torch.long)[owner]
    # Padding gets position 0: its outputs are never read, and prompt + width may pass the model's limit.
    positions = (starts[:, None] + torch.arange(suffix_ids.shape[1])[None, :]) * suffix_mask
    # The prompts' padding stays masked: each response sees its own prompt's real tokens only.
    mask = torch.cat([prompts.mask[owner], suffix_mask], dim=1)
    # A language model: a response's own positions predict its tokens after the first.
    spans = first_and_rest_spans([len(encoded[i].ids) - prompts.groups[gi].prefix_len - 1 for gi, i in rows])
    out = model(
        input_ids=suffix_ids.to(device),
        attention_mask=mask.to(device),
        position_ids=positions.to(device),
        past_key_values=_cache_rows(prompts.cache, owner.to(device)),
        use_cache=True,
        **keep_kwargs(model, spans, tuple(suffix_ids.shape)),
    )
    return SharedPass(prompts.groups, rows, prompts.logits, out.logits, spans)


def _cache_rows(cache, owner: torch.Tensor):
    """A cache holding row `owner[k]` of `cache` as its row k; `cache` itself is left as it was
    (the forward appends the responses' keys to the cache it is given, and the next batch of the
    same prompts needs them without)."""
    rows = copy.copy(cache)
    rows.layers = [copy.copy(layer) for layer in cache.layers]
    rows.reorder_cache(owner)  # index_select on each copied layer: new tensors, the originals kept
    return rows


def shared_forward(model, encoded: Sequence[Encoded], groups: list[PrefixGroup], pad_id: int, device) -> SharedPass:
    """The groups' prompts in one forward, then all their responses in one batch on them."""
    prompts = run_prompts(model, encoded, groups, pad_id, device)
    rows = [(gi, i) for gi, g in enumerate(groups) for i in g.members]
    return run_responses(model, prompts, encoded, rows, pad_id, device)


def read_response_logprobs(shared: SharedPass, encoded: Sequence[Encoded]) -> list[tuple[float, int]]:
    """(sum of log-probs, token count) of each row's response, as `logprobs.response_logprobs` computes it."""
    out = []
    for (gi, i), rest in zip(shared.rows, span_logits(shared.suffix_logits, shared.spans)):
        start, ids = shared.groups[gi].prefix_len, encoded[i].ids
        first = shared.prefix_logits[gi : gi + 1]  # the prompt's last position predicts token `start`
        targets = torch.as_tensor(ids[start:], dtype=torch.long, device=first.device)
        out.append(logprob_sum(torch.cat([first, rest]), targets))
    return out


def read_classifier_rewards(shared: SharedPass, encoded: Sequence[Encoded]) -> list[float]:
    """The first logit the classifier pooled from each row's response part."""
    return shared.suffix_logits[:, 0].float().cpu().tolist()


def score_with_sharing(scorer: PrefixScorer, encoded: Sequence[Encoded]) -> Optional[SharedScores]:
    """Every text's value, prompts shared where they can be; None when nothing is shared (no two
    texts share a prompt, or the model fails the probe): the caller then runs its own path."""
    plan = plan_sharing(encoded, scorer.shareable)
    if not plan.groups or not _probe(scorer, encoded, plan.groups):
        return None
    values: list[Any] = [None] * len(encoded)
    real = padded = 0
    bar = ProgressBar(total=len(encoded), desc=scorer.desc, unit="text", disable=not scorer.progress)
    overhead = CPU_BATCH_OVERHEAD_TOKENS if torch.device(scorer.device).type == "cpu" else DEFAULT_BATCH_OVERHEAD_TOKENS
    for window in prompt_windows(plan.groups, scorer.batch_tokens, overhead):
        window_real, window_padded = _score_window(scorer, encoded, window, overhead, values, bar)
        real, padded = real + window_real, padded + window_padded
    fallback = plan_unshared(scorer.model, [len(encoded[i].ids) for i in plan.unshared], scorer.batch_tokens, scorer.packed)
    for positions in fallback.batches:
        indices = [plan.unshared[p] for p in positions]
        for i, value in zip(indices, scorer.unshared([encoded[i] for i in indices])):
            values[i] = value
        bar.update(len(indices))
    bar.close()
    log.info("prefix sharing: %d of %d texts scored on a shared prompt (%d prompts), %d on their own",
             plan.num_shared, len(encoded), len(plan.groups), len(plan.unshared))
    num_packed = len(plan.unshared) if scorer.packed else 0
    return SharedScores(values, real + fallback.real_tokens, padded + fallback.padded_tokens, plan.num_shared, num_packed)


def _score_window(scorer: PrefixScorer, encoded, window: list[PrefixGroup], overhead: int, values: list, bar) -> tuple[int, int]:
    """The window's prompts in one forward, then its responses batched by their own length; fills
    `values`, returns (tokens run, tokens padded)."""
    prompts = run_prompts(scorer.model, encoded, window, scorer.pad_id, scorer.device)
    rows = [(gi, i) for gi, g in enumerate(window) for i in g.members]
    widest_prompt = window[0].prefix_len
    # Each response row also holds the window's widest prompt in its cache: the budget counts it.
    plan = plan_batches([widest_prompt + len(encoded[i].ids) - window[gi].prefix_len for gi, i in rows],
                        scorer.batch_tokens, overhead)
    for positions in plan.batches:
        batch_rows = [rows[p] for p in positions]
        shared = run_responses(scorer.model, prompts, encoded, batch_rows, scorer.pad_id, scorer.device)
        for (_, i), value in zip(batch_rows, scorer.read(shared, encoded)):
            values[i] = value
        bar.update(len(batch_rows))
    cache_width = widest_prompt * len(rows)  # in the plan's figures, not run through the layers
    real = sum(g.prefix_len for g in window) + plan.real_tokens - cache_width
    return real, widest_prompt * len(window) + plan.padded_tokens - cache_width


def _probe(scorer: PrefixScorer, encoded: Sequence[Encoded], groups: list[PrefixGroup]) -> bool:
    """Score the shortest group both ways; share only if the model gives the same values."""
    group = min(groups, key=lambda g: max(len(encoded[i].ids) for i in g.members))
    group = PrefixGroup(group.prefix_len, group.members[:PROBE_TEXTS])
    try:
        shared = scorer.read(shared_forward(scorer.model, encoded, [group], scorer.pad_id, scorer.device), encoded)
    except Exception as exc:  # a model that cannot take a cache or positions cannot share
        log.info("prefix sharing off: the model cannot run on a cached prompt (%s: %s)", type(exc).__name__, exc)
        return False
    alone = scorer.unshared([encoded[i] for i in group.members])
    gaps = [abs(_scalar(a) - _scalar(b)) - scorer.rtol * abs(_scalar(b)) for a, b in zip(shared, alone)]
    if max(gaps) > scorer.atol:
        log.info("prefix sharing off: scores on a cached prompt differ from whole-text scores "
                 "(by %.3g; not a causal decoder?)", max(gaps) + scorer.atol)
        return False
    return True


def _scalar(value) -> float:
    return float(value[0] if isinstance(value, tuple) else value)

