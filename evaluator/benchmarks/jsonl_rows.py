"""Read local JSON Lines files into rows with the standard json module, as `datasets` would.

Importing `datasets` costs most of a second of start-up; a local .jsonl file needs only `json`.
The rows are the ones `datasets.load_dataset("json", ...)` gives for the columns we read: every
row has every column seen in the files, None where a row lacks it; files are read in the order
given, lines in order; blank lines and a leading UTF-8 byte-order mark are skipped.

Two differences, on purpose. Each non-blank line must be exactly one JSON object, and a line that
is not gets a DataError naming the file and the line (`datasets` takes a `null` line as a row of
Nones, two objects on one line as two rows, an object spread over lines as one). A number keeps
its JSON type where `datasets` makes a column mixing integers and floats all floats; 1 == 1.0, so
the checks that read such columns (the RewardBench 2 counts) come out the same.
"""

from __future__ import annotations

import codecs
import json
from typing import Any, Iterable, Iterator

from ..errors import DataError

_ONE_OBJECT_PER_LINE = "A .jsonl file holds one JSON object per line (blank lines are skipped)"
_JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true or false"}


def starts_with_array(head: bytes) -> bool:
    """A .jsonl file that is one JSON array: `datasets` reads it as a list of rows, so it goes there."""
    return head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"[")


def read_jsonl_rows(files: Iterable[str]) -> list[dict[str, Any]]:
    """All rows of `files`, in order, each with every column of all of them (None where absent)."""
    return [row for row, _ in read_jsonl_rows_with_places(files)]


def read_jsonl_rows_with_places(files: Iterable[str]) -> list[tuple[dict[str, Any], str]]:
    """The rows of `read_jsonl_rows`, each with where it stands ("FILE, line N", counted from 1
    as editors count, blank lines included), so a later check can point at the line to fix."""
    found = [(row, f"{file}, line {number}") for file in files for number, row in _file_rows(file)]
    columns = dict.fromkeys(column for row, _ in found for column in row)
    return [({column: row.get(column) for column in columns}, place) for row, place in found]


def _file_rows(file: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with open(file, "rb") as handle:
            lines = handle.read().split(b"\n")
    except OSError as exc:
        raise DataError(f"could not read benchmark data from {file}: {exc.strerror or exc}") from exc
    lines[0] = lines[0].removeprefix(codecs.BOM_UTF8)
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield number, _parse_line(line, file, number)


def _parse_line(line: bytes, file: str, number: int) -> dict[str, Any]:
    where = f"could not read benchmark data from {file}: line {number}"
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{where} is not UTF-8 text (byte 0x{line[exc.start]:02x} at byte {exc.start + 1} of the line)") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{where} is not valid JSON: {exc.msg} at column {exc.colno}. {_ONE_OBJECT_PER_LINE}") from None
    if not isinstance(value, dict):
        kind = _JSON_KINDS.get(type(value), "null")
        raise DataError(f"{where} is {kind}, not a JSON object. {_ONE_OBJECT_PER_LINE}")
    if b"\\ud" in line.lower():  # an escaped UTF-16 surrogate: fine in pairs, not text when alone
        _check_encodable(value, where)
    return value


def _check_encodable(value: dict[str, Any], where: str) -> None:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise DataError(f"{where} holds a lone UTF-16 surrogate escape (\\ud800-\\udfff), which is not text") from None
