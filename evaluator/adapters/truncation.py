"""Token ids of (prompt, response) texts, cut to the model's limit without losing what the reward reads.

The reward is read from the response (a classifier's last token, a DPO model's response log-probs),
so a text longer than `max_length` loses prompt tokens first, from the left: the part of the
prompt nearest the response stays. Only a response that alone is longer than the limit is cut,
from the right, after the whole prompt is gone. Leading special tokens (a BOS the model always
starts from) are kept in front when the prompt is cut: models are trained with them in place.
Every model type uses this one rule; the result records it (`RunStats.truncation_rule`).
"""

from __future__ import annotations

from typing import Collection

from ..encoded import Encoded

RULE = "prompt cut from the left first; the response cut from the right only when it alone is too long"


def truncate(ids: list[int], response_start: int, max_length: int, special_ids: Collection[int] = ()) -> Encoded:
    """`ids` cut to `max_length` by the rule above; `response_start` is the first response token."""
    if len(ids) <= max_length:
        return Encoded(ids=list(ids), response_start=response_start, truncated=False)
    keep = _leading_specials(ids[:response_start], special_ids, max_length)
    prompt_body, response = ids[keep:response_start], ids[response_start:]
    room = max_length - keep - len(response)
    if room >= 0:
        kept_prompt = ids[:keep] + (prompt_body[len(prompt_body) - room :] if room else [])
        return Encoded(
            ids=kept_prompt + response, response_start=len(kept_prompt), truncated=True, prompt_truncated=True
        )
    return Encoded(
        ids=ids[:keep] + response[: max_length - keep],
        response_start=keep,
        truncated=True,
        prompt_truncated=bool(prompt_body),
        response_truncated=True,
    )


def _leading_specials(prompt: list[int], special_ids: Collection[int], max_length: int) -> int:
    """How many special tokens open the prompt; none if they alone would fill the limit."""
    count = 0
    while count < len(prompt) and prompt[count] in special_ids:
        count += 1
    return count if count < max_length else 0


def special_ids(tokenizer) -> frozenset[int]:
    """The tokenizer's special token ids (kept in front when a prompt is cut)."""
    return frozenset(getattr(tokenizer, "all_special_ids", ()) or ())


def tokenize(tokenizer, texts: list[str], add_special_tokens: bool) -> list[list[int]]:
    if not texts:
        return []
    return [list(ids) for ids in tokenizer(texts, add_special_tokens=add_special_tokens)["input_ids"]]


def tokenize_prompts(tokenizer, prompts: list[str], add_special_tokens: bool) -> list[list[int]]:
    # Every prompt appears once per response (twice or more), so each distinct one is tokenized once.
    unique = list(dict.fromkeys(prompts))
    ids = dict(zip(unique, tokenize(tokenizer, unique, add_special_tokens)))
    return [ids[p] for p in prompts]


def common_prefix_length(a: list[int], b: list[int]) -> int:
    """Tokens two id lists share from the start (where a prompt's ids stop matching its text's)."""
    count = 0
    for x, y in zip(a, b):
        if x != y:
            break
        count += 1
    return count
