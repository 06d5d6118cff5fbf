"""The model-type table says what each type can do, and code asks it instead of naming types.

A capability set wrong here would run a judge as a scorer, size a judge's batches as a single
forward, or drop a reference model: each test below fails on one such mistake. The last tests
read the source: a comparison of a type name outside the table would bring back the lists of
names that a new model type has to be added to by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from results.model_types import MODEL_TYPES, Judgement, ModelType
from tests.conftest import REPO_ROOT

# key: (judgement, needs_reference, generates_text, reward_from_log_probs)
EXPECTED = {
    "classifier": (Judgement.REWARD, False, False, False),
    "dpo": (Judgement.REWARD, True, False, True),
    "dpo-ref-free": (Judgement.REWARD, False, False, True),
    "generative": (Judgement.VERDICT, False, True, False),
    "cloud": (Judgement.REWARD, False, True, False),
}


def test_every_type_has_the_capabilities_of_its_kind():
    assert {
        key: (t.judgement, t.needs_reference, t.generates_text, t.reward_from_log_probs)
        for key, t in MODEL_TYPES.items()
    } == EXPECTED


def test_derived_capabilities_follow_the_judgement():
    assert [k for k, t in MODEL_TYPES.items() if t.judges_together] == ["generative"]
    assert [k for k, t in MODEL_TYPES.items() if t.writes_critiques] == ["cloud"]
    assert all(t.scores_alone != t.judges_together for t in MODEL_TYPES.values())


def test_capabilities_agree_with_the_adapters():
    """Scorers of single responses run the per-response pipeline, log-prob types the log-prob one."""
    from evaluator.adapters import get_adapter
    from evaluator.adapters.base import PerResponseAdapter
    from evaluator.adapters.dpo import DPOAdapter, LogProbAdapter

    for key, kind in MODEL_TYPES.items():
        adapter = get_adapter(key)
        assert issubclass(adapter, PerResponseAdapter) == (kind.scores_alone and not kind.generates_text), key
        assert issubclass(adapter, LogProbAdapter) == kind.reward_from_log_probs, key
        assert issubclass(adapter, DPOAdapter) == kind.needs_reference, key


def test_options_follow_capabilities():
    from evaluator.critique_options import CloudSettings
    from evaluator.judge_options import JudgeSettings
    from evaluator.run_config import RunConfig

    for key, kind in MODEL_TYPES.items():
        config = RunConfig(model="m", model_type=key, ref_model="r" if kind.needs_reference else None)
        assert (config.judge is not None) == kind.judges_together, key
        assert (config.cloud is not None) == kind.writes_critiques, key
    with pytest.raises(ValueError, match="judge options apply to --model-type generative, not 'cloud'"):
        RunConfig(model="m", model_type="cloud", judge=JudgeSettings(orders=1))
    with pytest.raises(ValueError, match="critique options apply to --model-type cloud, not 'generative'"):
        RunConfig(model="m", model_type="generative", cloud=CloudSettings(num_critiques=0))
    with pytest.raises(ValueError, match="unknown model type 'oracle'"):
        RunConfig(model="m", model_type="oracle")


def test_only_single_forward_scorers_get_a_sized_budget():
    from evaluator.speed.token_budget import sized

    assert {key for key, t in MODEL_TYPES.items() if sized(t)} == {"classifier", "dpo", "dpo-ref-free"}


def test_policy_scoring_has_a_method_for_every_judgement():
    from evaluator.policy.scoring import _METHODS, _judged_in_pairs, _rewarded_one_by_one

    assert _METHODS == {Judgement.REWARD: _rewarded_one_by_one, Judgement.VERDICT: _judged_in_pairs}


# A type name in quotes, compared, tested for membership in a literal, listed beside another, keying
# a one-line dict, matched by a case, or kept in a module constant: the ways a name list creeps in.
_NAME = "[\"'](?:" + "|".join(re.escape(key) for key in MODEL_TYPES) + ")[\"']"
_COMPARISONS = re.compile(
    rf"(?:==|!=)\s*{_NAME}|{_NAME}\s*(?:==|!=)|\bin\s*[(\[{{]\s*{_NAME}|{_NAME}\s*,\s*{_NAME}"
    rf"|{{\s*{_NAME}\s*:|\bcase\s+{_NAME}|^[A-Z][A-Z0-9_]*\s*(?::[^=]+)?=\s*{_NAME}",
    re.MULTILINE,
)
TABLE = Path("results/model_types.py")


def type_name_comparisons(text: str) -> list[str]:
    return [m.group(0) for m in _COMPARISONS.finditer(text)]


@pytest.mark.parametrize(
    "line",
    [
        'if config.model_type == "generative":',
        "if 'cloud' != model_type:",
        'SIZED = frozenset({"classifier", "dpo", "dpo-ref-free"})',
        'if key in ("dpo", "x"):',
        '_METHODS = {"generative": judged_in_pairs}',
        'JUDGE_TYPE = "generative"  # a constant compared elsewhere',
        '    case "dpo":',
    ],
)
def test_the_source_check_sees_a_comparison(line):
    assert type_name_comparisons(line)


def test_no_code_outside_the_table_compares_type_names():
    sources = [REPO_ROOT / "app.py"]
    for package in ("evaluator", "leaderboard", "results"):
        sources += sorted((REPO_ROOT / package).rglob("*.py"))
    found = {
        str(path.relative_to(REPO_ROOT)): hits
        for path in sources
        if path.relative_to(REPO_ROOT) != TABLE and (hits := type_name_comparisons(path.read_text()))
    }
    assert found == {}, "ask results/model_types.py's capabilities instead of naming types"


def test_a_new_type_needs_only_its_table_line():
    """The capabilities are typed fields with defaults: a scorer of single responses is one line."""
    plain = ModelType("new", "New", "evaluator.adapters.classifier:ClassifierAdapter")
    assert plain.scores_alone and not (plain.generates_text or plain.needs_reference or plain.judges_together)
