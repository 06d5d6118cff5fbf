"""Results with per-example scores and texts, written to a store as the worker writes them."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Optional, Sequence

from results.schema import ExampleScore, ExampleText, Judgement
from results.store import Store, texts_bytes
from tests.leaderboard_fixtures import FINISHED, make_result, subset_levels

XSS_PROMPT = (
    'Explain <img src=x onerror="window.__xss=1"> and <script>window.__xss=2</script> please; '
    "[click](javascript:window.__xss=3) **bold**"
)
CODE_ANSWER = "Here is code:\n\n```python\nif a < b:\n    print('<b>not bold</b>')\n```\n\nDone <i>now</i>."


def text(subset: str, example_id, prompt: str, chosen: Sequence[str], rejected: Sequence[str]) -> ExampleText:
    return ExampleText(
        id=example_id, subset=subset, prompt=[("user", prompt)], chosen=list(chosen), rejected=list(rejected)
    )


def fingerprint_of(texts: Sequence[ExampleText]) -> str:
    return hashlib.sha256(texts_bytes(texts)).hexdigest()


def scored(
    texts: Sequence[ExampleText],
    rewards: Sequence[tuple[Sequence[float], Sequence[float]]],
    judgements: Optional[dict[int, list[Judgement]]] = None,
) -> list[ExampleScore]:
    """Scores of a model that gave row i the rewards (chosen, rejected) of `rewards[i]`, credited by
    the strict rule (all chosen above all rejected)."""
    return [
        ExampleScore(
            id=t.id,
            subset=t.subset,
            scores_chosen=list(c),
            scores_rejected=list(r),
            correct=1.0 if min(c) > max(r) else 0.0,
            judgements=(judgements or {}).get(i),
        )
        for i, (t, (c, r)) in enumerate(zip(texts, rewards, strict=True))
    ]


def store_result(
    store: Store,
    model: str,
    texts: Sequence[ExampleText],
    scores: Sequence[ExampleScore],
    *,
    with_texts: bool = True,
    level: float = 0.7,
    minutes: int = 0,
    model_type: str = "classifier",
    fingerprint: Optional[str] = None,
):
    """Write a complete-looking RewardBench result of `model` with these per-example scores (and the
    texts, unless `with_texts` is False: an older result). Returns the EvalResult."""
    result = make_result(
        model, subset_levels(level), finished=FINISHED + timedelta(minutes=minutes), model_type=model_type
    )
    benchmark = result.benchmark.model_copy(
        update={"data_fingerprint": fingerprint or fingerprint_of(texts), "num_examples": len(texts)}
    )
    mean = sum(s.correct for s in scores) / len(scores)
    result = result.model_copy(update={"benchmark": benchmark, "score": mean})
    store.write_result(result, list(scores), texts=texts if with_texts else ())
    return result
