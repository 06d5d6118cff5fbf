"""The final layer at the read token only: classifier rewards equal the whole layer's (float32,
< 1e-4) on tiny GPT-2- and Llama-shaped classifiers, padded, packed and on shared prompts; the
read positions are the classifier's own; a model it cannot follow is caught by the probe."""

from __future__ import annotations


import numpy as np
import pytest
import torch

from evaluator.adapters import LoadOptions, get_adapter
from evaluator.cli import build_parser
from evaluator.run_config import RunConfig
from evaluator.speed.packing import read_positions
from evaluator.speed.pooled_layer import install
from tests.arch_fixtures import cli_results, MAX_LENGTH, arch_models, mixed_examples  # noqa: F401

CPU = torch.device("cpu")
TOLERANCE = 1e-4


def _load(folder, pooled: bool, **more):
    options = LoadOptions(model_path=str(folder), device=CPU, dtype=torch.float32, progress=False,
                          max_length=MAX_LENGTH, pooled_final_layer=pooled, batch_tokens=700, **more)
    return get_adapter("classifier").load(options)


def _rewards(adapter, examples):
    scored, stats = adapter.score(examples)
    return np.array([s for ex in scored for s in ex.scores_chosen + ex.scores_rejected]), stats


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
@pytest.mark.parametrize("sharing, packing", [(False, "off"), (True, "off"), (False, "on"), (True, "on")])
def test_rewards_equal_the_whole_final_layers(arch, sharing, packing, arch_models, mixed_examples):
    folder = arch_models[arch, "classifier"]
    whole, _ = _rewards(_load(folder, False, prefix_sharing=False, packing="off"), mixed_examples)
    adapter = _load(folder, True, prefix_sharing=sharing, packing=packing)
    pooled, stats = _rewards(adapter, mixed_examples)

    assert adapter.pooled_final_layer_on
    assert adapter.packed == (packing == "on") and (stats.num_prefix_shared > 0) == sharing
    assert np.abs(pooled - whole).max() < TOLERANCE


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_a_batch_without_padding_gets_the_causal_row_it_has_no_mask_for(arch, arch_models):
    """Texts of one length (or one text) have nothing to mask: SDPA then gets no mask at all, and
    the read token's row of the causal mask is built here."""
    from evaluator.encoded import Encoded

    adapter = _load(arch_models[arch, "classifier"], False)
    adapter.pooled_layer = install(adapter.model, adapter.pad_id)
    texts = [Encoded(ids=[5 + k, 6, 7 + k, 8, 9, 10 + k], response_start=2, truncated=False) for k in range(3)]
    for batch in (texts, texts[:1]):
        with torch.inference_mode():
            whole = adapter.score_batch(batch)
            adapter.pooled_layer.enabled = True
            pooled = adapter.score_batch(batch)
            adapter.pooled_layer.enabled = False
        assert np.abs(np.array(pooled) - np.array(whole)).max() < TOLERANCE


def test_an_encoder_without_a_decoder_layer_list_runs_whole(arch_models, mixed_examples):
    folder = arch_models["bert", "classifier"]
    adapter = _load(folder, True)
    assert adapter.pooled_layer is None and not adapter.pooled_final_layer_on
    whole, _ = _rewards(_load(folder, False), mixed_examples)
    assert np.array_equal(_rewards(adapter, mixed_examples)[0], whole)


def test_the_probe_catches_read_positions_that_are_not_the_classifiers(arch_models, mixed_examples, caplog):
    """Told the wrong pad id, the layer computes other tokens than the classifier pools: the probe
    sees the rewards differ and the run keeps the whole layer."""
    adapter = _load(arch_models["gpt2", "classifier"], False)
    encoded = adapter.encode([(ex, r) for ex in mixed_examples for r in ex.chosen + ex.rejected])
    sample = sorted(encoded, key=lambda e: len(e.ids))[:3]
    adapter.pooled_layer = install(adapter.model, pad_id=sample[0].ids[-1])  # a token the texts end with
    with caplog.at_level("INFO", logger="evaluator.speed.batching"):
        adapter._probe_pooled_layer(encoded)
    assert not adapter.pooled_final_layer_on
    assert "final layer at the read token off" in caplog.text


def test_no_layer_is_installed_on_a_kernel_without_boolean_mask_rows(arch_models):
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(arch_models["gpt2", "classifier"], attn_implementation="eager")
    assert install(model, pad_id=0) is None


def test_read_positions_are_the_last_non_pad_token_of_each_row_or_packed_text():
    pad = 0
    ids = torch.tensor([[5, 6, 7, 0, 0], [8, 0, 9, 0, 0], [0, 0, 0, 0, 0]])
    rows, positions = read_positions(ids, None, pad)
    assert rows.tolist() == [0, 1, 2] and positions.tolist() == [2, 2, 0]
    # One packed row: texts [5, 6, 0], [7], [0, 0], [8, 9] (position ids restart at each).
    packed = torch.tensor([[5, 6, 0, 7, 0, 0, 8, 9]])
    restarts = torch.tensor([[0, 1, 2, 0, 0, 1, 0, 1]])
    rows, positions = read_positions(packed, restarts, pad)
    assert rows.tolist() == [0, 0, 0, 0] and positions.tolist() == [1, 3, 4, 7]


def test_the_command_line_and_the_result_record_it(tmp_path, tiny_classifier):
    base = ["run", "--model", "m", "--output", "o"]
    assert RunConfig.from_args(build_parser().parse_args(base)).pooled_final_layer is True
    assert RunConfig.from_args(build_parser().parse_args(base + ["--no-pooled-final-layer"])).pooled_final_layer is False
    results = cli_results(tmp_path, tiny_classifier, {"on": [], "off": ["--no-pooled-final-layer"]})
    assert results["on"]["settings"]["pooled_final_layer"] is True
    assert results["off"]["settings"]["pooled_final_layer"] is False
    assert abs(results["on"]["score"] - results["off"]["score"]) < 1e-9
