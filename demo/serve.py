"""Serve the leaderboard over the demo store: the real app (`app.py`), in place of this process.

The app runs exactly as in production, configured by the environment; replacing this process
(rather than importing the app here) keeps the web process free of the torch and models the demo
loaded, as the design asks of it.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Mapping

log = logging.getLogger(__name__)

APP = Path(__file__).resolve().parent.parent / "app.py"


def app_environment(base: Mapping[str, str], store_root: Path, host: str, port: int) -> dict[str, str]:
    """`base` with the app pointed at the demo store; RMLB_STORE=local wins over any Hub repo set."""
    return {
        **base,
        "RMLB_STORE": "local",
        "RMLB_STORE_ROOT": str(store_root),
        "RMLB_SERVER_NAME": host,
        "RMLB_SERVER_PORT": str(port),
    }


def serve(base_env: Mapping[str, str], store_root: Path, host: str, port: int) -> None:
    """Never returns: this process becomes `python app.py`."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    log.info("starting the leaderboard on the demo store; open http://%s:%d (Ctrl-C stops it)", shown, port)
    for handler in logging.getLogger().handlers:
        handler.flush()
    os.execve(sys.executable, [sys.executable, str(APP)], app_environment(base_env, store_root, host, port))
