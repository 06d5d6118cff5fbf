"""The layout keeps its promises: bench/ imports no test module, and the speed internals sit below
the evaluator's entry points and adapters (evaluator/speed/__init__.py), never importing them."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT

IMPORT = re.compile(r"^\s*(?:from|import)\s+([\w.]+)", re.MULTILINE)


def imported_modules(path) -> set[str]:
    return set(IMPORT.findall(path.read_text()))


def test_bench_imports_no_test_module():
    found = {
        str(path.relative_to(REPO_ROOT)): sorted(m for m in imported_modules(path) if m.split(".")[0] == "tests")
        for path in sorted((REPO_ROOT / "bench").rglob("*.py"))
    }
    assert {path: modules for path, modules in found.items() if modules} == {}


# What the speed internals may import of the evaluator: each other, and the leaves beneath them
# (progress.py: the scoring loops report their steps to the worker's heartbeat through it).
SPEED_MAY_IMPORT = {"speed", "errors", "encoded", "safetensors_headers", "progress"}


def test_speed_imports_only_itself_and_leaves():
    for path in sorted((REPO_ROOT / "evaluator" / "speed").glob("*.py")):
        text = path.read_text()
        relative = {m.split(".")[0] for m in re.findall(r"^\s*from \.\.([\w.]+) import", text, re.MULTILINE)}
        absolute = {m.split(".")[1] for m in imported_modules(path) if m.startswith("evaluator.")}
        assert relative | absolute <= SPEED_MAY_IMPORT, path.name
