"""Published results imported into the store: where they live and the record of where they came from.

An import copies the result files of a published results dataset (the RewardBench results repos
hold `eval-set/<org>/<model>.json`, one flat file per model) into the store, byte for byte, under a
prefix of their own, so they can never collide with, or replace, a result this leaderboard's worker
wrote (`eval-set/...`), nor a v1 file collide with the v2 file of the same model:

    imported/results/<benchmark>/<repo org>/<repo name>/<path in repo without .json>/<blob12>.json
    imported/manifests/<repo org>/<repo name>.json        one ImportManifest per source repo

A file is stored under the first 12 hex digits of its git blob id (the id the Hub lists for it), so
a path always holds the same bytes: a published file that changes arrives as a new file beside the
old one, and the import never writes over anything. The manifest says which version of each
published path is current (`files`), which versions it replaced or the source dropped (`history`),
and which files were skipped and why (`skipped`); readers show the current versions only.

Standard library and pydantic only: both the web app and the import command read this.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from pathlib import PurePosixPath
from typing import Iterator, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .names import InvalidModelName
from .store import RESULTS_DIR, Store, is_safe_path, safe_path

log = logging.getLogger(__name__)

IMPORTED_DIR = "imported"
IMPORTED_RESULTS_DIR = f"{IMPORTED_DIR}/results"
MANIFESTS_DIR = f"{IMPORTED_DIR}/manifests"
_RESULTS_PARTS = (IMPORTED_DIR, "results")
_MANIFEST_PARTS = (IMPORTED_DIR, "manifests")
BLOB_CHARS = 12


def git_blob_id(data: bytes) -> str:
    """The git blob id of `data` (what the Hub's tree listing calls a file's oid), so a local mirror
    and the Hub name the same content alike."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def repo_parts(repo: str) -> tuple[str, str]:
    org, _, name = repo.partition("/")
    if not org or not name or "/" in name:
        raise InvalidModelName(f"source repo {repo!r} must look like 'org/name'")
    return org, name


def published_path_parts(path_in_repo: str) -> tuple[str, ...]:
    """The parts of a published result path (`eval-set/.../<file>.json`), each checked; raises
    InvalidModelName for a path that is not one, or whose names could not be stored safely."""
    parts = PurePosixPath(path_in_repo).parts
    if len(parts) < 2 or parts[0] != RESULTS_DIR or not parts[-1].endswith(".json"):
        raise InvalidModelName(f"{path_in_repo!r} is not a result file ({RESULTS_DIR}/.../<model>.json)")
    safe_path(*parts)
    return parts


def imported_file_path(benchmark: str, repo: str, path_in_repo: str, blob_id: str) -> str:
    """Where the version `blob_id` of the published file `path_in_repo` of `repo` is stored."""
    *folders, file_name = published_path_parts(path_in_repo)
    stem = file_name[: -len(".json")]
    return safe_path(
        *_RESULTS_PARTS, benchmark, *repo_parts(repo), *folders, stem, f"{blob_id[:BLOB_CHARS]}.json"
    )


def manifest_path(repo: str) -> str:
    org, name = repo_parts(repo)
    return safe_path(*_MANIFEST_PARTS, org, f"{name}.json")


class ImportedFile(BaseModel):
    """One published file as it was imported: where from (repo, commit, path, blob) and where to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path_in_repo: str
    store_path: str
    benchmark: str
    commit: str  # the source's commit (or a local folder's content hash) it was read at
    blob_id: str  # git blob id of the bytes, as the Hub lists it
    sha256: str
    imported_at: datetime


class SkippedFile(BaseModel):
    """A published file the import did not take, and why; the same blob is not fetched again."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path_in_repo: str
    blob_id: str
    commit: str
    reason: str
    seen_at: datetime


class ImportManifest(BaseModel):
    """Everything imported from one source repo (or a local folder laid out like one)."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    repo: str
    source: Literal["hub", "folder"] = "hub"
    commit: Optional[str] = None  # the latest commit imported
    imported_at: Optional[datetime] = None
    files: dict[str, ImportedFile] = Field(default_factory=dict)  # path in repo -> current version
    skipped: dict[str, SkippedFile] = Field(default_factory=dict)  # path in repo -> why not
    history: list[ImportedFile] = Field(default_factory=list)  # replaced or dropped versions, oldest first

    def knows(self, path_in_repo: str, blob_id: str) -> bool:
        """Whether this exact content at this path was imported or skipped before (nothing to fetch)."""
        current = self.files.get(path_in_repo) or self.skipped.get(path_in_repo)
        return current is not None and current.blob_id == blob_id


def read_manifest(store: Store, repo: str) -> Optional[ImportManifest]:
    """The manifest of `repo` in `store`; None when there is none or it cannot be read (logged)."""
    path = manifest_path(repo)
    return _parse_manifest(path, store.read_file(path))


def _parse_manifest(path: str, data: Optional[bytes]) -> Optional[ImportManifest]:
    if data is None:
        return None
    try:
        return ImportManifest.model_validate_json(data)
    except ValidationError as exc:
        log.warning("skipping unreadable import manifest %s: %s", path, exc.errors()[0]["msg"])
        return None


def iter_manifests(store: Store) -> Iterator[ImportManifest]:
    for path in store.list_files(MANIFESTS_DIR):
        if path.endswith(".json"):
            manifest = _parse_manifest(path, store.read_file(path))
            if manifest is not None:
                yield manifest


def iter_imported_files(store: Store) -> Iterator[tuple[str, bytes, ImportedFile, str]]:
    """(store path, raw bytes, import record, source repo) of the current version of every imported
    file. A file that is gone or whose bytes no longer match its record is skipped and logged."""
    for manifest in iter_manifests(store):
        for entry in manifest.files.values():
            if not is_safe_path(entry.store_path):
                continue
            data = store.read_file(entry.store_path)
            if data is None:
                log.warning(
                    "imported file %s of %s is missing from the store", entry.store_path, manifest.repo
                )
            elif sha256_hex(data) != entry.sha256:
                log.warning(
                    "imported file %s changed since its import from %s; not shown",
                    entry.store_path,
                    manifest.repo,
                )
            else:
                yield entry.store_path, data, entry, manifest.repo
