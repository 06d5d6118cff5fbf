"""Token-budget batches: every text once, budgets kept, and scores independent of batch-mates."""

import random

import numpy as np
import pytest
import torch

from evaluator.adapters import LoadOptions, get_adapter
from evaluator.benchmarks import REWARDBENCH, DataSource
from evaluator.benchmarks.loading import load_benchmark_data
from evaluator.speed.batching import fixed_batches, pad_right, plan_batches, run_batches


def test_plan_covers_every_index_once_within_budget():
    rng = random.Random(0)
    lengths = [rng.randint(1, 900) for _ in range(500)] + [5000]  # one over the budget
    plan = plan_batches(lengths, batch_tokens=4096)
    flat = sorted(i for batch in plan.batches for i in batch)
    assert flat == list(range(len(lengths)))
    for batch in plan.batches:
        cost = max(lengths[i] for i in batch) * len(batch)
        assert cost <= 4096 or len(batch) == 1
    assert plan.real_tokens == sum(lengths)
    assert plan.padded_tokens == sum(max(lengths[i] for i in b) * len(b) for b in plan.batches)


def test_sorted_plan_pads_far_less_than_fixed_batches():
    rng = random.Random(1)
    lengths = [rng.randint(20, 1000) for _ in range(800)]
    sorted_plan = plan_batches(lengths, batch_tokens=8192)
    naive = fixed_batches(len(lengths), 8, lengths)
    assert sorted_plan.padding_efficiency > 0.95
    assert naive.padding_efficiency < 0.75


def test_run_batches_returns_results_in_caller_order():
    lengths = [3, 9, 1, 7, 5]
    plan = plan_batches(lengths, batch_tokens=10)
    out = run_batches(plan, lambda idx: [lengths[i] * 10 for i in idx], len(lengths), progress=False)
    assert out.tolist() == [30, 90, 10, 70, 50]


def test_pad_right_keeps_positions_and_masks_padding():
    ids, mask = pad_right([[5, 6, 7], [8]], pad_id=0)
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0]]
    assert mask.tolist() == [[1, 1, 1], [1, 0, 0]]


@pytest.fixture(scope="module")
def classifier(tiny_classifier):
    options = LoadOptions(model_path=str(tiny_classifier), device=torch.device("cpu"),
                          dtype=torch.float32, progress=False)
    return get_adapter("classifier").load(options)


def test_reward_does_not_depend_on_batch_mates(classifier, llmbar_path):
    """Each text scored alone vs inside mixed-length batches: same reward within 1e-4."""
    examples = load_benchmark_data(REWARDBENCH, core=DataSource(str(llmbar_path))).examples[::7][:40]
    encoded = classifier.encode([(ex, r) for ex in examples for r in ex.chosen + ex.rejected])
    lengths = [len(e.ids) for e in encoded]
    assert max(lengths) > 3 * min(lengths), "need texts of very different lengths"
    with torch.inference_mode():
        alone = np.array([classifier.score_batch([e])[0] for e in encoded])
        # Dataset-order batches of 8 mix short and long texts, so most rows carry padding.
        mixed = run_batches(fixed_batches(len(encoded), 8, lengths),
                            lambda idx: classifier.score_batch([encoded[i] for i in idx]),
                            len(encoded), progress=False)
        sorted_plan = run_batches(plan_batches(lengths, 4096),
                                  lambda idx: classifier.score_batch([encoded[i] for i in idx]),
                                  len(encoded), progress=False)
    assert np.max(np.abs(alone - mixed)) < 1e-4
    assert np.max(np.abs(alone - sorted_plan)) < 1e-4
    assert np.std(alone) > 1e-3, "rewards should differ between texts, or the check means nothing"


def test_cuts_are_optimal_against_brute_force():
    """Over every way to cut the sorted texts into contiguous batches, none costs less."""
    import itertools

    rng = random.Random(5)
    for _ in range(20):
        lengths = [rng.randint(1, 60) for _ in range(9)]
        budget, overhead = 120, 10
        plan = plan_batches(lengths, budget, batch_overhead_tokens=overhead)
        ours = plan.padded_tokens + overhead * len(plan.batches)
        ordered = sorted(lengths, reverse=True)
        best = float("inf")
        for mask in itertools.product([0, 1], repeat=len(ordered) - 1):
            starts = [0] + [i + 1 for i, cut in enumerate(mask) if cut]
            bounds = list(zip(starts, starts[1:] + [len(ordered)]))
            if all(ordered[a] * (b - a) <= budget or b - a == 1 for a, b in bounds):
                best = min(best, sum(ordered[a] * (b - a) + overhead for a, b in bounds))
        assert ours == best
