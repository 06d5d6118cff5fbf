"""The texts of a critique model, rendered with the model's own chat template (none hard-coded).

The critique is asked for in a user turn after the conversation: [prompt turns..., assistant:
response, user: <critique request>]. The whole conversation is rendered, and the text is cut right
after the request's words: the model continues that turn with its critique, as the published
model was trained to, and what the template writes after the request (its end of turn) is the
turn's closing, which the reward text puts back after the critique. The reward is read at the last
token of prompt + response + request + critique + end of turn.

Without a critique (`--num-critiques 0`, the classic reward-model ablation) the reward is read at
the end of the rendered conversation [prompt turns..., assistant: response].

Both reward texts are tokenized as one string and end at their last end-of-turn token (anything a
template adds after it, such as a newline, is dropped), so where the reward is read does not
depend on a template's trailing whitespace.
"""

from __future__ import annotations

from typing import Optional, Sequence

from ..benchmarks.loading import Message
from ..errors import ConfigError


def _messages(prompt: Sequence[Message]) -> list[dict[str, str]]:
    return [{"role": role, "content": content} for role, content in prompt]


def critique_prompt(tokenizer, template: Optional[str], prompt, response: str, request: str) -> tuple[str, str]:
    """(the text the critique continues, the end of turn to close it with)."""
    messages = _messages(prompt) + [
        {"role": "assistant", "content": response},
        {"role": "user", "content": request},
    ]
    text = tokenizer.apply_chat_template(messages, tokenize=False, chat_template=template)
    at = text.rfind(request)
    if at < 0:
        raise ConfigError("the chat template does not write the critique request as given: cannot place the critique")
    cut = at + len(request)
    return text[:cut], end_of_turn(text[cut:], tokenizer)


def end_of_turn(after_request: str, tokenizer) -> str:
    """What closes the request's turn: the template's text after it, up to its first stop token."""
    found = [(at, token) for token in stop_tokens(tokenizer) if (at := after_request.find(token)) >= 0]
    if not found:
        return after_request.rstrip()
    at, token = min(found)
    return after_request[: at + len(token)]


def plain_conversation(tokenizer, template: Optional[str], prompt, response: str) -> str:
    messages = _messages(prompt) + [{"role": "assistant", "content": response}]
    return tokenizer.apply_chat_template(messages, tokenize=False, chat_template=template)


def stop_tokens(tokenizer) -> list[str]:
    from ..generation.transformers_local import stop_token_ids

    return [tokenizer.convert_ids_to_tokens(i) for i in stop_token_ids(tokenizer)]


def through_last_stop(ids: list[int], stop_ids: Sequence[int]) -> list[int]:
    """`ids` up to and including the last stop token (all of them when there is none)."""
    stops = set(stop_ids)
    for at in range(len(ids) - 1, -1, -1):
        if ids[at] in stops:
            return ids[: at + 1]
    return ids
