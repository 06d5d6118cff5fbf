"""Where a model's weights go: on one device, or spread layer by layer over this process's GPUs.

A model whose weights fit one GPU loads there whole (`model.to(device)`), as always. One that does
not, with `--device cuda` (no index) and several GPUs visible (a Ray task that asked for several,
evaluator/executors/resources.py), loads with a device map: whole decoder blocks on each GPU in
turn, each GPU filled up to its free memory less the activations' share, inputs fed to the first
GPU. Nothing is ever put on the CPU or the disk: a model that does not fit the GPUs fails to load,
saying how much it needed, rather than crawling through offloaded weights for hours.

The map is computed before loading, from the model's config on the meta device (no weights read),
by accelerate; `plan_placement` takes the GPUs' free memory as an argument, so the rule is the same
(and testable) on a machine without GPUs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional, Union

import torch

from ..errors import ModelLoadError, explained
from .fast_kernels import fused_activations
from .packing import preferred_attention

log = logging.getLogger(__name__)

# Share of each GPU's free memory given to weights: the rest holds a batch's activations, the KV
# cache of prefix sharing and the allocator's slack (executors/resources.py asks for GPUs on the
# same 1.25 overhead, so a task given N GPUs finds room for its model on them).
WEIGHT_SHARE = 0.8

DeviceMap = dict[str, Union[int, str]]


@dataclass(frozen=True)
class Placement:
    device: torch.device  # where inputs go: the model's device, or the first GPU of its map
    device_map: Optional[DeviceMap] = None

    @property
    def num_gpus(self) -> int:
        return len(set(self.device_map.values())) if self.device_map else int(self.device.type == "cuda")

    def from_pretrained_kwargs(self) -> dict:
        return {"device_map": self.device_map} if self.device_map else {}


def free_gpu_memory() -> list[int]:
    """Free bytes on each GPU this process sees (none without CUDA)."""
    if not torch.cuda.is_available():
        return []
    return [torch.cuda.mem_get_info(i)[0] for i in range(torch.cuda.device_count())]


def weight_bytes(model: torch.nn.Module, dtype: torch.dtype) -> int:
    """Bytes of the model's parameters and buffers once cast to `dtype`."""
    size = torch.empty((), dtype=dtype).element_size()
    return sum(t.numel() for t in [*model.parameters(), *model.buffers()]) * size


def plan_placement(auto_class, path: str, dtype: torch.dtype, device: torch.device, gpu_free: list[int]) -> Placement:
    """One device unless the model needs several of the `gpu_free` GPUs (bytes free on each)."""
    if device.type != "cuda" or device.index is not None or len(gpu_free) < 2:
        return Placement(device)
    empty = _empty_model(auto_class, path)
    needed = weight_bytes(empty, dtype)
    if needed <= gpu_free[0] * WEIGHT_SHARE:
        return Placement(device)
    return Placement(torch.device("cuda", 0), _device_map(empty, dtype, gpu_free, needed))


def _empty_model(auto_class, path: str) -> torch.nn.Module:
    from accelerate import init_empty_weights
    from transformers import AutoConfig

    with explained(ModelLoadError, f"could not read the model config at {path}"):
        config = AutoConfig.from_pretrained(path)
        with init_empty_weights():
            model = auto_class.from_config(config)
    model.tie_weights()  # tied input and output embeddings are one tensor, placed (and counted) once
    return model


def _device_map(empty: torch.nn.Module, dtype: torch.dtype, gpu_free: list[int], needed: int) -> DeviceMap:
    from accelerate import infer_auto_device_map

    budget = {i: int(free * WEIGHT_SHARE) for i, free in enumerate(gpu_free)}
    device_map = infer_auto_device_map(
        empty, max_memory=budget, no_split_module_classes=empty._no_split_modules or [], dtype=dtype
    )
    offloaded = sorted({name for name, where in device_map.items() if not isinstance(where, int)})
    if offloaded:
        raise ModelLoadError(
            f"the model's {needed / 2**30:.1f} GiB of weights do not fit {len(gpu_free)} GPUs with "
            f"{', '.join(f'{free / 2**30:.1f}' for free in gpu_free)} GiB free ({WEIGHT_SHARE:.0%} of it "
            f"for weights); {', '.join(offloaded[:3])}{' ...' if len(offloaded) > 3 else ''} would have to "
            "go to the CPU or the disk"
        )
    return device_map


def _with_preferred_attention(auto_class, path: str, load: dict, attention: Optional[str]):
    """from_pretrained on `attention` (flash-attention, whose variable-length path packed rows
    need) when given, else or if the architecture has no such kernel, on the library's default."""
    if attention and "attn_implementation" not in load:
        try:
            return auto_class.from_pretrained(path, attn_implementation=attention, **load)
        except (ValueError, ImportError) as exc:  # how transformers refuses a kernel a model lacks
            log.info("%s: %s unavailable (%s); the default attention instead", path, attention, exc)
    return auto_class.from_pretrained(path, **load)


def load_placed(auto_class, path: str, dtype: torch.dtype, device: torch.device, **kwargs) -> torch.nn.Module:
    """`auto_class.from_pretrained(path)` in eval mode on `device` or spread over the visible GPUs,
    its activations on fused kernels where the config names a slower form (fast_kernels.py).

    Errors are the caller's to explain (it knows what the model is for)."""
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(path)
    changes = fused_activations(config)
    if changes:
        log.info("%s: the same activation on a fused kernel (%s)", path, "; ".join(changes))
    placement = plan_placement(auto_class, path, dtype, device, free_gpu_memory())
    load = dict(config=config, dtype=dtype, **placement.from_pretrained_kwargs(), **kwargs)
    model = _with_preferred_attention(auto_class, path, load, preferred_attention(device, dtype))
    if placement.device_map is None:
        model.to(placement.device)
    else:
        log.info("%s is spread over %d GPUs (it does not fit one)", path, placement.num_gpus)
    return model.eval()
