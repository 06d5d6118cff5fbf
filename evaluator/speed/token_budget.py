"""The padded tokens per batch when `--batch-tokens` is not given.

On the CPU a fixed 16,384: the best of 4,096, 16,384 and 65,536 in bench/cpu_settings.py (more
only adds padding and cache misses; a CPU has no memory to fill). On a GPU the batch is sized to
the memory the weights leave free: a 16,384-token batch of a 1B model uses a few GiB of an 80 GiB
GPU, and the GPU then spends its time waiting on small kernels. The estimate is per token of one
forward with no gradients: the residual stream and attention output, the MLP's widened
activations, the float32 logits and their log-softmax (log-probability types read every
position's), and the prompts' keys and values of every layer that prefix sharing keeps. Only
`ACTIVATION_SHARE` of what is free is planned for, as the estimate ignores the allocator's slack
and attention kernels' scratch space.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

from results.model_types import MODEL_TYPES, ModelType

log = logging.getLogger(__name__)

CPU_BATCH_TOKENS = 16384
ACTIVATION_SHARE = 0.5
MIN_GPU_BATCH_TOKENS = 4096
# Past this a batch keeps any GPU busy, and the cap bounds what the estimate leaves out: an
# attention kernel that writes out its scores (heads x length per token) where a mask stops the
# fused kernels.
MAX_GPU_BATCH_TOKENS = 1 << 18
ROUND_TO = 1024


@dataclass(frozen=True)
class ModelShape:
    hidden: int
    intermediate: int
    layers: int
    vocab: int
    kv_width: int  # key (= value) width of one layer: key-value heads x head size

    @classmethod
    def from_config(cls, config) -> "ModelShape":
        """Read the sizes under either naming (Llama-style or GPT-2-style configs)."""
        hidden = _first(config, "hidden_size", "n_embd", "d_model")
        heads = _first(config, "num_attention_heads", "n_head")
        kv_heads = getattr(config, "num_key_value_heads", None) or heads
        head_dim = getattr(config, "head_dim", None) or hidden // heads
        return cls(
            hidden=hidden,
            intermediate=getattr(config, "intermediate_size", None) or getattr(config, "n_inner", None) or 4 * hidden,
            layers=_first(config, "num_hidden_layers", "n_layer"),
            vocab=config.vocab_size,
            kv_width=kv_heads * head_dim,
        )


def _first(config, *names: str) -> int:
    for name in names:
        value = getattr(config, name, None)
        if value:
            return int(value)
    raise ValueError(f"the model config has none of {', '.join(names)}")


def activation_bytes_per_token(shape: ModelShape, dtype_bytes: int, reads_logits: bool, keeps_prompt_cache: bool) -> int:
    per_token = dtype_bytes * (4 * shape.hidden + 2 * shape.intermediate)
    if reads_logits:
        per_token += 2 * 4 * shape.vocab
    if keeps_prompt_cache:
        per_token += dtype_bytes * 2 * shape.layers * shape.kv_width
    return per_token


def gpu_batch_tokens(free_bytes: int, per_token_bytes: int) -> int:
    """Tokens whose activations fill `ACTIVATION_SHARE` of `free_bytes`, within the bounds."""
    tokens = int(free_bytes * ACTIVATION_SHARE) // max(per_token_bytes, 1)
    tokens = min(max(tokens, MIN_GPU_BATCH_TOKENS), MAX_GPU_BATCH_TOKENS)
    return tokens // ROUND_TO * ROUND_TO


def free_after_weights(free_bytes: int, weight_bytes: int) -> int:
    """What is left for activations once the weights are loaded (never below zero)."""
    return max(free_bytes - weight_bytes, 0)


def describe(tokens: int, free_bytes: int, per_token_bytes: int) -> str:
    return (
        f"{tokens:,} tokens per batch ({per_token_bytes / 2**10:,.0f} KiB of activations each, "
        f"{math.floor(ACTIVATION_SHARE * 100)}% of {free_bytes / 2**30:.1f} GiB left free by the weights)"
    )


def sized(kind: ModelType) -> bool:
    """Whether a model type's batches are one forward over texts, which this estimate sizes. Types
    that generate (judges, critiques) also grow each row's cache by the tokens they write, which
    it does not count: they keep the fixed budget."""
    return kind.scores_alone and not kind.generates_text


def choose_batch_tokens(config, model_path, device, dtype) -> int:
    """`config.batch_tokens` if set, else the CPU's fixed budget or one sized to the GPU's free memory."""
    if config.batch_tokens:
        return config.batch_tokens
    if device.type != "cuda" or not model_path or not sized(MODEL_TYPES[config.model_type]):
        return CPU_BATCH_TOKENS
    import torch

    return sized_batch_tokens(config, model_path, dtype, torch.cuda.mem_get_info(device)[0])


def sized_batch_tokens(config, model_path: str, dtype, free: int) -> int:
    """The budget for `free` bytes of GPU memory, before the model loads: the weights sized from the
    safetensors headers (twice for model types that load a reference of their own), the shape
    from config.json. A config it cannot read keeps the fixed budget."""
    import torch
    from transformers import AutoConfig

    from ..safetensors_headers import safetensors_parameters
    from .placement import WEIGHT_SHARE

    try:
        shape = ModelShape.from_config(AutoConfig.from_pretrained(model_path))
    except Exception as exc:  # an architecture transformers does not know, or sizes under other names
        log.warning("batch budget: %s; keeping %d tokens", exc, CPU_BATCH_TOKENS)
        return CPU_BATCH_TOKENS
    dtype_bytes = torch.empty((), dtype=dtype).element_size()
    parameters = safetensors_parameters(Path(model_path)) or 0
    kind = MODEL_TYPES[config.model_type]
    weights = parameters * dtype_bytes * (2 if kind.needs_reference else 1)
    left = free_after_weights(free, weights) if weights <= free * WEIGHT_SHARE else int(free * (1 - WEIGHT_SHARE))
    per_token = activation_bytes_per_token(
        shape, dtype_bytes, reads_logits=kind.reward_from_log_probs, keeps_prompt_cache=config.prefix_sharing
    )
    tokens = gpu_batch_tokens(left, per_token)
    log.info("batch budget: %s", describe(tokens, left, per_token))
    return tokens
