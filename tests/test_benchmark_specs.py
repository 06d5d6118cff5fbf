"""The benchmark specs are the one place a benchmark's rules and names live: the leaderboard never
names a benchmark in its code, every spec is complete, and an unknown name is a clear error."""

import ast
from pathlib import Path

import pytest

from results.benchmarks import SPECS, UnknownBenchmark, get_spec
from results.benchmarks.aggregation import Metrics

ROOT = Path(__file__).resolve().parent.parent


def _string_literals(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a module except its docstrings (prose may give examples)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _benchmark_words() -> set[str]:
    words = set()
    for spec in SPECS.values():
        words |= {spec.name, spec.title, *spec.published_results, spec.core_source.location}
    return words


def test_no_benchmark_is_named_in_the_leaderboards_code():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in sorted((ROOT / "leaderboard").rglob("*.py"))
        for line, text in _string_literals(path)
        for word in _benchmark_words()
        if word in text
    ]
    assert found == []


def test_the_check_above_would_see_a_name():
    # the same scan over a line that names a benchmark finds it (so the test above can fail)
    source = 'RULES = {"rewardbench": 1}\n'
    tree = ast.parse(source)
    literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert any(word in text for text in literals for word in _benchmark_words())


@pytest.mark.parametrize("name", list(SPECS))
def test_every_spec_is_complete(name):
    spec = get_spec(name)
    assert spec.name == name and spec.title and spec.version and len(spec.about) > 80
    assert isinstance(spec.metrics, Metrics)
    assert spec.subsets and len(set(spec.subsets)) == len(spec.subsets)
    assert spec.columns and set(spec.shown_columns) <= set(spec.columns)
    assert all(spec.column_subsets(c) for c in spec.columns), "every column says what it is computed from"
    assert set(spec.optional_columns) <= set(spec.columns)
    # a result with every subset lacks nothing; one with none lacks something
    assert spec.missing(spec.subsets, extras=list(spec.extra_sources)) == ()
    assert spec.missing(())
    assert "Score" in spec.about_markdown() and spec.bootstrap_unit in spec.about_markdown()


def test_an_unknown_benchmark_is_a_clear_error_on_both_sides():
    from evaluator.benchmarks import get_benchmark
    from evaluator.errors import ConfigError

    with pytest.raises(UnknownBenchmark, match="unknown benchmark 'no-such-bench': the known ones are rewardbench-2, rewardbench"):
        get_spec("no-such-bench")
    with pytest.raises(ConfigError, match="unknown benchmark 'no-such-bench'.*or give a dataset path or Hub id"):
        get_benchmark("no-such-bench")


def test_a_host_cannot_offer_a_benchmark_no_spec_describes(monkeypatch):
    from pydantic import ValidationError

    from leaderboard.app_settings import AppSettings

    with pytest.raises(ValidationError, match="unknown benchmark\\(s\\) no-such-bench: the known ones are"):
        AppSettings(benchmarks="rewardbench,no-such-bench")
