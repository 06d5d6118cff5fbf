"""The version of a local model folder: a hash of its files, shared by the web app and the worker.

A folder has no commit, so it is pinned by its content: the app records `local-<hash>` when a
folder is submitted, and the worker hashes it again before evaluating, so both must hash the same
way. Standard library only: the web process imports this.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

LOCAL_PREFIX = "local-"
_CHUNK = 1 << 22


def content_hash(folder: Path) -> str:
    """sha256 over every file's relative path and contents, in path order (first 40 hex digits)."""
    folder = Path(folder)
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(folder)).encode() + b"\0")
        with file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                digest.update(chunk)
    return digest.hexdigest()[:40]


def local_revision(folder: Path) -> str:
    """The revision recorded for a local folder: `local-<content hash>`."""
    return LOCAL_PREFIX + content_hash(folder)
