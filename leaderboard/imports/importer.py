"""Import a published results dataset into the store: new and changed files only, never over anything.

`import_results(store, source)` lists the source's `eval-set/` files with their blob ids, fetches
only those whose content the source's manifest does not know yet, checks each with the leaderboard's
own reader (a file it cannot show is skipped, with the reason logged and recorded, and not fetched
again until it changes), and writes the readable ones unchanged under `imported/` with the manifest
(`results/imported.py`) in one write. A file is stored under its blob id, so an import only ever
adds files: a changed published file is stored beside its earlier version, which the manifest then
lists in its history; a path that already holds other bytes is left alone and the file skipped.
Results the worker wrote (`eval-set/...`) are never touched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Optional, Union

from results.imported import (
    ImportedFile,
    ImportManifest,
    SkippedFile,
    imported_file_path,
    manifest_path,
    published_path_parts,
    read_manifest,
    sha256_hex,
)
from results.names import InvalidModelName
from results.result_files import UnreadableResult, base_benchmark, read_result
from results.benchmarks import SPECS
from results.store import Store

from .import_sources import PublishedFile, ResultsSource

log = logging.getLogger(__name__)

# The benchmark of the field's published results repos (any other repo: each file's own keys say).
KNOWN_SOURCES: dict[str, str] = {repo: spec.name for spec in SPECS.values() for repo in spec.published_results}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class ImportReport:
    repo: str
    commit: str
    imported: list[str] = field(default_factory=list)  # paths in the repo: new or changed
    skipped: list[SkippedFile] = field(default_factory=list)  # new or changed, not taken (why)
    unchanged: int = 0  # already imported at this content
    skipped_before: int = 0  # skipped by an earlier import, unchanged since
    removed: list[str] = field(default_factory=list)  # no longer in the source

    @property
    def changed(self) -> bool:
        return bool(self.imported or self.skipped or self.removed)

    def summary(self) -> str:
        return (
            f"{self.repo}@{self.commit[:12]}: {len(self.imported)} imported, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped, {self.skipped_before} skipped earlier and unchanged, "
            f"{len(self.removed)} no longer published"
        )


def default_benchmark(repo: str) -> Optional[str]:
    return KNOWN_SOURCES.get(repo)


def import_results(
    store: Store,
    source: ResultsSource,
    benchmark: Optional[str] = None,
    clock: Callable[[], datetime] = utcnow,
) -> ImportReport:
    """Bring the store's copy of `source` up to the source's current commit (see the module doc).
    `benchmark`: every file must be of it (None: each file's own subsets say which)."""
    store.refresh()
    manifest = read_manifest(store, source.repo) or ImportManifest(repo=source.repo, source=source.kind)
    commit = source.resolve()
    listed = source.list_files(commit)
    report = ImportReport(source.repo, commit)
    todo = _new_or_changed(manifest, listed, report)
    fetched = source.fetch(commit, [f.path for f in todo if _storable(f.path)])
    now = clock()
    writes: dict[str, bytes] = {}
    for published in todo:
        data = fetched.get(published.path)
        outcome = _take(store, source.repo, published, data, commit, benchmark, now)
        if isinstance(outcome, ImportedFile) and data is not None:
            writes[outcome.store_path] = data
        _record(manifest, outcome, report)
    _drop_unlisted(manifest, {f.path for f in listed}, report)
    if report.changed:
        manifest.commit, manifest.imported_at = commit, now
        writes[manifest_path(source.repo)] = manifest.model_dump_json(indent=2).encode()
        store.write_files(writes)  # the files first, the manifest that lists them last
    _log(report)
    return report


def _new_or_changed(
    manifest: ImportManifest, listed: list[PublishedFile], report: ImportReport
) -> list[PublishedFile]:
    todo = []
    for published in listed:
        if not manifest.knows(published.path, published.blob_id):
            todo.append(published)
        elif published.path in manifest.files:
            report.unchanged += 1
        else:
            report.skipped_before += 1
    return todo


def _storable(path: str) -> bool:
    try:
        published_path_parts(path)
    except InvalidModelName:
        return False
    return True


def _take(
    store: Store,
    repo: str,
    published: PublishedFile,
    data: Optional[bytes],
    commit: str,
    benchmark: Optional[str],
    now: datetime,
) -> Union[ImportedFile, SkippedFile]:
    """The file as imported, or why it is skipped."""
    try:
        published_path_parts(published.path)
        if data is None:
            raise UnreadableResult("listed by the source but not downloaded")
        file_benchmark = _benchmark_of(published.path, data, benchmark)
        target = imported_file_path(file_benchmark, repo, published.path, published.blob_id)
        existing = store.read_file(target)
        if existing is not None and existing != data:
            raise UnreadableResult(f"{target} already holds other bytes; an import never writes over a file")
    except (UnreadableResult, InvalidModelName, ValueError, TypeError, KeyError) as exc:
        return SkippedFile(
            path_in_repo=published.path,
            blob_id=published.blob_id,
            commit=commit,
            reason=str(exc),
            seen_at=now,
        )
    return ImportedFile(
        path_in_repo=published.path,
        store_path=target,
        benchmark=file_benchmark,
        commit=commit,
        blob_id=published.blob_id,
        sha256=sha256_hex(data),
        imported_at=now,
    )


def _benchmark_of(path: str, data: bytes, expected: Optional[str]) -> str:
    """The benchmark the leaderboard reads the file as; refuses files it cannot show."""
    found = base_benchmark(read_result(path, data).benchmark)
    if found not in SPECS:
        raise UnreadableResult(f"a result of {found!r}, not of a benchmark this leaderboard shows")
    if expected and found != expected:
        raise UnreadableResult(f"holds {found} subsets, not {expected} ones")
    return found


def _record(
    manifest: ImportManifest, outcome: Union[ImportedFile, SkippedFile], report: ImportReport
) -> None:
    path = outcome.path_in_repo
    if isinstance(outcome, SkippedFile):
        # A changed file that cannot be read leaves its last good version current.
        manifest.skipped[path] = outcome
        report.skipped.append(outcome)
        return
    previous = manifest.files.get(path)
    if previous is not None:
        manifest.history.append(previous)
    manifest.files[path] = outcome
    manifest.skipped.pop(path, None)
    report.imported.append(path)


def _drop_unlisted(manifest: ImportManifest, listed: set[str], report: ImportReport) -> None:
    """Files the source no longer publishes leave the board (their copies stay, in the history)."""
    for path in sorted(set(manifest.files) - listed):
        manifest.history.append(manifest.files.pop(path))
        report.removed.append(path)
    for path in set(manifest.skipped) - listed:
        del manifest.skipped[path]


def _log(report: ImportReport) -> None:
    for skipped in report.skipped:
        log.warning("skipped %s from %s: %s", skipped.path_in_repo, report.repo, skipped.reason)
    log.info("import of %s", report.summary())
