"""DataFrame -> CSV text or file, safe to open in a spreadsheet. The numbers are written as the
frame holds them: the pages round theirs as shown (display.as_shown) before they come here.

Every render of a table hands its download button a CSV file. A download keeps the name the browser
saves it under (`<benchmark>-leaderboard.csv`, no random suffix) inside a folder named by a hash of
its content, and is written only when that folder has none yet, so a view rendered again (a reload,
the periodic check, 75 renders in 20 s) writes nothing: one file per data version and filter. The
folder is kept small: downloads unused for an hour go, and the oldest go first past
`EXPORT_MAX_BYTES`. The app serves the folder as Gradio static files (`ui.build_app`), so Gradio keeps
no copy in its cache.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or carriage
return) as a formula, so any such text cell gets a leading apostrophe, which shows the text as
written. Numbers are left alone: a negative number is data, not a formula.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import time
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_MAX_AGE_S = 3600.0
EXPORT_MAX_BYTES = 64 * 1024 * 1024  # a few hundred distinct views of the largest table


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
    """The download of `frame`: `<folder>/<content hash>/<stem>.csv`, written once, reused after."""
    data = to_csv(frame).encode("utf-8")
    path = folder / hashlib.sha256(data).hexdigest()[:20] / f"{safe_stem(stem)}.csv"
    try:
        os.utime(path)  # in use again: the pruning keeps it another hour
        return path
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    _prune(folder, EXPORT_MAX_BYTES - len(data))
    path.parent.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)  # readers never see half a file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _prune(folder: Path, budget: int) -> None:
    """Remove downloads unused for an hour, then the oldest until the rest fit in `budget` bytes."""
    cutoff = time.time() - EXPORT_MAX_AGE_S
    kept = []
    for old in folder.glob("*/*.csv"):
        try:
            stat = old.stat()
            if stat.st_mtime < cutoff:
                _remove(old)
            else:
                kept.append((stat.st_mtime, stat.st_size, old))
        except FileNotFoundError:  # another session pruned it first
            continue
    total = sum(size for _, size, _ in kept)
    for _, size, old in sorted(kept):
        if total <= budget:
            break
        _remove(old)
        total -= size


def _remove(download: Path) -> None:
    download.unlink(missing_ok=True)
    try:
        download.parent.rmdir()
    except OSError:  # not empty (another view's file of the same content), or gone already
        pass
