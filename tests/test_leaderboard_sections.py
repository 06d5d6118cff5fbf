"""The section table in results/, shared by the evaluator and the web app."""

from __future__ import annotations

import pytest

from results.benchmarks.rewardbench import REWARDBENCH_SECTIONS
from results.benchmarks.sections import overall_score, section_scores


def test_table_has_the_23_core_subsets_and_the_4_prior_sets():
    core = [subset for section in REWARDBENCH_SECTIONS if section.name != "Prior Sets" for subset in section.subset_weights]
    assert len(core) == len(set(core)) == 23
    assert list(REWARDBENCH_SECTIONS[-1].subset_weights) == ["anthropic_helpful", "anthropic_hhh", "shp", "summarize"]
    assert REWARDBENCH_SECTIONS[-1].overall_weight == 0.5


def test_section_scores_are_weighted_over_present_subsets_only():
    scores = section_scores({"mt-bench-hard": 1.0, "llmbar-natural": 0.0, "shp": 0.5}, REWARDBENCH_SECTIONS)
    assert scores == {"Chat Hard": pytest.approx(37 / 137), "Prior Sets": 0.5}


def test_overall_is_none_without_sections_and_half_weights_prior_sets():
    assert overall_score({}, REWARDBENCH_SECTIONS) is None
    assert overall_score({"Chat": 1.0, "Prior Sets": 0.0}, REWARDBENCH_SECTIONS) == pytest.approx(1 / 1.5)
