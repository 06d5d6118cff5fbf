"""Reading a policy's completions file, with a reason for every refusal. Used by the command line
(`python -m evaluator policy --completions FILE`) and the web form alike, so both refuse the same
files for the same reasons.

Two shapes are accepted:
- JSONL, one object per line: `prompt_id`, `prompt` (a string or a list of {"role", "content"}),
  `completion`, optional `reference` and `generator`;
- an AlpacaEval-style JSON list of {"instruction", "output", "generator"} (and optional "input",
  appended to the instruction on a new line, and "dataset"); prompt ids are then the instruction's
  sha256 (12 hex), so the same instruction matches the same reference prompt whatever the order.

Refused: more than `max_bytes`; not UTF-8; not JSON; a line or item of the wrong shape (the field
and the line are named); a duplicate prompt id; an empty completion. A file whose prompts are not
in the reference set is checked where the set is known (`match_references`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Optional, Sequence

from pydantic import ValidationError

from .policy import PolicyCompletion, ReferencePrompt

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class CompletionsFileError(ValueError):
    """A completions file that cannot be scored; the message says why and where."""


def file_size(num_bytes: int) -> str:
    """A size as people read it: "20 MB", "1.5 MB", "300 KB", "512 bytes" (1 MB = 1024 KB, as file
    managers count), for limits and refusals; a byte count of eight digits says nothing at a glance."""
    for unit, scale in (("MB", 1024**2), ("KB", 1024)):
        if num_bytes >= scale:
            return f"{round(num_bytes / scale, 1):g} {unit}"
    return f"{num_bytes} bytes"


def instruction_id(instruction: str) -> str:
    return hashlib.sha256(instruction.strip().encode()).hexdigest()[:12]


def read_completions(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[PolicyCompletion]:
    if len(data) > max_bytes:
        raise CompletionsFileError(f"the file is {file_size(len(data))}; the limit is {file_size(max_bytes)}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CompletionsFileError(f"the file is not UTF-8 text (byte {exc.start} cannot be read)") from None
    if not text.strip():
        raise CompletionsFileError("the file is empty")
    rows = _alpaca_rows(text) if text.lstrip().startswith("[") else _jsonl_rows(text)
    return _checked(rows)


def _jsonl_rows(text: str) -> list[tuple[str, Any]]:
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append((f"line {number}", json.loads(line)))
        except ValueError as exc:
            raise CompletionsFileError(f"line {number} is not JSON ({exc.msg})") from None
    return rows


def _alpaca_rows(text: str) -> list[tuple[str, Any]]:
    try:
        items = json.loads(text)
    except ValueError as exc:
        raise CompletionsFileError(f"the file is not a JSON list ({exc.msg} at line {exc.lineno})") from None
    rows = []
    for number, item in enumerate(items, 1):
        where = f"item {number}"
        if not isinstance(item, dict) or not isinstance(item.get("instruction"), str) or "output" not in item:
            raise CompletionsFileError(f"{where} needs 'instruction' and 'output' (AlpacaEval's fields)")
        instruction = item["instruction"] + (f"\n{item['input']}" if item.get("input") else "")
        row = {"prompt_id": instruction_id(instruction), "prompt": instruction, "completion": item["output"]}
        if item.get("generator") is not None:
            row["generator"] = str(item["generator"])
        rows.append((where, row))
    return rows


def _checked(rows: Sequence[tuple[str, Any]]) -> list[PolicyCompletion]:
    completions, seen = [], {}
    for where, row in rows:
        if isinstance(row, dict) and isinstance(row.get("prompt_id"), int):
            row = {**row, "prompt_id": str(row["prompt_id"])}  # numeric ids are fine, kept as text
        try:
            completion = PolicyCompletion.model_validate(row)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(p) for p in error["loc"]) or "the row"
            raise CompletionsFileError(f"{where}: {field}: {error['msg']}") from None
        if completion.prompt_id in seen:
            raise CompletionsFileError(
                f"{where}: prompt id {completion.prompt_id!r} was already given at {seen[completion.prompt_id]}"
            )
        if not completion.completion.strip():
            raise CompletionsFileError(f"{where}: the completion of prompt {completion.prompt_id!r} is empty")
        seen[completion.prompt_id] = where
        completions.append(completion)
    if not completions:
        raise CompletionsFileError("the file holds no completions")
    return completions


def read_reference_set(data: bytes) -> list[ReferencePrompt]:
    """A reference set: JSONL lines of `prompt_id`, `prompt`, `reference` (and optional `category`)."""
    prompts = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
        if line.strip():
            try:
                prompts.append(ReferencePrompt.model_validate_json(line))
            except ValidationError as exc:
                raise CompletionsFileError(f"reference set line {number}: {exc.errors()[0]['msg']}") from None
    return prompts


def match_references(
    completions: Sequence[PolicyCompletion], references: Optional[Sequence[ReferencePrompt]]
) -> list[tuple[PolicyCompletion, str]]:
    """Each completion with its reference: given inline, else the reference set's for its prompt id.
    Every completion needs one; the message lists the first ids that have none."""
    by_id = {r.prompt_id: r.reference for r in references or ()}
    pairs, missing = [], []
    for completion in completions:
        reference = completion.reference if completion.reference is not None else by_id.get(completion.prompt_id)
        if reference is None:
            missing.append(completion.prompt_id)
        else:
            pairs.append((completion, reference))
    if missing:
        where = "the reference set" if references else "the file (no reference set was named)"
        raise CompletionsFileError(
            f"{len(missing)} prompt(s) have no reference in {where}: {', '.join(map(repr, missing[:5]))}"
        )
    return pairs


def canonical_sha256(completions: Sequence[PolicyCompletion]) -> str:
    """Names exactly what was scored: the completions as canonical JSON lines, in file order."""
    digest = hashlib.sha256()
    for completion in completions:
        digest.update(completion.model_dump_json(exclude_none=True).encode() + b"\n")
    return digest.hexdigest()
