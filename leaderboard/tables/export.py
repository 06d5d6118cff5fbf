"""DataFrame -> CSV text or file, safe to open in a spreadsheet (pure). The numbers are written as
the frame holds them: the pages round theirs as shown (display.as_shown) before they come here.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or carriage
return) as a formula, so any such text cell gets a leading apostrophe, which shows the text as
written. Numbers are left alone: a negative number is data, not a formula.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_MAX_AGE_S = 3600.0


def neutralize_formula(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    safe = frame.copy()
    for column in text_columns:
        safe[column] = safe[column].map(neutralize_formula)
    safe.columns = [neutralize_formula(str(c)) for c in frame.columns]
    return safe


def to_csv(frame: pd.DataFrame) -> str:
    """RFC 4180 CSV text (CRLF line ends, so a cell holding a lone CR or LF is quoted); floats keep
    every digit (shortest round-trip repr); missing values are empty cells."""
    return _safe_cells(frame).to_csv(index=False, lineterminator="\r\n")


def safe_stem(text: str) -> str:
    """A file name part from any text (a benchmark label may hold spaces or a data file's name)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "export"


def write_csv(frame: pd.DataFrame, folder: Path, stem: str) -> Path:
    """Write a download as `<stem>.csv`, the name the browser saves it under (the same each time,
    e.g. rewardbench-leaderboard.csv, not one with a random suffix), in a fresh sub-folder of
    `folder` so that two sessions' downloads never overwrite each other; downloads older than an
    hour are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    _prune(folder)
    path = Path(tempfile.mkdtemp(dir=folder, prefix="download-")) / f"{safe_stem(stem)}.csv"
    path.write_text(to_csv(frame), encoding="utf-8", newline="")
    return path


def _prune(folder: Path) -> None:
    cutoff = time.time() - EXPORT_MAX_AGE_S
    for old in [*folder.glob("*.csv"), *folder.glob("download-*/*.csv")]:
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
                if old.parent != folder:
                    old.parent.rmdir()
        except (FileNotFoundError, OSError):  # another session pruned it first
            continue
