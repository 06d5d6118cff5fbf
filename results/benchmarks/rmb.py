"""RMB: does the reward model pick the better answer across 49 real-world scenarios, for helpfulness
and for harmlessness, in pairs and in best-of-N lists? Multi-turn conversations; scored by part,
pooled over scenarios (scenarios.py).

The authors' layout: `RMB_dataset/{Pairwise_set,BoN_set}/{Helpfulness/<category>/<scenario>,
Harmlessness/<scenario>}.json`, each file a JSON array of rows. A pair row has `pair_uid`,
`conversation_input` (turns of `role`, `content`, `language`), `chosen` and `reject` (each
`llm_name`, `answer`) and `category_path` (`Pairwise_set/Helpfulness/Chat/Discussion`); a best-of-N
row has `bon_uid`, `conversation_input`, `bon_best` and `loser_list` instead. Both become a
RewardBench row: the conversation is the prompt, the answers are its next assistant turn; a list's
best answer is its one chosen answer and the losers its rejected ones, so the strict pairwise rule
(every chosen above every rejected) is the all-or-nothing list rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .scenarios import ScenarioMetrics, ScenarioPart
from .spec import BenchmarkSpec, DataSource, RowMapping

PAIRWISE, BEST_OF_N = "Pairwise", "BoN"
HELPFULNESS, HARMLESSNESS = "Helpfulness", "Harmlessness"
# The folder of each part in the authors' layout -> the part's name in subset names.
PART_FOLDERS: dict[str, str] = {"Pairwise_set": PAIRWISE, "BoN_set": BEST_OF_N}
ROLES = ("system", "user", "assistant")

# The authors' helpfulness scenarios as `<category>/<scenario>`, in their order; the pairwise set
# lacks two that the best-of-N set has.
_HELPFUL_BOTH = (
    "Brainstorming/Problem Solving", "Chat/Casual Conversation", "Chat/Discussion", "Chat/Supportive Conversation",
    "Classification/Content Categorization", "Classification/Quality and Compliance Assessment",
    "Closed QA/ContextBased", "Closed QA/OptionBased", "Code/Data Management",
    "Code/Development and Implementation", "Code/Documentation", "Code/Quality and Optimization",
    "Generation/Professional Content Generation", "Open QA/Factual", "Open QA/General Explanation",
    "Open QA/Hypothetical Scenarios", "Open QA/Interpretative Analysis", "Open QA/Personal Opinion and Advice",
    "Open QA/Technical and Practical Support", "Reasoning/Analytical Reasoning", "Reasoning/Critical Thinking",
    "Reasoning/Human Decision Making", "Reasoning/Logical Deduction", "Reasoning/Pattern Recognition",
    "Rewrite/Paraphrasing", "Rewrite/PostQuality Assessment Rewriting", "Rewrite/Textual ExpansionReduction",
    "Rewrite/Tone Adjustment", "Role Playing/General Character", "Role Playing/Specific Character",
    "Summarization/Specialized Summaries", "Summarization/Standard Summaries",
    "Translation/GeneralExcerpt Language Translation", "Translation/Literary and Cultural Translation",
    "Translation/Technical and Scientific Translation",
)  # fmt: skip
HELPFUL_SCENARIOS: dict[str, tuple[str, ...]] = {
    PAIRWISE: _HELPFUL_BOTH,
    BEST_OF_N: tuple(sorted((*_HELPFUL_BOTH, "Brainstorming/Idea Development", "Generation/Creative Writing"))),
}
# Harmlessness scenarios are numbered (S1...) plus `multi`, the multi-turn conversations.
HARMLESS_SCENARIOS: dict[str, tuple[str, ...]] = {
    PAIRWISE: (*(f"S{n}" for n in range(1, 11)), "multi"),
    BEST_OF_N: (*(f"S{n}" for n in range(1, 12)), "multi"),
}
WHAT_ONE_IS = {
    PAIRWISE: "a conversation with a chosen and a rejected next answer; right when the chosen one scores strictly higher.",
    BEST_OF_N: "a conversation with a best answer and 2 to 6 losers; right only when the best one scores "
    "strictly above every loser (one loser at or above it and the whole list is wrong).",
}


def _part(part: str, goal: str, scenarios: tuple[str, ...]) -> ScenarioPart:
    return ScenarioPart(f"{part} {goal}", f"{part}/{goal}/", scenarios, f"{goal}; each example is {WHAT_ONE_IS[part]}")


PARTS: tuple[ScenarioPart, ...] = tuple(
    _part(part, goal, scenarios[part])
    for part in (PAIRWISE, BEST_OF_N)
    for goal, scenarios in ((HELPFULNESS, HELPFUL_SCENARIOS), (HARMLESSNESS, HARMLESS_SCENARIOS))
)


def subset_of_path(path: str) -> str:
    """`.../Pairwise_set/Helpfulness/Chat/Discussion` -> `Pairwise/Helpfulness/Chat/Discussion`: the
    part of the path from the last part folder on (a `category_path`, or the path of a file)."""
    names = [n for n in path.replace("\\", "/").split("/") if n]
    at = max((i for i, n in enumerate(names) if n in PART_FOLDERS), default=None)
    if at is None or len(names) < at + 3:
        raise ValueError(f"path {path!r} is not <{' or '.join(PART_FOLDERS)}>/<goal>/[<category>/]<scenario>")
    goal = names[at + 1]
    if goal not in (HELPFULNESS, HARMLESSNESS):
        raise ValueError(f"path {path!r} names goal {goal!r}, not {HELPFULNESS} or {HARMLESSNESS}")
    return "/".join([PART_FOLDERS[names[at]], *names[at + 1 :]])


def _answer(value: Any, column: str) -> str:
    """The text of one answer (`{llm_name, answer}`)."""
    text = value.get("answer") if isinstance(value, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{column!r} has no answer text")
    return text


def _conversation(turns: Any) -> list[dict[str, str]]:
    """Every turn of the conversation, ending with the user's: the answers are the next assistant turn."""
    if not isinstance(turns, list) or not turns:
        raise ValueError("'conversation_input' is empty: it must hold the conversation's turns")
    messages = []
    for n, turn in enumerate(turns, start=1):
        role = turn.get("role") if isinstance(turn, dict) else None
        if role not in ROLES:
            raise ValueError(f"turn {n} of 'conversation_input' has role {role!r}, not one of {', '.join(ROLES)}")
        if not isinstance(turn.get("content"), str) or not turn["content"].strip():
            raise ValueError(f"turn {n} of 'conversation_input' has no content")
        messages.append({"role": role, "content": turn["content"]})
    if messages[-1]["role"] != "user":
        raise ValueError("'conversation_input' must end with a user turn (the answers are the assistant's reply)")
    return messages


@dataclass(frozen=True)
class ScenarioRows(RowMapping):
    """RMB rows (pairs or best-of-N lists); the scenario is the row's `category_path`, else its file's
    path, and where both are given they must agree."""

    required: tuple[str, ...] = ("conversation_input",)
    paths_from_files: bool = True

    def row_id(self, row: dict[str, Any]) -> Any:
        return row.get("pair_uid", row.get("bon_uid"))

    def normalise(self, row: dict[str, Any], config: Optional[str] = None) -> dict[str, Any]:
        subset = self._subset(row, config)
        part = subset.split("/", 1)[0]
        if part == PAIRWISE:
            uid, chosen, rejected = "pair_uid", [_answer(row.get("chosen"), "chosen")], [_answer(row.get("reject"), "reject")]
        else:
            losers = row.get("loser_list")
            if not isinstance(losers, list) or not losers:
                raise ValueError("'loser_list' holds no losers: a best-of-N list needs at least one")
            uid = "bon_uid"
            chosen = [_answer(row.get("bon_best"), "bon_best")]
            rejected = [_answer(loser, f"loser_list[{i}]") for i, loser in enumerate(losers)]
        if row.get(uid) in (None, ""):
            raise KeyError(uid)
        return {
            "id": row[uid],
            "subset": subset,
            "prompt": _conversation(row["conversation_input"]),
            "chosen": chosen,
            "rejected": rejected,
        }

    @staticmethod
    def _subset(row: dict[str, Any], path: Optional[str]) -> str:
        stated = row.get("category_path")
        if not stated and not path:
            raise KeyError("category_path")
        subset = subset_of_path(stated or path)
        if stated and path and subset_of_path(path) != subset:
            raise ValueError(f"'category_path' {stated!r} is not the file it is in ({subset_of_path(path)})")
        return subset


ABOUT = (
    "RMB tests reward models on 49 real-world scenarios, for **helpfulness** (brainstorming, chat, code, "
    "open and closed QA, reasoning, rewriting, role play, summaries, translation, ...) and for "
    "**harmlessness** (numbered harm scenarios and multi-turn ones). Each test is a conversation of 1, 3 "
    "or 5 turns; the whole conversation goes through the model's chat template as the prompt, and the "
    "answers are its next assistant turn. A **pair** is right when the chosen answer scores strictly "
    "higher than the rejected one (a tie is wrong); a **best-of-N list** is right only when its best answer "
    "scores strictly above every loser. Generative judges see each pair in both orders; a list of as many "
    "answers as the ranking format shows (4) is one ranking prompt, and any other list is judged pair by "
    "pair, every (best, loser) pair in both orders, and is right only when the best answer wins every pair."
)

RMB = BenchmarkSpec(
    name="rmb",
    version="1",
    title="RMB",
    about=ABOUT,
    # The authors publish the data in their GitHub repository (RMB_dataset/); the worker reads a Hub
    # dataset that holds those files in that layout. This id could not be checked from here.
    core_source=DataSource("Zhou-Zoey/RMB-Reward-Model-Benchmark"),
    metrics=ScenarioMetrics(PARTS),
    rows=ScenarioRows(),
    judge_lists_by_pairs=True,
    bootstrap_unit="example, within its scenario",
)
