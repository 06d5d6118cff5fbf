"""Logits only where a response token is predicted: the vocabulary projection runs on exactly those
positions (counted at the model's output layer), and the log-prob sums equal a hand computation
from every position's logits, padded, packed and on shared prompts, on tiny GPT-2 and Llama LMs."""

from __future__ import annotations

import pytest
import torch

from evaluator.adapters.logprobs import packed_response_logprobs, response_logprobs
from evaluator.encoded import Encoded
from evaluator.speed.kept_logits import keeps_logits, predicting, span_logits
from evaluator.speed.prefix_sharing import PrefixGroup, read_response_logprobs, shared_forward
from tests.arch_fixtures import arch_models  # noqa: F401

CPU = torch.device("cpu")
PAD = 0
TEXTS = [  # (ids, response start): a long prompt, a short one, a response from token 0, no response
    ([5, 6, 7, 8, 9, 10, 11, 12], 5),
    ([13, 14, 15, 16], 2),
    ([17, 18, 19], 0),
    ([20, 21, 22], 3),
]


def _texts() -> list[Encoded]:
    return [Encoded(ids=ids, response_start=start, truncated=False) for ids, start in TEXTS]


def _by_hand(model, text: Encoded) -> tuple[float, int]:
    """Every position's logits of the text alone; the response tokens' log-probs summed."""
    with torch.inference_mode():
        logits = model(input_ids=torch.tensor([text.ids])).logits[0]
    start = max(text.response_start, 1)
    logprobs = torch.log_softmax(logits.double(), dim=-1)
    total = sum(float(logprobs[t - 1, text.ids[t]]) for t in range(start, len(text.ids)))
    return total, len(text.ids) - start


def _projected_positions(model) -> list[int]:
    """How many positions each forward sends through the vocabulary projection (recorded)."""
    counts: list[int] = []
    head = model.get_output_embeddings()
    head.register_forward_hook(lambda module, args, output: counts.append(args[0].reshape(-1, args[0].shape[-1]).shape[0]))
    return counts


@pytest.fixture(params=["gpt2", "llama"])
def lm(request, arch_models):
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(arch_models[request.param, "lm"], dtype=torch.float32).eval()


@pytest.mark.parametrize("packed", [False, True])
def test_only_predicting_positions_are_projected_and_sums_are_exact(lm, packed):
    texts = _texts()
    counts = _projected_positions(lm)
    with torch.inference_mode():
        sums = packed_response_logprobs(lm, texts, CPU) if packed else response_logprobs(lm, texts, PAD, CPU)
    assert keeps_logits(lm)
    assert counts == [sum(len(predicting(t)) for t in texts)] == [3 + 2 + 2 + 0]
    for (total, count), text in zip(sums, texts):
        expected_total, expected_count = _by_hand(lm, text)
        assert count == expected_count and abs(total - expected_total) < 1e-4


def test_shared_prompts_project_each_prompt_once_and_each_response_after_its_first_token(lm):
    prompt = [5, 6, 7, 8]
    texts = [Encoded(ids=prompt + tail, response_start=len(prompt), truncated=False) for tail in ([9, 10, 11], [12], [13, 14])]
    counts = _projected_positions(lm)
    with torch.inference_mode():
        shared = read_response_logprobs(shared_forward(lm, texts, [PrefixGroup(len(prompt), (0, 1, 2))], PAD, CPU), texts)
    assert counts == [1, 2 + 0 + 1]  # the prompt's last position; then the responses' own
    for (total, count), text in zip(shared, texts):
        expected_total, expected_count = _by_hand(lm, text)
        assert count == expected_count and abs(total - expected_total) < 1e-4


def test_a_model_that_returns_every_positions_logits_is_read_the_same():
    torch.manual_seed(0)
    full = torch.randn(2, 6, 11)
    spans = [(0, 0, range(1, 4)), (1, 2, range(0, 2))]
    flat = torch.cat([full[0, 1:4], full[1, 2:4]])
    for kept, whole in zip(span_logits(flat, spans), span_logits(full, spans)):
        assert torch.equal(kept, whole)
    with pytest.raises(ValueError, match="kept 4 positions"):
        span_logits(flat[:4], spans)
