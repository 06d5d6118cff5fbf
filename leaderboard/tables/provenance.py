"""Where a leaderboard row comes from: verified here, or imported from published results (pure).

A row is *verified* when this leaderboard's worker computed it: an EvalResult in the store's own
`eval-set/`, reproducible here (per-example scores, intervals, the full run record). It is
*imported* when it holds someone else's published numbers as they are: a file an import brought in
(`results/imported.py`; its Source names the repo and commit, e.g. `imported
(allenai/reward-bench-results@1a2b3c4d5e6f)`), or a published flat file put in `eval-set/` by hand
(Source `published`).

When one model has both on one benchmark, the verified row is the one ranked: it carries the
published score (`PUBLISHED_SCORE`) and the difference to it (`PUBLISHED_DELTA`, verified minus
published), and the imported row is marked `VERIFIED_TOO` and shown only when the reader asks for
imported results alone (`provenance_mask`). Results on custom data are never paired with published
ones: their benchmark label is their own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Iterable, Mapping, Optional, Sequence

import pandas as pd

from results.imported import iter_imported_files
from results.result_files import IMPORTED, LEGACY_LABEL, VERIFIED, VERIFIED_LABEL, ResultRecord  # noqa: F401
from results.store import Store

# Raw columns of the rows frame.
PROVENANCE = "Provenance"
VERIFIED_TOO = "Verified here too"  # an imported row of a model that has a verified row too
PUBLISHED_SCORE = "Published"
PUBLISHED_DELTA = "Δ published"

# The reader's choice on the Leaderboard tab.
BOTH = "Verified and imported"
ONLY_VERIFIED = "Verified here only"
ONLY_IMPORTED = "Imported only"
PROVENANCE_CHOICES: tuple[str, ...] = (BOTH, ONLY_VERIFIED, ONLY_IMPORTED)


@dataclass(frozen=True)
class Origin:
    """Where an imported file came from."""

    repo: str
    commit: str
    path_in_repo: str
    imported_at: Optional[datetime] = None

    @property
    def label(self) -> str:
        return f"imported ({self.repo}@{self.commit[:12]})"


def store_files(store: Store) -> tuple[list[tuple[str, bytes]], dict[str, Origin]]:
    """Every result file the board shows, (path, bytes), the store's own and the imported ones,
    and the origin of each imported one by its store path."""
    files = list(store.iter_result_files())
    origins: dict[str, Origin] = {}
    for path, data, entry, repo in iter_imported_files(store):
        files.append((path, data))
        origins[path] = Origin(repo, entry.commit, entry.path_in_repo, entry.imported_at)
    return files, origins


def with_origin(record: ResultRecord, origins: Optional[Mapping[str, Origin]]) -> ResultRecord:
    """`record` with its provenance, and the source label of an imported file."""
    origin = (origins or {}).get(record.path)
    if origin is not None:
        return replace(record, provenance=IMPORTED, source=origin.label)
    kind = IMPORTED if record.source == LEGACY_LABEL else VERIFIED
    return replace(record, provenance=kind)


def link_published(records: Sequence[ResultRecord]) -> list[ResultRecord]:
    """Pair verified and imported results of one model on one benchmark: the verified ones get the
    newest imported one's score, the imported ones are marked as having a verified twin."""
    published = {(r.model, r.benchmark): r.score for r in records if r.provenance == IMPORTED and r.latest}
    verified = {(r.model, r.benchmark) for r in records if r.provenance == VERIFIED}
    linked = []
    for record in records:
        key = (record.model, record.benchmark)
        if record.provenance == VERIFIED:
            linked.append(replace(record, published_score=published.get(key)))
        else:
            linked.append(replace(record, verified_too=key in verified))
    return linked


def published_delta(score: Optional[float], published: Optional[float]) -> Optional[float]:
    """Verified minus published (fractions), None unless both exist."""
    if score is None or published is None:
        return None
    return score - published


def provenance_mask(frame: pd.DataFrame, choice: Optional[str]) -> pd.Series:
    """The rows a provenance choice lets through (None: every row)."""
    if choice is None:
        return pd.Series(True, index=frame.index)
    verified = frame[PROVENANCE] == VERIFIED
    masks = {
        BOTH: verified | ~frame[VERIFIED_TOO].astype(bool),
        ONLY_VERIFIED: verified,
        ONLY_IMPORTED: ~verified,
    }
    if choice not in masks:
        raise ValueError(
            f"unknown provenance choice {choice!r}; expected one of {', '.join(PROVENANCE_CHOICES)}"
        )
    return masks[choice]


def hidden_twins(frame: pd.DataFrame, choice: Optional[str]) -> int:
    """How many imported rows of `frame` the choice hides because their model is verified here too."""
    if choice != BOTH or frame.empty:
        return 0
    return int((frame[PROVENANCE].eq(IMPORTED) & frame[VERIFIED_TOO].astype(bool)).sum())


def without_twins(records: Iterable[ResultRecord]) -> list[ResultRecord]:
    """The records a page shows by default: imported twins of verified results left out."""
    return [r for r in records if not r.verified_too]
