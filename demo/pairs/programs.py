"""hep-*: a small function in six languages; the rejected version carries one classic bug.

Each task is written once per language; its bug is a single edit of the correct code (an
off-by-one loop bound, `>=` for `>`, a maximum that starts at 0), so the two versions differ only
where the bug is, as in HumanEvalPack's fixed and buggy solutions.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Callable

from .base import PairTemplate


@dataclass(frozen=True)
class Task:
    prompt: str  # $lang and $name are filled per language and item
    names: tuple[str, ...]  # snake_case; each language styles them its own way


def _code(block: str) -> str:
    """A code block written indented in this file, as the text it stands for."""
    return textwrap.dedent(block).lstrip("\n")


TASKS: dict[str, Task] = {
    "sum": Task(
        "Write a $lang function `$name` that returns the sum of the integers from 1 to n, inclusive.",
        (
            "sum_to",
            "total_up_to",
            "sum_through",
            "add_up_to",
            "series_total",
            "triangle_number",
            "running_sum",
            "sum_first",
        ),
    ),
    "count": Task(
        "Write a $lang function `$name` that counts how many values in a list are strictly greater than a "
        "limit.",
        (
            "count_above",
            "count_greater",
            "how_many_over",
            "tally_above",
            "count_exceeding",
            "above_limit_count",
            "number_over",
            "count_bigger",
        ),
    ),
    "max": Task(
        "Write a $lang function `$name` that returns the largest value in a non-empty list of integers "
        "(the values may all be negative).",
        ("largest", "max_value", "find_max", "biggest", "maximum_of", "top_value", "highest", "peak_value"),
    ),
}

# language -> task -> (correct code, the fragment the bug replaces, the buggy fragment)
CODE: dict[str, dict[str, tuple[str, str, str]]] = {
    "python": {
        "sum": (
            _code("""
                def $name(n):
                    total = 0
                    for i in range(1, n + 1):
                        total += i
                    return total
            """),
            "range(1, n + 1)",
            "range(1, n)",
        ),
        "count": (
            _code("""
                def $name(values, limit):
                    return sum(1 for v in values if v > limit)
            """),
            "v > limit",
            "v >= limit",
        ),
        "max": (
            _code("""
                def $name(values):
                    best = values[0]
                    for v in values:
                        if v > best:
                            best = v
                    return best
            """),
            "best = values[0]",
            "best = 0",
        ),
    },
    "cpp": {
        "sum": (
            _code("""
                long long $name(int n) {
                    long long total = 0;
                    for (int i = 1; i <= n; ++i) {
                        total += i;
                    }
                    return total;
                }
            """),
            "i <= n",
            "i < n",
        ),
        "count": (
            _code("""
                #include <vector>

                int $name(const std::vector<int>& values, int limit) {
                    int count = 0;
                    for (int v : values) {
                        if (v > limit) {
                            ++count;
                        }
                    }
                    return count;
                }
            """),
            "v > limit",
            "v >= limit",
        ),
        "max": (
            _code("""
                #include <vector>

                int $name(const std::vector<int>& values) {
                    int best = values[0];
                    for (int v : values) {
                        if (v > best) {
                            best = v;
                        }
                    }
                    return best;
                }
            """),
            "best = values[0]",
            "best = 0",
        ),
    },
    "go": {
        "sum": (
            _code("""
                func $name(n int) int {
                \ttotal := 0
                \tfor i := 1; i <= n; i++ {
                \t\ttotal += i
                \t}
                \treturn total
                }
            """),
            "i <= n",
            "i < n",
        ),
        "count": (
            _code("""
                func $name(values []int, limit int) int {
                \tcount := 0
                \tfor _, v := range values {
                \t\tif v > limit {
                \t\t\tcount++
                \t\t}
                \t}
                \treturn count
                }
            """),
            "v > limit",
            "v >= limit",
        ),
        "max": (
            _code("""
                func $name(values []int) int {
                \tbest := values[0]
                \tfor _, v := range values {
                \t\tif v > best {
                \t\t\tbest = v
                \t\t}
                \t}
                \treturn best
                }
            """),
            "best := values[0]",
            "best := 0",
        ),
    },
    "java": {
        "sum": (
            _code("""
                public static long $name(int n) {
                    long total = 0;
                    for (int i = 1; i <= n; i++) {
                        total += i;
                    }
                    return total;
                }
            """),
            "i <= n",
            "i < n",
        ),
        "count": (
            _code("""
                public static int $name(int[] values, int limit) {
                    int count = 0;
                    for (int v : values) {
                        if (v > limit) {
                            count++;
                        }
                    }
                    return count;
                }
            """),
            "v > limit",
            "v >= limit",
        ),
        "max": (
            _code("""
                public static int $name(int[] values) {
                    int best = values[0];
                    for (int v : values) {
                        if (v > best) {
                            best = v;
                        }
                    }
                    return best;
                }
            """),
            "best = values[0]",
            "best = 0",
        ),
    },
    "js": {
        "sum": (
            _code("""
                function $name(n) {
                  let total = 0;
                  for (let i = 1; i <= n; i++) {
                    total += i;
                  }
                  return total;
                }
            """),
            "i <= n",
            "i < n",
        ),
        "count": (
            _code("""
                function $name(values, limit) {
                  return values.filter((v) => v > limit).length;
                }
            """),
            "v > limit",
            "v >= limit",
        ),
        "max": (
            _code("""
                function $name(values) {
                  let best = values[0];
                  for (const v of values) {
                    if (v > best) {
                      best = v;
                    }
                  }
                  return best;
                }
            """),
            "best = values[0]",
            "best = 0",
        ),
    },
    "rust": {
        "sum": (
            _code("""
                fn $name(n: u64) -> u64 {
                    let mut total = 0;
                    for i in 1..=n {
                        total += i;
                    }
                    total
                }
            """),
            "1..=n",
            "1..n",
        ),
        "count": (
            _code("""
                fn $name(values: &[i64], limit: i64) -> usize {
                    values.iter().filter(|&&v| v > limit).count()
                }
            """),
            "v > limit",
            "v >= limit",
        ),
        "max": (
            _code("""
                fn $name(values: &[i64]) -> i64 {
                    let mut best = values[0];
                    for &v in values {
                        if v > best {
                            best = v;
                        }
                    }
                    best
                }
            """),
            "best = values[0]",
            "best = 0",
        ),
    },
}


def snake(name: str) -> str:
    return name


def camel(name: str) -> str:
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


# subset -> (language label in prompts, key in CODE, naming style)
LANGUAGES: dict[str, tuple[str, str, Callable[[str], str]]] = {
    "hep-cpp": ("C++", "cpp", snake),
    "hep-go": ("Go", "go", camel),
    "hep-java": ("Java", "java", camel),
    "hep-js": ("JavaScript", "js", camel),
    "hep-python": ("Python", "python", snake),
    "hep-rust": ("Rust", "rust", snake),
}


def _buggy(code: str, good: str, bad: str) -> str:
    if code.count(good) != 1:
        raise ValueError(f"the bug site {good!r} must occur exactly once in:\n{code}")
    return code.replace(good, bad)


def _template(label: str, key: str, style: Callable[[str], str], task_key: str) -> PairTemplate:
    code, good, bad = CODE[key][task_key]
    task = TASKS[task_key]
    return PairTemplate(
        prompt=task.prompt,
        chosen=code,
        rejected=_buggy(code, good, bad),
        items=[{"lang": label, "name": style(name)} for name in task.names],
    )


TEMPLATES: dict[str, tuple[PairTemplate, ...]] = {
    subset: tuple(_template(label, key, style, task) for task in TASKS)
    for subset, (label, key, style) in LANGUAGES.items()
}
