"""Sequence-classification reward models: the reward is the first logit at the last real token."""

from __future__ import annotations

from typing import Sequence

from ..batching import pad_right
from ..errors import ModelLoadError, explained
from .base import Encoded, LoadOptions, PerResponseAdapter
from .truncation import common_prefix_length, special_ids, tokenize, tokenize_prompts, truncate


class ClassifierAdapter(PerResponseAdapter):
    model_type = "classifier"

    def __init__(self, model, tokenizer, options: LoadOptions):
        super().__init__(model, tokenizer, options)
        # The model finds each row's last real token from the pad id, so the two must agree.
        if model.config.pad_token_id is None:
            model.config.pad_token_id = self.pad_id
        self.pad_id = model.config.pad_token_id

    @classmethod
    def load(cls, options):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        with explained(ModelLoadError, f"could not load a sequence-classification model from {options.model_path}"):
            tokenizer = AutoTokenizer.from_pretrained(options.model_path)
            model = AutoModelForSequenceClassification.from_pretrained(options.model_path, dtype=options.dtype)
        model.to(options.device).eval()
        return cls(model, tokenizer, options)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def encode(self, pairs) -> list[Encoded]:
        """The conversation tokenized as one text (what the classifier reads), cut by the shared rule.

        The response starts where the conversation's ids stop matching the prompt's alone: a token
        merged across the boundary counts as response, so cutting the prompt never splits it.
        """
        add_special = self.chat_format.add_special_tokens
        texts = [self.chat_format.conversation(ex.prompt, response) for ex, response in pairs]
        prompts = [self.chat_format.prompt_text(ex.prompt) for ex, _ in pairs]
        full_ids = tokenize(self.tokenizer, texts, add_special)
        prompt_ids = tokenize_prompts(self.tokenizer, prompts, add_special)
        specials = special_ids(self.tokenizer)
        return [
            truncate(ids, common_prefix_length(ids, prompt), self.max_length, specials)
            for ids, prompt in zip(full_ids, prompt_ids)
        ]

    def score_batch(self, batch: list[Encoded]) -> Sequence[float]:
        input_ids, attention_mask = pad_right([e.ids for e in batch], self.pad_id)
        device = self.options.device
        logits = self.model(input_ids=input_ids.to(device), attention_mask=attention_mask.to(device)).logits
        return logits[:, 0].float().cpu().tolist()
