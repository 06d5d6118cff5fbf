"""Where published results are imported from: a Hub dataset repo, or a local folder laid out like one.

A source answers three questions: which commit is it at (`resolve`), which result files does it hold
there and with which content ids (`list_files`: path and git blob id, as the Hub's tree lists them),
and what are the bytes of some of them (`fetch`). Listing first lets an import fetch only the files
whose content changed since the last import.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Protocol, Sequence

from results.folder_hash import content_hash
from results.imported import git_blob_id
from results.store import RESULTS_DIR

log = logging.getLogger(__name__)

REPO_TYPE = "dataset"


class SourceUnavailable(RuntimeError):
    """The source could not be read; the message says what to check."""


@dataclass(frozen=True)
class PublishedFile:
    path: str  # in the repo, e.g. eval-set/openai/gpt-4.json
    blob_id: str


class ResultsSource(Protocol):
    repo: str  # the name recorded as the source (a Hub dataset repo id)
    kind: str  # "hub" or "folder", as the manifest records it

    def resolve(self) -> str:
        """The commit sha the import reads (a folder: a hash of its content)."""

    def list_files(self, commit: str) -> list[PublishedFile]:
        """The result files under eval-set/ at `commit`."""

    def fetch(self, commit: str, paths: Sequence[str]) -> dict[str, bytes]:
        """The bytes of `paths` at `commit`."""


def _is_result_file(path: str) -> bool:
    return path.startswith(f"{RESULTS_DIR}/") and path.endswith(".json")


class HubSource:
    """A published results dataset on the Hub (or a mirror, or the test emulator: `endpoint`)."""

    kind = "hub"

    def __init__(
        self,
        repo: str,
        revision: Optional[str] = None,
        *,
        endpoint: Optional[str] = None,
        token: Optional[str] = None,
    ):
        from huggingface_hub import HfApi  # the web process imports the Hub client only when it imports

        self.repo = repo
        self.revision = revision or "main"
        self._api = HfApi(endpoint=endpoint, token=token)
        self._token = token

    def resolve(self) -> str:
        try:
            return self._api.dataset_info(self.repo, revision=self.revision).sha
        except Exception as exc:
            raise SourceUnavailable(
                f"cannot read dataset {self.repo}@{self.revision} at {self._api.endpoint}: {_first_line(exc)}"
            ) from exc

    def list_files(self, commit: str) -> list[PublishedFile]:
        from huggingface_hub import RepoFile
        from huggingface_hub.errors import EntryNotFoundError

        try:
            entries = list(
                self._api.list_repo_tree(
                    self.repo, path_in_repo=RESULTS_DIR, recursive=True, repo_type=REPO_TYPE, revision=commit
                )
            )
        except EntryNotFoundError:
            log.warning("%s@%s has no %s/ folder: nothing to import", self.repo, commit[:12], RESULTS_DIR)
            return []
        except Exception as exc:
            raise SourceUnavailable(f"cannot list {self.repo}@{commit[:12]}: {_first_line(exc)}") from exc
        return [
            PublishedFile(e.path, e.blob_id)
            for e in entries
            if isinstance(e, RepoFile) and _is_result_file(e.path)
        ]

    def fetch(self, commit: str, paths: Sequence[str]) -> dict[str, bytes]:
        if not paths:
            return {}
        from huggingface_hub import snapshot_download

        # One snapshot call for the changed files only: the client downloads them in parallel.
        with tempfile.TemporaryDirectory(prefix="rmlb-import-") as tmp:
            try:
                folder = Path(
                    snapshot_download(
                        self.repo,
                        repo_type=REPO_TYPE,
                        revision=commit,
                        allow_patterns=list(paths),
                        cache_dir=tmp,
                        endpoint=self._api.endpoint,
                        token=self._token,
                        tqdm_class=_quiet_progress(),
                    )
                )
            except Exception as exc:
                raise SourceUnavailable(
                    f"cannot download from {self.repo}@{commit[:12]}: {_first_line(exc)}"
                ) from exc
            return {p: (folder / p).read_bytes() for p in paths if (folder / p).is_file()}


class FolderSource:
    """A local folder laid out like a published results repo (`<folder>/eval-set/<org>/<model>.json`):
    a mirrored copy, or the demo's sample. Its "commit" is a hash of its content."""

    kind = "folder"

    def __init__(self, folder: Path, repo: str):
        self.folder = Path(folder)
        self.repo = repo
        if not (self.folder / RESULTS_DIR).is_dir():
            raise SourceUnavailable(
                f"{self.folder} has no {RESULTS_DIR}/ folder (expected {RESULTS_DIR}/<org>/<model>.json)"
            )

    def resolve(self) -> str:
        return "folder-" + content_hash(self.folder / RESULTS_DIR)

    def list_files(self, commit: str) -> list[PublishedFile]:
        found = []
        for file in sorted((self.folder / RESULTS_DIR).rglob("*.json")):
            if file.is_file():
                found.append(
                    PublishedFile(file.relative_to(self.folder).as_posix(), git_blob_id(file.read_bytes()))
                )
        return found

    def fetch(self, commit: str, paths: Sequence[str]) -> dict[str, bytes]:
        return {p: (self.folder / p).read_bytes() for p in paths}


def _quiet_progress():
    """A progress bar class that shows nothing: a scheduled import would fill the app's log."""
    from huggingface_hub.utils import tqdm as hf_tqdm

    class Quiet(hf_tqdm):
        def __init__(self, *args, **kwargs):
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)

    return Quiet


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
