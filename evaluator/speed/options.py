"""The speed choices a run's settings name (run_config.py, the CLI), kept apart from the modules
that act on them, which load torch: the settings are read before it loads.
"""

from __future__ import annotations

from typing import Literal

# Texts scored without a shared prompt: packed rows always, never, or where the attention kernel
# makes them free (packing.py).
PackingMode = Literal["auto", "on", "off"]
