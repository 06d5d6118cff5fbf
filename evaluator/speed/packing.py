"""Packed variable-length batches: texts laid end to end in one row, no padding at all.

A padded batch computes every row to its longest text's length. A packed batch concatenates its
texts into one row and restarts the position ids at 0 for each text; transformers reads the
restarts as sequence boundaries (masking_utils.find_packed_sequence_indices), so a token attends
only to the earlier tokens of its own text. What that costs depends on the attention kernel:

- a variable-length kernel (flash-attention's varlen path) runs each text's attention on its own
  tokens only: packing is then free of waste, and worth it wherever padding is;
- a dense kernel (SDPA, eager) gets a block-diagonal mask over the whole row and computes the full
  row x row attention, most of it masked: exact, but slower than length-sorted padded batches.

So `--packing auto` packs only where the model runs a variable-length kernel (in practice a GPU
with flash-attention installed), `on` packs anyway (the tests use it to show exactness on a CPU),
`off` never packs. Before packing a run, the shortest texts are scored both ways and must agree:
a model that ignores position ids in its masks (or cannot take them) is detected, not assumed.

Only texts scored without a cached prompt are packed: prefix sharing (prefix_sharing.py)
hands the model a cache, and packed rows cannot share one.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.util import find_spec
from typing import TYPE_CHECKING, Callable, Iterator, Optional, Sequence

import torch

from .batching import BatchPlan, plan_batches, probe_agrees

if TYPE_CHECKING:
    from .options import PackingMode

log = logging.getLogger(__name__)

# Attention implementations that run each packed text on its own tokens (cu_seqlens), not a mask.
VARLEN_ATTENTION = frozenset({"flash_attention_2", "flash_attention_3"})
# What a result's settings say of its batching (RunSettings.batching).
PADDED_BATCHING = "length-sorted token budget"
PACKED_BATCHING = "packed rows under a token budget (no padding)"
# A dense kernel computes row x row attention scores (and its mask is as large): rows stay this
# short there, so `--packing on` on a CPU costs time, never the machine's memory.
DENSE_ROW_TOKENS = 2048
# The classifier head of decoder sequence-classification models (transformers names it `score`):
# packed rows need its output at every position, not the one the model pools.
CLASSIFIER_HEADS = ("score",)


@dataclass(frozen=True)
class PackedRow:
    input_ids: torch.Tensor  # (1, total tokens)
    position_ids: torch.Tensor  # (1, total tokens): 0, 1, ... restarting at each text
    starts: list[int]  # where each text begins in the row


def plan_packs(lengths: Sequence[int], batch_tokens: int) -> BatchPlan:
    """Texts into rows of at most `batch_tokens` tokens, first fit by decreasing length (a text
    longer than the budget gets a row of its own). No padding: padded tokens = real tokens."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    rows: list[list[int]] = []
    room: list[int] = []
    for index in order:
        fit = next((r for r, left in enumerate(room) if left >= lengths[index]), None)
        if fit is None:
            rows.append([index])
            room.append(batch_tokens - lengths[index])
        else:
            rows[fit].append(index)
            room[fit] -= lengths[index]
    total = int(sum(lengths))
    return BatchPlan(batches=rows, real_tokens=total, padded_tokens=total)


def plan_unshared(model, lengths: Sequence[int], batch_tokens: int, packed: bool) -> BatchPlan:
    """Texts scored on their own: packed rows when the run packs, else length-sorted padded batches."""
    return plan_packs(lengths, row_tokens(model, batch_tokens)) if packed else plan_batches(lengths, batch_tokens)


def row_tokens(model, batch_tokens: int) -> int:
    """The longest packed row for this model: the batch budget on a variable-length kernel, at
    most DENSE_ROW_TOKENS on a dense one."""
    return batch_tokens if attention_of(model) in VARLEN_ATTENTION else min(batch_tokens, DENSE_ROW_TOKENS)


def pack_row(sequences: Sequence[Sequence[int]]) -> PackedRow:
    starts, cursor = [], 0
    for seq in sequences:
        starts.append(cursor)
        cursor += len(seq)
    ids = torch.tensor([t for seq in sequences for t in seq], dtype=torch.long)
    positions = torch.cat([torch.arange(len(seq)) for seq in sequences])
    return PackedRow(ids[None, :], positions[None, :], starts)


def packed_logits(model, row: PackedRow, device, **kwargs) -> torch.Tensor:
    """A causal LM's logits over a packed row: (1, total tokens, vocabulary), or, given
    `logits_to_keep`, the kept positions' flattened (kept_logits.py)."""
    out = model(input_ids=row.input_ids.to(device), position_ids=row.position_ids.to(device), use_cache=False, **kwargs)
    return out.logits


def packed_classifier_logits(model, sequences: Sequence[Sequence[int]], pad_id: int, device) -> torch.Tensor:
    """A sequence classifier's logits at the token it pools in each text alone (`read_positions`)."""
    row = pack_row(sequences)
    with _head_outputs(model) as captured:
        packed_logits(model, row, device)
    every_position = captured[0][0]  # (total tokens, labels)
    _, positions = read_positions(row.input_ids, row.position_ids, pad_id)
    return every_position[positions.to(every_position.device)]


def read_positions(input_ids: torch.Tensor, packed_positions: Optional[torch.Tensor], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(row, position) of every token a sequence classifier reads: each row's last non-pad token
    (as the model picks it from a padded row), or, in a packed row (`packed_positions`: position
    ids restarting at each text), each text's; a text all pad is read at its start."""
    rows, length = input_ids.shape
    index = torch.arange(length, device=input_ids.device)
    if packed_positions is None or packed_positions.shape[-1] != length:
        last = (index * (input_ids != pad_id)).argmax(-1)
        return torch.arange(rows, device=input_ids.device), last
    positions = packed_positions.expand(rows, -1)
    # A text starts wherever the position does not follow the previous one, and at 0.
    starts = torch.diff(positions, dim=-1) != 1
    out_rows, out_positions = [], []
    for row in range(rows):
        bounds = [0, *(starts[row].nonzero().flatten() + 1).tolist(), length]
        real = (input_ids[row] != pad_id).tolist()
        for start, end in zip(bounds, bounds[1:]):
            out_rows.append(row)
            out_positions.append(next((i for i in range(end - 1, start - 1, -1) if real[i]), start))
    device = input_ids.device
    return torch.tensor(out_rows, device=device), torch.tensor(out_positions, device=device)


@contextmanager
def _head_outputs(model) -> Iterator[list[torch.Tensor]]:
    head = next((getattr(model, name) for name in CLASSIFIER_HEADS if hasattr(model, name)), None)
    if head is None:
        raise TypeError(f"{type(model).__name__} has no per-position classifier head ({', '.join(CLASSIFIER_HEADS)})")
    captured: list[torch.Tensor] = []
    handle = head.register_forward_hook(lambda module, args, output: captured.append(output))
    try:
        yield captured
    finally:
        handle.remove()


def attention_of(model) -> str:
    return str(getattr(model.config, "_attn_implementation", None) or "eager")


def packing_wanted(mode: PackingMode, model) -> bool:
    """Whether to try packing: `on` always, `auto` on a variable-length attention kernel only."""
    if mode == "off":
        return False
    return mode == "on" or attention_of(model) in VARLEN_ATTENTION


Scores = Callable[[list], Sequence]


def resolve_packing(
    mode: PackingMode, model, texts: Sequence, packed: Scores, padded: Scores, tolerance: dict[str, float],
    read: Callable = float,
) -> bool:
    """Whether this model's run packs: wanted (`packing_wanted`) and the probe agrees on the
    shortest texts (packed together, so the boundaries between texts are crossed)."""
    if not packing_wanted(mode, model) or not probe_agrees("packing", packed, padded, texts, tolerance, read):
        return False
    log.info("packed rows: texts laid end to end, no padding (%s attention)", attention_of(model))
    return True


def preferred_attention(device: torch.device, dtype: torch.dtype) -> Optional[str]:
    """flash-attention 2 where it can run (a CUDA device, half precision, the package installed):
    its variable-length path is what makes packed rows free. None: the library's default (SDPA)."""
    if torch.device(device).type != "cuda" or dtype not in (torch.float16, torch.bfloat16):
        return None
    return "flash_attention_2" if find_spec("flash_attn") is not None else None
