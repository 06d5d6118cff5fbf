"""Local judges on vLLM, for GPU hosts that installed it (requirements-vllm.txt, its own environment:
vLLM pins a transformers release older than the project's).

The same conversations, formats and decoding as the transformers backend: vLLM renders each
conversation with the model's chat template (`LLM.chat`), batches and schedules on its own, and
greedy decoding is temperature 0. The model is split over the GPUs this process sees (tensor
parallelism: a Ray task that asked for N GPUs sees N), rounded down to a power of two, which most
models' head counts divide; a worker given one GPU by index (`--device cuda:N`) keeps to it, and
RMLB_VLLM_TENSOR_PARALLEL sets the degree instead.
"""

from __future__ import annotations

import os
from typing import Optional, Sequence

from ..errors import ConfigError, ModelLoadError, explained
from ..decoding import Decoding
from .base import Generation, GenerationBackend, Message, Usage


def gpus_to_use(device) -> int:
    """The GPUs this process may split a judge over: one when the device names a GPU by index
    (one worker per GPU), else every GPU it sees (a Ray task sees the ones it asked for)."""
    import torch

    if device is not None and device.index is not None:
        return 1
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def tensor_parallel_size(configured: Optional[str], gpus: int) -> int:
    """The degree asked for, else the largest power of two not above the visible GPUs (at least 1)."""
    if configured:
        try:
            degree = int(configured)
        except ValueError:
            degree = 0
        if degree < 1:
            raise ConfigError(f"RMLB_VLLM_TENSOR_PARALLEL must be a positive whole number, not {configured!r}")
        return degree
    return 1 << (max(gpus, 1).bit_length() - 1)


class VLLMBackend(GenerationBackend):
    def __init__(self, llm, identity: str, max_length: int):
        self.llm = llm
        self.identity = identity
        self.max_length = max_length
        self.usage = Usage()
        self.tokenizer = llm.get_tokenizer()
        self.chat_template: Optional[str] = None  # a template file's text, instead of the model's

    @classmethod
    def load(cls, path: str, dtype, identity: str, max_length: Optional[int], device=None) -> "VLLMBackend":
        try:
            from vllm import LLM
        except ImportError:
            raise ConfigError(
                "the vllm judge backend needs vLLM, which is not installed here: install "
                "requirements-vllm.txt in its own environment on a GPU host, or use --judge-backend transformers"
            ) from None
        parallel = tensor_parallel_size(os.environ.get("RMLB_VLLM_TENSOR_PARALLEL"), gpus_to_use(device))
        with explained(ModelLoadError, f"vLLM could not load the judge at {path}"):
            llm = LLM(
                model=path,
                dtype=str(dtype).removeprefix("torch."),
                max_model_len=max_length,
                tensor_parallel_size=parallel,
                # Worker processes on this machine's GPUs, never Ray actors: inside a Ray task that
                # already holds its GPUs, vLLM's Ray executor would wait for a placement group of
                # GPUs nobody can give it.
                distributed_executor_backend="mp" if parallel > 1 else None,
                seed=0,
            )
        return cls(llm, identity, max_length or llm.llm_engine.model_config.max_model_len)

    def num_parameters(self) -> Optional[int]:
        return None  # vLLM does not expose the module tree; the result leaves the count out

    def generate(self, conversations: Sequence[list[Message]], decoding: Decoding) -> list[Generation]:
        from vllm import SamplingParams

        params = SamplingParams(
            max_tokens=decoding.max_new_tokens,
            temperature=decoding.temperature,
            top_p=decoding.top_p,
            seed=decoding.seed,
        )
        outputs = self.llm.chat(list(conversations), params, use_tqdm=False, chat_template=self.chat_template)
        generations = [
            Generation(out.outputs[0].text, len(out.prompt_token_ids), len(out.outputs[0].token_ids))
            for out in outputs
        ]
        for generation in generations:
            self.usage.add(generation)
        return generations
