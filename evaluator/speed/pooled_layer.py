"""A sequence classifier's final decoder layer, computed only at the token the classifier reads.

A decoder classifier reads one position per text (its last token that is not the pad id), but
runs every layer at every position. Below the final layer every position matters: later tokens
attend to it. In the final layer, the other positions contribute only their keys and values to
the read token's attention; their queries, attention outputs, MLP and the norms after are never
read. So the final layer is run in two steps:

1. the layer's own code up to the moment its attention hands this step's keys and values to the
   cache (`past_key_values.update`): there they are taken, with the prompt's cached ones before
   them when there is a cache, and the rest of the layer is skipped;
2. the same layer on the read tokens only (one query per text), its attention given those keys
   and values, the mask row, position ids and rotary angles of the read token.

Its outputs are put back at the read positions (zeros elsewhere, which the model's final norm
and head see but the pooling never reads). On a 6-layer model that skips about an eighth of the
work; on a 32-layer one about 2%. The read positions are found the way the classifier finds them
(last non-pad token of each row, or of each text of a packed row). Nothing here knows an
architecture beyond where its layers are listed: the layer's own forward runs both steps, so a
model whose layer does something this cannot follow is caught by the adapter's probe (scores
with and without must agree) and runs as it came.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Optional

import torch

from .packing import read_positions

log = logging.getLogger(__name__)

# Where a base model lists its decoder layers: GPT-2 (h), Llama and most decoders (layers).
LAYER_LISTS = ("h", "layers")
# Attention kernels whose boolean masks step 2 can take a row of (or build, where there is none).
ROW_MASK_ATTENTION = ("sdpa",)
# The layer argument holding rotary angles per position (Llama-likes), taken at the read tokens.
ROTARY_ARGUMENT = "position_embeddings"


class _KeysValues(Exception):
    """Raised from the cache update in step 1: it carries the layer's keys and values out."""

    def __init__(self, keys: torch.Tensor, values: torch.Tensor):
        super().__init__("keys and values of the final layer")
        self.keys, self.values = keys, values


class _TakeKeysValues:
    """Stands in for the cache in step 1: lets a real cache add its past, then stops the layer."""

    def __init__(self, cache):
        self.cache = cache

    def update(self, keys, values, layer_idx, *args, **kwargs):
        if self.cache is not None:
            keys, values = self.cache.update(keys, values, layer_idx, *args, **kwargs)
        raise _KeysValues(keys, values)


class _GivenKeysValues:
    """Stands in for the cache in step 2: the keys and values of every position, already whole."""

    def __init__(self, keys: torch.Tensor, values: torch.Tensor):
        self.keys, self.values = keys, values

    def update(self, keys, values, layer_idx, *args, **kwargs):
        return self.keys, self.values


class PooledFinalLayer:
    """Installed on a classifier: its final layer runs at the read tokens only while `enabled`."""

    def __init__(self, model, pad_id: int):
        self.layer = final_layer(model)
        self.run_whole = self.layer.forward  # the layer's own bound forward, run in both steps
        self.signature = inspect.signature(self.run_whole)
        self.pad_id = pad_id
        self.enabled = False
        self.read: Optional[tuple[torch.Tensor, torch.Tensor]] = None
        self.layer.forward = self._forward
        model.register_forward_pre_hook(self._find_read_tokens, with_kwargs=True)

    def _find_read_tokens(self, module, args, kwargs):
        if not self.enabled:
            return
        input_ids = kwargs.get("input_ids", args[0] if args else None)
        # Position ids mark packed texts only without a mask or a cache (as transformers reads them).
        packed = kwargs.get("attention_mask") is None and kwargs.get("past_key_values") is None
        positions = kwargs.get("position_ids") if packed else None
        self.read = None if input_ids is None else read_positions(input_ids, positions, self.pad_id)

    def _forward(self, *args, **kwargs):
        if not self.enabled or self.read is None:
            return self.run_whole(*args, **kwargs)
        named = self._named(args, kwargs)
        try:
            self.run_whole(**{**named, "past_key_values": _TakeKeysValues(named.get("past_key_values"))})
        except _KeysValues as taken:
            keys, values = taken.keys, taken.values
        else:
            raise TypeError("the final layer never handed its keys and values to the cache")
        hidden = named["hidden_states"]
        # On a model spread over GPUs the final layer may live on another one than the input ids.
        rows, positions = (index.to(hidden.device) for index in self.read)
        step = {**named, "hidden_states": hidden[rows, positions][:, None, :],
                "past_key_values": _GivenKeysValues(keys[rows], values[rows]),
                "attention_mask": _mask_rows(named.get("attention_mask"), rows, positions, keys.shape[2], hidden),
                **_positional_inputs(named, rows, positions, hidden.shape[0])}
        if "cache_position" in step:
            step["cache_position"] = None
        out = self.run_whole(**step)
        if not isinstance(out, torch.Tensor):
            raise TypeError(f"the final layer returns {type(out).__name__}, not a tensor")
        whole = torch.zeros_like(hidden)
        whole[rows, positions] = out[:, 0]
        return whole

    def _named(self, args, kwargs) -> dict[str, Any]:
        bound = self.signature.bind(*args, **kwargs).arguments
        var_keyword = next((p.name for p in self.signature.parameters.values() if p.kind is p.VAR_KEYWORD), None)
        named = {k: v for k, v in bound.items() if k != var_keyword}
        return {**named, **bound.get(var_keyword, {})}


def final_layer(model) -> torch.nn.Module:
    base = model.base_model
    layers = next((getattr(base, name) for name in LAYER_LISTS if isinstance(getattr(base, name, None), torch.nn.ModuleList)), None)
    if not layers:
        raise TypeError(f"{type(base).__name__} lists no decoder layers ({', '.join(LAYER_LISTS)})")
    return layers[-1]


def _mask_rows(mask, rows, positions, key_length: int, hidden: torch.Tensor):
    """The read tokens' rows of the layer's 4-D mask, or, where the model passed none (a causal
    kernel with nothing to mask), the causal row: keys up to the read token's."""
    if isinstance(mask, torch.Tensor) and mask.dim() == 4:
        return mask.expand(hidden.shape[0], -1, -1, -1)[rows, :, positions, :][:, :, None, :]
    if mask is not None:
        raise TypeError(f"an attention mask of shape {tuple(mask.shape)} has no rows to take")
    past = key_length - hidden.shape[1]
    allowed = torch.arange(key_length, device=hidden.device)[None, :] <= (past + positions)[:, None]
    return allowed[:, None, None, :]


def _positional_inputs(named: dict[str, Any], rows, positions, batch: int) -> dict[str, Any]:
    """Position ids and rotary angles at the read tokens only."""
    out: dict[str, Any] = {}
    ids = named.get("position_ids")
    if isinstance(ids, torch.Tensor):
        out["position_ids"] = ids.expand(batch, -1)[rows, positions][:, None]
    rotary = named.get(ROTARY_ARGUMENT)
    if rotary is not None:
        out[ROTARY_ARGUMENT] = tuple(t.expand(batch, *t.shape[1:])[rows, positions][:, None] for t in rotary)
    return out


def install(model, pad_id: int) -> Optional[PooledFinalLayer]:
    """The pooled final layer on `model` (not yet enabled), or None where it cannot apply."""
    attention = getattr(model.config, "_attn_implementation", None)
    if attention not in ROW_MASK_ATTENTION:
        return None
    try:
        return PooledFinalLayer(model, pad_id)
    except TypeError as exc:
        log.info("final layer at the read token off: %s", exc)
        return None
