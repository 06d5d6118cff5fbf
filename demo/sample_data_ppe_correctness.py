"""The PPE Correctness sample: two made-up questions for each of PPE's five sets, 32 answers each.

    python -m demo.sample_data_ppe_correctness            rewrite data/sample-ppe-correctness.jsonl
    python -m demo.sample_data_ppe_correctness --check    fail if the committed file differs from the generator

Columns, as PPE's best-of-K rows have them: `question_id`, `model_name` (a made-up sampler), `prompt`,
`response_1`..`response_32`, `scores` (32 correctness values, true/false), `sampled_conflict_pairs`
(0-based [i, j] index pairs, one response correct and the other wrong, in either order), plus
`subset` naming the set, since the real data keeps each set in its own Hub dataset. Every text is
written here (no question is taken from the real sets, GPQA's included): each answer is one of a few
phrasings around either the right result or one of a few wrong ones, so a reward model has something
to tell apart; which answers are right, and which pairs are sampled, is fixed by a seeded generator.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from typing import Optional, Sequence

from .sample_data import REPO_ROOT, sample_file_main

SAMPLE_PPE_CORRECTNESS_PATH = REPO_ROOT / "data" / "sample-ppe-correctness.jsonl"
RESPONSES = 32
PAIRS_PER_PROMPT = 8
SEED = 26


@dataclass(frozen=True)
class Question:
    subset: str
    question_id: str
    prompt: str
    right: str
    wrong: tuple[str, ...]
    correct_count: int  # how many of the 32 answers are right


PHRASINGS = (
    "The answer is {answer}.",
    "Working through it step by step, we get {answer}.",
    "Let me check each part carefully. Final answer: {answer}",
    "{answer}",
    "After considering the options, I conclude: {answer}.",
    "Short answer: {answer}. This follows directly from the question.",
    "We reason about the problem and arrive at {answer}, which I am confident in.",
    "Answer: {answer}",
)

QUESTIONS = (
    Question("MMLU-Pro", "mmlu-pro-1", "Which gas makes up most of Earth's atmosphere by volume? (A) Oxygen (B) Nitrogen (C) Argon (D) Carbon dioxide",
             "(B) Nitrogen", ("(A) Oxygen", "(C) Argon", "(D) Carbon dioxide"), 20),
    Question("MMLU-Pro", "mmlu-pro-2", "In economics, what does a price ceiling set below the market price usually cause? (A) A surplus (B) A shortage (C) No change (D) Deflation",
             "(B) A shortage", ("(A) A surplus", "(C) No change", "(D) Deflation"), 12),
    Question("MATH", "math-1", "What is 17 times 23?", "391", ("381", "401", "371"), 16),
    Question("MATH", "math-2", "Solve for x: 3x + 7 = 25.", "x = 6", ("x = 5", "x = 7", "x = 18/7"), 9),
    Question("GPQA", "gpqa-1", "A made-up physics question for this demo: an object falls freely from rest for 2 seconds (g = 10 m/s^2). How far does it fall? (A) 10 m (B) 20 m (C) 40 m (D) 5 m",
             "(B) 20 m", ("(A) 10 m", "(C) 40 m", "(D) 5 m"), 14),
    Question("GPQA", "gpqa-2", "A made-up chemistry question for this demo: how many electrons does a neutral carbon atom have? (A) 4 (B) 6 (C) 12 (D) 14",
             "(B) 6", ("(A) 4", "(C) 12", "(D) 14"), 22),
    Question("IFEval", "ifeval-1", "Write the word 'hello' in capital letters and nothing else.", "HELLO", ("hello", "Hello", "HELLO!"), 18),
    Question("IFEval", "ifeval-2", "List three colours, separated by commas, all in lower case.", "red, green, blue", ("Red, Green, Blue", "red green blue", "red, green"), 10),
    Question("MBPP-Plus", "mbpp-plus-1", "Write a Python function `square(n)` that returns n squared.",
             "def square(n):\n    return n * n", ("def square(n):\n    return n + n", "def square(n):\n    return n ** 3", "def square(n):\n    print(n * n)"), 15),
    Question("MBPP-Plus", "mbpp-plus-2", "Write a Python function `is_even(n)` that returns True when n is even.",
             "def is_even(n):\n    return n % 2 == 0", ("def is_even(n):\n    return n % 2 == 1", "def is_even(n):\n    return n / 2", "def is_even(n):\n    return True"), 19),
)


def _row(question: Question, rng: random.Random) -> dict:
    correct = [True] * question.correct_count + [False] * (RESPONSES - question.correct_count)
    rng.shuffle(correct)
    responses = [
        PHRASINGS[k % len(PHRASINGS)].format(answer=question.right if ok else question.wrong[k % len(question.wrong)])
        for k, ok in enumerate(correct)
    ]
    right = [k for k, ok in enumerate(correct) if ok]
    wrong = [k for k, ok in enumerate(correct) if not ok]
    pairs = []
    while len(pairs) < PAIRS_PER_PROMPT:
        pair = [rng.choice(right), rng.choice(wrong)]
        if rng.random() < 0.5:
            pair.reverse()
        if pair not in pairs and pair[::-1] not in pairs:
            pairs.append(pair)
    return {
        "question_id": question.question_id,
        "model_name": "demo-sampler",
        "subset": question.subset,
        "prompt": question.prompt,
        **{f"response_{k + 1}": text for k, text in enumerate(responses)},
        "scores": correct,
        "sampled_conflict_pairs": pairs,
    }


def sample_rows() -> list[dict]:
    rng = random.Random(SEED)
    return [_row(question, rng) for question in QUESTIONS]


def main(argv: Optional[Sequence[str]] = None) -> int:
    return sample_file_main(argv, "demo.sample_data_ppe_correctness", __doc__, SAMPLE_PPE_CORRECTNESS_PATH, sample_rows, "PPE Correctness prompts")


if __name__ == "__main__":
    sys.exit(main())
