"""Tiny CLoud-shaped checkpoints (a random-init Llama-shaped causal LM plus a reward head), in both
layouts that evaluator/critiques/checkpoint.py reads, built from the same weights."""

from __future__ import annotations

import json
from pathlib import Path

from evaluator.tiny_models import build_tokenizer


def new_cloud(seed: int = 0):
    """(causal LM, reward head, tokenizer), random-init, in memory."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from evaluator.critiques.checkpoint import RewardHead

    tokenizer = build_tokenizer()
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id, bos_token_id=tokenizer.bos_token_id,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config).eval()
    head = RewardHead(config.hidden_size).eval()
    return model, head, tokenizer


def save_ours(folder: Path, model, head, tokenizer) -> Path:
    from safetensors.torch import save_file

    folder = Path(folder)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    save_file({k: v.contiguous() for k, v in head.state_dict().items()}, folder / "reward_head.safetensors")
    return folder


def save_published(folder: Path, model, head, tokenizer) -> Path:
    """The published layout: one state dict with the LM under reward_base_model. and the head
    under reward_head., a config naming the architecture and the base model (here a local folder
    holding the base config, as the Hub id would)."""
    from safetensors.torch import save_file

    folder = Path(folder)
    base = folder.parent / f"{folder.name}-base-config"
    model.config.save_pretrained(base)
    folder.mkdir(parents=True, exist_ok=True)
    weights = {f"reward_base_model.{k}": v for k, v in model.state_dict().items()}
    weights.update({f"reward_head.{k}": v for k, v in head.state_dict().items()})
    save_file({k: v.contiguous().clone() for k, v in weights.items()}, folder / "model.safetensors")
    (folder / "config.json").write_text(
        json.dumps({"architectures": ["CLoudRewardModel"], "feedback_method": "teacher", "base_model_name_or_path": str(base)})
    )
    tokenizer.save_pretrained(folder)
    return folder
