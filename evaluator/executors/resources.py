"""How many GPUs one request needs: the weights' size in memory, with room to run, per GPU.

The estimate is made by the driver before the request's task is scheduled, so it reads no weights:
the parameter count comes from the request (`num_parameters`, filled in at submission when the
Hub knows it), else from the safetensors headers of a local model folder (a few kilobytes each),
else it is unknown and the request gets one GPU, what the local executor gives every model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from results.schema import EvalRequest

from ..safetensors_headers import safetensors_parameters

# Bytes per parameter of each dtype a request may ask for. `auto` loads bfloat16 on a GPU
# (evaluator/device.py), so it costs two bytes there.
DTYPE_BYTES = {"auto": 2, "bfloat16": 2, "float16": 2, "float32": 4}
# Weights are not all a GPU holds: activations of a batch, the CUDA context, the allocator's slack.
OVERHEAD = 1.25


@dataclass(frozen=True)
class GpuNeed:
    """What a request asks the cluster for, and why (logged with the request)."""

    num_gpus: int
    weight_bytes: Optional[int]  # None: the model's size is not known before it downloads

    def describe(self) -> str:
        if self.num_gpus == 0:
            return "no GPU"
        size = (
            "unknown size" if self.weight_bytes is None else f"{self.weight_bytes / 2**30:.1f} GiB of weights"
        )
        return f"{self.num_gpus} GPU(s) for {size}"


def gpus_needed(request: EvalRequest, gpu_memory_bytes: Optional[float]) -> GpuNeed:
    """GPUs for `request` on GPUs of `gpu_memory_bytes` each (None or 0: a CPU-only cluster)."""
    if not gpu_memory_bytes or request.api_judge:  # an API judge runs on someone else's machine
        return GpuNeed(0, None)
    weights = weight_bytes(request)
    if weights is None:
        return GpuNeed(1, None)
    return GpuNeed(max(1, math.ceil(weights * OVERHEAD / gpu_memory_bytes)), weights)


def weight_bytes(request: EvalRequest) -> Optional[int]:
    """Bytes of every model the request loads (the model, and its reference for DPO types)."""
    bytes_per_parameter = DTYPE_BYTES.get(request.dtype, 4)
    main = _parameters(request.model, request.num_parameters)
    if main is None:
        return None
    total = main
    if request.ref_model:  # a reference of unknown size is taken to be as large as the model
        ref = _parameters(request.ref_model, None)
        total += main if ref is None else ref
    return total * bytes_per_parameter


def _parameters(model: str, declared: Optional[int]) -> Optional[int]:
    if declared:
        return declared
    folder = Path(model).expanduser()
    return safetensors_parameters(folder) if folder.is_dir() else None
