"""The benchmark registry: a new benchmark is one spec module plus one line in `SPECS`.

`get_spec` is the one lookup both sides use; an unknown name is a clear error, never a default.
"""

from __future__ import annotations

from .errors import BenchmarkDataError, UnknownBenchmark
from .judgebench import JUDGEBENCH
from .m_rewardbench import M_REWARDBENCH
from .ppe_preference import PPE_PREFERENCE
from .ppe_correctness import PPE_CORRECTNESS
from .rewardbench import REWARDBENCH
from .rewardbench2 import REWARDBENCH_2
from .rm_bench import RM_BENCH
from .rmb import RMB
from .spec import BenchmarkSpec, DataSource

# In the order pages list them.
SPECS: dict[str, BenchmarkSpec] = {
    spec.name: spec
    for spec in (
        REWARDBENCH_2,
        REWARDBENCH,
        RM_BENCH,
        JUDGEBENCH,
        M_REWARDBENCH,
        RMB,
        PPE_PREFERENCE,
        PPE_CORRECTNESS,
    )
}
DEFAULT_OFFERED: tuple[str, ...] = tuple(name for name, spec in SPECS.items() if spec.offered_by_default)


def get_spec(name: str) -> BenchmarkSpec:
    try:
        return SPECS[name]
    except KeyError:
        raise UnknownBenchmark(f"unknown benchmark {name!r}: the known ones are {', '.join(SPECS)}") from None


__all__ = [
    "DEFAULT_OFFERED",
    "SPECS",
    "BenchmarkDataError",
    "BenchmarkSpec",
    "DataSource",
    "UnknownBenchmark",
    "get_spec",
]
