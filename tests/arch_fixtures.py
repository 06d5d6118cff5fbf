"""Tiny models of three architectures and a mixed set of examples, shared by the tests that
check a faster path of scoring (prefix sharing, packed rows) against the plain padded one.

GPT-2 (absolute positions), Llama (rotary positions, grouped KV heads) and a BERT encoder
(bidirectional: what neither fast path may run on) each as classifier, language model and
reference; examples with pairs, best-of-4 rows, a prompt/response boundary the tokenizer merges,
and a prompt far over MAX_LENGTH.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from evaluator.benchmarks import REWARDBENCH, DataSource
from evaluator.benchmarks.loading import Example, load_benchmark_data
from evaluator.tiny_models import new_causal_lm, new_classifier, save_model

MAX_LENGTH = 320
# Distinct words: a prompt cut at different points keeps different ids.
LONG_PROMPT = "List these: " + " ".join(f"item{i}" for i in range(400))
# Of clearly different token lengths: each keeps a different part of the prompt (equal lengths
# would keep equal prompts, and share).
LONG_RESPONSES = (
    "Done.",
    "I listed every item.",
    "No, I will not list them all here today.",
    "Here they are, all of them, one by one, in the order given above, without skipping any.",
)
# No separator after the prompt: "hel" + "lo" is one word, so the joint tokenization merges it.
GLUED_TEMPLATE = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
GLUED = Example(
    id=9001, subset="glued", prompt=(("user", "Complete the word: hel"),),
    chosen=("lo there",), rejected=("p me", " world", "icopter"),
)


def _llama_config(tokenizer, **extra):
    from transformers import LlamaConfig

    return LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, **extra,
    )


def _new_llama(tokenizer, kind: str, seed: int):
    from transformers import LlamaForCausalLM, LlamaForSequenceClassification

    torch.manual_seed(seed)
    if kind == "classifier":
        return LlamaForSequenceClassification(_llama_config(tokenizer, num_labels=1))
    return LlamaForCausalLM(_llama_config(tokenizer))


def _new_bert_classifier(tokenizer):
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    return BertForSequenceClassification(BertConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, max_position_embeddings=1024, pad_token_id=tokenizer.pad_token_id, num_labels=1,
    ))


@pytest.fixture(scope="module")
def arch_models(tmp_path_factory, tiny_tokenizer):
    """(architecture, kind) -> a saved model folder; kind is classifier, lm or reference."""
    root = tmp_path_factory.mktemp("arch-models") / "org"
    built = {
        ("gpt2", "classifier"): new_classifier(tiny_tokenizer, seed=1),
        ("gpt2", "lm"): new_causal_lm(tiny_tokenizer, seed=2),
        ("gpt2", "reference"): new_causal_lm(tiny_tokenizer, seed=3),
        ("llama", "classifier"): _new_llama(tiny_tokenizer, "classifier", seed=4),
        ("llama", "lm"): _new_llama(tiny_tokenizer, "lm", seed=5),
        ("llama", "reference"): _new_llama(tiny_tokenizer, "lm", seed=6),
        ("bert", "classifier"): _new_bert_classifier(tiny_tokenizer),
    }
    return {key: save_model(model, tiny_tokenizer, root / "-".join(key)) for key, model in built.items()}


@pytest.fixture(scope="module")
def mixed_examples(llmbar_path):
    """Six short LLMBar pairs, three RewardBench-2-shaped rows (1 chosen + 3 rejected), the glued
    prompt, and one prompt far over MAX_LENGTH (cut from the left, differently per response)."""
    data = load_benchmark_data(REWARDBENCH, core=DataSource(str(llmbar_path))).examples
    short = [ex for ex in data if len(ex.prompt[0][1]) + max(len(ex.chosen[0]), len(ex.rejected[0])) < 500]
    pairs, pool = short[:6], short[6:18]
    best_of_4 = [
        Example(id=8000 + k, subset="bo4", prompt=pool[k].prompt, chosen=pool[k].chosen,
                rejected=pool[k].rejected + pool[k + 3].rejected + pool[k + 6].rejected)
        for k in range(3)
    ]
    long_row = Example(id=9002, subset="long", prompt=(("user", LONG_PROMPT),),
                       chosen=LONG_RESPONSES[:1], rejected=LONG_RESPONSES[1:])
    return pairs + best_of_4 + [GLUED, long_row]




SAMPLE_DATA = Path(__file__).resolve().parents[1] / "data" / "sample-rewardbench.jsonl"


def cli_results(tmp_path: Path, model: Path, runs: dict[str, list[str]]) -> dict[str, dict]:
    """Each named run of `python -m evaluator run` on the sample data's alpacaeval-easy with its
    extra arguments, in-process: name -> the result JSON it wrote."""
    from evaluator.cli import main

    results = {}
    for name, extra in runs.items():
        args = ["run", "--model", str(model), "--data", str(SAMPLE_DATA), "--subsets", "alpacaeval-easy",
                "--no-progress", "--output", str(tmp_path / name), *extra]
        assert main(args) == 0
        results[name] = json.loads((tmp_path / name / model.parent.name / f"{model.name}.json").read_text())
    return results
