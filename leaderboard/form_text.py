"""Text that visitors type, or that result files carry: length limits and invisible characters (pure).

Every text field of the submission forms is checked here first, before any check touches the file
system or the Hub: a NUL byte or a 10,000-character name then gets a sentence, never a
`ValueError: embedded null byte` or `OSError: File name too long` from deep inside a look-up.

Characters that change how a name looks without being seen (controls, right-to-left overrides and
other bidirectional marks, zero-width spaces and joiners, line separators: Unicode categories
Cc, Cf, Zl, Zp) are refused at submission, since `evil/\u202emr` can pass for another model's name.
Names read from files written elsewhere (published results) cannot be refused, so they are shown
with those characters spelled out (`\\u202e`), in cells and in the CSV alike.
"""

from __future__ import annotations

import unicodedata
from typing import Optional

INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
# A model id is `org/name` (2 x 96); a folder path may be longer. Other fields are short names.
PATH_CHARS = 1024
NAME_CHARS = 200
LOG_CHARS = 120


def is_invisible(char: str) -> bool:
    return unicodedata.category(char) in INVISIBLE_CATEGORIES


def text_problem(label: str, value: str, limit: int) -> Optional[str]:
    """Why `value` cannot be taken as the form's `label` field, or None. The length comes first, so
    nothing else ever looks at a huge value."""
    if len(value) > limit:
        return f"The {label} is too long ({len(value):,} characters; at most {limit:,})."
    bad = next((c for c in value if is_invisible(c)), None)
    if bad is not None:
        return (
            f"The {label} holds an invisible or control character ({escape_invisible(bad)}, "
            f"{unicodedata.name(bad, 'a control character').lower()}); type it with visible characters only."
        )
    return None


def fields_problem(fields: dict[str, tuple[str, int]]) -> Optional[str]:
    """The first problem among {label: (value, limit)}, in order."""
    for label, (value, limit) in fields.items():
        problem = text_problem(label, value, limit)
        if problem:
            return problem
    return None


def escape_invisible(text: str) -> str:
    """`text` with every invisible or control character written as its code (`\\u202e`)."""
    if not any(is_invisible(c) for c in text):
        return text
    return "".join(_escaped(c) if is_invisible(c) else c for c in text)


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def for_log(text: str, limit: int = LOG_CHARS) -> str:
    """A visitor's text as one short log line: escaped, cut to `limit` characters with its length."""
    shown = ascii(text[:limit])
    return shown if len(text) <= limit else f"{shown}... ({len(text):,} characters)"
