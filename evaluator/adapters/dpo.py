"""DPO-trained models as reward models: the implicit reward, and the policy alone.

`dpo`: reward = sum over the response's tokens of log p_policy - log p_reference (DPO's implicit
reward without beta, which scales every reward alike and so never changes a ranking).
`dpo-ref-free`: reward = the policy's log-probability of the response (sum, or per-token mean with
`per_token_mean`).

The reference's log-probs do not depend on the policy, so they are cached in the results store
(see ref_cache.py) and every later submission naming the same reference reads them instead of
loading the reference at all. When it does run, the reference is loaded only for its own pass
over the texts, before the policy's, and freed right after.

Both passes, the policy's and the reference's, run each prompt its responses share once
(speed/prefix_sharing.py), unless the run turns that off.
"""

from __future__ import annotations

import gc
import logging
from typing import Optional, Sequence

import torch

from ..benchmarks.loading import Example, fingerprint
from ..device import dtype_name
from ..encoded import Encoded
from ..errors import ConfigError, ModelLoadError, explained
from ..speed.batching import run_batches
from ..speed.packing import plan_unshared
from ..speed.prefix_sharing import SharedScores
from .base import EncodedRewards, LoadOptions, PerResponseAdapter, model_max_length
from .logprobs import (
    encode_with_response_start,
    load_causal_lm,
    logprob_scorer,
    reduce_logprob,
    resolve_logprob_packing,
    shared_response_logprobs,
)
from .ref_cache import CacheKey, ReferenceCache, text_key
from .reference import (
    ReferenceSource,
    check_same_vocabulary,
    load_reference_model,
    locate_reference,
    reference_config,
)

log = logging.getLogger(__name__)


class LogProbAdapter(PerResponseAdapter):
    """A causal-LM policy whose score of a response comes from its log-probabilities."""

    @staticmethod
    def load_tokenizer(options: LoadOptions):
        from transformers import AutoTokenizer

        with explained(ModelLoadError, f"could not load the tokenizer from {options.model_path}"):
            return AutoTokenizer.from_pretrained(options.model_path)

    @staticmethod
    def load_policy(options: LoadOptions):
        return load_causal_lm(options.model_path, options.dtype, options.device, role="policy")

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def encode(self, pairs) -> list[Encoded]:
        return encode_with_response_start(self.tokenizer, self.chat_format, pairs, self.max_length)

    def policy_logprobs(self, batch: list[Encoded], packed: bool = False) -> list[tuple[float, int]]:
        return logprob_scorer(self.model, self.pad_id, self.options.device, packed)(batch)

    def reward(self, encoded: Encoded, total: float, count: int) -> float:
        """The reward of a text from its policy log-prob sum and response token count."""
        raise NotImplementedError

    def score_batch(self, batch: list[Encoded]) -> Sequence[float]:
        return self._rewards(batch, packed=False)

    def score_packed(self, batch: list[Encoded]) -> Sequence[float]:
        return self._rewards(batch, packed=True)

    def _rewards(self, batch: list[Encoded], packed: bool) -> list[float]:
        return [self.reward(e, total, count) for e, (total, count) in zip(batch, self.policy_logprobs(batch, packed))]

    def shared_logprobs(self, model, texts: list[Encoded], desc: str, packed: bool) -> Optional[SharedScores]:
        """`model`'s response log-probs with each shared prompt run once; None when not sharing."""
        if not self.options.prefix_sharing:
            return None
        options = self.options
        return shared_response_logprobs(
            model, texts, self.pad_id, options.device, options.batch_tokens, options.dtype, desc, options.progress,
            packed,
        )

    def score_encoded(self, encoded: list[Encoded]) -> EncodedRewards:
        shared = self.shared_logprobs(self.model, encoded, f"scoring ({self.model_type})", self.packed)
        if shared is None:
            return super().score_encoded(encoded)
        rewards = [self.reward(e, total, count) for e, (total, count) in zip(encoded, shared.values)]
        return EncodedRewards(rewards, shared.real_tokens, shared.padded_tokens, shared.num_shared, shared.num_packed)


class ReferenceFreeAdapter(LogProbAdapter):
    model_type = "dpo-ref-free"

    @classmethod
    def load(cls, options):
        if options.ref_model:
            log.warning("model type %s ignores the reference model %s", cls.model_type, options.ref_model)
        tokenizer = cls.load_tokenizer(options)
        return cls(cls.load_policy(options), tokenizer, options)

    def reward(self, encoded: Encoded, total: float, count: int) -> float:
        return reduce_logprob(total, count, self.options.per_token_mean)


class DPOAdapter(LogProbAdapter):
    model_type = "dpo"

    def __init__(self, model, tokenizer, options: LoadOptions, reference: ReferenceSource, ref_config):
        super().__init__(model, tokenizer, options)
        self.reference = reference
        # Both models read the same ids, so neither may be given more positions than it has.
        self.max_length = min(self.max_length, model_max_length(ref_config, tokenizer, options.max_length))
        self.reference_logprobs: dict[bytes, float] = {}

    @classmethod
    def load(cls, options):
        if not options.ref_model:
            raise ConfigError(
                "model type dpo needs a reference model: pass --ref-model (the model the policy was "
                "trained from), or use --model-type dpo-ref-free to score with the policy alone"
            )
        if options.per_token_mean:
            raise ConfigError("the per-token mean applies to model type dpo-ref-free only; drop it for dpo")
        # The reference is checked before the policy's weights load: a wrong reference fails fast.
        reference = locate_reference(options.ref_model, options.ref_revision, options.ref_revision_resolved)
        ref_config = reference_config(reference)
        tokenizer = cls.load_tokenizer(options)
        check_same_vocabulary(tokenizer, reference, ref_config)
        return cls(cls.load_policy(options), tokenizer, options, reference, ref_config)

    def cache_key(self, examples: Sequence[Example]) -> CacheKey:
        return CacheKey(
            ref_org=self.reference.org,
            ref_name=self.reference.name,
            ref_revision=self.reference.revision_resolved,
            dtype=dtype_name(self.options.dtype),
            chat_template=self.chat_format.name,
            chat_template_sha256=self.chat_format.template_sha256,
            data_fingerprint=fingerprint(list(examples)),
        )

    def prepare(self, examples, encoded) -> None:
        """Fill reference_logprobs for every text: from the cache, running the reference for the rest."""
        if self.options.store is None:
            log.info("no results store given (--cache-dir): reference log-probs will not be cached")
        cache = ReferenceCache.open(self.options.store, self.cache_key(examples))
        keys = [text_key(e) for e in encoded]
        todo = cache.missing(keys)
        distinct = len(set(keys))
        log.info("reference log-probs: %d of %d distinct texts cached, %d to compute",
                 distinct - len(todo), distinct, len(todo))
        if todo:
            computed = self._run_reference([encoded[i] for i in todo])
            cache.update(zip((keys[i] for i in todo), computed))
            cache.save()
        self.reference_logprobs = {key: cache[key] for key in keys}

    def _run_reference(self, texts: list[Encoded]) -> list[float]:
        model = load_reference_model(self.reference, self.options.dtype, self.options.device)
        try:
            return self._summed_logprobs(model, texts)
        finally:
            # Free the reference before the policy runs: its memory goes back to the policy's batches.
            del model
            _free_memory()

    def _summed_logprobs(self, model, texts: list[Encoded]) -> list[float]:
        options = self.options
        packed = resolve_logprob_packing(options.packing, model, texts, self.pad_id, options.device, options.dtype)
        with torch.inference_mode():
            shared = self.shared_logprobs(model, texts, "reference log-probs", packed)
        if shared is not None:
            return [total for total, _ in shared.values]
        logprobs = logprob_scorer(model, self.pad_id, options.device, packed)

        def score(indices: list[int]) -> list[float]:
            return [total for total, _ in logprobs([texts[i] for i in indices])]

        plan = plan_unshared(model, [len(e.ids) for e in texts], options.batch_tokens, packed)
        with torch.inference_mode():
            sums = run_batches(
                plan, score, len(texts), desc="reference log-probs", progress=self.options.progress
            )
        return sums.tolist()

    def reward(self, encoded: Encoded, total: float, count: int) -> float:
        return total - self.reference_logprobs[text_key(encoded)]


def _free_memory() -> None:
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
