"""The vLLM judge backend's choices that hold without vLLM: the tensor-parallel degree, and the
message when vLLM is not installed (it is not, on the CPU machines the suite runs on)."""

from __future__ import annotations

import importlib.util

import pytest
import torch

from evaluator.errors import ConfigError
from evaluator.generation.vllm_backend import VLLMBackend, gpus_to_use, tensor_parallel_size


@pytest.mark.parametrize(("gpus", "degree"), [(0, 1), (1, 1), (2, 2), (3, 2), (4, 4), (6, 4), (8, 8), (12, 8)])
def test_the_model_is_split_over_the_largest_power_of_two_of_the_visible_gpus(gpus, degree):
    assert tensor_parallel_size(None, gpus) == degree
    assert tensor_parallel_size("", gpus) == degree


def test_a_worker_given_one_gpu_by_index_keeps_to_it():
    assert gpus_to_use(torch.device("cuda", 3)) == 1
    assert gpus_to_use(torch.device("cpu")) == (torch.cuda.device_count() if torch.cuda.is_available() else 0)


def test_a_configured_degree_wins_and_a_bad_one_is_refused():
    assert tensor_parallel_size("3", 8) == 3
    for bad in ("0", "-2", "two"):
        with pytest.raises(ConfigError, match="RMLB_VLLM_TENSOR_PARALLEL must be a positive whole number"):
            tensor_parallel_size(bad, 8)


@pytest.mark.skipif(importlib.util.find_spec("vllm") is not None, reason="vLLM is installed here")
def test_without_vllm_the_backend_says_how_to_get_it():
    with pytest.raises(ConfigError, match="install requirements-vllm.txt"):
        VLLMBackend.load("org/judge", torch.bfloat16, "org/judge|vllm", None)
