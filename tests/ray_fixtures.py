"""A local Ray instance for tests, shut down afterwards whatever happens (never left running)."""

from __future__ import annotations

import os
from contextlib import contextmanager

from tests.conftest import REPO_ROOT

CUDA_DEVICES = "CUDA_VISIBLE_DEVICES"


@contextmanager
def local_ray(**resources):
    """`ray.init` on this machine with `resources` (num_cpus=2, num_gpus=2, ...); tasks import the
    project from the repository root.

    A cluster that declares GPUs (none need be real) sets its own environment, whatever this
    machine's: Ray refuses to declare more GPUs than CUDA_VISIBLE_DEVICES lists ("Attempting to start
    raylet with 2 GPU, but CUDA_VISIBLE_DEVICES contains []" where it is set to an empty string), so
    the variable is unset while Ray starts and restored after; its tasks see no GPU at all (the
    variable empty, and Ray told not to set it), so a real GPU of this machine never stands in for a
    declared one."""
    import ray

    env_vars = {"PYTHONPATH": str(REPO_ROOT)}
    fakes_gpus = bool(resources.get("num_gpus"))
    saved = os.environ.pop(CUDA_DEVICES, None) if fakes_gpus else None
    if fakes_gpus:
        env_vars |= {CUDA_DEVICES: "", "RAY_EXPERIMENTAL_NOSET_CUDA_VISIBLE_DEVICES": "1"}
    try:
        ray.init(include_dashboard=False, logging_level="WARNING", runtime_env={"env_vars": env_vars}, **resources)
        try:
            yield ray
        finally:
            ray.shutdown()
    finally:
        if saved is not None:
            os.environ[CUDA_DEVICES] = saved
