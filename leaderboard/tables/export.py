"""DataFrame -> CSV text or file, at full precision and safe to open in a spreadsheet (pure).

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
    """Write a download into `folder` under a fresh name, removing downloads older than an hour."""
    stem = safe_stem(stem)
    folder.mkdir(parents=True, exist_ok=True)
    _prune(folder)
    with tempfile.NamedTemporaryFile(
        "w", dir=folder, prefix=f"{stem}-", suffix=".csv", delete=False, encoding="utf-8", newline=""
    ) as handle:
        handle.write(to_csv(frame))
    return Path(handle.name)


def _prune(folder: Path) -> None:
    cutoff = time.time() - EXPORT_MAX_AGE_S
    for old in folder.glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:  # another session pruned it first
            continue
