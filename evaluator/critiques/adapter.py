"""Model type `cloud`: critique first, then score (see rendering.py for the texts).

score(rows): every completion of every row gets K critiques (K = --num-critiques; sample k is
drawn with seed + k, greedy when K is 1 and the temperature 0), generated in length-sorted batches
with the KV cache and kept in the store's critique cache (a resumed run regenerates nothing); the
reward head then reads each prompt + response + critique, and a completion's score is the mean of
its K rewards (self-consistency). K = 0 scores the bare conversation with the same head.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional, Sequence

import torch

from results.schema import Critique, CritiqueInfo

from ..adapters.base import LoadOptions, RewardAdapter, ScoredExample, ScoringStats, model_max_length, pad_token_id
from ..adapters.chat_format import chat_format
from ..benchmarks.loading import Example
from ..critique_options import CloudSettings
from ..errors import ConfigError
from ..generation.cache import GenerationCache, entry_key
from ..generation.transformers_local import TransformersBackend, stop_token_ids
from ..speed.batching import pad_right, plan_batches, run_batches
from .checkpoint import CloudCheckpoint, load_cloud
from .rendering import critique_prompt, plain_conversation, through_last_stop

CACHE_KIND = "critiques"


@dataclass(frozen=True)
class Completion:
    row: int
    label: str  # "chosen 0", "rejected 2", ...
    prompt: tuple
    text: str


def completions(examples: Sequence[Example]) -> list[Completion]:
    return [
        Completion(row, f"{kind} {i}", ex.prompt, text)
        for row, ex in enumerate(examples)
        for kind, texts in (("chosen", ex.chosen), ("rejected", ex.rejected))
        for i, text in enumerate(texts)
    ]


class CloudAdapter(RewardAdapter):
    model_type = "cloud"

    def __init__(self, checkpoint: CloudCheckpoint, settings: CloudSettings, options: LoadOptions):
        self.checkpoint = checkpoint
        self.settings = settings
        self.options = options
        self.tokenizer = checkpoint.tokenizer
        self.chat_format = chat_format(options.chat_template, self.tokenizer)
        self.template = getattr(self.chat_format, "template", None)
        if self.template is None:
            raise ConfigError("a CLoud model critiques in a chat turn: use its chat template or a template file")
        self.max_length = model_max_length(checkpoint.model.config, self.tokenizer, options.max_length)
        self.identity = f"{options.model_identity}|{str(options.dtype).removeprefix('torch.')}|{options.device.type}"
        self.generator = TransformersBackend(
            checkpoint.model, self.tokenizer, self.identity, options.batch_tokens, self.max_length, options.progress
        )
        self.generator.chat_template = self.template
        self.stop_ids = stop_token_ids(self.tokenizer)
        self.pad_id = pad_token_id(self.tokenizer)
        self.cloud_info: Optional[CritiqueInfo] = None
        self._counts = dict(texts=0, truncated=0, real=0, padded=0, cached=0)

    @classmethod
    def load(cls, options: LoadOptions) -> "CloudAdapter":
        return cls(load_cloud(options.model_path, options.device, options.dtype), options.cloud or CloudSettings(), options)

    def num_parameters(self) -> int:
        modules = (self.checkpoint.model, self.checkpoint.head)
        return sum(p.numel() for module in modules for p in module.parameters())

    def score(self, examples: Sequence[Example]) -> tuple[list[ScoredExample], ScoringStats]:
        items = completions(examples)
        samples = self._samples(items)  # per completion: [(critique or None, reward), ...] K (or 1) long
        self.cloud_info = self._info(sum(len(s) for s in samples) if self.settings.num_critiques else 0)
        by_row: list[list] = [[] for _ in examples]
        for item, item_samples in zip(items, samples):
            by_row[item.row].append((item, item_samples))
        scored = [self._row(ex, parts) for ex, parts in zip(examples, by_row)]
        return scored, self._stats()

    # ---- critiques and rewards -----------------------------------------------------------------

    def _samples(self, items: list[Completion]) -> list[list[tuple[Optional[str], float]]]:
        if self.settings.num_critiques == 0:
            texts = [plain_conversation(self.tokenizer, self.template, c.prompt, c.text) for c in items]
            return [[(None, reward)] for reward in self.rewards(texts)]
        prompts = [
            critique_prompt(self.tokenizer, self.template, c.prompt, c.text, self.checkpoint.critique_request)
            for c in items
        ]
        prefix_ids = [self.tokenizer(prefix, add_special_tokens=False)["input_ids"] for prefix, _ in prompts]
        per_item: list[list[tuple[Optional[str], float]]] = [[] for _ in items]
        for sample in range(self.settings.num_critiques):
            critiques = self._critiques(prefix_ids, sample)
            texts = [prefix + critique + eot for (prefix, eot), critique in zip(prompts, critiques)]
            for i, (critique, reward) in enumerate(zip(critiques, self.rewards(texts))):
                per_item[i].append((critique, reward))
        return per_item

    def _critiques(self, prefix_ids: list[list[int]], sample: int) -> list[str]:
        """Sample `sample` of every completion's critique: from the cache, else generated a chunk at a time."""
        decoding = self.settings.decoding(self.options.seed, sample)
        cache = GenerationCache(self.options.store, self.identity, decoding, kind=CACHE_KIND).load()
        keys = [entry_key(CACHE_KIND, ids) for ids in prefix_ids]
        missing = {key: ids for key, ids in zip(keys, prefix_ids) if cache.get(key) is None}
        self._counts["cached"] += len(set(keys)) - len(missing)
        order = sorted(missing, key=lambda key: -len(missing[key]))
        for at in range(0, len(order), self.settings.chunk):
            chunk = order[at : at + self.settings.chunk]
            with torch.inference_mode():
                cache.put(dict(zip(chunk, self.generator.generate_ids([missing[k] for k in chunk], decoding))))
        return [cache.entries[key].text.strip() for key in keys]

    def rewards(self, texts: Sequence[str]) -> list[float]:
        """The head on the last token's final hidden state of each text (cut after its last end of turn)."""
        encoded = [self._fit(through_last_stop(ids, self.stop_ids)) for ids in self._tokenize(texts)]
        plan = plan_batches([len(ids) for ids in encoded], self.options.batch_tokens)
        self._counts.update(
            texts=self._counts["texts"] + len(encoded),
            real=self._counts["real"] + plan.real_tokens,
            padded=self._counts["padded"] + plan.padded_tokens,
        )
        with torch.inference_mode():
            return run_batches(
                plan, lambda batch: self._reward_batch([encoded[i] for i in batch]), len(encoded),
                desc="scoring (cloud)", progress=self.options.progress,
            ).tolist()

    def _tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        return self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]

    def _fit(self, ids: list[int]) -> list[int]:
        """Too long: keep the end (the critique and the end of turn the reward is read at)."""
        if len(ids) <= self.max_length:
            return ids
        self._counts["truncated"] += 1
        return ids[-self.max_length :]

    def _reward_batch(self, batch: list[list[int]]) -> list[float]:
        device = self.options.device
        input_ids, attention_mask = pad_right(batch, self.pad_id)
        out = self.checkpoint.model(
            input_ids=input_ids.to(device), attention_mask=attention_mask.to(device), output_hidden_states=True
        )
        last = attention_mask.sum(dim=1) - 1
        hidden = out.hidden_states[-1][torch.arange(len(batch)), last.to(device)]
        return self.checkpoint.head(hidden).float().cpu().tolist()

    # ---- what the run records ----------------------------------------------------------------

    def _row(self, example: Example, parts) -> ScoredExample:
        means = {item.label: sum(r for _, r in samples) / len(samples) for item, samples in parts}
        critiques = [
            Critique(completion=item.label, sample=k, text=text, reward=reward)
            for item, samples in parts
            for k, (text, reward) in enumerate(samples)
            if text is not None
        ]
        return ScoredExample(
            scores_chosen=[means[f"chosen {i}"] for i in range(len(example.chosen))],
            scores_rejected=[means[f"rejected {i}"] for i in range(len(example.rejected))],
            critiques=critiques or None,
        )

    def _info(self, num_critiques_made: int) -> CritiqueInfo:
        decoding = self.settings.decoding(self.options.seed, 0)
        return CritiqueInfo(
            num_critiques=self.settings.num_critiques,
            max_new_tokens=decoding.max_new_tokens,
            temperature=decoding.temperature,
            top_p=decoding.top_p,
            seed=self.options.seed,
            critique_request=self.checkpoint.critique_request,
            critique_request_sha256=hashlib.sha256(self.checkpoint.critique_request.encode()).hexdigest(),
            layout=self.checkpoint.layout,
            critiques=num_critiques_made,
            cached=self._counts["cached"],
            critique_tokens=self.generator.usage.completion_tokens,
        )

    def _stats(self) -> ScoringStats:
        return ScoringStats(
            num_texts=self._counts["texts"],
            num_truncated=self._counts["truncated"] + self.generator.num_truncated,
            real_tokens=self._counts["real"],
            padded_tokens=self._counts["padded"],
        )
