"""A model folder's parameter count, read from its safetensors headers alone (a few kilobytes each).

Both the executors (how many GPUs a request needs, evaluator/executors/resources.py) and the batch
budget (speed/token_budget.py) size a model before any weight is read.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path
from typing import Optional

# A safetensors header is JSON of a few kilobytes per hundred tensors; more than this is not one.
MAX_HEADER_BYTES = 100_000_000


def safetensors_parameters(folder: Path) -> Optional[int]:
    """Parameters stored in the `*.safetensors` files of `folder`, from their headers alone."""
    files = sorted(folder.glob("*.safetensors"))
    if not files:
        return None
    counts = [_header_parameters(path) for path in files]
    return None if None in counts else sum(counts)


def _header_parameters(path: Path) -> Optional[int]:
    """The element count of every tensor in one file; None if it is not a readable safetensors file."""
    header = read_safetensors_header(path)
    if header is None:
        return None
    return sum(math.prod(entry["shape"]) for key, entry in header.items() if key != "__metadata__")


def read_safetensors_header(path: Path) -> Optional[dict]:
    """A safetensors file starts with the length of its JSON header (8 bytes, little-endian)."""
    try:
        with open(path, "rb") as file:
            (length,) = struct.unpack("<Q", file.read(8))
            if length > MAX_HEADER_BYTES:
                return None
            header = json.loads(file.read(length))
    except (OSError, struct.error, ValueError):
        return None  # the task reports a broken file properly when it loads the model
    return header if isinstance(header, dict) else None
