"""Placement of a model's weights: one device, or whole blocks over several GPUs (a device map).

The plan is made from the config on the meta device, with the GPUs' free memory as an argument, so
it is checked here without GPUs: which GPU each block goes to, and that no GPU is given more than
its share. Loading with the map needs the GPUs themselves."""

from __future__ import annotations

import pytest
import torch

from evaluator.errors import ModelLoadError
from evaluator.speed.placement import WEIGHT_SHARE, Placement, load_placed, plan_placement, weight_bytes
from evaluator.tiny_models import build_causal_lm, build_classifier

CUDA = torch.device("cuda")


@pytest.fixture(scope="module")
def classifier(tmp_path_factory, tiny_tokenizer):
    return build_classifier(tmp_path_factory.mktemp("placement") / "rm", tiny_tokenizer, n_layer=6)


@pytest.fixture(scope="module")
def causal_lm(tmp_path_factory, tiny_tokenizer):
    return build_causal_lm(tmp_path_factory.mktemp("placement") / "lm", tiny_tokenizer, n_layer=6)


def _size(auto_class, path, dtype=torch.float32) -> int:
    return weight_bytes(auto_class.from_pretrained(path), dtype)


def _bytes_on_each_gpu(model, device_map) -> dict[int, int]:
    """Bytes of float32 weights the map puts on each GPU, summed from the real modules' tensors (a
    tensor shared by two modules, as tied input and output embeddings, counts once)."""
    on: dict[int, int] = {}
    seen: set[int] = set()
    for name, gpu in device_map.items():
        module = model.get_submodule(name) if name else model
        for tensor in [*module.parameters(), *module.buffers()]:
            if id(tensor) not in seen:
                seen.add(id(tensor))
                on[gpu] = on.get(gpu, 0) + tensor.numel() * 4
    return on


def test_a_model_that_fits_one_gpu_or_runs_on_the_cpu_is_not_spread(classifier):
    from transformers import AutoModelForSequenceClassification as Auto

    plenty = [10 * 2**30, 10 * 2**30]
    assert plan_placement(Auto, str(classifier), torch.float32, CUDA, plenty) == Placement(CUDA)
    cpu = torch.device("cpu")
    assert plan_placement(Auto, str(classifier), torch.float32, cpu, [1000, 1000]) == Placement(cpu)
    # a GPU named by index is the one asked for, as are a single GPU and no GPU at all
    one = torch.device("cuda", 1)
    assert plan_placement(Auto, str(classifier), torch.float32, one, [1000, 1000]) == Placement(one)
    assert plan_placement(Auto, str(classifier), torch.float32, CUDA, [1000]) == Placement(CUDA)


@pytest.mark.parametrize("kind", ["classifier", "causal_lm"])
def test_a_model_larger_than_one_gpu_is_spread_block_by_block_within_each_gpu_s_share(kind, request):
    from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification

    path = request.getfixturevalue(kind)
    auto = AutoModelForSequenceClassification if kind == "classifier" else AutoModelForCausalLM
    model = auto.from_pretrained(path)
    size = weight_bytes(model, torch.float32)
    free = [int(size * 0.75)] * 3  # 60% of the weights per GPU at the 0.8 share: two or three GPUs

    placement = plan_placement(auto, str(path), torch.float32, CUDA, free)

    assert placement.device == torch.device("cuda", 0)
    assert placement.from_pretrained_kwargs() == {"device_map": placement.device_map}
    assert placement.num_gpus >= 2
    assert all(isinstance(gpu, int) for gpu in placement.device_map.values())  # nothing on CPU or disk
    blocks = [name for name in placement.device_map if ".h." in name]
    assert blocks and all(name.split(".h.")[1].isdigit() for name in blocks)  # whole blocks, never split
    # every parameter is placed exactly once
    placed = sum(_bytes_on_each_gpu(model, placement.device_map).values())
    assert placed == weight_bytes(model, torch.float32)
    for gpu, used in _bytes_on_each_gpu(model, placement.device_map).items():
        assert used <= free[gpu] * WEIGHT_SHARE, f"GPU {gpu} was given more than its share"
    # the blocks go in order: a later block never sits on an earlier GPU
    order = [placement.device_map[name] for name in blocks]
    assert order == sorted(order)


def test_bfloat16_weights_take_half_the_room(classifier):
    from transformers import AutoModelForSequenceClassification as Auto

    size32 = _size(Auto, classifier)
    free = [int(size32 * 0.75)] * 2  # float32 needs both GPUs; bfloat16 (half the bytes) fits one
    assert plan_placement(Auto, str(classifier), torch.float32, CUDA, free).num_gpus == 2
    assert plan_placement(Auto, str(classifier), torch.bfloat16, CUDA, free) == Placement(CUDA)


def test_a_model_the_gpus_cannot_hold_is_refused_saying_what_it_needs(classifier):
    from transformers import AutoModelForSequenceClassification as Auto

    size = _size(Auto, classifier)
    with pytest.raises(ModelLoadError) as refused:
        plan_placement(Auto, str(classifier), torch.float32, CUDA, [size // 4, size // 4])
    message = str(refused.value)
    assert f"{size / 2**30:.1f} GiB of weights do not fit 2 GPUs" in message
    assert "would have to go to the CPU or the disk" in message


def test_an_unreadable_config_is_a_load_error(tmp_path):
    from transformers import AutoModelForSequenceClassification as Auto

    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(ModelLoadError, match="could not read the model config"):
        plan_placement(Auto, str(tmp_path), torch.float32, CUDA, [1, 1])


def test_on_the_cpu_the_model_loads_whole_and_scores_as_before(classifier):
    from transformers import AutoModelForSequenceClassification as Auto

    placed = load_placed(Auto, str(classifier), torch.float32, torch.device("cpu"))
    plain = Auto.from_pretrained(classifier).eval()
    ids = torch.tensor([[5, 6, 7, 8]])
    assert not placed.training and placed.device.type == "cpu"
    # the same up to rounding: its GELU runs on the fused kernel (tests/test_fast_kernels.py)
    assert torch.allclose(placed(input_ids=ids).logits, plain(input_ids=ids).logits, atol=1e-5, rtol=0)
