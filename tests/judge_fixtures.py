"""Tiny local judges with known behaviour, for end-to-end tests of the generative model type.

A random-init language model answers noise. `build_constant_judge` makes one that always answers
the same verdict token: its final layer norm is zeroed except for a bias, so every position's last
hidden state is that bias, and the (untied) output head gives that direction to one token only.
Greedy decoding then repeats the token, e.g. "[[A]][[A]]...": a judge that always picks slot A.
"""

from __future__ import annotations

from pathlib import Path

from evaluator.tiny_models import build_tokenizer, gpt2_config, save_model

VERDICT_TOKENS = ["[[A]]", "[[B]]", "[[C]]", "[[D]]", "Rating: [[7]]"]


def judge_tokenizer():
    tokenizer = build_tokenizer()
    tokenizer.add_tokens(VERDICT_TOKENS)
    return tokenizer


def build_constant_judge(folder: str | Path, answer: str, seed: int = 0) -> Path:
    import torch
    from transformers import GPT2LMHeadModel

    tokenizer = judge_tokenizer()
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(gpt2_config(tokenizer, tie_word_embeddings=False))
    token = tokenizer.convert_tokens_to_ids(answer)
    with torch.no_grad():
        direction = torch.randn(model.config.n_embd)
        model.transformer.ln_f.weight.zero_()
        model.transformer.ln_f.bias.copy_(direction)
        model.lm_head.weight.zero_()
        model.lm_head.weight[token] = direction
    return save_model(model, tokenizer, folder)


def build_random_judge(folder: str | Path, seed: int = 0) -> Path:
    """A random-init judge: answers noise (unparsable verdicts), useful for batching checks."""
    from evaluator.tiny_models import build_causal_lm

    return build_causal_lm(folder, judge_tokenizer(), seed=seed)
