"""A local Ray instance for tests, shut down afterwards whatever happens (never left running)."""

from __future__ import annotations

from contextlib import contextmanager

from tests.conftest import REPO_ROOT


@contextmanager
def local_ray(**resources):
    """`ray.init` on this machine with `resources` (num_cpus=2, num_gpus=2, ...); tasks import the
    project from the repository root."""
    import ray

    ray.init(
        include_dashboard=False,
        logging_level="WARNING",
        runtime_env={"env_vars": {"PYTHONPATH": str(REPO_ROOT)}},
        **resources,
    )
    try:
        yield ray
    finally:
        ray.shutdown()
