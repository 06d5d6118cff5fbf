"""DPO model types on tiny random-init causal LMs: rewards against a direct computation, the response
boundary, truncation, batch independence, the vocabulary check, and the registry entries."""

from __future__ import annotations

import functools
import json

import numpy as np
import pytest
import torch

from evaluator.adapters import ADAPTERS, LoadOptions, get_adapter
from evaluator.benchmarks import REWARDBENCH, DataSource
from evaluator.benchmarks.loading import Example, load_benchmark_data
from evaluator.cli import main
from evaluator.errors import ConfigError
from evaluator.speed.batching import fixed_batches, run_batches
from evaluator.tiny_models import build_causal_lm, build_tokenizer
from results.model_types import MODEL_TYPES
from results.store import LocalStore
from results.schema import ExampleScore

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def lms(tmp_path_factory, tiny_tokenizer):
    """Two policies and a reference sharing the tiny tokenizer, saved as `<tmp>/org/<name>`."""
    root = tmp_path_factory.mktemp("lms") / "org"
    return {name: build_causal_lm(root / name, tiny_tokenizer, seed=seed)
            for name, seed in (("policy", 1), ("policy-b", 3), ("reference", 2))}


@pytest.fixture(scope="module")
def examples(llmbar_path):
    """Ten short LLMBar pairs (under the 1024-position limit, so nothing is truncated)."""
    data = load_benchmark_data(REWARDBENCH, core=DataSource(str(llmbar_path))).examples
    short = [ex for ex in data if len(ex.prompt[0][1]) + max(len(ex.chosen[0]), len(ex.rejected[0])) < 900]
    return short[::max(1, len(short) // 10)][:10]


def _options(model, **overrides) -> LoadOptions:
    return LoadOptions(model_path=str(model), device=CPU, dtype=torch.float32, progress=False, **overrides)


def _rewards(adapter, examples) -> np.ndarray:
    scored, _ = adapter.score(examples)
    return np.array([s.scores_chosen + s.scores_rejected for s in scored]).ravel()


@functools.lru_cache(maxsize=8)
def _plain_lm(model_dir):
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()


def _direct_logprob(model_dir, tokenizer, example: Example, response: str) -> float:
    """Log-prob of the response tokens, computed here from scratch: one text, no padding, no batching."""
    model = _plain_lm(str(model_dir))
    messages = [{"role": role, "content": content} for role, content in example.prompt]
    prompt = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    answered = messages + [{"role": "assistant", "content": response}]
    full = tokenizer.apply_chat_template(answered, tokenize=False)
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    ids = tokenizer(full, add_special_tokens=False)["input_ids"]
    assert ids[: len(prompt_ids)] == prompt_ids  # this tokenizer keeps the boundary clean
    with torch.no_grad():
        logprobs = torch.log_softmax(model(torch.tensor([ids])).logits[0].double(), dim=-1)
    return sum(logprobs[t - 1, ids[t]].item() for t in range(len(prompt_ids), len(ids)))


def _direct_rewards(lms, tokenizer, examples, policy="policy", reference="reference") -> np.ndarray:
    out = []
    for ex in examples:
        for response in ex.chosen + ex.rejected:
            value = _direct_logprob(lms[policy], tokenizer, ex, response)
            if reference:
                value -= _direct_logprob(lms[reference], tokenizer, ex, response)
            out.append(value)
    return np.array(out)


def test_dpo_reward_is_the_log_ratio_of_the_response(lms, tiny_tokenizer, examples, tmp_path):
    adapter = get_adapter("dpo").load(
        _options(lms["policy"], ref_model=str(lms["reference"]), store=LocalStore(tmp_path / "store")))
    rewards = _rewards(adapter, examples)
    direct = _direct_rewards(lms, tiny_tokenizer, examples)
    assert np.max(np.abs(rewards - direct)) < 1e-4
    assert np.std(rewards) > 1e-2, "rewards should differ between texts, or the check means nothing"


def test_reference_free_sum_and_per_token_mean(lms, tiny_tokenizer, examples):
    total = _rewards(get_adapter("dpo-ref-free").load(_options(lms["policy"])), examples)
    mean_adapter = get_adapter("dpo-ref-free").load(_options(lms["policy"], per_token_mean=True))
    mean = _rewards(mean_adapter, examples)
    direct = _direct_rewards(lms, tiny_tokenizer, examples, reference=None)
    assert np.max(np.abs(total - direct)) < 1e-4
    encoded = mean_adapter.encode([(ex, r) for ex in examples for r in ex.chosen + ex.rejected])
    counts = np.array([len(e.ids) - e.response_start for e in encoded])
    assert np.max(np.abs(mean - direct / counts)) < 1e-5


def test_prompt_tokens_are_excluded(lms, tiny_tokenizer, examples):
    adapter = get_adapter("dpo-ref-free").load(_options(lms["policy"]))
    ex = examples[0]
    [encoded] = adapter.encode([(ex, ex.chosen[0])])
    prompt = adapter.chat_format.prompt_text(ex.prompt)
    assert encoded.response_start == len(tiny_tokenizer(prompt, add_special_tokens=False)["input_ids"])
    assert tiny_tokenizer.decode(encoded.ids[: encoded.response_start]) == prompt
    assert tiny_tokenizer.decode(encoded.ids[encoded.response_start :]) == ex.chosen[0] + "<|end|>\n"

    with torch.no_grad():
        logits = adapter.model(torch.tensor([encoded.ids])).logits[0]
    targets = torch.tensor(encoded.ids[1:])[:, None]
    per_token = torch.log_softmax(logits[:-1], -1).gather(-1, targets).squeeze()
    response_only = per_token[encoded.response_start - 1 :].sum().item()
    whole_text = per_token.sum().item()
    with torch.inference_mode():
        [reward] = adapter.score_batch([encoded])
    assert reward == pytest.approx(response_only, abs=1e-4)
    assert abs(whole_text - response_only) > 1.0  # counting the prompt would be caught


def test_boundary_merge_tokenizes_prompt_and_response_separately(lms, tiny_tokenizer, tmp_path):
    """A template with no separator lets BPE merge the prompt's last word with the response's first."""
    template = tmp_path / "glued.jinja"
    template.write_text("{% for m in messages %}{{ m['content'] }}{% endfor %}")
    adapter = get_adapter("dpo-ref-free").load(_options(lms["policy"], chat_template=str(template)))
    ex = Example(id=0, subset="llmbar-natural", prompt=(("user", "Tell me about th"),),
                 chosen=("e sea.",), rejected=("x",))
    prompt_ids = tiny_tokenizer("Tell me about th", add_special_tokens=False)["input_ids"]
    joint = tiny_tokenizer("Tell me about the sea.", add_special_tokens=False)["input_ids"]
    assert joint[: len(prompt_ids)] != prompt_ids, "precondition: the joint tokenization merges across"

    [encoded] = adapter.encode([(ex, ex.chosen[0])])
    tail = tiny_tokenizer("e sea.", add_special_tokens=False)["input_ids"]
    assert encoded.ids == prompt_ids + tail
    assert encoded.response_start == len(prompt_ids)


def test_template_whose_prompt_is_not_a_prefix_is_refused(lms, tmp_path, examples):
    template = tmp_path / "odd.jinja"
    template.write_text("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
                        "{% if add_generation_prompt %}assistant (answer now):{% endif %}")
    adapter = get_adapter("dpo-ref-free").load(_options(lms["policy"], chat_template=str(template)))
    with pytest.raises(ConfigError, match="not a prefix"):
        adapter.encode([(examples[0], examples[0].chosen[0])])


def test_reward_does_not_depend_on_batch_mates(lms, examples, tmp_path):
    adapter = get_adapter("dpo").load(
        _options(lms["policy"], ref_model=str(lms["reference"]), store=LocalStore(tmp_path / "store")))
    encoded = adapter.encode([(ex, r) for ex in examples for r in ex.chosen + ex.rejected])
    adapter.prepare(examples, encoded)
    lengths = [len(e.ids) for e in encoded]
    assert max(lengths) > 3 * min(lengths), "need texts of very different lengths"
    with torch.inference_mode():
        alone = np.array([adapter.score_batch([e])[0] for e in encoded])
        mixed = run_batches(fixed_batches(len(encoded), 6, lengths),
                            lambda idx: adapter.score_batch([encoded[i] for i in idx]), len(encoded),
                            progress=False)
    assert np.max(np.abs(alone - mixed)) < 1e-4


def test_reference_with_another_vocabulary_is_refused(lms, tmp_path):
    other = build_causal_lm(tmp_path / "org" / "other-ref", build_tokenizer(vocab_size=400))
    with pytest.raises(ConfigError, match="different vocabulary.*--model-type dpo-ref-free"):
        get_adapter("dpo").load(_options(lms["policy"], ref_model=str(other)))


def test_dpo_without_reference_is_refused(lms):
    with pytest.raises(ConfigError, match="needs a reference model: pass --ref-model"):
        get_adapter("dpo").load(_options(lms["policy"]))


def test_model_types_registered():
    assert MODEL_TYPES["dpo"].needs_reference and not MODEL_TYPES["dpo-ref-free"].needs_reference
    assert {"dpo", "dpo-ref-free"} <= set(ADAPTERS)
    assert get_adapter("dpo").model_type == "dpo" and get_adapter("dpo-ref-free").model_type == "dpo-ref-free"


def test_cli_runs_dpo_with_a_cache_dir(lms, tiny_tokenizer, examples, tmp_path):
    rows = [{"prompt": ex.prompt[0][1], "chosen": ex.chosen[0], "rejected": ex.rejected[0],
             "subset": ex.subset, "id": ex.id} for ex in examples[:3]]
    data = tmp_path / "rows.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    code = main(["run", "--model", str(lms["policy"]), "--model-type", "dpo",
                 "--ref-model", str(lms["reference"]),
                 "--cache-dir", str(tmp_path / "store"), "--benchmark", str(data), "--no-progress",
                 "--bootstrap-samples", "10", "--output", str(tmp_path / "out")])
    assert code == 0
    lines = (tmp_path / "out" / "org" / "policy.scores.jsonl").read_text().splitlines()
    scores = [ExampleScore.model_validate_json(line) for line in lines]
    direct = _direct_rewards(lms, tiny_tokenizer, examples[:3])
    assert np.allclose([v for s in scores for v in s.scores_chosen + s.scores_rejected], direct, atol=1e-4)
    assert LocalStore(tmp_path / "store").list_files("cache/ref-logprobs/org/reference")
