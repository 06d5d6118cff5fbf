"""Local model folders as submissions, on hosts that allow them (RMLB_ALLOW_LOCAL_MODELS: the demo).

Only folders under the roots the host names (RMLB_LOCAL_MODEL_ROOTS, `LocalRoots`) are taken, never
one inside Gradio's upload folder (files a visitor uploads land there and could be shaped into a
model folder), and never one holding a link that leads out of the roots (`x.safetensors ->
/etc/passwd` would be hashed, and read by the worker). A folder that is not there and one that is not
allowed get the same sentence, so the answers say nothing about what exists on the host.

A folder is named on the pages by its last two path parts (`org/name`, as the evaluator names it),
never by its path, and pinned by a hash of its contents (`results/folder_hash.py`), which the
worker checks again before it evaluates. What the Hub would say about a model is read from the
folder instead: its files and its config. Standard library only (the web process imports this).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

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


def gradio_upload_folders() -> tuple[Path, ...]:
    """Where Gradio keeps uploads and its file cache: GRADIO_TEMP_DIR, else <temp>/gradio (Gradio's own
    rule in `gradio.utils.get_upload_folder`, repeated here so this module stays standard library)."""
    folders = {Path(tempfile.gettempdir()) / "gradio"}
    if os.environ.get("GRADIO_TEMP_DIR"):
        folders.add(Path(os.environ["GRADIO_TEMP_DIR"]))
    return tuple(sorted(f.resolve() for f in folders))


def not_accepted(typed: str) -> str:
    """The one answer for a folder that is not there and one that is not allowed."""
    return (
        f"There is no model folder at {typed!r} that this server accepts (folders are taken only from "
        "where the host keeps models; a relative path is read from the app's working directory)."
    )


@dataclass(frozen=True)
class LocalRoots:
    """The folders under which model folders may be submitted, and those never taken."""

    roots: tuple[Path, ...]
    refused: tuple[Path, ...] = ()

    @classmethod
    def of(cls, roots: Iterable[str | os.PathLike]) -> "LocalRoots":
        return cls(tuple(Path(r).expanduser().resolve() for r in roots), gradio_upload_folders())

    def allows(self, path: Path) -> bool:
        """Whether a resolved path lies under a root and outside every refused folder."""
        return any(path.is_relative_to(r) for r in self.roots) and not any(
            path.is_relative_to(r) for r in self.refused
        )

    def locate(self, typed: str, cwd: Optional[Path] = None) -> Path:
        """The folder `typed` names, resolved (links followed), if it may be submitted."""
        try:
            folder = resolve_folder(typed, cwd)
            found = self.allows(folder) and folder.is_dir()
        except (OSError, ValueError, RuntimeError):  # a name too long, a NUL, a link loop, no permission
            found = False
        if not found:
            raise FolderProblem(not_accepted(typed))
        return folder

    def has_folder(self, typed: str, cwd: Optional[Path] = None) -> bool:
        try:
            self.locate(typed, cwd)
        except FolderProblem:
            return False
        return True


def looks_like_path(model: str) -> bool:
    """A path, not a Hub id: absolute, `./`, `../` or `~`, backslashes, or more than one '/'."""
    return model.startswith(("/", ".", "~")) or "\\" in model or model.count("/") > 1


def names_a_folder(model: str, roots: Optional[LocalRoots], cwd: Optional[Path] = None) -> bool:
    """Whether `model` is meant as a local folder. Only where folders are allowed (`roots`) is the
    disk looked at, and only under the roots (an `org/name` that is a folder there is the folder),
    so a host reveals nothing of the rest of its disk."""
    if looks_like_path(model):
        return True
    return roots is not None and bool(model) and roots.has_folder(model, cwd)


def resolve_folder(model: str, cwd: Optional[Path] = None) -> Path:
    """The folder's absolute path: `~` expanded, a relative path read from the app's working directory."""
    path = Path(model).expanduser()
    return (path if path.is_absolute() else (cwd or Path.cwd()) / path).resolve()


def short_revision(revision: str) -> str:
    """How a pinned revision is shown: a commit's first 7 hex digits, a folder hash's first 8."""
    if revision.startswith(LOCAL_PREFIX):
        return f"content {revision[: len(LOCAL_PREFIX) + 8]}"
    return f"commit {revision[:7]}"


def read_folder(folder: Path, typed: str, shown: str, roots: LocalRoots) -> FolderFacts:
    """What the checks need from a model folder (one `roots.locate` found). Messages name it by
    `shown` (org/name), or by what the submitter `typed` when there is no folder, never by its
    resolved path."""
    if not roots.allows(folder) or not folder.is_dir():
        raise FolderProblem(not_accepted(typed))
    try:
        files = _files(folder, shown, roots)  # before anything is hashed: no link leaves the roots
        config = _config(folder, shown)
        revision = local_revision(folder)
    except OSError as exc:
        raise FolderProblem(f"The folder {shown} could not be read ({type(exc).__name__}).") from None
    weights = [folder / f for f in files if f.endswith(".safetensors")]
    remote_code = bool(config.get("auto_map"))
    return FolderFacts(revision, files, remote_code, num_parameters=safetensors_parameters(weights))


def _files(folder: Path, shown: str, roots: LocalRoots) -> tuple[str, ...]:
    """The folder's files (relative paths, sorted); a link leading out of the roots is refused."""
    files = []
    for path in sorted(folder.rglob("*")):  # rglob does not descend into linked folders
        relative = path.relative_to(folder).as_posix()
        try:
            inside = roots.allows(path.resolve(strict=True))
        except (OSError, RuntimeError):  # a dangling link, or a loop
            inside = False
        if not inside:
            raise FolderProblem(
                f"The folder {shown} holds a link ({relative!r}) that leads out of the folders this "
                "server accepts; copy the file into the folder instead."
            )
        if path.is_file():
            files.append(relative)
    return tuple(files)


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
