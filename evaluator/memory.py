"""Memory a finished model leaves behind, given back before the next one loads.

A leaf without torch at import: the worker's request processing (request_processing.py) and the
policy command call it after an evaluation, whether or not torch was ever loaded.
"""

from __future__ import annotations

import gc
import sys


def release_memory() -> None:
    """Give back what the last model held before the next one loads."""
    gc.collect()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()
