"""A CLoud checkpoint: a causal LM plus a reward head, read from either of two layouts.

The reward head is the published design: Linear(h, h) -> tanh -> Linear(h, 1), applied to the last
token's final hidden state (the last entry of `hidden_states`, after the model's final norm).

Layout `published` (e.g. ankner/Llama3-8B-CLoud-RM): config.json names the architecture
"CLoudRewardModel" and the base model (`base_model_name_or_path`, whose config gives the LM's
shape); the weights hold the LM under `reward_base_model.` and the head under `reward_head.`
(`dense`, `out_proj`).

Layout `rmlb` (ours, so anyone can publish one with plain `save_pretrained`): the folder is a normal
causal-LM checkpoint (config.json, safetensors weights, tokenizer with a chat template), plus
`reward_head.safetensors` with the four tensors `dense.weight` (h x h), `dense.bias` (h),
`out_proj.weight` (1 x h) and `out_proj.bias` (1), and optionally `cloud.json` with
{"critique_request": "..."} to change the request that asks for the critique.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import torch
from torch import nn

from ..errors import ModelLoadError, explained

PUBLISHED_ARCHITECTURE = "CLoudRewardModel"
BASE_PREFIX = "reward_base_model."
HEAD_PREFIX = "reward_head."
HEAD_FILE = "reward_head.safetensors"
SETTINGS_FILE = "cloud.json"
# The published model's request for a critique (the paper's wording; a prompt, so it is kept exact).
CRITIQUE_REQUEST = "The following is a break down on the correctness and usefulness of the assistant's response to my question: "


class RewardHead(nn.Module):
    def __init__(self, hidden_size: int):
        super().__init__()
        self.dense = nn.Linear(hidden_size, hidden_size)
        self.out_proj = nn.Linear(hidden_size, 1)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.out_proj(torch.tanh(self.dense(hidden))).squeeze(-1)


@dataclass
class CloudCheckpoint:
    model: nn.Module  # the causal LM: writes critiques, and its hidden states feed the head
    head: RewardHead
    tokenizer: object
    layout: str  # "published" or "rmlb"
    critique_request: str = CRITIQUE_REQUEST


def load_cloud(path: str, device: torch.device, dtype: torch.dtype) -> CloudCheckpoint:
    folder = Path(path)
    config = _json(folder / "config.json")
    with explained(ModelLoadError, f"could not load the CLoud model at {path}"):
        if PUBLISHED_ARCHITECTURE in (config.get("architectures") or []):
            checkpoint = _published(folder, config, dtype)
        elif (folder / HEAD_FILE).is_file():
            checkpoint = _ours(folder, dtype)
        else:
            raise ModelLoadError(
                f"{path} is not a CLoud checkpoint: expected config.json naming {PUBLISHED_ARCHITECTURE} "
                f"(the published layout) or a causal LM with {HEAD_FILE} beside it (see evaluator/critiques/checkpoint.py)"
            )
    if not getattr(checkpoint.tokenizer, "chat_template", None):
        raise ModelLoadError(f"the CLoud model at {path} has no chat template: its critique turn is a chat turn")
    checkpoint.model.to(device).eval()
    checkpoint.head.to(device=device, dtype=dtype).eval()
    return checkpoint


def _ours(folder: Path, dtype: torch.dtype) -> CloudCheckpoint:
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype)
    head = _head(model.config, load_file(folder / HEAD_FILE), folder / HEAD_FILE)
    request = _json(folder / SETTINGS_FILE).get("critique_request", CRITIQUE_REQUEST)
    return CloudCheckpoint(model, head, AutoTokenizer.from_pretrained(folder), "rmlb", request)


def _published(folder: Path, config: dict, dtype: torch.dtype) -> CloudCheckpoint:
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    base = config.get("base_model_name_or_path")
    if not base:
        raise ModelLoadError(f"{folder}/config.json names no base_model_name_or_path: the LM's shape is unknown")
    model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(base), dtype=dtype)
    weights = _weights(folder)
    lm = {k[len(BASE_PREFIX) :]: v for k, v in weights.items() if k.startswith(BASE_PREFIX)}
    head = {k[len(HEAD_PREFIX) :]: v for k, v in weights.items() if k.startswith(HEAD_PREFIX)}
    missing, unexpected = model.load_state_dict(lm, strict=False)
    tied = set(getattr(model, "_tied_weights_keys", None) or [])
    if unexpected or [k for k in missing if k not in tied and not k.endswith("lm_head.weight")]:
        raise ModelLoadError(
            f"the weights in {folder} do not fit {base}'s shape (missing {missing[:3]}, unexpected {unexpected[:3]})"
        )
    if missing:
        model.tie_weights()
    return CloudCheckpoint(model, _head(model.config, head, folder), AutoTokenizer.from_pretrained(folder), "published")


def _head(config, tensors: dict, where) -> RewardHead:
    head = RewardHead(config.hidden_size)
    try:
        head.load_state_dict(tensors)
    except RuntimeError as exc:
        raise ModelLoadError(f"the reward head in {where} does not fit: {str(exc).splitlines()[0]}") from None
    return head


def _weights(folder: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    files = sorted(folder.glob("*.safetensors"))
    if not files:
        raise ModelLoadError(f"{folder} has no safetensors weights")
    weights: dict[str, torch.Tensor] = {}
    for file in files:
        weights.update(load_file(file))
    return weights


def _json(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ModelLoadError(f"{path} is not valid JSON: {exc}") from None


def hidden_size(checkpoint: CloudCheckpoint) -> Optional[int]:
    return getattr(checkpoint.model.config, "hidden_size", None)
