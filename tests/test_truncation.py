"""Truncation keeps what the reward reads: the prompt is cut from the left first, the response only
when it alone is too long, leading special tokens stay; one warning per run; the result records it."""

from __future__ import annotations

import logging

import pytest
import torch

from evaluator.adapters import LoadOptions, get_adapter
from evaluator.adapters.truncation import RULE, truncate
from evaluator.benchmarks.loading import Example
from evaluator.cli import main
from evaluator.tiny_models import build_causal_lm
from results.schema import EvalResult, RunStats
from tests.conftest import write_jsonl

BOS = 1  # the tiny tokenizer's <|endoftext|>, its BOS
LONG_PROMPT = "Please read this long question carefully and answer it well: what is two plus two, really?"
SHORT_RESPONSE = "It is four."
LONG_RESPONSE = "Four. " * 30
BOS_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}<|end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


# ---- the rule on plain id lists (known answers) -------------------------------------------------


def test_short_texts_are_kept_whole():
    kept = truncate([5, 6, 7, 8], 2, max_length=4)
    assert (kept.ids, kept.response_start, kept.truncated) == ([5, 6, 7, 8], 2, False)


def test_the_prompt_is_cut_from_the_left_and_the_response_kept():
    kept = truncate([10, 11, 12, 13, 14, 20, 21], 5, max_length=4)
    assert (kept.ids, kept.response_start) == ([13, 14, 20, 21], 2)
    assert (kept.prompt_truncated, kept.response_truncated) == (True, False)


def test_leading_special_tokens_stay_in_front():
    kept = truncate([BOS, 11, 12, 13, 14, 20, 21], 5, max_length=4, special_ids={BOS})
    assert (kept.ids, kept.response_start) == ([BOS, 14, 20, 21], 2)
    # only the prompt's room is used up: the whole body goes, the BOS and the response stay
    kept = truncate([BOS, 11, 12, 20, 21, 22], 3, max_length=4, special_ids={BOS})
    assert (kept.ids, kept.response_start) == ([BOS, 20, 21, 22], 1)


def test_a_response_too_long_alone_is_cut_from_the_right():
    kept = truncate([BOS, 11, 20, 21, 22, 23, 24], 2, max_length=4, special_ids={BOS})
    assert (kept.ids, kept.response_start) == ([BOS, 20, 21, 22], 1)
    assert (kept.prompt_truncated, kept.response_truncated) == (True, True)
    kept = truncate([20, 21, 22, 23], 0, max_length=2)  # no prompt at all
    assert (kept.ids, kept.prompt_truncated, kept.response_truncated) == ([20, 21], False, True)


# ---- both adapter families, on a tiny model --------------------------------------------------


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory, tiny_tokenizer):
    return build_causal_lm(tmp_path_factory.mktemp("lm") / "org" / "lm", tiny_tokenizer)


def _expected(tokenizer, prompt_text: str, text: str, max_length: int, lead: int = 0) -> tuple[list[int], int]:
    """Computed here from the tokenizer alone: prompt ids, response ids, the rule done by hand."""
    prompt = tokenizer(prompt_text, add_special_tokens=False)["input_ids"]
    full = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert full[: len(prompt)] == prompt, "precondition: this tokenizer keeps the boundary clean"
    response = full[len(prompt) :]
    if lead + len(response) <= max_length:
        room = max_length - lead - len(response)
        kept_prompt = prompt[:lead] + (prompt[len(prompt) - room :] if room else [])
        return kept_prompt + response, len(kept_prompt)
    return prompt[:lead] + response[: max_length - lead], lead


def _load(model_type: str, folder, template, max_length: int):
    options = LoadOptions(model_path=str(folder), device=torch.device("cpu"), dtype=torch.float32,
                          chat_template=str(template), max_length=max_length, progress=False)
    return get_adapter(model_type).load(options)


def _render(adapter, response: str) -> tuple[str, str]:
    prompt = (("user", LONG_PROMPT),)
    return adapter.chat_format.prompt_text(prompt), adapter.chat_format.conversation(prompt, response)


@pytest.mark.parametrize("model_type", ["classifier", "dpo-ref-free"])
@pytest.mark.parametrize("with_bos", [False, True])
@pytest.mark.parametrize("response", [SHORT_RESPONSE, LONG_RESPONSE])
def test_kept_token_ids(model_type, with_bos, response, tmp_path, tiny_classifier, tiny_lm, tiny_tokenizer):
    template = tmp_path / "t.jinja"
    template.write_text(BOS_TEMPLATE if with_bos else tiny_tokenizer.chat_template)
    folder = tiny_classifier if model_type == "classifier" else tiny_lm
    adapter = _load(model_type, folder, template, max_length=16)
    example = Example(id=1, subset="hep-go", prompt=(("user", LONG_PROMPT),), chosen=(response,), rejected=("x",))

    (encoded,) = adapter.encode([(example, response)])

    prompt_text, text = _render(adapter, response)
    ids, start = _expected(tiny_tokenizer, prompt_text, text, 16, lead=1 if with_bos else 0)
    assert len(tiny_tokenizer(text, add_special_tokens=False)["input_ids"]) > 16, "precondition: too long"
    assert (encoded.ids, encoded.response_start) == (ids, start)
    assert encoded.ids[0] == BOS if with_bos else encoded.ids[0] != BOS
    assert encoded.response_truncated == (response == LONG_RESPONSE) and encoded.prompt_truncated


# ---- the run: one warning, counts and rule in the result ----------------------------------------


def test_a_run_warns_once_and_records_the_counts(capsys, caplog, tmp_path, tiny_classifier):
    rows = [
        {"prompt": LONG_PROMPT, "chosen": SHORT_RESPONSE, "rejected": LONG_RESPONSE, "subset": "hep-go", "id": i}
        for i in range(3)
    ] + [{"prompt": "Hi", "chosen": "Hello", "rejected": "Go", "subset": "hep-go", "id": 9}]
    data = write_jsonl(tmp_path / "rows.jsonl", rows)
    with caplog.at_level(logging.WARNING):
        code = main(["run", "--model", str(tiny_classifier), "--benchmark", str(data), "--max-length", "16",
                     "--no-progress", "--bootstrap-samples", "5", "--output", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().err
    warnings = [r for r in caplog.records if "longer than 16 tokens" in r.getMessage()]
    assert len(warnings) == 1, [r.getMessage() for r in caplog.records]
    stats = EvalResult.model_validate_json((tmp_path / "out/tiny-org/tiny-rm.json").read_text()).stats
    # 3 long prompts x 2 responses are cut; the 3 long responses are also cut themselves
    assert (stats.num_texts, stats.num_truncated) == (8, 6)
    assert (stats.num_prompt_truncated, stats.num_response_truncated) == (6, 3)
    assert stats.truncation_rule == RULE == RunStats.model_fields["truncation_rule"].default
    assert "6 of 8 texts were longer than 16 tokens: 6 lost prompt tokens" in warnings[0].getMessage()
