"""Local causal LMs through `transformers`: batched generation, greedy unless told otherwise.

Prompts are rendered with the model's own chat template (add_generation_prompt), grouped into
length-sorted batches under a token budget (prompt + new tokens, padded), padded on the LEFT so
that every row's next token follows its last real one, and generated with the KV cache. A batch
stops at the tokenizer's end-of-sequence token or the template's end of turn, whichever the
tokenizer knows. On a GPU the model runs in bfloat16 unless the run asks for another dtype.
"""

from __future__ import annotations

import logging
from typing import Optional, Sequence

import torch

from ..adapters.base import model_max_length, pad_token_id
from ..decoding import Decoding
from ..errors import ModelLoadError, explained
from ..speed.batching import plan_batches
from ..speed.placement import load_placed
from ..progress import ProgressBar
from .base import Generation, GenerationBackend, Message, Usage

log = logging.getLogger(__name__)

# Chat templates close a turn with one of these; generation stops there as well as at EOS.
END_OF_TURN_TOKENS = ("<|eot_id|>", "<|im_end|>", "<end_of_turn>", "<|end|>", "</s>")


class TransformersBackend(GenerationBackend):
    def __init__(
        self, model, tokenizer, identity: str, batch_tokens: int, max_length: Optional[int] = None, progress: bool = True
    ):
        self.model = model
        self.tokenizer = tokenizer
        self.identity = identity
        self.batch_tokens = batch_tokens
        self.max_length = model_max_length(model.config, tokenizer, max_length)
        self.chat_template: Optional[str] = None  # a template file's text, instead of the tokenizer's
        self.progress = progress
        self.usage = Usage()
        self.num_truncated = 0
        self.pad_id = pad_token_id(tokenizer)
        self.stop_ids = stop_token_ids(tokenizer)

    @classmethod
    def load(cls, path: str, device: torch.device, dtype: torch.dtype, identity: str, **kwargs) -> "TransformersBackend":
        from transformers import AutoModelForCausalLM, AutoTokenizer

        with explained(ModelLoadError, f"could not load a causal LM judge from {path}"):
            tokenizer = AutoTokenizer.from_pretrained(path)
        if not getattr(tokenizer, "chat_template", None):
            raise ModelLoadError(
                f"the judge at {path} has no chat template: a generative judge is prompted as a chat model"
            )
        with explained(ModelLoadError, f"could not load a causal LM judge from {path}"):
            model = load_placed(AutoModelForCausalLM, path, dtype, device)
        return cls(model, tokenizer, identity, **kwargs)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def render(self, conversation: list[Message]) -> list[int]:
        text = self.tokenizer.apply_chat_template(
            conversation, tokenize=False, add_generation_prompt=True, chat_template=self.chat_template
        )
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def generate(self, conversations: Sequence[list[Message]], decoding: Decoding) -> list[Generation]:
        return self.generate_ids([self.render(c) for c in conversations], decoding)

    def generate_ids(self, prompts: Sequence[list[int]], decoding: Decoding) -> list[Generation]:
        """Continue each token sequence (already rendered: critique models build their own)."""
        prompts = [self._fit(list(p), decoding.max_new_tokens) for p in prompts]
        plan = plan_batches([len(p) + decoding.max_new_tokens for p in prompts], self.batch_tokens)
        generations: list[Optional[Generation]] = [None] * len(prompts)
        bar = ProgressBar(total=len(prompts), desc="generating", unit="prompt", disable=not self.progress)
        with torch.inference_mode():
            for indices in plan.batches:
                for index, generation in zip(indices, self._generate_batch([prompts[i] for i in indices], decoding)):
                    generations[index] = generation
                    self.usage.add(generation)
                bar.update(len(indices))
        bar.close()
        return generations  # type: ignore[return-value]

    def _fit(self, ids: list[int], max_new_tokens: int) -> list[int]:
        """Keep the prompt's end (the answers and the request for a verdict) when it is too long."""
        room = max(1, self.max_length - max_new_tokens)
        if len(ids) <= room:
            return ids
        self.num_truncated += 1
        return ids[-room:]

    def _generate_batch(self, prompts: list[list[int]], decoding: Decoding) -> list[Generation]:
        device = self.model.device
        width = max(len(p) for p in prompts)
        input_ids = torch.full((len(prompts), width), self.pad_id, dtype=torch.long)
        attention_mask = torch.zeros((len(prompts), width), dtype=torch.long)
        for row, ids in enumerate(prompts):
            input_ids[row, width - len(ids) :] = torch.tensor(ids, dtype=torch.long)
            attention_mask[row, width - len(ids) :] = 1
        if not decoding.greedy:
            torch.manual_seed(decoding.seed)
        output = self.model.generate(
            input_ids=input_ids.to(device),
            attention_mask=attention_mask.to(device),
            max_new_tokens=decoding.max_new_tokens,
            do_sample=not decoding.greedy,
            temperature=decoding.temperature if not decoding.greedy else None,
            top_p=decoding.top_p if not decoding.greedy else None,
            top_k=None,
            pad_token_id=self.pad_id,
            eos_token_id=self.stop_ids or None,
        )
        return [self._decoded(prompt, row[width:]) for prompt, row in zip(prompts, output.tolist())]

    def _decoded(self, prompt: list[int], new_ids: list[int]) -> Generation:
        kept = []
        for token in new_ids:
            if token in self.stop_ids:
                break
            kept.append(token)
        text = self.tokenizer.decode(kept, skip_special_tokens=True)
        return Generation(text=text, prompt_tokens=len(prompt), completion_tokens=len(kept))

    def close(self) -> None:
        self.model = None
        if torch.cuda.is_available():
            torch.cuda.empty_cache()


def stop_token_ids(tokenizer) -> list[int]:
    """EOS plus whichever end-of-turn tokens this tokenizer has (a template's turn end)."""
    ids = {tokenizer.eos_token_id} if tokenizer.eos_token_id is not None else set()
    vocab = tokenizer.get_vocab()
    ids.update(vocab[token] for token in END_OF_TURN_TOKENS if token in vocab)
    return sorted(ids)

