"""The GPU estimate of a request: known sizes, a real checkpoint's headers, and the edge cases."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from evaluator.executors.resources import OVERHEAD, gpus_needed, weight_bytes
from evaluator.safetensors_headers import read_safetensors_header, safetensors_parameters
from tests.hub_fixtures import make_request

GIB = 2**30
H100 = 80 * GIB


@pytest.mark.parametrize(
    "parameters,dtype,gpus",
    [
        (7_000_000_000, "bfloat16", 1),  # 13.0 GiB x 1.25 = 16.3 GiB
        (7_000_000_000, "float32", 1),  # 26.1 GiB x 1.25 = 32.6 GiB
        (34_000_000_000, "float32", 2),  # 126.7 GiB x 1.25 = 158.3 GiB: two 80 GiB GPUs
        (70_000_000_000, "bfloat16", 3),  # 130.4 GiB x 1.25 = 163.0 GiB: just over two
        (70_000_000_000, "auto", 3),  # auto loads bfloat16 on a GPU
        (405_000_000_000, "bfloat16", 12),  # 754.4 GiB x 1.25 = 943.0 GiB: 11.8 GPUs
    ],
)
def test_declared_sizes_ask_for_the_gpus_their_weights_fill(parameters, dtype, gpus):
    request = make_request("r", "org/big", num_parameters=parameters, dtype=dtype)
    need = gpus_needed(request, H100)
    bytes_per_parameter = 4 if dtype == "float32" else 2
    assert need.weight_bytes == parameters * bytes_per_parameter
    assert need.num_gpus == gpus
    # the count is the smallest that holds the weights with their overhead
    assert (gpus - 1) * H100 < need.weight_bytes * OVERHEAD <= gpus * H100


def test_a_cpu_only_cluster_or_an_api_judge_asks_for_no_gpu():
    big = make_request("r", "org/big", num_parameters=70_000_000_000)
    assert gpus_needed(big, 0).num_gpus == 0 and gpus_needed(big, None).num_gpus == 0
    judge = make_request("j", "api/gpt", model_type="generative", api_judge="gpt", num_parameters=10**12)
    assert gpus_needed(judge, H100).num_gpus == 0


def test_an_unknown_size_gets_one_gpu():
    need = gpus_needed(make_request("r", "org/unknown"), H100)  # a Hub id, size not declared
    assert (need.num_gpus, need.weight_bytes) == (1, None)
    assert "unknown size" in need.describe()


def test_a_dpo_reference_counts_too():
    request = make_request(
        "r", "org/dpo", model_type="dpo", ref_model="org/ref", num_parameters=10**9, dtype="float16"
    )
    assert weight_bytes(request) == 2 * 10**9 * 2  # a reference of unknown size: as large as the model


def test_a_local_checkpoint_is_sized_from_its_safetensors_headers(tiny_classifier):
    import torch
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(tiny_classifier, dtype=torch.float32)
    counted = sum(p.numel() for p in model.parameters())  # the independent count: the loaded model's
    assert safetensors_parameters(tiny_classifier) == counted
    request = make_request("r", str(tiny_classifier), dtype="float32")
    assert weight_bytes(request) == counted * 4
    assert gpus_needed(request, H100).num_gpus == 1


def write_safetensors(path: Path, tensors: dict[str, tuple[str, list[int]]]) -> Path:
    """A safetensors file by hand: the header's length, the JSON header, the data."""
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, (dtype, shape) in tensors.items():
        size = 4 * (shape[0] * shape[1] if len(shape) == 2 else shape[0])
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    encoded = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"\0" * offset)
    return path


def test_sharded_checkpoints_add_up_and_a_broken_file_leaves_the_size_unknown(tmp_path):
    write_safetensors(
        tmp_path / "model-00001-of-00002.safetensors", {"a": ("F32", [3, 5]), "b": ("F32", [7])}
    )
    write_safetensors(tmp_path / "model-00002-of-00002.safetensors", {"c": ("F32", [2, 11])})
    assert safetensors_parameters(tmp_path) == 15 + 7 + 22
    assert read_safetensors_header(tmp_path / "model-00001-of-00002.safetensors")["b"]["shape"] == [7]

    (tmp_path / "model-00002-of-00002.safetensors").write_bytes(b"\xff" * 64)  # a length of 2**64 - 1
    assert safetensors_parameters(tmp_path) is None
    request = make_request("r", str(tmp_path))
    assert gpus_needed(request, H100).num_gpus == 1  # unknown: the default, and no crash
    assert safetensors_parameters(tmp_path / "absent") is None


# ---- the estimate on a cluster: a local Ray instance that declares two GPUs (none are real) ----


@pytest.fixture(scope="module")
def ray_with_two_gpus():
    """Started as on a machine whose CUDA_VISIBLE_DEVICES is set empty (a CPU box or a CI runner set
    up so), which once made Ray refuse the declared GPUs: the fixture owns its environment."""
    pytest.importorskip("ray")
    from tests.ray_fixtures import local_ray

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CUDA_VISIBLE_DEVICES", "")
        with local_ray(num_cpus=2, num_gpus=2) as running:
            assert running.cluster_resources().get("GPU") == 2
            yield running


def test_each_task_asks_for_its_model_s_gpus_and_a_model_no_machine_holds_fails_at_once(
    ray_with_two_gpus, tmp_path, tiny_classifier, caplog
):
    from evaluator.executors import build_executor
    from evaluator.request_processing import Worker
    from results.schema import Status
    from results.store import LocalStore
    from tests.conftest import make_rows, write_jsonl
    from tests.test_worker import settings_for, stored

    data = write_jsonl(tmp_path / "bench.jsonl", make_rows({"alpacaeval-easy": 2}))
    store = LocalStore(tmp_path / "store")
    # GPUs of 1 GiB: 600M bfloat16 parameters (1.12 GiB, x 1.25) need two; 1B (1.86 GiB) need three.
    worker = Worker(settings_for(tmp_path, data, executor="ray", gpu_memory_gb=1.0), store)
    store.add_request(make_request("fits", str(tiny_classifier), num_parameters=600_000_000, minutes_ago=2))
    store.add_request(make_request("too-big", str(tiny_classifier), num_parameters=10**9, minutes_ago=1))
    executor = build_executor("ray", worker)
    assert executor.slots() == 2  # one per GPU

    with caplog.at_level("INFO", logger="evaluator.executors.ray"):
        assert executor.tick() == 2

    assert stored(store, "fits").status == Status.FINISHED
    assert "as a Ray task asking for 2 GPU(s) for 1.1 GiB of weights" in caplog.text
    too_big = stored(store, "too-big")
    assert (too_big.status, too_big.attempts) == (Status.FAILED, 0)
    assert too_big.error == (
        "this model needs 3 GPU(s) for 1.9 GiB of weights (1 GiB each), but the largest machine of the "
        "evaluation cluster has 2; it cannot be evaluated here"
    )


def test_without_a_gpu_to_ask_its_memory_each_request_gets_one_gpu(
    ray_with_two_gpus, tmp_path, tiny_classifier, caplog
):
    from evaluator.executors import build_executor
    from evaluator.request_processing import Worker
    from results.schema import Status
    from results.store import LocalStore
    from tests.conftest import make_rows, write_jsonl
    from tests.test_worker import settings_for, stored

    data = write_jsonl(tmp_path / "bench.jsonl", make_rows({"alpacaeval-easy": 2}))
    store = LocalStore(tmp_path / "store")
    worker = Worker(settings_for(tmp_path, data, executor="ray"), store)  # no RMLB_GPU_MEMORY_GB
    store.add_request(make_request("huge", str(tiny_classifier), num_parameters=10**12))
    executor = build_executor("ray", worker)

    with caplog.at_level("INFO", logger="evaluator.executors.ray"):
        assert executor.tick() == 1  # the declared GPUs are not real: torch finds no CUDA to ask

    assert "could not ask a GPU of the cluster its memory" in caplog.text
    assert "RMLB_GPU_MEMORY_GB is set" in caplog.text
    assert "asking for 1 GPU(s) for 1862.6 GiB of weights" in caplog.text
    assert stored(store, "huge").status == Status.FINISHED
