"""Where and with what a result was computed: library versions, hardware, code version."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from results.schema import Environment

_LIBRARIES = ("torch", "transformers", "tokenizers", "datasets", "huggingface_hub", "numpy")
_REPO_ROOT = Path(__file__).resolve().parent.parent


def environment(device) -> Environment:
    import torch

    accelerator = torch.cuda.get_device_name(device) if device.type == "cuda" else None
    return Environment(
        python=platform.python_version(),
        platform=platform.platform(),
        libraries={name: _version(name) for name in _LIBRARIES},
        accelerator=accelerator,
        code_version=code_version(),
    )


# A container image holds no .git (nor git): its build passes the commit in (Dockerfile's
# CODE_VERSION build argument), so its results say which code made them.
CODE_VERSION_VARIABLE = "RMLB_CODE_VERSION"


def code_version() -> str:
    """The git commit of this checkout ('+dirty' when it has local changes), else the commit the
    image was built from (RMLB_CODE_VERSION), else 'unknown'."""
    try:
        sha = _git("rev-parse", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return os.environ.get(CODE_VERSION_VARIABLE, "").strip() or "unknown"
    return sha + ("+dirty" if dirty else "")


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(_REPO_ROOT), *args], capture_output=True, text=True, check=True, timeout=10
    ).stdout.strip()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


