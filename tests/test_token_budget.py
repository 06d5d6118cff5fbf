"""The batch budget when --batch-tokens is not given: fixed on the CPU, from free memory on a GPU.

The per-token figure is recomputed here from the formula's terms written out for known shapes
(a Llama-3-8B-shaped and a GPT-2-shaped config), not from the module's own helpers."""

from __future__ import annotations

import pytest
import torch

from evaluator.run_config import RunConfig
from evaluator.speed.token_budget import (
    ACTIVATION_SHARE,
    CPU_BATCH_TOKENS,
    MAX_GPU_BATCH_TOKENS,
    MIN_GPU_BATCH_TOKENS,
    ModelShape,
    activation_bytes_per_token,
    choose_batch_tokens,
    gpu_batch_tokens,
)

GiB = 2**30


def llama_8b_shape():
    from transformers import LlamaConfig

    return ModelShape.from_config(LlamaConfig(
        hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32,
        num_key_value_heads=8, vocab_size=128256,
    ))


def test_shapes_are_read_under_both_namings():
    from transformers import GPT2Config

    assert llama_8b_shape() == ModelShape(hidden=4096, intermediate=14336, layers=32, vocab=128256, kv_width=8 * 128)
    gpt2 = ModelShape.from_config(GPT2Config(n_embd=512, n_layer=6, n_head=8, vocab_size=8000))
    assert gpt2 == ModelShape(hidden=512, intermediate=2048, layers=6, vocab=8000, kv_width=512)


def test_per_token_bytes_add_the_terms_each_model_type_keeps():
    shape = llama_8b_shape()
    stream = 2 * (4 * 4096 + 2 * 14336)  # bfloat16 residual, attention output, MLP activations
    logits = 2 * 4 * 128256  # float32 logits and their log-softmax
    cache = 2 * 2 * 32 * 1024  # bfloat16 keys and values of 32 layers
    assert activation_bytes_per_token(shape, 2, reads_logits=False, keeps_prompt_cache=False) == stream
    assert activation_bytes_per_token(shape, 2, reads_logits=False, keeps_prompt_cache=True) == stream + cache
    assert activation_bytes_per_token(shape, 2, reads_logits=True, keeps_prompt_cache=True) == stream + logits + cache


def test_the_gpu_budget_fills_its_share_of_free_memory_within_bounds():
    per_token = 221184  # the 8B classifier with prefix sharing, from the test above
    free = 16 * GiB
    tokens = gpu_batch_tokens(free, per_token)
    assert tokens % 1024 == 0
    assert tokens * per_token <= free * ACTIVATION_SHARE < (tokens + 1024) * per_token
    assert gpu_batch_tokens(100 * 2**20, per_token) == MIN_GPU_BATCH_TOKENS  # nearly full: still a batch
    assert gpu_batch_tokens(10**15, 1) == MAX_GPU_BATCH_TOKENS
    assert gpu_batch_tokens(2 * free, per_token) >= 2 * tokens - 1024  # twice the memory, twice the tokens


def test_the_cpu_keeps_its_fixed_budget_and_a_given_budget_is_kept(tiny_classifier):
    cpu = torch.device("cpu")
    unset = RunConfig(model=str(tiny_classifier))
    assert unset.batch_tokens is None
    assert choose_batch_tokens(unset, str(tiny_classifier), cpu, torch.float32) == CPU_BATCH_TOKENS
    given = RunConfig(model=str(tiny_classifier), batch_tokens=777)
    assert choose_batch_tokens(given, str(tiny_classifier), cpu, torch.float32) == 777
    cuda = torch.device("cuda")
    assert choose_batch_tokens(given, str(tiny_classifier), cuda, torch.bfloat16) == 777  # never asks the GPU
    with pytest.raises(ValueError):
        RunConfig(model="x", batch_tokens=0)


def test_a_run_records_the_budget_it_used(tiny_classifier, tmp_path):
    from evaluator.runner import evaluate
    from tests.conftest import make_rows, write_jsonl

    data = write_jsonl(tmp_path / "rows.jsonl", make_rows({"alpacaeval-easy": 2}))
    outcome = evaluate(RunConfig(model=str(tiny_classifier), data=str(data), device="cpu", progress=False))
    assert outcome.result.settings.batch_tokens == CPU_BATCH_TOKENS


def test_a_gpu_budget_is_sized_from_the_checkpoint_and_the_free_memory(tiny_classifier, tmp_path, caplog):
    from transformers import AutoConfig

    from evaluator.safetensors_headers import safetensors_parameters
    from evaluator.speed.token_budget import sized_batch_tokens

    free = 64 * 2**20  # small enough to stay under the cap with this tiny model
    config = RunConfig(model=str(tiny_classifier))
    shape = ModelShape.from_config(AutoConfig.from_pretrained(tiny_classifier))
    weights = safetensors_parameters(tiny_classifier) * 2  # bfloat16
    per_token = 2 * (4 * shape.hidden + 2 * shape.intermediate) + 2 * 2 * shape.layers * shape.kv_width
    expected = min(int((free - weights) * ACTIVATION_SHARE) // per_token, MAX_GPU_BATCH_TOKENS) // 1024 * 1024
    assert MIN_GPU_BATCH_TOKENS < expected < MAX_GPU_BATCH_TOKENS
    assert sized_batch_tokens(config, str(tiny_classifier), torch.bfloat16, free) == expected
    # without sharing no prompt cache is kept: more tokens fit
    no_cache = config.model_copy(update={"prefix_sharing": False})
    assert sized_batch_tokens(no_cache, str(tiny_classifier), torch.bfloat16, free) > expected

    (tmp_path / "config.json").write_text('{"model_type": "no-such-architecture"}')
    with caplog.at_level("WARNING", logger="evaluator.speed.token_budget"):
        assert sized_batch_tokens(config, str(tmp_path), torch.bfloat16, free) == CPU_BATCH_TOKENS
    assert "keeping 16384 tokens" in caplog.text


def test_generating_model_types_keep_the_fixed_budget_on_a_gpu(tiny_classifier):
    cuda = torch.device("cuda")
    for model_type in ("generative", "cloud"):
        config = RunConfig.model_construct(batch_tokens=None, model_type=model_type, prefix_sharing=True)
        assert choose_batch_tokens(config, str(tiny_classifier), cuda, torch.bfloat16) == CPU_BATCH_TOKENS
