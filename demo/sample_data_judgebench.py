"""The JudgeBench sample: three hand-written pairs for each of JudgeBench's four categories.

    python -m demo.sample_data_judgebench            rewrite data/sample-judgebench.jsonl
    python -m demo.sample_data_judgebench --check    fail if the committed file differs from the generator

Columns, as JudgeBench's rows have them: `pair_id` (a string, unique across the file),
`original_id` (the question's number in its made-up source, from 1), `source` (`mmlu-pro-<subject>`
for Knowledge, `livebench-reasoning`, `livebench-math`, `livecodebench`), `question`,
`response_model` (one made-up writer for every answer), `response_A`, `response_B`, `label`
(`A>B` or `B>A`: which response is right). Every text is written here: each pair is one right
answer and one wrong one in the same manner (a wrong option, a wrong inference, a wrong step, a
bug), and the right one alternates between A and B, so the labels are balanced.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Optional, Sequence

from results.benchmarks.judgebench import CATEGORIES, category_of

from .sample_data import REPO_ROOT, sample_file_main


SAMPLE_JB_PATH = REPO_ROOT / "data" / "sample-judgebench.jsonl"
RESPONSE_MODEL = "demo-writer"


@dataclass(frozen=True)
class Pair:
    source: str
    question: str
    right: str
    wrong: str


def _lines(*lines: str) -> str:
    return "\n".join(lines)


def _choices(question: str, *options: str) -> str:
    letters = "ABCDEFGHIJ"
    return _lines(question, "", *(f"({letters[i]}) {option}" for i, option in enumerate(options)))


KNOWLEDGE = (
    Pair(
        "mmlu-pro-chemistry",
        _choices("Which of the following elements is a noble gas?", "Nitrogen", "Argon", "Chlorine", "Hydrogen"),
        "Noble gases fill group 18 of the periodic table: helium, neon, argon, krypton, xenon and radon. "
        "Nitrogen, chlorine and hydrogen all form compounds readily and sit in other groups. The answer is (B).",
        "Noble gases are the gases that react least, and chlorine is a halogen found in group 18 of the "
        "periodic table, next to the other unreactive gases. The answer is (C).",
    ),
    Pair(
        "mmlu-pro-biology",
        _choices(
            "Where in a eukaryotic cell does the citric acid (Krebs) cycle take place?",
            "The cytoplasm",
            "The mitochondrial matrix",
            "The nucleus",
            "The ribosomes",
        ),
        "Glycolysis runs in the cytoplasm, but its product, pyruvate, is carried into the mitochondria, and "
        "the citric acid cycle runs in the mitochondrial matrix. The answer is (B).",
        "Glucose is broken down in the cytoplasm, and the citric acid cycle continues there straight after "
        "glycolysis, before anything enters the mitochondria. The answer is (A).",
    ),
    Pair(
        "mmlu-pro-economics",
        _choices(
            "The price of a good rises by 10% and the quantity demanded falls by 25%. Over this range, demand is:",
            "Price elastic",
            "Price inelastic",
            "Unit elastic",
            "Perfectly inelastic",
        ),
        "The price elasticity of demand is the percentage change in quantity over the percentage change in "
        "price: 25 / 10 = 2.5 in absolute value. Above 1, demand is elastic. The answer is (A).",
        "The price elasticity of demand is the percentage change in price over the percentage change in "
        "quantity: 10 / 25 = 0.4. Below 1, demand is inelastic. The answer is (B).",
    ),
)

REASONING = (
    Pair(
        "livebench-reasoning",
        "Ana, Ben and Cleo sit in a row of three chairs. Ana is not at either end. Ben sits somewhere to "
        "the left of Ana. Who sits in the rightmost chair?",
        "Ana is not at an end, so she is in the middle chair. Ben is to her left, so he is in the leftmost "
        "chair. That leaves the rightmost chair for Cleo. **Cleo**",
        "Ana is not at an end, so she is in the middle chair. Ben is to her left, so the chairs from the "
        "right read Ben, Ana, Cleo, and the rightmost chair is Ben's. **Ben**",
    ),
    Pair(
        "livebench-reasoning",
        "Every tulip in the garden is red. Some red flowers in the garden are wilted. Does it follow that "
        "some tulips in the garden are wilted? Answer yes or no.",
        "No. The wilted red flowers may all be roses or other red flowers that are not tulips: knowing that "
        "tulips are among the red flowers says nothing about which red flowers wilted. **no**",
        "Yes. All tulips are red, and some red flowers are wilted, so some of those wilted red flowers must "
        "be tulips. **yes**",
    ),
    Pair(
        "livebench-reasoning",
        "Three boxes are labelled Apples, Oranges and Mixed, and every label is wrong. You take one fruit "
        "from the box labelled Mixed and it is an apple. What does the box labelled Oranges contain?",
        "The box labelled Mixed is not mixed, and it holds an apple, so it holds only apples. The box "
        "labelled Oranges cannot hold oranges (its label is wrong) nor apples (those are taken), so it "
        "holds the mixed fruit. **Mixed**",
        "The box labelled Mixed holds an apple, and since its label is wrong, it holds only apples. The box "
        "labelled Oranges has a wrong label too, so it must hold apples as well. **Apples**",
    ),
)

MATH = (
    Pair(
        "livebench-math",
        "What is the sum of the roots of x^2 - 7x + 10 = 0?",
        "The polynomial factors as (x - 2)(x - 5), so the roots are 2 and 5 and their sum is 7. (For "
        "x^2 + bx + c the sum of the roots is -b = 7.) **7**",
        "For x^2 + bx + c the sum of the roots is b. Here b = -7, so the sum of the roots is -7. **-7**",
    ),
    Pair(
        "livebench-math",
        "In how many ways can a committee of 3 people be chosen from 6 people?",
        "The order of the members does not matter, so we count combinations: C(6, 3) = 6 * 5 * 4 / "
        "(3 * 2 * 1) = 120 / 6 = 20. **20**",
        "There are 6 choices for the first member, 5 for the second and 4 for the third, so there are "
        "6 * 5 * 4 = 120 committees. **120**",
    ),
    Pair(
        "livebench-math",
        "What is the remainder when 2^10 is divided by 7?",
        "Powers of 2 modulo 7 repeat with period 3: 2, 4, 1, 2, 4, 1, ... Since 10 = 3 * 3 + 1, 2^10 is the "
        "first in its cycle, so the remainder is 2. (Check: 1024 = 7 * 146 + 2.) **2**",
        "Powers of 2 modulo 7 repeat with period 3: 2, 4, 1, 2, 4, 1, ... Since 10 = 3 * 3 + 1, 2^10 is the "
        "last in its cycle, so the remainder is 1. **1**",
    ),
)


def _python(*lines: str) -> str:
    return "```python\n" + _lines(*lines) + "\n```"


CODING = (
    Pair(
        "livecodebench",
        "Given a list of integers `nums`, return the length of its longest strictly increasing run of "
        "adjacent elements. An empty list gives 0.\n\nExample: [1, 3, 5, 4, 7] -> 3",
        _python(
            "def longest_run(nums):",
            "    if not nums:",
            "        return 0",
            "    best = current = 1",
            "    for a, b in zip(nums, nums[1:]):",
            "        current = current + 1 if b > a else 1",
            "        best = max(best, current)",
            "    return best",
        ),
        _python(
            "def longest_run(nums):",
            "    if not nums:",
            "        return 0",
            "    best = current = 1",
            "    for a, b in zip(nums, nums[1:]):",
            "        current = current + 1 if b >= a else 1",
            "        best = max(best, current)",
            "    return best",
        ),
    ),
    Pair(
        "livecodebench",
        "Given a string `s`, return how many of its characters are vowels (a, e, i, o, u), counting "
        "upper and lower case alike.\n\nExample: \"Open Door\" -> 4",
        _python(
            "def count_vowels(s):",
            "    return sum(1 for ch in s.lower() if ch in \"aeiou\")",
        ),
        _python(
            "def count_vowels(s):",
            "    return sum(1 for ch in s if ch in \"aeiou\")",
        ),
    ),
    Pair(
        "livecodebench",
        "Return the n-th Fibonacci number, where F(0) = 0, F(1) = 1 and F(n) = F(n - 1) + F(n - 2), "
        "for 0 <= n <= 90.\n\nExample: n = 10 -> 55",
        _python(
            "def fib(n):",
            "    a, b = 0, 1",
            "    for _ in range(n):",
            "        a, b = b, a + b",
            "    return a",
        ),
        _python(
            "def fib(n):",
            "    a, b = 0, 1",
            "    for _ in range(n):",
            "        a, b = b, a + b",
            "    return b",
        ),
    ),
)

CATEGORY_PAIRS: dict[str, tuple[Pair, ...]] = {
    "Knowledge": KNOWLEDGE,
    "Reasoning": REASONING,
    "Math": MATH,
    "Coding": CODING,
}


def sample_rows() -> list[dict]:
    """Category by category (JudgeBench's order); the right answer is A in every other pair."""
    if list(CATEGORY_PAIRS) != list(CATEGORIES):
        raise ValueError(f"CATEGORY_PAIRS must hold every JudgeBench category, in this order: {', '.join(CATEGORIES)}")
    rows = []
    numbers: dict[str, int] = {}
    for category, pairs in CATEGORY_PAIRS.items():
        for n, pair in enumerate(pairs, start=1):
            if category_of(pair.source) != category:
                raise ValueError(f"source {pair.source!r} is not in {category}")
            right_first = len(rows) % 2 == 0
            numbers[pair.source] = numbers.get(pair.source, 0) + 1
            rows.append(
                {
                    "pair_id": f"demo-{category.lower()}-{n}",
                    "original_id": numbers[pair.source],
                    "source": pair.source,
                    "question": pair.question,
                    "response_model": RESPONSE_MODEL,
                    "response_A": pair.right if right_first else pair.wrong,
                    "response_B": pair.wrong if right_first else pair.right,
                    "label": "A>B" if right_first else "B>A",
                }
            )
    return rows


def main(argv: Optional[Sequence[str]] = None) -> int:
    return sample_file_main(argv, "demo.sample_data_judgebench", __doc__, SAMPLE_JB_PATH, sample_rows, f"JudgeBench sample pairs ({len(CATEGORY_PAIRS)} categories)")


if __name__ == "__main__":
    sys.exit(main())
