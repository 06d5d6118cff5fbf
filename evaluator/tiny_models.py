"""Small random-init models with a real tokenizer and chat template, built on the spot.

Tests, benchmarks and the demo need models that load through the same `from_pretrained` path as
real ones, without a network. These are GPT-2 shaped, with a byte-level BPE tokenizer trained on
whatever text is given (any text stays encodable: the byte alphabet is always included).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}<|end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
SPECIAL_TOKENS = ["<pad>", "<|endoftext|>", "<|end|>", "<|user|>", "<|assistant|>", "<|system|>"]
_BASE_CORPUS = [
    "The quick brown fox jumps over the lazy dog.",
    "Write a short poem about the sea, then explain its rhyme scheme.",
    "def add(a, b):\n    return a + b\n",
    "I'm sorry, but I can't help with that request.",
    "Sure! Here is a step-by-step answer: first, second, third.",
]


def build_tokenizer(texts: Iterable[str] = (), vocab_size: int = 1000, chat_template: Optional[str] = CHAT_TEMPLATE):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    core.train_from_iterator(list(_BASE_CORPUS) + list(texts), trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, pad_token="<pad>", eos_token="<|endoftext|>", bos_token="<|endoftext|>"
    )
    tokenizer.chat_template = chat_template
    return tokenizer


def gpt2_config(tokenizer, n_layer: int = 2, n_embd: int = 64, n_head: int = 4, n_positions: int = 1024, **extra):
    from transformers import GPT2Config

    return GPT2Config(
        vocab_size=len(tokenizer),
        n_layer=n_layer,
        n_embd=n_embd,
        n_head=n_head,
        n_positions=n_positions,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.bos_token_id,
        **extra,
    )


def new_classifier(tokenizer, seed: int = 0, **config_overrides):
    """A random-init GPT-2 sequence classifier with one output (the reward), in memory."""
    import torch
    from transformers import GPT2ForSequenceClassification

    torch.manual_seed(seed)
    return GPT2ForSequenceClassification(gpt2_config(tokenizer, num_labels=1, **config_overrides))


def new_causal_lm(tokenizer, seed: int = 0, **config_overrides):
    """A random-init GPT-2 language model, in memory."""
    import torch
    from transformers import GPT2LMHeadModel

    torch.manual_seed(seed)
    return GPT2LMHeadModel(gpt2_config(tokenizer, **config_overrides))


def build_classifier(folder: str | Path, tokenizer, seed: int = 0, **config_overrides) -> Path:
    """A random-init GPT-2 sequence classifier with one output (the reward), saved to `folder`."""
    return save_model(new_classifier(tokenizer, seed, **config_overrides), tokenizer, folder)


def build_causal_lm(folder: str | Path, tokenizer, seed: int = 0, **config_overrides) -> Path:
    return save_model(new_causal_lm(tokenizer, seed, **config_overrides), tokenizer, folder)


def save_model(model, tokenizer, folder: str | Path) -> Path:
    """Save a model (in eval mode) and its tokenizer as a folder `from_pretrained` can load."""
    folder = Path(folder)
    model.eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
