"""Packed rows: rewards of texts laid end to end in one row equal the padded batches' (float32,
< 1e-4) on tiny GPT-2- and Llama-shaped classifiers and causal LMs (v1 pairs, best-of-4 rows, a
merged prompt/response boundary, prompts cut by truncation); a model whose masks ignore the
position restarts (a bidirectional encoder) is detected and not packed; `auto` packs only on a
variable-length attention kernel."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch

from evaluator.adapters import LoadOptions, get_adapter
from evaluator.cli import build_parser
from evaluator.speed.packing import (
    DENSE_ROW_TOKENS,
    PACKED_BATCHING,
    pack_row,
    packed_classifier_logits,
    packing_wanted,
    plan_packs,
    plan_unshared,
    preferred_attention,
    row_tokens,
)
from evaluator.run_config import RunConfig
from tests.arch_fixtures import cli_results, MAX_LENGTH, arch_models, mixed_examples  # noqa: F401

CPU = torch.device("cpu")
TOLERANCE = 1e-4
# Small enough that the examples' texts need several rows: rows end, and the plan decides where.
PACK_TOKENS = 700


def _run(model_type, folder, examples, packing, sharing=False, batch_tokens=PACK_TOKENS, **more):
    options = LoadOptions(model_path=str(folder), device=CPU, dtype=torch.float32, progress=False,
                          max_length=MAX_LENGTH, prefix_sharing=sharing, packing=packing,
                          batch_tokens=batch_tokens, **more)
    adapter = get_adapter(model_type).load(options)
    scored, stats = adapter.score(examples)
    return np.array([s for ex in scored for s in ex.scores_chosen + ex.scores_rejected]), stats, adapter


# ---- exactness through the adapters --------------------------------------------------------------


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
@pytest.mark.parametrize("model_type", ["classifier", "dpo-ref-free", "dpo"])
def test_packed_rewards_equal_padded(arch, model_type, arch_models, mixed_examples):
    kind = "classifier" if model_type == "classifier" else "lm"
    more = {"ref_model": str(arch_models[arch, "reference"])} if model_type == "dpo" else {}
    padded, padded_stats, _ = _run(model_type, arch_models[arch, kind], mixed_examples, "off", **more)
    packed, stats, adapter = _run(model_type, arch_models[arch, kind], mixed_examples, "on", **more)

    assert adapter.packed and stats.num_packed == len(packed) and padded_stats.num_packed == 0
    assert np.abs(packed - padded).max() < TOLERANCE
    assert stats.padded_tokens == stats.real_tokens == padded_stats.real_tokens
    assert padded_stats.padded_tokens > padded_stats.real_tokens  # the padding that packing removed


@pytest.mark.parametrize("model_type", ["classifier", "dpo-ref-free"])
def test_texts_that_share_no_prompt_are_packed_beside_the_shared_ones(model_type, arch_models, mixed_examples):
    """With sharing on, the long prompt's four texts (each cut differently) run on their own: packed."""
    kind = "classifier" if model_type == "classifier" else "lm"
    padded, _, _ = _run(model_type, arch_models["llama", kind], mixed_examples, "off", sharing=True)
    packed, stats, adapter = _run(model_type, arch_models["llama", kind], mixed_examples, "on", sharing=True)
    assert adapter.packed and stats.num_prefix_shared > 0
    assert stats.num_packed == len(packed) - stats.num_prefix_shared >= 4  # the long prompt's four at least
    assert np.abs(packed - padded).max() < TOLERANCE


def test_a_bidirectional_encoder_is_detected_and_not_packed(arch_models, mixed_examples, caplog):
    """BERT's mask does not read position restarts: packed texts would see each other."""
    padded, _, _ = _run("classifier", arch_models["bert", "classifier"], mixed_examples, "off")
    with caplog.at_level("INFO", logger="evaluator.speed.batching"):
        packed, stats, adapter = _run("classifier", arch_models["bert", "classifier"], mixed_examples, "on")
    assert not adapter.packed and stats.num_packed == 0
    assert np.array_equal(packed, padded)
    assert "packing off" in caplog.text


def test_auto_does_not_pack_on_a_dense_attention_kernel(arch_models, mixed_examples):
    _, stats, adapter = _run("classifier", arch_models["gpt2", "classifier"], mixed_examples, "auto")
    assert adapter.model.config._attn_implementation == "sdpa"
    assert not adapter.packed and stats.num_packed == 0


# ---- the pieces ----------------------------------------------------------------------------------


def test_the_pooled_token_is_the_last_that_is_not_the_pad_id(arch_models):
    """A text may end in the pad id (a template whose end of turn is the pad token): the classifier
    pools its last other token, packed as padded."""
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(arch_models["gpt2", "classifier"]).eval()
    pad = model.config.pad_token_id
    texts = [[5, 6, 7, pad, pad], [8, 9], [10, 11, 12, 13, pad], [pad, pad]]
    with torch.inference_mode():
        packed = packed_classifier_logits(model, texts, pad, CPU)[:, 0]
        alone = [model(input_ids=torch.tensor([t])).logits[0, 0] for t in texts]
    assert torch.allclose(packed, torch.stack(alone), atol=TOLERANCE)


def test_packs_hold_every_text_once_within_the_budget():
    lengths = [300, 20, 450, 90, 700, 1200, 5, 330, 60]
    plan = plan_packs(lengths, 800)
    assert sorted(i for row in plan.batches for i in row) == list(range(len(lengths)))
    for row in plan.batches:
        assert len(row) == 1 or sum(lengths[i] for i in row) <= 800
    assert [1200] in [[lengths[i] for i in row] for row in plan.batches]  # over the budget: alone
    assert plan.padded_tokens == plan.real_tokens == sum(lengths)
    # First fit by decreasing length: 700 takes 90 (the largest that fits), then 5.
    assert [lengths[i] for i in plan.batches[1]] == [700, 90, 5]


def test_rows_on_a_dense_kernel_stay_short_and_a_variable_length_kernel_takes_the_budget():
    assert row_tokens(_Model("sdpa"), 16384) == DENSE_ROW_TOKENS < 16384
    assert row_tokens(_Model("sdpa"), 500) == 500
    assert row_tokens(_Model("flash_attention_2"), 16384) == 16384
    lengths = [900] * 10
    assert max(len(r) for r in plan_unshared(_Model("sdpa"), lengths, 16384, packed=True).batches) == 2
    assert plan_unshared(_Model("flash_attention_2"), lengths, 16384, packed=True).batches == [list(range(10))]
    padded = plan_unshared(_Model("sdpa"), lengths, 16384, packed=False)
    assert padded.padded_tokens == padded.real_tokens == 9000 and len(padded.batches) == 1


def test_a_packed_row_restarts_positions_at_each_text():
    row = pack_row([[4, 5, 6], [7], [8, 9]])
    assert row.input_ids.tolist() == [[4, 5, 6, 7, 8, 9]]
    assert row.position_ids.tolist() == [[0, 1, 2, 0, 0, 1]]
    assert row.starts == [0, 3, 4]


class _Model:
    def __init__(self, attention):
        self.config = type("Config", (), {"_attn_implementation": attention})()


def test_packing_is_wanted_where_the_attention_kernel_is_variable_length():
    assert packing_wanted("auto", _Model("flash_attention_2")) and packing_wanted("auto", _Model("flash_attention_3"))
    assert not packing_wanted("auto", _Model("sdpa")) and not packing_wanted("auto", _Model("eager"))
    assert packing_wanted("on", _Model("sdpa")) and not packing_wanted("off", _Model("flash_attention_2"))


def test_flash_attention_is_preferred_only_on_a_gpu_in_half_precision_with_the_package(tmp_path, monkeypatch):
    cuda = torch.device("cuda")
    monkeypatch.delitem(sys.modules, "flash_attn", raising=False)
    assert preferred_attention(CPU, torch.bfloat16) is None
    assert preferred_attention(cuda, torch.float32) is None
    if preferred_attention(cuda, torch.bfloat16) is None:  # not installed here: install a stand-in package
        (tmp_path / "flash_attn").mkdir()
        (tmp_path / "flash_attn" / "__init__.py").write_text("")
        monkeypatch.syspath_prepend(str(tmp_path))
    assert preferred_attention(cuda, torch.bfloat16) == "flash_attention_2"
    assert preferred_attention(cuda, torch.float16) == "flash_attention_2"


# ---- the switch and the record -------------------------------------------------------------------


def test_the_command_line_sets_packing():
    base = ["run", "--model", "m", "--output", "o"]
    assert RunConfig.from_args(build_parser().parse_args(base)).packing == "auto"
    on = RunConfig.from_args(build_parser().parse_args(base + ["--packing", "on"]))
    assert LoadOptions.from_config(on, "m", CPU, torch.float32, None).packing == "on"
    with pytest.raises(SystemExit):
        build_parser().parse_args(base + ["--packing", "sometimes"])


def test_the_result_records_packed_rows_and_the_attention_kernel(tmp_path, tiny_classifier):
    results = cli_results(tmp_path, tiny_classifier, {mode: ["--no-prefix-sharing", "--packing", mode] for mode in ("on", "off")})
    on, off = results["on"], results["off"]
    assert on["settings"]["batching"] == PACKED_BATCHING and off["settings"]["batching"] != PACKED_BATCHING
    assert on["settings"]["attention"] == off["settings"]["attention"] == "sdpa"
    assert on["stats"]["num_packed"] == on["stats"]["num_texts"] > 0 and off["stats"]["num_packed"] == 0
    assert on["stats"]["padded_tokens"] == on["stats"]["real_tokens"]
    assert abs(on["score"] - off["score"]) < 1e-9
