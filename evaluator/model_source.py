"""Find a model's files and pin down exactly which version of them is evaluated.

A local folder is named by its last two path parts and pinned by a hash of its files' contents;
a Hub id is downloaded with `snapshot_download` and pinned by the commit it resolved to.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from results.folder_hash import local_revision
from results.names import InvalidModelName, storage_name

from .errors import ModelLoadError

_HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
# Weights in formats we never load: skipping them keeps downloads to what is needed.
_SKIP_ON_DOWNLOAD = ["*.h5", "*.msgpack", "*.ot", "*.onnx", "*.tflite", "*.gguf"]


@dataclass(frozen=True)
class ResolvedModel:
    model_id: str
    org: str
    name: str
    local_path: str
    revision_requested: Optional[str]
    revision_resolved: str


def resolve_model(model_id: str, revision: Optional[str] = None, pinned: Optional[str] = None) -> ResolvedModel:
    """Find `model_id` at `revision`, or exactly at `pinned` (the commit, or `local-<hash>` of a folder,
    recorded when the request was submitted) when given; `revision` is still what gets recorded as
    asked for."""
    path = Path(model_id).expanduser()
    try:
        if path.is_dir():
            org, name = storage_name(str(path.resolve()), is_local_path=True)
            resolved = local_revision(path)
            _check_folder_unchanged(model_id, pinned, resolved)
            return ResolvedModel(model_id, org, name, str(path), revision, resolved)
        if not _HUB_ID.match(model_id):
            raise ModelLoadError(f"model not found: {model_id!r} is neither a folder nor a Hub id 'org/name'")
        org, name = storage_name(model_id)
    except InvalidModelName as exc:
        raise ModelLoadError(str(exc)) from exc
    local_path, sha = _download(model_id, pinned or revision)
    return ResolvedModel(model_id, org, name, local_path, revision, sha)


def _check_folder_unchanged(model_id: str, pinned: Optional[str], resolved: str) -> None:
    """A folder pinned at submission must still hold those files: else the result would be of others."""
    if pinned and pinned != resolved:
        raise ModelLoadError(
            f"the model folder {model_id} changed after it was submitted (its content was {pinned}, "
            f"now {resolved}); submit it again to evaluate the files it holds now"
        )


def _download(model_id: str, revision: Optional[str]) -> tuple[str, str]:
    from huggingface_hub import snapshot_download

    try:
        local = snapshot_download(model_id, revision=revision, ignore_patterns=_SKIP_ON_DOWNLOAD)
    except Exception as exc:  # offline, missing, gated, bad revision: all end the run the same way
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ModelLoadError(f"model not found or not downloadable: {model_id}: {first}") from exc
    # snapshot folders are named by the commit they hold
    return local, Path(local).name


def api_model(model_id: str, api_base: str) -> ResolvedModel:
    """A judge behind an API has no files: it is named `api/<model>` unless its name has an org
    ('openai/gpt-4o'), and pinned by a hash of model name and endpoint, since the server, not a
    commit, decides what answers (the result records the endpoint; its key is never recorded)."""
    parts = model_id.split("/")
    try:
        org, name = storage_name(model_id if len(parts) == 2 else f"api/{parts[-1]}")
    except InvalidModelName as exc:
        raise ModelLoadError(str(exc)) from exc
    digest = hashlib.sha256(f"{model_id}@{api_base}".encode()).hexdigest()[:12]
    return ResolvedModel(model_id, org, name, "", None, f"api-{digest}")
