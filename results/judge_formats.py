"""Judge formats: how a generative judge is asked (a prompt template) and how its answer is read
(a verdict parser), by name. Shared by the evaluator (which renders and parses) and the web app
(whose Submit form offers the names, without importing the evaluator).

A format has a mode, which fixes how many completions one prompt shows and what a verdict means:

- `pairwise`: two answers in slots A and B; the verdict names a slot;
- `ranking`: four answers in slots A..D (RewardBench 2's best-of-4); the verdict names the best;
- `rating`: one answer; the verdict is a number from 1 to 10 (RewardBench 2's Ties, and any row
  whose completion count fits no other format).

Templates are Jinja, rendered in a sandbox with: `question` (the conversation before the answers,
as text), `answers` (the list of answers in slot order), `answer_a`, `answer_b`, ... (the same, by
slot letter) and `answer` (the one answer of a rating prompt). A template file given on the
command line is a format too (`evaluator/judges/formats.py`), read with its mode's standard parser.

Parsers read the LAST verdict token of the text: judges reason first and conclude at the end, and
a verdict quoted in the reasoning ("...so [[A]] would be wrong...") should not win over the
conclusion. No verdict token at all is unparsable (None), which the credit rules of fairness.py
score as a coin toss.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from jinja2.sandbox import SandboxedEnvironment

SLOT_LETTERS = "ABCD"
Message = dict[str, str]  # {"role": ..., "content": ...}
Parser = Callable[[str], Optional[str]]


@dataclass(frozen=True)
class Mode:
    name: str
    slots: int  # completions shown in one prompt
    parse: Parser  # the standard parser of the mode (used by template files)


@dataclass(frozen=True)
class JudgeFormat:
    name: str
    mode: Mode
    template: str  # Jinja: the user turn
    parse: Parser
    system: Optional[str] = None
    description: str = ""
    # Asked once more, in the same conversation, when an answer holds no verdict label at all
    # (`has_label` false): the authors of JudgeBench's arena-hard judge do the same.
    follow_up: Optional[str] = None
    has_label: Optional[Callable[[str], bool]] = None

    @property
    def slots(self) -> int:
        return self.mode.slots

    @property
    def sha256(self) -> str:
        """Pins the exact wording: part of cache keys and of the result's record."""
        wording = f"{self.mode.name}\0{self.system or ''}\0{self.template}"
        if self.follow_up:
            wording += f"\0{self.follow_up}"
        return hashlib.sha256(wording.encode()).hexdigest()

    def needs_follow_up(self, text: str) -> bool:
        return bool(self.follow_up and self.has_label and not self.has_label(text))

    def messages(self, question: str, answers: Sequence[str]) -> list[Message]:
        """The chat conversation that asks the judge about `answers` (in slot order)."""
        if len(answers) != self.slots:
            raise ValueError(f"format {self.name!r} shows {self.slots} answers, got {len(answers)}")
        values = {
            "question": question,
            "answers": list(answers),
            "answer": answers[0],
            **{f"answer_{letter.lower()}": text for letter, text in zip(SLOT_LETTERS, answers)},
        }
        user = environment().from_string(self.template).render(**values)
        system = [{"role": "system", "content": self.system}] if self.system else []
        return [*system, {"role": "user", "content": user}]


def environment() -> SandboxedEnvironment:
    # Texts are inserted as they are (no HTML escaping): the judge must read the answers verbatim.
    return SandboxedEnvironment(autoescape=False, keep_trailing_newline=True)


# --- parsers -------------------------------------------------------------------------------------


def last_match(pattern: re.Pattern) -> Parser:
    def parse(text: str) -> Optional[str]:
        found = pattern.findall(text or "")
        return found[-1] if found else None

    return parse


parse_ab = last_match(re.compile(r"\[\[([AB])\]\]"))
parse_abcd = last_match(re.compile(r"\[\[([ABCD])\]\]"))
parse_rating = last_match(re.compile(r"\[\[(10|[1-9])\]\]"))
# Prometheus 2's relative grading ends with "[RESULT] A" (or B), sometimes in brackets or bold.
parse_prometheus = last_match(re.compile(r"\[RESULT\]\s*[\[(*]*\s*([AB])\b"))

# Arena-Hard's verdict grammar (JudgeBench's arena-hard judge): [[A>>B]], [[A>B]], [[A=B]], [[B>A]],
# [[B>>A]]; a strong preference counts as a preference. The verdict is the one distinct label of the
# answer ("A", "B", or "=" for a tie); several different labels are no verdict.
_ARENA_LABEL = re.compile(r"\[\[(A>>B|A>B|A=B|B>A|B>>A)\]\]")
_ARENA_VERDICT = {"A>>B": "A", "A>B": "A", "A=B": "=", "B>A": "B", "B>>A": "B"}
TIE = "="


def parse_arena_hard(text: str) -> Optional[str]:
    verdicts = {_ARENA_VERDICT[label] for label in _ARENA_LABEL.findall(text or "")}
    return verdicts.pop() if len(verdicts) == 1 else None


def has_arena_label(text: str) -> bool:
    return bool(_ARENA_LABEL.search(text or ""))


PAIRWISE = Mode("pairwise", 2, parse_ab)
RANKING = Mode("ranking", 4, parse_abcd)
RATING = Mode("rating", 1, parse_rating)
MODES = {m.name: m for m in (PAIRWISE, RANKING, RATING)}


# --- built-in formats (wording written for this project) -----------------------------------------

_PAIR_LAYOUT = """[User Question]
{{ question }}

[The Start of Assistant A's Answer]
{{ answer_a }}
[The End of Assistant A's Answer]

[The Start of Assistant B's Answer]
{{ answer_b }}
[The End of Assistant B's Answer]"""

MT_BENCH_PAIRWISE = JudgeFormat(
    name="mt-bench-pairwise",
    mode=PAIRWISE,
    system=(
        "You judge answers impartially. Read the user's question and the two assistants' answers "
        "below, and decide which answer serves the user better: consider whether it follows the "
        "instructions, is correct, relevant and helpful, and goes into the detail the question needs. "
        "The order in which the answers appear, their length and the assistants' names must not "
        "influence you. Write a short comparison first. Then give your verdict on its own last "
        'line, exactly "[[A]]" if assistant A is better or "[[B]]" if assistant B is better.'
    ),
    template=_PAIR_LAYOUT,
    parse=parse_ab,
    description="two answers, a short comparison, then [[A]] or [[B]] (no tie), in the style of MT-Bench",
)

RB2_RANKING = JudgeFormat(
    name="rb2-ranking",
    mode=RANKING,
    system=(
        "You judge answers impartially. Read the user's question and the four assistants' answers "
        "below, and pick the one answer that serves the user best: it follows the instructions, is "
        "correct, relevant, helpful and safe. Neither the order of the answers, nor their length, "
        "nor the assistants' names may influence you. Explain your choice briefly. Then give your "
        'verdict on its own last line: "[[A]]", "[[B]]", "[[C]]" or "[[D]]".'
    ),
    template="""[User Question]
{{ question }}
{% for answer in answers %}
[The Start of Assistant {{ "ABCD"[loop.index0] }}'s Answer]
{{ answer }}
[The End of Assistant {{ "ABCD"[loop.index0] }}'s Answer]
{% endfor %}""",
    parse=parse_abcd,
    description="four answers, pick the best: [[A]]..[[D]] (RewardBench 2 best-of-4)",
)

RATING_1_10 = JudgeFormat(
    name="rating-1-10",
    mode=RATING,
    system=(
        "You judge one answer impartially. Read the user's question and the assistant's answer "
        "below and rate how well the answer serves the user, from 1 (useless or wrong) to 10 "
        "(correct, complete and helpful). Explain your rating briefly, then give it on its own last "
        'line in exactly this form: "Rating: [[5]]".'
    ),
    template="""[User Question]
{{ question }}

[The Start of the Assistant's Answer]
{{ answer }}
[The End of the Assistant's Answer]""",
    parse=parse_rating,
    description="one answer rated 1-10 as [[N]] (RewardBench 2's Ties, rows of other sizes)",
)

# Prometheus 2 (relative grading) was trained on a fixed layout: the ### section headers, the rubric
# and the closing "[RESULT] A|B" are its interface, so they are kept; the instructions are ours.
PROMETHEUS_2_RELATIVE = JudgeFormat(
    name="prometheus-2-relative",
    mode=PAIRWISE,
    system="You are a fair judge assistant assigned to deliver insightful feedback that compares "
    "individual performances, highlighting how each stands relative to others within the same cohort.",
    template="""###Task Description:
You are given an instruction (it may contain an input), two responses to compare, and a score rubric with the evaluation criteria.
1. Write feedback that compares the two responses strictly against the score rubric, not in general.
2. After the feedback, choose the better of Response A and Response B, following the rubric.
3. Answer in this form: "(feedback on the criteria) [RESULT] (A or B)"
4. Write nothing else: no opening, closing or further explanation.

###Instruction:
{{ question }}

###Response A:
{{ answer_a }}

###Response B:
{{ answer_b }}

###Score Rubric:
Is the response helpful, correct and harmless for the user's instruction, following it closely?

###Feedback: """,
    parse=parse_prometheus,
    description="Prometheus 2 relative grading: feedback, then [RESULT] A or B",
)

# Skywork-Critic answers with the bare verdict; the question/answer layout is the MT-Bench one.
SKYWORK_CRITIC = JudgeFormat(
    name="skywork-critic",
    mode=PAIRWISE,
    template=(
        "Act as an impartial judge of the two AI assistants' answers to the user question shown "
        "below. Prefer the answer that follows the user's instructions and answers the question "
        "better; weigh helpfulness, accuracy, harmlessness and relevance, and ignore the order of "
        "the answers, their length and the assistants' names. Output only your final verdict, "
        'exactly "[[A]]" if assistant A is better or "[[B]]" if assistant B is better.\n\n' + _PAIR_LAYOUT
    ),
    parse=parse_ab,
    description="Skywork-Critic: the verdict alone, [[A]] or [[B]]",
)

ARENA_HARD = JudgeFormat(
    name="arena-hard",
    mode=PAIRWISE,
    system=(
        "You are an impartial judge of two AI assistants' answers to the user's question below. First "
        "work out your own answer to the question. Then compare both answers with yours: find and "
        "correct any mistakes, and judge which answer is more correct, helpful, relevant and concise. "
        "Ignore the order of the answers, their length and the assistants' names. End with exactly one "
        "verdict label: [[A>>B]] if A is much better, [[A>B]] if A is better, [[A=B]] for a tie, "
        "[[B>A]] if B is better, [[B>>A]] if B is much better."
    ),
    template=_PAIR_LAYOUT,
    parse=parse_arena_hard,
    description="Arena-Hard verdict labels [[A>>B]] ... [[B>>A]] with ties; asked again once when no label comes",
    follow_up="Finish with your final verdict as exactly one label: [[A>>B]], [[A>B]], [[A=B]], [[B>A]] or [[B>>A]].",
    has_label=has_arena_label,
)

FORMATS: dict[str, JudgeFormat] = {
    f.name: f
    for f in (MT_BENCH_PAIRWISE, RB2_RANKING, RATING_1_10, PROMETHEUS_2_RELATIVE, SKYWORK_CRITIC, ARENA_HARD)
}
# The format used for rows a named pairwise format does not fit, by mode.
DEFAULTS = {"pairwise": MT_BENCH_PAIRWISE, "ranking": RB2_RANKING, "rating": RATING_1_10}
