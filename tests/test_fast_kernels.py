"""Activations moved to a fused kernel compute the same function: rewards agree with the model as
its config names it, and a config without such an activation is left as it is."""

from __future__ import annotations

import torch

from evaluator.speed.fast_kernels import fused_activations
from evaluator.speed.placement import load_placed
from evaluator.tiny_models import build_classifier, build_tokenizer


def test_gelu_new_and_gelu_fast_become_the_fused_tanh_gelu_and_others_stay():
    from transformers import GPT2Config, LlamaConfig

    gpt2 = GPT2Config(activation_function="gelu_new")
    assert fused_activations(gpt2) == ["activation_function: gelu_new -> gelu_pytorch_tanh"]
    assert gpt2.activation_function == "gelu_pytorch_tanh"
    fast = GPT2Config(activation_function="gelu_fast")
    assert fused_activations(fast) and fast.activation_function == "gelu_pytorch_tanh"
    llama = LlamaConfig(hidden_act="silu")
    assert fused_activations(llama) == [] and llama.hidden_act == "silu"
    exact = GPT2Config(activation_function="gelu")  # the erf form is another function: never swapped
    assert fused_activations(exact) == [] and exact.activation_function == "gelu"


def test_the_fused_activation_is_the_same_function_as_the_written_out_one():
    from transformers.activations import ACT2FN

    x = torch.linspace(-8, 8, 100_001)
    fused = ACT2FN["gelu_pytorch_tanh"](x)
    for slow in ("gelu_new", "gelu_fast"):
        assert torch.allclose(ACT2FN[slow](x), fused, atol=1e-6, rtol=0)


def test_a_gpt2_reward_model_scores_the_same_on_the_fused_kernel(tmp_path):
    from transformers import AutoModelForSequenceClassification as Auto

    texts = ["The quick brown fox jumps over the lazy dog. " * 20, "Write a short poem about the sea."]
    tokenizer = build_tokenizer(texts, vocab_size=400)
    folder = build_classifier(tmp_path / "rm", tokenizer, n_layer=4, n_embd=128)
    as_written = Auto.from_pretrained(folder).eval()  # gelu_new, GPT-2's default
    fused = load_placed(Auto, str(folder), torch.float32, torch.device("cpu"))
    assert as_written.config.activation_function == "gelu_new"
    assert fused.config.activation_function == "gelu_pytorch_tanh"
    ids = tokenizer(texts[0], return_tensors="pt").input_ids
    with torch.inference_mode():
        gap = (fused(input_ids=ids).logits - as_written(input_ids=ids).logits).abs().max().item()
    assert 0 <= gap < 1e-5
