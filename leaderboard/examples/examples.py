"""One result's per-example scores (and the rows' texts, when the store has them) as tables (pure).

`examples_frame` joins the scores file's lines with the texts by (subset, id) (RewardBench v1 ids
repeat across subsets) into one row per example: its rewards, margin, credit and text previews.
A row with several rejected answers (RewardBench 2's best-of-4) shows the best-scored rejected one,
and its margin is the chosen reward minus that best rejected reward; with several chosen answers
(Ties) the lowest-scored chosen one is shown, text and reward, so a margin above 0 always means
every chosen answer scored above every rejected one. An example is *right* when it earned full credit (1), *wrong*
otherwise (a 1/k tie at the top is wrong here, although it earns 1/k of the score).

The page shows texts through `safe_markdown` (`example_markdown.py`): Markdown with every HTML tag
shown as text, and code (fenced or not) as code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from results.benchmarks import BenchmarkSpec
from results.schema import ExampleScore, ExampleText

from ..tables.display import escape_markdown
from .lengths import (
    LengthRow,
    Preference,
    relative_difference,
    response_length,
    row_preference,
    total_preference,
)
from .example_markdown import code_block, safe_markdown
from .stats import PairedTest, paired_bootstrap

KEY = "key"
SUBSET = "Subset"
ID = "ID"
PROMPT = "Prompt"
CHOSEN = "Chosen"
REJECTED = "Rejected"
REWARD_CHOSEN = "Reward chosen"
REWARD_REJECTED = "Reward rejected"
MARGIN = "Margin"
CREDIT = "Credit"
RIGHT = "Right"
LENGTH_DIFFERENCE = "Length difference"
SEARCH_TEXT = "search_text"
FRAME_COLUMNS = (
    KEY,
    SUBSET,
    ID,
    PROMPT,
    CHOSEN,
    REJECTED,
    REWARD_CHOSEN,
    REWARD_REJECTED,
    MARGIN,
    CREDIT,
    RIGHT,
    LENGTH_DIFFERENCE,
    SEARCH_TEXT,
)
SHOWN_COLUMNS = (SUBSET, ID, PROMPT, CHOSEN, REJECTED, REWARD_CHOSEN, REWARD_REJECTED, MARGIN, "Correct")
PREVIEW_CHARS = 90
MAX_SHOWN = 1000
NO_TEXTS = "(texts not available)"
WITHHELD = "(texts withheld: the data asks that they not be published)"

ALL = "all"
WRONG = "wrong"
OUTCOMES = (ALL, WRONG, "right")
ORDERS = ("margin, lowest first", "margin, highest first", "file order")


def example_key(subset: str, example_id: object) -> str:
    return f"{subset}\x1f{example_id}"


def preview(text: str, chars: int = PREVIEW_CHARS) -> str:
    """One line of at most `chars` characters (whitespace runs become one space)."""
    flat = " ".join(text[: chars * 4].split())  # only the start is shown: a long text is not split whole
    return flat if len(flat) <= chars else flat[: chars - 1] + "…"


def prompt_text(text: ExampleText) -> str:
    """The prompt as one string: a single user turn as it is, a conversation as 'role: content' lines."""
    if len(text.prompt) == 1:
        return text.prompt[0][1]
    return "\n\n".join(f"{role}: {content}" for role, content in text.prompt)


def _shown_answers(score: ExampleScore, text: ExampleText) -> tuple[str, str]:
    """The chosen and rejected answers whose rewards a row shows (the lowest-scored chosen one, the
    best-scored rejected one): a preview sits beside its own answer's reward, never another's. A
    side with no answer (a best-of-K prompt whose samples are all correct or all wrong) shows none."""
    chosen = text.chosen[min(int(np.argmin(score.scores_chosen)), len(text.chosen) - 1)] if text.chosen else ""
    rejected = text.rejected[min(int(np.argmax(score.scores_rejected)), len(text.rejected) - 1)] if text.rejected else ""
    return chosen, rejected


def shown_rewards(score: ExampleScore) -> tuple[float, float]:
    """The lowest chosen and the highest rejected reward (NaN for a side with none)."""
    chosen = min(score.scores_chosen) if score.scores_chosen else float("nan")
    rejected = max(score.scores_rejected) if score.scores_rejected else float("nan")
    return chosen, rejected


def margin_of(score: ExampleScore) -> float:
    """Lowest chosen minus highest rejected reward: above 0 when every chosen one scored above every rejected one."""
    chosen, rejected = shown_rewards(score)
    return chosen - rejected


@dataclass(frozen=True)
class ExampleSet:
    """One result's examples: the table, and what a row's detail view needs."""

    frame: pd.DataFrame
    scores: dict[str, ExampleScore]
    texts: dict[str, ExampleText] = field(default_factory=dict)
    # Examples whose texts their data withholds (shown by id and rewards only).
    withheld: frozenset[str] = frozenset()

    @property
    def has_texts(self) -> bool:
        return bool(self.texts)

    def length_rows(self) -> list[LengthRow]:
        return [length_row(self.scores[k], self.texts[k]) for k in self.frame[KEY] if k in self.texts]

    def preference(self) -> Preference:
        """How often the longer response won, over every example with texts."""
        return total_preference(
            [
                row_preference(s.scores_chosen, s.scores_rejected, *_lengths(self.texts[k]))
                for k, s in self.scores.items()
                if k in self.texts
            ]
        )


def _lengths(text: ExampleText) -> tuple[list[int], list[int]]:
    return [response_length(c) for c in text.chosen], [response_length(r) for r in text.rejected]


def length_row(score: ExampleScore, text: ExampleText) -> LengthRow:
    chosen, rejected = _lengths(text)
    return LengthRow(score.subset, tuple(chosen), tuple(rejected))


def _row(score: ExampleScore, text: Optional[ExampleText], withheld: bool = False) -> dict:
    reward_chosen, reward_rejected = shown_rewards(score)
    row = {
        KEY: example_key(score.subset, score.id),
        SUBSET: score.subset,
        ID: str(score.id),
        REWARD_CHOSEN: reward_chosen,
        REWARD_REJECTED: reward_rejected,
        MARGIN: reward_chosen - reward_rejected,
        CREDIT: score.correct,
        RIGHT: score.correct >= 1.0,
    }
    if text is None:
        note = WITHHELD if withheld else NO_TEXTS
        return {**row, PROMPT: note, CHOSEN: "", REJECTED: "", LENGTH_DIFFERENCE: np.nan, SEARCH_TEXT: ""}
    prompt = prompt_text(text)
    chosen, rejected = _shown_answers(score, text)
    everything = " ".join([prompt, *text.chosen, *text.rejected])
    return {
        **row,
        PROMPT: preview(prompt),
        CHOSEN: preview(chosen),
        REJECTED: preview(rejected),
        LENGTH_DIFFERENCE: relative_difference(*_lengths(text)) if text.chosen and text.rejected else np.nan,
        SEARCH_TEXT: everything.lower(),
    }


def examples_frame(
    scores: Sequence[ExampleScore], texts: Optional[Sequence[ExampleText]] = None
) -> ExampleSet:
    """The examples of one result, in the scores file's order; texts joined by (subset, id). A row
    whose texts are withheld (`ExampleText.withheld`) is shown by id and rewards only."""
    withheld = frozenset(example_key(t.subset, t.id) for t in texts or () if t.withheld)
    by_key = {example_key(t.subset, t.id): t for t in texts or () if not t.withheld}
    keyed = {example_key(s.subset, s.id): s for s in scores}
    rows = [_row(s, by_key.get(k), k in withheld) for k, s in keyed.items()]
    columns = {name: [row[name] for row in rows] for name in FRAME_COLUMNS}
    # The search text stays a column of Python strings: converting megabytes of it to pandas' Arrow
    # strings costs more than every search on it together.
    search = pd.Series(columns.pop(SEARCH_TEXT), dtype=object)
    frame = pd.DataFrame(columns, columns=[c for c in FRAME_COLUMNS if c != SEARCH_TEXT]).assign(
        **{SEARCH_TEXT: search}
    )
    frame[RIGHT] = frame[RIGHT].astype(bool)
    for column in (REWARD_CHOSEN, REWARD_REJECTED, MARGIN, CREDIT, LENGTH_DIFFERENCE):
        frame[column] = frame[column].astype("float64")
    kept = {k: t for k, t in by_key.items() if k in keyed}
    return ExampleSet(frame, keyed, kept, withheld & frozenset(keyed))


# ---- what the reader picks -------------------------------------------------------------------------


def select_examples(
    frame: pd.DataFrame,
    subset: Optional[str] = None,
    outcome: str = ALL,
    query: str = "",
    order: str = ORDERS[0],
) -> pd.DataFrame:
    """The examples of `subset` (None or ALL: every one) that are right/wrong as asked, whose texts
    (or id) contain every word of `query` (case-insensitive), in the order asked."""
    if frame.empty:  # a result without per-example scores: its empty columns hold no strings to search
        return frame
    mask = pd.Series(True, index=frame.index)
    if subset and subset != ALL:
        mask &= frame[SUBSET] == subset
    if outcome != ALL:
        mask &= frame[RIGHT] == (outcome != WRONG)
    for word in query.lower().split():
        mask &= frame[SEARCH_TEXT].str.contains(word, regex=False) | frame[ID].str.lower().eq(word)
    chosen = frame[mask]
    if order == ORDERS[2]:
        return chosen
    return chosen.sort_values(MARGIN, ascending=order == ORDERS[0], kind="mergesort")


def shown_examples(selected: pd.DataFrame, limit: int = MAX_SHOWN) -> pd.DataFrame:
    """The table the page shows: previews, rewards to 3 decimals, and ✓/✗ (the credit when partial)."""
    head = selected.head(limit)
    correct = [("✓" if c >= 1 else "✗" if c <= 0 else f"{c:.2f}") for c in head[CREDIT]]
    shown = head[[SUBSET, ID, PROMPT, CHOSEN, REJECTED, REWARD_CHOSEN, REWARD_REJECTED, MARGIN]].round(3)
    return shown.assign(Correct=correct).reset_index(drop=True)


def subsets_of(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame[SUBSET]))


# ---- two models on the same rows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    n: int
    agreement: float  # share of examples both got right or both got wrong
    both_right: int
    both_wrong: int
    only_a: int  # right for A, wrong for B
    only_b: int
    test: Optional[PairedTest]
    disagreements: pd.DataFrame  # the examples where one is right and the other wrong


def compare(a: pd.DataFrame, b: pd.DataFrame, subset: Optional[str] = None) -> Comparison:
    """A against B on the examples both scored (joined by key), within `subset` (None: all)."""
    if subset and subset != ALL:
        a, b = a[a[SUBSET] == subset], b[b[SUBSET] == subset]
    joined = a.merge(b[[KEY, MARGIN, CREDIT, RIGHT]], on=KEY, suffixes=("", " B"))
    right_a, right_b = joined[RIGHT], joined[f"{RIGHT} B"]
    n = len(joined)
    test = paired_bootstrap(joined[CREDIT], joined[f"{CREDIT} B"]) if n else None
    return Comparison(
        n=n,
        agreement=float((right_a == right_b).mean()) if n else float("nan"),
        both_right=int((right_a & right_b).sum()),
        both_wrong=int((~right_a & ~right_b).sum()),
        only_a=int((right_a & ~right_b).sum()),
        only_b=int((~right_a & right_b).sum()),
        test=test,
        disagreements=joined[right_a != right_b].reset_index(drop=True),
    )


DISAGREEMENT_COLUMNS = (SUBSET, ID, PROMPT, "Right", "Margin A", "Margin B")


def shown_disagreements(comparison: Optional[Comparison] = None, limit: int = MAX_SHOWN) -> pd.DataFrame:
    """The examples where one model is right and the other wrong; none (named columns, no rows, never
    Gradio's placeholder headers) before a second model is picked."""
    if comparison is None:
        return pd.DataFrame(columns=list(DISAGREEMENT_COLUMNS))
    rows = comparison.disagreements.head(limit)
    values = (
        rows[SUBSET], rows[ID], rows[PROMPT], ["A" if r else "B" for r in rows[RIGHT]],
        rows[MARGIN].round(3), rows[f"{MARGIN} B"].round(3),
    )
    return pd.DataFrame(dict(zip(DISAGREEMENT_COLUMNS, values)))


def comparison_note(
    comparison: Comparison, name_a: str, name_b: str, scores: Optional[tuple[float, float]] = None
) -> str:
    """The paragraph above the disagreements: agreement, the four counts and the paired test. The
    test's difference is the mean per-example credit on the shared examples, which is not the
    difference of the leaderboard scores (those weight subsets and sections): `scores`, the two
    leaderboard scores (fractions), are shown beside it so the reader sees both."""
    if not comparison.n:
        return "The two results share no examples."
    a, b, test = escape_markdown(name_a), escape_markdown(name_b), comparison.test
    verdict = (
        f"**{a if test.difference > 0 else b} is significantly better** here"
        if test.significant
        else "**no significant difference** here"
    )
    board = (
        f" Leaderboard scores: A {scores[0] * 100:.1f}, B {scores[1] * 100:.1f} (difference "
        f"{(scores[0] - scores[1]) * 100:+.1f}; they weight subsets and sections, the mean credit does not)."
        if scores is not None
        else ""
    )
    return (
        f"On {comparison.n} shared examples they agree on {comparison.agreement:.1%} "
        f"(both right {comparison.both_right}, both wrong {comparison.both_wrong}; only A right "
        f"{comparison.only_a}, only B right {comparison.only_b}). Mean per-example credit difference A − B: "
        f"{test.difference * 100:+.1f} points, 95% interval {test.low * 100:+.1f} to {test.high * 100:+.1f} "
        f"(paired bootstrap, {test.resamples} resamples of the shared examples): {verdict}.{board}"
    )


# ---- one example, in full ------------------------------------------------------------------------------

def _score_text(value: float) -> str:
    return f"{value:.4g}"


def _judgement_lines(score: ExampleScore) -> list[str]:
    lines = ["#### Judge answers"]
    for i, judgement in enumerate(score.judgements or [], start=1):
        verdict = escape_markdown(judgement.verdict) if judgement.verdict is not None else "*unparsable*"
        shown = ", ".join(escape_markdown(s) for s in judgement.shown)
        lines += [
            f"**{i}.** format {escape_markdown(judgement.format)}; shown: {shown}; verdict: **{verdict}**",
            code_block(judgement.output),
        ]
    return lines


def _critique_lines(score: ExampleScore) -> list[str]:
    lines = ["#### Critiques"]
    for critique in score.critiques or []:
        lines += [
            f"**{escape_markdown(critique.completion)}**, critique {critique.sample + 1}: reward "
            f"{_score_text(critique.reward)}",
            code_block(critique.text),
        ]
    return lines


def _matrix_lines(score: ExampleScore, spec: Optional[BenchmarkSpec]) -> list[str]:
    """The example's own matrix where its benchmark has one (RM-Bench: which chosen style beat which
    rejected style), computed by the benchmark's own scorer from this one example, as a table."""
    if spec is None or not spec.has_matrix:
        return []
    parts = spec.scorer_for(score.subset).value([score]).parts or {}
    matrix = spec.metrics.matrix({score.subset: parts})
    if matrix is None:
        return []
    lines = [
        "| | " + " | ".join(escape_markdown(c) for c in matrix.columns) + " |",
        "|---|" + "---|" * len(matrix.columns),
    ]
    for name, values in zip(matrix.rows, matrix.values):
        cells = " | ".join("won" if v >= 1 else "lost" if v <= 0 else f"{v:.2f}" for v in values)
        lines.append(f"| {escape_markdown(name)} | {cells} |")
    return ["#### Which chosen answer scored above which rejected one", "\n".join(lines)]


def detail_markdown(
    examples: ExampleSet,
    key: str,
    other: Optional[tuple[str, ExampleSet]] = None,
    spec: Optional[BenchmarkSpec] = None,
) -> str:
    """One example in full: its outcome and rewards, its own matrix where the benchmark (`spec`) has
    one, the prompt and every response (Markdown, HTML shown as text), the judge's answers or the
    critiques when the model type stores them, and the other model's rewards when two are compared."""
    score = examples.scores.get(key)
    if score is None:
        return "Pick an example in the table to read it here."
    text = examples.texts.get(key)
    credit = (
        "right"
        if score.correct >= 1
        else "wrong"
        if score.correct <= 0
        else f"partly right ({score.correct:.2f})"
    )
    lines = [
        f"### {escape_markdown(score.subset)} · id {escape_markdown(str(score.id))}: {credit}",
        f"Margin {_score_text(margin_of(score))}.",
    ]
    if other is not None and key in other[1].scores:
        theirs = other[1].scores[key]
        lines.append(
            f"{escape_markdown(other[0])}: {'right' if theirs.correct >= 1 else 'wrong'}, margin "
            f"{_score_text(margin_of(theirs))}."
        )
    lines += _matrix_lines(score, spec)
    if key in examples.withheld:
        lines += ["*The texts of this example are withheld: its data asks that they not be published.*", _rewards_only(score)]
    elif text is None:
        lines.append(
            "*The texts of this example are not available (the store has none for this result's data).*"
        )
        lines.append(_rewards_only(score))
    else:
        lines += _text_lines(score, text)
    if score.judgements:
        lines += _judgement_lines(score)
    if score.critiques:
        lines += _critique_lines(score)
    return "\n\n".join(lines)


def _rewards_only(score: ExampleScore) -> str:
    chosen = ", ".join(_score_text(s) for s in score.scores_chosen)
    rejected = ", ".join(_score_text(s) for s in score.scores_rejected)
    return f"Rewards: chosen {chosen}; rejected {rejected}."


def _text_lines(score: ExampleScore, text: ExampleText) -> list[str]:
    lines = ["#### Prompt"]
    for role, content in text.prompt:
        lines += [f"**{escape_markdown(role)}:**", safe_markdown(content)]
    for label, responses, rewards in (
        ("Chosen", text.chosen, score.scores_chosen),
        ("Rejected", text.rejected, score.scores_rejected),
    ):
        for i, response in enumerate(responses):
            reward = _score_text(rewards[i]) if i < len(rewards) else "–"
            number = f" {i + 1}" if len(responses) > 1 else ""
            lines += [
                f"#### {label}{number} (reward {reward}, {response_length(response)} characters)",
                safe_markdown(response),
            ]
    return lines
