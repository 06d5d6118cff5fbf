"""Each completion with the reference it is compared to, and what names those references.

References come from the completions file itself (inline `reference` fields) or from a named
reference set (results/policy.py REFERENCE_SETS). With a named set, every reference of the set is
scored (and cached) whatever prompts a policy covers, so each policy after the first reads the
cache; the set's sha256 names exactly those texts. A completion whose prompt differs from the set's
prompt of the same id is refused: its reward would answer another question than the reference's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from results.policy import REFERENCE_SETS, PolicyCompletion, Prompt, ReferencePrompt
from results.policy_files import CompletionsFileError, instruction_id, match_references, read_reference_set

from ..errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[2]
INLINE = "inline"

Messages = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Matched:
    """One prompt as scored: the policy's completion and the reference it is compared to."""

    prompt_id: str
    prompt: Messages
    completion: str
    reference: str


@dataclass(frozen=True)
class References:
    name: str  # the set's name, or "inline"
    sha256: str
    prompts: list[ReferencePrompt]  # every reference to score, in order
    matched: list[Matched]


def as_messages(prompt: Prompt) -> Messages:
    if isinstance(prompt, str):
        return (("user", prompt),)
    return tuple((message["role"], message["content"]) for message in prompt)


def references_sha256(prompts: Sequence[ReferencePrompt]) -> str:
    digest = hashlib.sha256()
    for prompt in prompts:
        digest.update(prompt.model_dump_json(exclude_none=True).encode() + b"\n")
    return digest.hexdigest()


def load_reference_set(name: str, root: Path = REPO_ROOT) -> list[ReferencePrompt]:
    if name not in REFERENCE_SETS:
        raise ConfigError(f"unknown reference set {name!r}: choose one of {', '.join(REFERENCE_SETS)}")
    path = root / REFERENCE_SETS[name]
    if not path.is_file():
        raise ConfigError(f"the reference set {name!r} is missing: {path} does not exist")
    return read_reference_set(path.read_bytes())


def resolve_references(
    completions: Sequence[PolicyCompletion], reference_set: Optional[str], root: Path = REPO_ROOT
) -> References:
    """Inline references when the file gives any (the set fills the others, if named); else the
    named set, whole."""
    inline = any(c.reference is not None for c in completions)
    needs_set = any(c.reference is None for c in completions)
    prompts = load_reference_set(reference_set, root) if reference_set and needs_set else None
    if prompts is not None:
        completions = by_set_ids(completions, prompts)
    pairs = match_references(completions, prompts)
    if not inline:
        _check_same_prompts(completions, prompts)
    matched = [Matched(c.prompt_id, as_messages(c.prompt), c.completion, reference) for c, reference in pairs]
    if inline:
        prompts = [
            ReferencePrompt(prompt_id=m.prompt_id, prompt=c.prompt, reference=m.reference)
            for m, (c, _) in zip(matched, pairs)
        ]
        return References(INLINE, references_sha256(prompts), prompts, matched)
    return References(reference_set, references_sha256(prompts), list(prompts), matched)


def by_set_ids(completions: Sequence[PolicyCompletion], prompts: Sequence[ReferencePrompt]) -> list[PolicyCompletion]:
    """An AlpacaEval-style file names its prompts by their instruction's hash (policy_files.py
    `instruction_id`); a set names its own: such a completion takes the id of the set's prompt with
    that instruction, so it meets its reference."""
    known = {p.prompt_id for p in prompts}
    aliases = {instruction_id(p.prompt): p.prompt_id for p in prompts if isinstance(p.prompt, str)}
    return [
        c.model_copy(update={"prompt_id": aliases[c.prompt_id]})
        if c.prompt_id not in known and c.prompt_id in aliases
        else c
        for c in completions
    ]


def _check_same_prompts(completions: Sequence[PolicyCompletion], prompts: Sequence[ReferencePrompt]) -> None:
    by_id = {p.prompt_id: as_messages(p.prompt) for p in prompts}
    for completion in completions:
        if _normalised(as_messages(completion.prompt)) != _normalised(by_id[completion.prompt_id]):
            raise CompletionsFileError(
                f"prompt {completion.prompt_id!r} differs from the reference set's prompt of that id"
            )


def _normalised(messages: Messages) -> Messages:
    return tuple((role, content.strip()) for role, content in messages)
