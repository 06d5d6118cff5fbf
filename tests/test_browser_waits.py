"""The browser tests wait for what the page shows, with generous bounds, never fixed sleeps.

A browser test once failed at its 15 s wait while the machine was busy and passed alone: a wait
that is too short tests the machine's load, not the page. These checks read the test modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.browser_fixtures import WAIT_MS

TESTS = Path(__file__).resolve().parent
BROWSER_MODULES = sorted(TESTS.glob("test_*browser*.py"))
SLEEPS = {"sleep", "wait_for_timeout"}  # time.sleep, page.wait_for_timeout: a fixed wait (`dwell`, a named
# pause that shows something stays as it is, is the one way to let time pass)
WAITS = {"wait_until": 1, "shows": None, "wait_for_column": None}  # the timeout's position, if any


def calls(path: Path) -> list[ast.Call]:
    return [node for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Call)]


def name_of(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


def explicit_timeout_s(call: ast.Call) -> float | None:
    """A literal timeout given to a wait, in seconds (Playwright's `timeout=` is in milliseconds)."""
    for keyword in call.keywords:
        if keyword.arg in ("timeout_s", "timeout") and isinstance(keyword.value, ast.Constant):
            return keyword.value.value / (1000 if keyword.arg == "timeout" else 1)
    position = WAITS.get(name_of(call))
    if position is not None and len(call.args) > position and isinstance(call.args[position], ast.Constant):
        return call.args[position].value
    return None


def test_the_browser_modules_are_found():
    assert len(BROWSER_MODULES) >= 5


def test_the_shared_bound_is_generous():
    assert WAIT_MS >= 60_000, "a busy machine (the suite beside a CPU-heavy process) took over 15 s"


@pytest.mark.parametrize("module", BROWSER_MODULES, ids=lambda path: path.name)
def test_no_fixed_sleeps_and_no_short_bounds(module):
    sleeps = [call.lineno for call in calls(module) if name_of(call) in SLEEPS]
    assert not sleeps, f"{module.name}: fixed sleeps at lines {sleeps}; wait for what the page shows"
    short = [
        call.lineno
        for call in calls(module)
        if name_of(call) not in ("wait", "run") and (explicit_timeout_s(call) or WAIT_MS) < WAIT_MS / 1000
    ]
    assert not short, f"{module.name}: waits shorter than WAIT_MS at lines {short}"
