"""Local model folders as submissions, on hosts that allow them (RMLB_ALLOW_LOCAL_MODELS: the demo).

A folder is named on the pages by its last two path parts (`org/name`, as the evaluator names it),
never by its path, and pinned by a hash of its contents (`results/folder_hash.py`), which the
worker checks again before it evaluates. What the Hub would say about a model is read from the
folder instead: its files and its config. Standard library only (the web process imports this).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from results.folder_hash import LOCAL_PREFIX, local_revision

CONFIG = "config.json"
MAX_HEADER_BYTES = 100_000_000  # safetensors' own limit on a header


class FolderProblem(ValueError):
    """A folder that cannot be submitted; the message is for the submitter."""


@dataclass(frozen=True)
class FolderFacts:
    revision: str  # local-<content hash>
    files: tuple[str, ...]  # relative paths, in order
    needs_remote_code: bool
    num_parameters: Optional[int] = None  # from the safetensors headers; None when unreadable


def looks_like_path(model: str) -> bool:
    """A path, not a Hub id: absolute, `./`, `../` or `~`, backslashes, or more than one '/'."""
    return model.startswith(("/", ".", "~")) or "\\" in model or model.count("/") > 1


def names_a_folder(model: str, allowed: bool, cwd: Optional[Path] = None) -> bool:
    """Whether `model` is meant as a local folder. Only where folders are allowed is the disk
    looked at (an `org/name` that exists there is the folder), so a public host reveals nothing."""
    if looks_like_path(model):
        return True
    return allowed and bool(model) and resolve_folder(model, cwd).is_dir()


def resolve_folder(model: str, cwd: Optional[Path] = None) -> Path:
    """The folder's absolute path: `~` expanded, a relative path read from the app's working directory."""
    path = Path(model).expanduser()
    return (path if path.is_absolute() else (cwd or Path.cwd()) / path).resolve()


def short_revision(revision: str) -> str:
    """How a pinned revision is shown: a commit's first 7 hex digits, a folder hash's first 8."""
    if revision.startswith(LOCAL_PREFIX):
        return f"content {revision[: len(LOCAL_PREFIX) + 8]}"
    return f"commit {revision[:7]}"


def read_folder(folder: Path, typed: str, shown: str) -> FolderFacts:
    """What the checks need from a model folder. Messages name it by `shown` (org/name), or by what
    the submitter `typed` when there is no folder, never by its resolved path."""
    if not folder.is_dir():
        raise FolderProblem(
            f"There is no model folder at {typed!r} on this server (a relative path is read from the "
            "app's working directory)."
        )
    config = _config(folder, shown)
    try:
        files = tuple(sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()))
        revision = local_revision(folder)
    except OSError as exc:
        raise FolderProblem(f"The folder {shown} could not be read ({type(exc).__name__}).") from None
    weights = [folder / f for f in files if f.endswith(".safetensors")]
    remote_code = bool(config.get("auto_map"))
    return FolderFacts(revision, files, remote_code, num_parameters=safetensors_parameters(weights))


def safetensors_parameters(files: list[Path]) -> Optional[int]:
    """How many parameters the weight files hold, read from their headers only (an 8-byte
    little-endian length, then a JSON table of tensor shapes), as the Hub counts them for its
    `safetensors.total`. None when a header cannot be read: the count is shown, never checked."""
    if not files:
        return None
    total = 0
    try:
        for file in files:
            with file.open("rb") as handle:
                size = int.from_bytes(handle.read(8), "little")
                if not 0 < size <= MAX_HEADER_BYTES:
                    return None
                header = json.loads(handle.read(size))
            total += sum(math.prod(t["shape"]) for k, t in header.items() if k != "__metadata__")
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return total


def _config(folder: Path, shown: str) -> dict:
    path = folder / CONFIG
    if not path.is_file():
        raise FolderProblem(
            f"The folder {shown} has no {CONFIG}: save the model with `save_pretrained`, then submit again."
        )
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FolderProblem(f"The {CONFIG} of {shown} cannot be read ({type(exc).__name__}).") from None
    if not isinstance(config, dict):
        raise FolderProblem(f"The {CONFIG} of {shown} is not a JSON object.")
    return config
