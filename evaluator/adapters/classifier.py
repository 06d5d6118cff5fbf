"""Sequence-classification reward models: the reward is the first logit at the last real token."""

from __future__ import annotations

import logging
from typing import Sequence

from ..encoded import Encoded
from ..errors import ModelLoadError, explained
from ..speed.batching import pad_right, probe_agrees, probe_tolerance
from ..speed.packing import packed_classifier_logits
from ..speed.placement import load_placed
from ..speed.pooled_layer import install
from ..speed.prefix_sharing import (
    PrefixScorer,
    has_prompt_and_response,
    read_classifier_rewards,
    score_with_sharing,
)
from .base import EncodedRewards, LoadOptions, PerResponseAdapter
from .truncation import common_prefix_length, special_ids, tokenize, tokenize_prompts, truncate

log = logging.getLogger(__name__)


class ClassifierAdapter(PerResponseAdapter):
    model_type = "classifier"

    def __init__(self, model, tokenizer, options: LoadOptions):
        super().__init__(model, tokenizer, options)
        # The model finds each row's last real token from the pad id, so the two must agree.
        if model.config.pad_token_id is None:
            model.config.pad_token_id = self.pad_id
        self.pad_id = model.config.pad_token_id
        self.pooled_layer = install(model, self.pad_id) if options.pooled_final_layer else None

    @property
    def pooled_final_layer_on(self) -> bool:
        return self.pooled_layer is not None and self.pooled_layer.enabled

    @classmethod
    def load(cls, options):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        with explained(ModelLoadError, f"could not load a sequence-classification model from {options.model_path}"):
            tokenizer = AutoTokenizer.from_pretrained(options.model_path)
            model = load_placed(AutoModelForSequenceClassification, options.model_path, options.dtype, options.device)
        return cls(model, tokenizer, options)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def encode(self, pairs) -> list[Encoded]:
        """The conversation tokenized as one text (what the classifier reads), cut by the shared rule.

        Only a text over the limit needs to know where its response starts (the classifier reads
        the whole text and its last token), so only those prompts are rendered and tokenized. The
        response starts where the conversation's ids stop matching the prompt's alone: a token
        merged across the boundary counts as response, so cutting the prompt never splits it.
        """
        add_special = self.chat_format.add_special_tokens
        texts = [self.chat_format.conversation(ex.prompt, response) for ex, response in pairs]
        full_ids = tokenize(self.tokenizer, texts, add_special)
        long = [i for i, ids in enumerate(full_ids) if len(ids) > self.max_length]
        if self.options.prefix_sharing:  # sharing groups texts by their prompt ids: every start is needed
            long = list(range(len(full_ids)))
        prompts = [self.chat_format.prompt_text(pairs[i][0].prompt) for i in long]
        starts = {
            i: common_prefix_length(full_ids[i], prompt)
            for i, prompt in zip(long, tokenize_prompts(self.tokenizer, prompts, add_special))
        }
        specials = special_ids(self.tokenizer)
        return [truncate(ids, starts.get(i, 0), self.max_length, specials) for i, ids in enumerate(full_ids)]

    def score_batch(self, batch: list[Encoded]) -> Sequence[float]:
        input_ids, attention_mask = pad_right([e.ids for e in batch], self.pad_id)
        device = self.options.device
        logits = self.model(input_ids=input_ids.to(device), attention_mask=attention_mask.to(device)).logits
        return logits[:, 0].float().cpu().tolist()

    def score_packed(self, batch: list[Encoded]) -> Sequence[float]:
        logits = packed_classifier_logits(self.model, [e.ids for e in batch], self.pad_id, self.options.device)
        return logits[:, 0].float().cpu().tolist()

    def score_encoded(self, encoded: list[Encoded]) -> EncodedRewards:
        self._probe_pooled_layer(encoded)
        shared = None
        if self.options.prefix_sharing:
            options = self.options
            scorer = PrefixScorer(
                model=self.model,
                shareable=self._reads_response,
                read=read_classifier_rewards,
                unshared=self.score_unshared,
                pad_id=self.pad_id,
                device=options.device,
                batch_tokens=options.batch_tokens,
                desc=f"scoring ({self.model_type})",
                progress=options.progress,
                packed=self.packed,
                **probe_tolerance(options.dtype),
            )
            shared = score_with_sharing(scorer, encoded)
        if shared is None:
            return super().score_encoded(encoded)
        return EncodedRewards(shared.values, shared.real_tokens, shared.padded_tokens, shared.num_shared, shared.num_packed)

    def _probe_pooled_layer(self, encoded: list[Encoded]) -> None:
        """Turn the final layer at the read token on if its rewards on the shortest texts (padded or
        packed together, as this run scores) equal the whole layer's."""
        if self.pooled_layer is None:
            return
        layer = self.pooled_layer

        def with_layer(enabled: bool):
            def score(batch):
                layer.enabled = enabled
                try:
                    return self.score_unshared(batch)
                finally:
                    layer.enabled = False
            return score

        layer.enabled = probe_agrees(
            "final layer at the read token", with_layer(True), with_layer(False), encoded,
            probe_tolerance(self.options.dtype),
        )
        if layer.enabled:
            log.info("the final layer runs at the token each reward is read from only")

    def _reads_response(self, text: Encoded) -> bool:
        """Whether the token the model pools (its last non-pad one) lies in the response part."""
        if not has_prompt_and_response(text):
            return False
        return any(token != self.pad_id for token in text.ids[text.response_start :])
