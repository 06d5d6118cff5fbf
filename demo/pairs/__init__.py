"""Hand-written pair templates for every RewardBench subset: subset -> its templates.

One module per section; a subset is one line in its module's TEMPLATES. The order below is the
order of the sections, so generated files list subsets as the leaderboard does.
"""

from __future__ import annotations

from . import arithmetic, chat, chat_hard, prior_sets, programs, safety
from .base import Pair, PairTemplate, iter_pairs

SUBSET_TEMPLATES: dict[str, tuple[PairTemplate, ...]] = {
    **chat.TEMPLATES,
    **chat_hard.TEMPLATES,
    **safety.TEMPLATES,
    **arithmetic.TEMPLATES,
    **programs.TEMPLATES,
    **prior_sets.TEMPLATES,
}

__all__ = ["Pair", "PairTemplate", "SUBSET_TEMPLATES", "iter_pairs"]
