"""Causal LMs as scorers: loading one, finding where a response starts, summing its log-probs.

The reward of DPO model types is a sum over the response's tokens only, so the one delicate step
is finding the first response token. We tokenize the whole conversation once and take the token
count of the prompt (`ChatFormat.prompt_text`, tokenized the same way) as the boundary. That is
only right when the conversation's ids start with the prompt's ids. A BPE merge across the
boundary breaks it: e.g. GPT-2 writes a lone "\\n\\n" as one token but "\\n\\nHello" as "\\n", "\\n",
"Hello", or a template with no separator glues the prompt's last word to the response's first.
Then no token boundary of the joint tokenization is the response's start, and any choice counts a
token that is partly prompt. For those texts we tokenize the prompt and the response part
separately and concatenate (what DPO training in TRL does for every text), so the boundary is
exact. Texts whose joint tokenization is clean keep it: it is the tokenization the model sees in
running text, and it is what a classifier of the same text would read.

"Response" means everything the template renders after the prompt: the response text plus the
template's end-of-turn tokens, as in DPO training where the completion ends with them.
"""

from __future__ import annotations

import logging
from typing import Callable, Optional, Sequence

import torch

from ..benchmarks.loading import Example
from ..encoded import Encoded
from ..errors import ConfigError, ModelLoadError, explained
from ..speed.batching import pad_right, probe_tolerance
from ..speed.kept_logits import keep_kwargs, logprob_sum, predicting, span_logits
from ..speed.packing import pack_row, packed_logits, resolve_packing
from ..speed.placement import load_placed
from ..speed.prefix_sharing import (
    PrefixScorer,
    SharedScores,
    has_prompt_and_response,
    read_response_logprobs,
    score_with_sharing,
)
from .chat_format import ChatFormat
from .truncation import special_ids, tokenize, tokenize_prompts, truncate

log = logging.getLogger(__name__)


def encode_with_response_start(
    tokenizer, fmt: ChatFormat, pairs: Sequence[tuple[Example, str]], max_length: int
) -> list[Encoded]:
    """Token ids of each (prompt, response) conversation, with the index of its first response token."""
    prompts = [fmt.prompt_text(ex.prompt) for ex, _ in pairs]
    texts = [fmt.conversation(ex.prompt, response) for ex, response in pairs]
    _check_prompts_are_prefixes(prompts, texts, fmt)
    full_ids = tokenize(tokenizer, texts, fmt.add_special_tokens)
    prompt_ids = tokenize_prompts(tokenizer, prompts, fmt.add_special_tokens)
    _retokenize_split_boundaries(tokenizer, full_ids, prompt_ids, prompts, texts)
    specials = special_ids(tokenizer)
    return [truncate(ids, len(prompt), max_length, specials) for ids, prompt in zip(full_ids, prompt_ids)]


def _check_prompts_are_prefixes(prompts: list[str], texts: list[str], fmt: ChatFormat) -> None:
    for prompt, text in zip(prompts, texts):
        if not text.startswith(prompt):
            at = next((i for i, (a, b) in enumerate(zip(prompt, text)) if a != b), len(text))
            raise ConfigError(
                f"with chat template {fmt.name!r} the rendered prompt is not a prefix of the rendered "
                f"conversation (they differ from character {at}), so the response's tokens cannot be "
                "located; pass --chat-template with a format whose generation prompt is a prefix of the "
                "conversation (e.g. raw or human-assistant, or a Jinja template file)"
            )


def _retokenize_split_boundaries(
    tokenizer, full_ids: list[list[int]], prompt_ids: list[list[int]], prompts: list[str], texts: list[str]
) -> None:
    """Where the joint tokenization does not start with the prompt's ids, use prompt ids + response ids."""
    split = [i for i, (full, prompt) in enumerate(zip(full_ids, prompt_ids)) if full[: len(prompt)] != prompt]
    if not split:
        return
    tails = tokenize(tokenizer, [texts[i][len(prompts[i]) :] for i in split], add_special_tokens=False)
    for i, tail in zip(split, tails):
        full_ids[i] = prompt_ids[i] + tail
    log.info(
        "%d of %d texts merge tokens across the prompt/response boundary; "
        "their prompt and response were tokenized separately",
        len(split), len(full_ids),
    )


def response_logprobs(
    model, batch: list[Encoded], pad_id: int, device: torch.device
) -> list[tuple[float, int]]:
    """(sum of log-probs, token count) over each text's response tokens, run as one padded batch;
    logits only where they predict a response token (speed/kept_logits.py)."""
    input_ids, attention_mask = pad_right([e.ids for e in batch], pad_id)
    spans = [(row, 0, predicting(e)) for row, e in enumerate(batch)]
    keep = keep_kwargs(model, spans, tuple(input_ids.shape))
    input_ids = input_ids.to(device)
    logits = model(input_ids=input_ids, attention_mask=attention_mask.to(device), use_cache=False, **keep).logits
    return _span_sums(logits, spans, input_ids)


def packed_response_logprobs(model, batch: list[Encoded], device: torch.device) -> list[tuple[float, int]]:
    """`response_logprobs` of the batch laid end to end in one row (speed/packing.py): no padding."""
    row = pack_row([e.ids for e in batch])
    spans = [(0, start, predicting(e)) for start, e in zip(row.starts, batch)]
    keep = keep_kwargs(model, spans, tuple(row.input_ids.shape))
    logits = packed_logits(model, row, device, **keep)
    return _span_sums(logits, spans, row.input_ids.to(logits.device))


def _span_sums(logits: torch.Tensor, spans, input_ids: torch.Tensor) -> list[tuple[float, int]]:
    """Each span's (sum, count): the tokens one after its predicting positions are its targets."""
    return [
        logprob_sum(chunk, input_ids[row, offset + p.start + 1 : offset + p.stop + 1])
        for chunk, (row, offset, p) in zip(span_logits(logits, spans), spans)
    ]


def logprob_scorer(model, pad_id: int, device: torch.device, packed: bool) -> Callable[[list[Encoded]], list[tuple[float, int]]]:
    """The (sum, count) of a batch's responses, packed in one row or padded."""
    if packed:
        return lambda batch: packed_response_logprobs(model, batch, device)
    return lambda batch: response_logprobs(model, batch, pad_id, device)


def resolve_logprob_packing(mode, model, texts: list[Encoded], pad_id: int, device, dtype) -> bool:
    """Whether `model`'s texts run packed (speed/packing.py), probed on their log-prob sums."""
    packed, padded = (logprob_scorer(model, pad_id, device, p) for p in (True, False))
    return resolve_packing(mode, model, texts, packed, padded, probe_tolerance(dtype), read=lambda v: v[0])


def shared_response_logprobs(
    model,
    texts: list[Encoded],
    pad_id: int,
    device: torch.device,
    batch_tokens: int,
    dtype: torch.dtype,
    desc: str = "scoring",
    progress: bool = True,
    packed: bool = False,
) -> Optional[SharedScores]:
    """`response_logprobs` of every text, each shared prompt run once; None when nothing shares.
    Texts that share with none run `packed` or padded."""
    scorer = PrefixScorer(
        model=model,
        shareable=has_prompt_and_response,
        read=read_response_logprobs,
        unshared=logprob_scorer(model, pad_id, device, packed),
        pad_id=pad_id,
        device=device,
        batch_tokens=batch_tokens,
        desc=desc,
        progress=progress,
        packed=packed,
        **probe_tolerance(dtype),
    )
    return score_with_sharing(scorer, texts)


def reduce_logprob(total: float, count: int, per_token_mean: bool) -> float:
    if not per_token_mean:
        return total
    return total / count if count else 0.0



def load_causal_lm(path: str, dtype: torch.dtype, device: torch.device, role: str):
    """A causal LM from a local folder, in eval mode on `device`; `role` names it in errors."""
    from transformers import AutoModelForCausalLM

    # Missing files, wrong architecture, bad weights: all end the run alike.
    with explained(ModelLoadError, f"could not load the {role} as a causal LM from {path}"):
        return load_placed(AutoModelForCausalLM, path, dtype, device)


