"""PPE human preference: does the reward model agree with people's votes on Chatbot Arena battles?
Accuracy over decided battles, by language (subsets) and category (columns), and how well a
Bradley-Terry ranking of the battling models from its verdicts matches the one from the votes (arena.py).

Columns of `lmarena-ai/PPE-Human-Preference-V1` (split `test`, 16,038 rows), as its dataset card lists
them: `question_id`, `model_a`, `model_b`, `winner`, `prompt`, `response_1`, `response_2`, `language`,
the boolean tags `is_code`, `hard_prompt`, `easy_prompt`, `if_prompt`, `math_prompt` (and others not
used here: `is_refusal`, `category_tag`, `conv_metadata`, `sim`, lengths). Not confirmed from here
(the Hub cannot be reached): the winner values (Chatbot Arena's are `model_a`, `model_b`, `tie`,
`tie (bothbad)`; any other is refused), that `response_1` is `model_a`'s answer, that `question_id` is
unique, and how `language` spells languages (Arena's English names are assumed; others pool into
`Other`, and a complete result needs every named one, so a different spelling shows as incomplete).
"""

from __future__ import annotations

from .arena import ArenaMetrics, BattleScorer
from .battles import BattleRows
from .spec import BenchmarkSpec, DataSource

LANGUAGES: tuple[str, ...] = (
    "English", "Chinese", "Russian", "German", "Japanese", "Korean", "French", "Spanish", "Portuguese", "Italian",
)  # fmt: skip
OTHER_LANGUAGES = "Other"
# Tag column -> the column it fills.
CATEGORIES: dict[str, str] = {
    "hard_prompt": "Hard prompts",
    "easy_prompt": "Easy prompts",
    "if_prompt": "Instruction following",
    "math_prompt": "Math prompts",
    "is_code": "Coding",
}

ABOUT = (
    "Each PPE human preference test is a Chatbot Arena battle: a real user's prompt, the answers of two "
    "models, and the user's vote for one of them (or a tie). The reward model scores both answers and gets "
    "the battle **right when the answer it scores strictly higher is the one the person voted for**; battles "
    "voted a tie are not counted in accuracy (their number is shown), but count as half a win each in the "
    "Bradley-Terry ranking of the human votes. The data's `response_1` is taken as `model_a`'s answer and "
    "`response_2` as `model_b`'s."
)

_SCORER = BattleScorer()

PPE_PREFERENCE = BenchmarkSpec(
    name="ppe-preference",
    version="1",
    title="PPE Human Preference",
    about=ABOUT,
    core_source=DataSource("lmarena-ai/PPE-Human-Preference-V1", split="test"),
    metrics=ArenaMetrics(LANGUAGES, OTHER_LANGUAGES, CATEGORIES),
    rows=BattleRows(languages=LANGUAGES, other_languages=OTHER_LANGUAGES, tags=tuple(CATEGORIES)),
    default_scorer=_SCORER,
    bootstrap_unit=(
        "battle, within its language; each replicate refits both Bradley-Terry rankings on the resampled "
        "battles, so the correlations' intervals carry the uncertainty of both fits"
    ),
)
