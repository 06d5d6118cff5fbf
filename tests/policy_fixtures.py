"""Small completions files for the policy tests, against the project's reference set."""

from __future__ import annotations

import json
from pathlib import Path

from results.policy_files import read_reference_set
from tests.conftest import REPO_ROOT

REFERENCE_SET = REPO_ROOT / "data" / "policy-reference-v1.jsonl"


def reference_prompts():
    return read_reference_set(REFERENCE_SET.read_bytes())


def write_lines(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def policy_rows(completion=lambda prompt: f"A short answer to: {prompt.prompt[:30]}", count: int = 20) -> list[dict]:
    """One completion per reference prompt, made by `completion(reference prompt)`."""
    return [
        {"prompt_id": p.prompt_id, "prompt": p.prompt, "completion": completion(p)} for p in reference_prompts()[:count]
    ]


def inline_rows() -> list[dict]:
    """Three prompts with their references inline (no reference set needed), one as messages."""
    return [
        {"prompt_id": "a", "prompt": "Name a prime number.", "completion": "Seven is prime.", "reference": "2."},
        {
            "prompt_id": "b",
            "prompt": "Say hello.",
            "completion": "Hello!",
            "reference": "Hello there, how are you today?",
        },
        {
            "prompt_id": "c",
            "prompt": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Capital of France?"}],
            "completion": "Paris.",
            "reference": "The capital of France is Paris.",
        },
    ]
