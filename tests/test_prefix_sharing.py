"""Prompt-prefix sharing: rewards on a shared prompt equal the whole-text rewards (float32, < 1e-4)
on tiny GPT-2- and Llama-shaped classifiers and causal LMs, for v1 pairs, RewardBench-2-shaped
rows, prompts that merge tokens across the boundary and a prompt cut by truncation; texts that
cannot share, and models that cannot (a bidirectional encoder), are counted and fall back."""

from __future__ import annotations


import numpy as np
import pytest
import torch

from evaluator.adapters import LoadOptions, get_adapter
from evaluator.adapters.logprobs import response_logprobs
from evaluator.encoded import Encoded
from evaluator.speed.prefix_sharing import (
    PrefixGroup,
    has_prompt_and_response,
    plan_sharing,
    prompt_windows,
    read_response_logprobs,
    shared_forward,
)
from evaluator.cli import build_parser
from evaluator.run_config import RunConfig
from tests.arch_fixtures import cli_results, GLUED, GLUED_TEMPLATE, LONG_RESPONSES, MAX_LENGTH, arch_models, mixed_examples  # noqa: F401

CPU = torch.device("cpu")
TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def models(arch_models):
    return arch_models


@pytest.fixture(scope="module")
def examples(mixed_examples):
    return mixed_examples


def _options(folder, sharing: bool, template="tokenizer", **more) -> LoadOptions:
    return LoadOptions(model_path=str(folder), device=CPU, dtype=torch.float32, progress=False,
                       max_length=MAX_LENGTH, chat_template=str(template), prefix_sharing=sharing, **more)


def _run(model_type, folder, examples, sharing, template="tokenizer", **more):
    adapter = get_adapter(model_type).load(_options(folder, sharing, template, **more))
    scored, stats = adapter.score(examples)
    return np.array([s for ex in scored for s in ex.scores_chosen + ex.scores_rejected]), stats, adapter


def _template(tmp_path, glued: bool, tokenizer):
    path = tmp_path / "template.jinja"
    path.write_text(GLUED_TEMPLATE if glued else tokenizer.chat_template)
    return path


def _classifier_expected_shared(adapter, examples) -> int:
    """Recomputed from the tokenizer: a text shares when another has the same ids up to where its
    joint tokenization stops matching its prompt's, and neither part is empty."""
    tokenizer, fmt = adapter.tokenizer, adapter.chat_format
    keys = []
    for ex in examples:
        prompt = tokenizer(fmt.prompt_text(ex.prompt), add_special_tokens=False)["input_ids"]
        for response in ex.chosen + ex.rejected:
            full = tokenizer(fmt.conversation(ex.prompt, response), add_special_tokens=False)["input_ids"]
            if len(full) > MAX_LENGTH:
                keys.append(("cut", ex.id, response))  # a prompt cut per response: unique here
                continue
            start = next((k for k, (a, b) in enumerate(zip(full, prompt)) if a != b), min(len(full), len(prompt)))
            keys.append(tuple(full[:start]) if 0 < start < len(full) else ("empty", ex.id, response))
    return sum(keys.count(key) > 1 for key in keys)


# ---- exactness through the adapters --------------------------------------------------------------


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
@pytest.mark.parametrize("glued", [False, True])
def test_classifier_rewards_equal_unshared(arch, glued, models, examples, tmp_path, tiny_tokenizer):
    template = _template(tmp_path, glued, tiny_tokenizer)
    plain, plain_stats, _ = _run("classifier", models[arch, "classifier"], examples, False, template)
    shared, stats, adapter = _run("classifier", models[arch, "classifier"], examples, True, template)

    assert np.abs(shared - plain).max() < TOLERANCE
    assert plain_stats.num_prefix_shared == 0
    assert stats.num_prefix_shared == _classifier_expected_shared(adapter, examples)
    # The long prompt's four texts are cut, each to its own prompt: they cannot share.
    assert stats.num_truncated == len(LONG_RESPONSES) and stats.num_prefix_shared <= len(shared) - 4
    assert stats.num_prefix_shared >= 2 * 6  # at least the pairs' clean prompts shared
    if glued:  # the precondition of this case: some texts do merge across the boundary
        ids = adapter.encode([(GLUED, r) for r in GLUED.chosen + GLUED.rejected])
        prompt = tiny_tokenizer(GLUED.prompt[0][1], add_special_tokens=False)["input_ids"]
        assert any(e.ids[: len(prompt)] != prompt for e in ids)


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
@pytest.mark.parametrize("glued", [False, True])
@pytest.mark.parametrize("model_type", ["dpo-ref-free", "dpo"])
def test_log_prob_rewards_equal_unshared(arch, glued, model_type, models, examples, tmp_path, tiny_tokenizer):
    template = _template(tmp_path, glued, tiny_tokenizer)
    more = {"ref_model": str(models[arch, "reference"])} if model_type == "dpo" else {}
    plain, _, _ = _run(model_type, models[arch, "lm"], examples, False, template, **more)
    shared, stats, _ = _run(model_type, models[arch, "lm"], examples, True, template, **more)

    assert np.abs(shared - plain).max() < TOLERANCE
    # Log-prob types tokenize a merged boundary's prompt on its own, so every uncut text shares.
    assert stats.num_prefix_shared == len(shared) - len(LONG_RESPONSES)


def test_per_token_mean_equal_unshared(models, examples):
    plain, _, _ = _run("dpo-ref-free", models["gpt2", "lm"], examples, False, per_token_mean=True)
    shared, stats, _ = _run("dpo-ref-free", models["gpt2", "lm"], examples, True, per_token_mean=True)
    assert np.abs(shared - plain).max() < TOLERANCE and stats.num_prefix_shared > 0


def test_a_bidirectional_encoder_is_detected_and_not_shared(models, examples, caplog):
    plain, _, _ = _run("classifier", models["bert", "classifier"], examples, False)
    with caplog.at_level("INFO", logger="evaluator.speed.prefix_sharing"):
        shared, stats, _ = _run("classifier", models["bert", "classifier"], examples, True)
    assert stats.num_prefix_shared == 0
    assert np.array_equal(shared, plain)
    assert "prefix sharing off" in caplog.text


# ---- the pieces: grouping, packing, a multi-prompt batch -----------------------------------------


def _encoded(ids, start) -> Encoded:
    return Encoded(ids=list(ids), response_start=start, truncated=False)


def test_texts_group_by_their_exact_prompt_ids():
    texts = [
        _encoded([1, 2, 3, 7], 3), _encoded([1, 2, 3, 8, 9], 3),  # same prompt
        _encoded([1, 2, 4, 7], 3),  # another prompt, alone
        _encoded([1, 2, 3, 5], 2),  # starts like the first two but its prompt is [1, 2]: alone
        _encoded([5, 6], 0), _encoded([5, 6], 0),  # no prompt
        _encoded([5, 6], 2), _encoded([5, 6], 2),  # no response
        _encoded([1, 2, 3, 6], 3),
    ]
    plan = plan_sharing(texts, has_prompt_and_response)
    assert [(g.prefix_len, g.members) for g in plan.groups] == [(3, (0, 1, 8))]
    assert plan.unshared == [2, 3, 4, 5, 6, 7] and plan.num_shared == 3


def test_prompt_windows_keep_every_group_once_within_the_budget():
    groups = [PrefixGroup(length, (2 * k, 2 * k + 1)) for k, length in enumerate([5, 40, 12, 40, 7, 100])]
    for budget in (30, 80, 10_000):
        windows = prompt_windows(groups, budget)
        assert sorted(g.members for w in windows for g in w) == [g.members for g in groups]
        for window in windows:
            assert len(window) == 1 or len(window) * max(g.prefix_len for g in window) <= budget
    assert [len(w) for w in prompt_windows(groups, 10_000)] == [6]
    assert [[g.prefix_len for g in w] for w in prompt_windows(groups, 80)] == [[100], [40, 40], [12, 7, 5]]


def test_several_prompts_of_different_lengths_in_one_batch(models, tiny_tokenizer):
    """Prompts padded together, responses on their own prompt's cache rows: the log-probs of the
    unshared path, text by text."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(models["llama", "lm"], dtype=torch.float32).eval()
    prompts = ["Short one?", "A much longer prompt, with several clauses, that pads the others out."]
    responses = [["Yes.", "No, not at all, never."], ["Fine.", "It is long.", "A third answer here."]]
    texts, groups = [], []
    for prompt, answers in zip(prompts, responses):
        prompt_ids = tiny_tokenizer(prompt)["input_ids"]
        members = []
        for answer in answers:
            members.append(len(texts))
            texts.append(_encoded(prompt_ids + tiny_tokenizer(" " + answer)["input_ids"], len(prompt_ids)))
        groups.append(PrefixGroup(len(prompt_ids), tuple(members)))
    with torch.inference_mode():
        shared = read_response_logprobs(shared_forward(model, texts, groups, 0, CPU), texts)
        alone = [response_logprobs(model, [t], 0, CPU)[0] for t in texts]
    order = [i for g in groups for i in g.members]
    for (total, count), i in zip(shared, order):
        assert count == alone[i][1] and abs(total - alone[i][0]) < TOLERANCE


# ---- the switch ----------------------------------------------------------------------------------


def test_the_command_line_turns_sharing_off():
    base = ["run", "--model", "m", "--output", "o"]
    assert RunConfig.from_args(build_parser().parse_args(base)).prefix_sharing is True
    off = RunConfig.from_args(build_parser().parse_args(base + ["--no-prefix-sharing"]))
    assert off.prefix_sharing is False
    assert LoadOptions.from_config(off, "m", CPU, torch.float32, None).prefix_sharing is False


def test_the_result_records_how_many_texts_were_scored_on_a_shared_prompt(tmp_path, tiny_classifier):
    results = cli_results(tmp_path, tiny_classifier, {"on": [], "off": ["--no-prefix-sharing"]})
    counts = {name: result["stats"]["num_prefix_shared"] for name, result in results.items()}
    assert counts["off"] == 0 and 0 < counts["on"] <= 10
