"""Completions made by a policy model: the reference set's prompts, the model's chat template,
greedy decoding, `max_new_tokens` at most.

A policy judged by N reward models is N requests; the completions are kept in the store's
generation cache (cache/policy-completions/<model + decoding>/...), so the first request
generates them and the others read them (the model is not even loaded when every prompt is there).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional, Sequence

from results.policy import PolicyCompletion, ReferencePrompt
from results.store import Store

from ..device import resolve_device, resolve_dtype
from ..decoding import Decoding
from ..generation.base import Generation
from ..generation.cache import GenerationCache, entry_key
from ..model_source import resolve_model
from .reference_sets import as_messages

log = logging.getLogger(__name__)

CACHE_KIND = "policy-completions"
DEFAULT_MAX_NEW_TOKENS = 512
# Names the instructions in each cache key: the prompt is sent as it is, with nothing added.
WORDING = "policy-completion-v1"


@dataclass(frozen=True)
class GeneratedCompletions:
    completions: list[PolicyCompletion]
    model: str  # org/name of the generator
    revision: str
    max_new_tokens: int
    from_cache: int  # completions read from the cache instead of generated


@dataclass(frozen=True)
class GenerationSettings:
    device: str = "auto"
    dtype: str = "auto"
    batch_tokens: int = 16384
    progress: bool = False


def generate_completions(
    model_id: str,
    prompts: Sequence[ReferencePrompt],
    store: Optional[Store],
    max_new_tokens: Optional[int] = None,
    revision_resolved: Optional[str] = None,
    settings: GenerationSettings = GenerationSettings(),
) -> GeneratedCompletions:
    model = resolve_model(model_id, None, revision_resolved)
    decoding = Decoding(max_new_tokens=max_new_tokens or DEFAULT_MAX_NEW_TOKENS)
    identity = f"{model.org}/{model.name}@{model.revision_resolved}"
    cache = GenerationCache(store, identity, decoding, kind=CACHE_KIND).load()
    conversations = [[{"role": role, "content": content} for role, content in as_messages(p.prompt)] for p in prompts]
    keys = [entry_key(WORDING, conversation) for conversation in conversations]
    missing = [i for i, key in enumerate(keys) if cache.get(key) is None]
    if missing:
        new = _generate(model.local_path, identity, [conversations[i] for i in missing], decoding, settings)
        cache.put({keys[i]: generation for i, generation in zip(missing, new)})
    completions = [
        PolicyCompletion(prompt_id=p.prompt_id, prompt=p.prompt, completion=cache.entries[key].text, generator=identity)
        for p, key in zip(prompts, keys)
    ]
    log.info(
        "%d completions of %s: %d generated, %d from the cache",
        len(prompts),
        identity,
        len(missing),
        len(prompts) - len(missing),
    )
    return GeneratedCompletions(
        completions,
        f"{model.org}/{model.name}",
        model.revision_resolved,
        decoding.max_new_tokens,
        len(prompts) - len(missing),
    )


def _generate(
    path: str,
    identity: str,
    conversations: list[list[dict[str, str]]],
    decoding: Decoding,
    settings: GenerationSettings,
) -> list[Generation]:
    from ..generation.transformers_local import TransformersBackend  # torch loads only when generating

    device = resolve_device(settings.device)
    backend = TransformersBackend.load(
        path,
        device,
        resolve_dtype(settings.dtype, device),
        identity,
        batch_tokens=settings.batch_tokens,
        progress=settings.progress,
    )
    try:
        return backend.generate(conversations, decoding)
    finally:
        backend.close()
