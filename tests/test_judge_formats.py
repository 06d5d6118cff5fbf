"""Judge formats: every built-in's parse rules, rendering, and template files as formats."""

from __future__ import annotations

import pytest

from evaluator.errors import ConfigError
from evaluator.judges.formats import DEFAULTS, FORMATS, get_format


@pytest.mark.parametrize(
    "name, text, verdict",
    [
        ("mt-bench-pairwise", "A is clearer.\n[[A]]", "A"),
        ("mt-bench-pairwise", "[[B]]", "B"),
        # The conclusion wins over a verdict quoted in the reasoning.
        ("mt-bench-pairwise", "One might say [[A]], but B is right.\n[[B]]", "B"),
        ("mt-bench-pairwise", "A tie: [[C]]", None),  # no tie option in this format
        ("mt-bench-pairwise", "[A] is better", None),
        ("mt-bench-pairwise", "", None),
        ("skywork-critic", "[[A]]", "A"),
        ("skywork-critic", " [[B]] ", "B"),
        ("skywork-critic", "A", None),
        ("rb2-ranking", "The best is [[C]]", "C"),
        ("rb2-ranking", "[[D]]", "D"),
        ("rb2-ranking", "[[E]]", None),
        ("rating-1-10", "Rating: [[7]]", "7"),
        ("rating-1-10", "Rating: [[10]]", "10"),
        ("rating-1-10", "Rating: [[0]]", None),
        ("rating-1-10", "Rating: [[11]]", None),
        ("rating-1-10", "first [[3]] then Rating: [[8]]", "8"),
        ("prometheus-2-relative", "B covers the rubric. [RESULT] B", "B"),
        ("prometheus-2-relative", "Feedback... [RESULT] (A)", "A"),
        ("prometheus-2-relative", "Feedback... [RESULT] **A**", "A"),
        ("prometheus-2-relative", "Feedback... [RESULT] Both", None),
        ("prometheus-2-relative", "Response A is better", None),
    ],
)
def test_parse_rules(name, text, verdict):
    assert FORMATS[name].parse(text) == verdict


def test_every_mode_has_a_default_and_formats_render_their_slots():
    assert {f.mode.name for f in FORMATS.values()} == set(DEFAULTS)
    for fmt in FORMATS.values():
        answers = [f"ANSWER-{i}" for i in range(fmt.slots)]
        messages = fmt.messages("QUESTION-TEXT", answers)
        user = messages[-1]["content"]
        assert messages[-1]["role"] == "user"
        assert "QUESTION-TEXT" in user
        positions = [user.index(answer) for answer in answers]
        assert positions == sorted(positions), f"{fmt.name}: answers out of slot order"


def test_texts_are_inserted_verbatim_not_escaped_or_interpreted():
    fmt = FORMATS["mt-bench-pairwise"]
    tricky = "<b>bold</b> & {{ 7*7 }} {% raw %}"
    user = fmt.messages(tricky, [tricky, "b"])[-1]["content"]
    assert user.count(tricky) == 2


def test_wrong_number_of_answers_is_refused():
    with pytest.raises(ValueError, match="shows 2 answers"):
        FORMATS["mt-bench-pairwise"].messages("q", ["only one"])


def test_template_file_is_a_format_with_its_modes_parser(tmp_path):
    template = tmp_path / "judge.jinja"
    template.write_text("Q: {{ question }}\n1: {{ answer_a }}\n2: {{ answer_b }}\nSay [[A]] or [[B]].")
    fmt = get_format(str(template))
    assert fmt.name == "file:judge.jinja" and fmt.slots == 2
    assert fmt.messages("q?", ["x", "y"]) == [{"role": "user", "content": "Q: q?\n1: x\n2: y\nSay [[A]] or [[B]]."}]
    assert fmt.parse("so [[B]]") == "B"
    rating = get_format(str(template), mode="rating")
    assert rating.slots == 1 and rating.parse("[[9]]") == "9"


def test_bad_formats_are_refused_with_the_reason(tmp_path):
    with pytest.raises(ConfigError, match="unknown judge format 'nope'"):
        get_format("nope")
    broken = tmp_path / "broken.jinja"
    broken.write_text("{% for x in %}")
    with pytest.raises(ConfigError, match="not valid Jinja"):
        get_format(str(broken))
    with pytest.raises(ConfigError, match="unknown judge mode"):
        get_format(str(broken), mode="tournament")


def test_a_formats_hash_changes_with_its_wording():
    a, b = FORMATS["mt-bench-pairwise"], FORMATS["skywork-critic"]
    assert a.sha256 != b.sha256 and len(a.sha256) == 64
