"""The shared reference cache: a second submission naming the same reference never loads it; the
cache file's key, format, merging and recovery from corruption."""

from __future__ import annotations

import dataclasses
import json
import logging

import huggingface_hub
import numpy as np
import pytest
import torch

from evaluator.adapters import LoadOptions, get_adapter
from evaluator.adapters.ref_cache import (
    CacheFileError,
    CacheKey,
    ReferenceCache,
    decode_cache_file,
    encode_cache_file,
)
from evaluator.errors import ConfigError, ModelLoadError
from evaluator.runner import RunConfig, evaluate
from evaluator.tiny_models import build_causal_lm, build_tokenizer
from results.store import LocalStore
from tests.conftest import write_jsonl

REF_ID = "ref-org/ref-lm"
REF_COMMIT = "3f2a9c41d07b8e65a1c2f4e90b7d6a5c8e1f2b3a"
KEY = CacheKey("ref-org", "ref-lm", REF_COMMIT, "float32", "tokenizer", "ab" * 32, "cd" * 32)


@pytest.fixture(scope="module")
def policies(tmp_path_factory, tiny_tokenizer):
    root = tmp_path_factory.mktemp("policies") / "org"
    return [build_causal_lm(root / f"policy-{seed}", tiny_tokenizer, seed=seed) for seed in (1, 3)]


@pytest.fixture()
def data_file(llmbar_path, tmp_path):
    rows = [json.loads(line) for line in llmbar_path.read_text().splitlines()]
    short = [r for r in rows if len(r["prompt"]) + len(r["chosen"]) + len(r["rejected"]) < 1200]
    return write_jsonl(tmp_path / "pairs.jsonl", short[:5])


@pytest.fixture()
def hub_reference(tmp_path, tiny_tokenizer, monkeypatch):
    """A reference that is a Hub id, found offline in a Hub cache folder (the layout snapshot_download
    keeps): refs/main names the commit, snapshots/<commit>/ holds the files. Returns the snapshot."""
    repo = tmp_path / "hub" / "models--ref-org--ref-lm"
    snapshot = build_causal_lm(repo / "snapshots" / REF_COMMIT, tiny_tokenizer, seed=2)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(REF_COMMIT)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    return snapshot


def _dpo(policy, data, ref=REF_ID) -> RunConfig:
    return RunConfig(model=str(policy), model_type="dpo", ref_model=str(ref), data=str(data),
                     progress=False, bootstrap_samples=10)


def _rewards(outcome) -> np.ndarray:
    return np.array([v for e in outcome.examples for v in e.scores_chosen + e.scores_rejected])


def _logprobs(model_dir, data) -> np.ndarray:
    """Each response's summed log-prob under one model (dpo-ref-free, itself checked in test_dpo)."""
    return _rewards(evaluate(RunConfig(model=str(model_dir), model_type="dpo-ref-free", data=str(data),
                                       progress=False, bootstrap_samples=10)))


def test_second_submission_reads_the_cache_and_never_loads_the_reference(
    policies, hub_reference, data_file, tmp_path
):
    ref_logprobs = _logprobs(hub_reference, data_file)
    second_policy = _logprobs(policies[1], data_file)
    store = LocalStore(tmp_path / "store")

    evaluate(_dpo(policies[0], data_file), store)
    [cache_file] = store.list_files("cache/ref-logprobs")
    assert cache_file.startswith(f"cache/ref-logprobs/ref-org/ref-lm/{REF_COMMIT}/")  # resolved revision
    cached = store.read_file(cache_file)

    # The reference's weights are gone: any attempt to load it now fails.
    weights = list(hub_reference.glob("*.safetensors"))
    assert weights
    for path in weights:
        path.unlink()
    second = evaluate(_dpo(policies[1], data_file), store)
    assert np.max(np.abs(_rewards(second) - (second_policy - ref_logprobs))) < 1e-4
    assert store.read_file(cache_file) == cached  # read, not recomputed or rewritten
    # The result names the reference and its pinned commit, as the leaderboard shows it.
    assert (second.result.model.ref_model, second.result.model.ref_revision_resolved) == (REF_ID, REF_COMMIT)

    # Control: without the cache the reference must run, and that now fails, so the run above
    # really did not load it.
    with pytest.raises(ModelLoadError, match=f"could not load the reference model {REF_ID}"):
        evaluate(_dpo(policies[1], data_file), LocalStore(tmp_path / "empty-store"))


def test_corrupt_cache_file_is_logged_and_recomputed(policies, tiny_tokenizer, data_file, tmp_path, caplog):
    reference = build_causal_lm(tmp_path / "org" / "local-ref", tiny_tokenizer, seed=2)
    store = LocalStore(tmp_path / "store")
    first = evaluate(_dpo(policies[0], data_file, reference), store)
    [cache_file] = store.list_files("cache/ref-logprobs/org/local-ref")
    store.write_file(cache_file, b"PK\x03\x04 this is not a zip archive")

    with caplog.at_level(logging.WARNING, logger="evaluator"):
        second = evaluate(_dpo(policies[0], data_file, reference), store)
    assert f"ignoring reference cache {cache_file}" in caplog.text
    assert np.array_equal(_rewards(first), _rewards(second))
    with np.load(tmp_path / "store" / cache_file) as npz:  # rewritten whole
        assert len(npz["logprobs"]) == len(_rewards(first))


def test_cache_file_round_trip_keeps_every_key_byte():
    entries = {b"\x07" * 15 + b"\x00": -12.5, b"\x00" * 16: -3.25, bytes(range(16)): 0.0}
    assert decode_cache_file(KEY, encode_cache_file(KEY, entries)) == entries


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(CacheKey)])
def test_every_key_field_gives_its_own_file(field):
    other = dataclasses.replace(KEY, **{field: getattr(KEY, field) + "x" if getattr(KEY, field) else "x"})
    assert other.path != KEY.path
    with pytest.raises(CacheFileError, match="does not match this key"):
        decode_cache_file(other, encode_cache_file(KEY, {b"k" * 16: -1.0}))


@pytest.mark.parametrize("damage", ["truncated", "garbage", "nan"])
def test_unusable_cache_files_are_refused(damage):
    good = encode_cache_file(KEY, {b"k" * 16: -1.0, b"j" * 16: -2.0})
    data = {
        "truncated": good[: len(good) // 2],
        "garbage": b"\x00" * 64,
        "nan": encode_cache_file(KEY, {b"k" * 16: float("nan")}),
    }[damage]
    with pytest.raises(CacheFileError):
        decode_cache_file(KEY, data)


def test_concurrent_writers_merge_their_entries(tmp_path):
    store = LocalStore(tmp_path)
    first, second = ReferenceCache.open(store, KEY), ReferenceCache.open(store, KEY)
    first.update([(b"a" * 16, -1.0)])
    second.update([(b"b" * 16, -2.0)])
    first.save()
    second.save()  # opened before the first save, yet keeps its entry
    reopened = ReferenceCache.open(store, KEY)
    assert reopened.entries == {b"a" * 16: -1.0, b"b" * 16: -2.0}
    assert reopened.missing([b"a" * 16, b"c" * 16, b"c" * 16]) == [1]


def test_vocabulary_check_needs_no_reference_weights(hub_reference, tmp_path):
    """A policy of another vocabulary is refused even when the reference would never be loaded."""
    stranger = build_causal_lm(tmp_path / "org" / "stranger", build_tokenizer(vocab_size=400))
    for path in hub_reference.glob("*.safetensors"):
        path.unlink()  # the vocabulary check reads only the reference's tokenizer and config
    options = LoadOptions(model_path=str(stranger), device=torch.device("cpu"), dtype=torch.float32,
                          ref_model=REF_ID, store=LocalStore(tmp_path / "store"))
    with pytest.raises(ConfigError, match="different vocabulary"):
        get_adapter("dpo").load(options)
