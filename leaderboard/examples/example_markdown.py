"""A stored text (a prompt, an answer, a judge's output) as Markdown that shows it as it was written.

Three rules, for texts that may hold anything:
- no HTML tag is a tag: '<' and '&' become entities outside code blocks and code spans (inside them
  the renderer shows every character as it is);
- fenced code stays as it is;
- code written without a fence stays code: a paragraph whose later lines are indented (Python's
  `def f():` then `    total = 0`) would be joined into one line by Markdown, which drops the
  indentation, so it is shown verbatim in a fenced block. Other line breaks are kept by the box
  that shows the text (`gr.Markdown(line_breaks=True)`).
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A code span opens and closes with backtick runs of one length (not a part of a longer run, and
# not an escaped backtick), as CommonMark has it.
_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
# A paragraph that starts a list item or a quote is Markdown whose indentation means nesting.
_MARKDOWN_BLOCK = re.compile(r"^\s*([-*+>]|\d+[.)])(\s|$)")
_BLANK_LINES = re.compile(r"(\n[ \t]*\n)")


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _escape_outside_code_spans(text: str) -> str:
    parts, last = [], 0
    for match in _CODE_SPAN.finditer(text):
        parts += [_escape_html(text[last : match.start()]), match.group(0)]
        last = match.end()
    return "".join([*parts, _escape_html(text[last:])])


def unfenced_code(paragraph: str) -> bool:
    """Whether Markdown would flatten this paragraph's indentation: a later line is indented, and
    no line starts a list item or a quote (an indented code block, every line indented, is left alone)."""
    lines = paragraph.split("\n")
    if len(lines) < 2 or lines[0][:1] in (" ", "\t") or any(_MARKDOWN_BLOCK.match(line) for line in lines):
        return False
    return any(line[:1] in (" ", "\t") and line.strip() for line in lines[1:])


def _prose(text: str) -> str:
    """Text outside fences: each paragraph escaped, or fenced whole when it is unfenced code."""
    parts = _BLANK_LINES.split(text)  # the separators stay, at odd positions
    return "".join(
        part if i % 2 else (_fenced(part) if unfenced_code(part) else _escape_outside_code_spans(part))
        for i, part in enumerate(parts)
    )


def _fenced(paragraph: str) -> str:
    body = paragraph.rstrip("\n")  # a text's last line break stays outside the block
    return code_block(body) + paragraph[len(body) :]


def safe_markdown(text: str) -> str:
    """`text` as Markdown in which no HTML tag is a tag and code, fenced or not, shows as code."""
    out, prose, fence = [], [], None
    for line in text.split("\n"):
        opener = _FENCE.match(line)
        if fence is None and opener:
            out.append(_prose("\n".join(prose)))
            prose, fence = [], opener.group(1)
            out.append(line)
        elif fence is not None:
            out.append(line)
            if line.strip().startswith(fence[0] * len(fence)) and line.strip().strip(fence[0]) == "":
                fence = None
        else:
            prose.append(line)
    if fence is None:
        out.append(_prose("\n".join(prose)))
    return "\n".join(out)


def code_block(text: str) -> str:
    """`text` verbatim in a fenced block whose fence is longer than any backtick run inside."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"
