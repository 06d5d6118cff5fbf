"""The worker evaluates policy requests: an uploaded completions file, or completions a policy
model generates; the result and per-prompt outcomes land at results/policy.py's store paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evaluator.generation.transformers_local import END_OF_TURN_TOKENS
from evaluator.policy.generation import generate_completions
from evaluator.request_processing import Worker
from evaluator.settings import WorkerSettings
from evaluator.tiny_models import build_causal_lm, build_classifier
from results.policy import (
    PolicyResult,
    PromptOutcome,
    RewardModelRef,
    policy_result_path,
    policy_scores_path,
    upload_path,
)
from results.policy_files import canonical_sha256, read_completions
from results.schema import Status
from results.store import LocalStore
from tests.hub_fixtures import (  # noqa: F401 (hub_fixture provides the `hub` fixture)
    RESULTS_REPO,
    hub_fixture,
    make_hub_store,
    make_request,
    make_store,
    upload_model,
)
from tests.policy_fixtures import policy_rows, reference_prompts, write_lines


def settings_for(tmp_path: Path, **overrides) -> WorkerSettings:
    values = dict(
        store="local",
        store_root=tmp_path / "store",
        worker_id="policy-worker",
        bootstrap_samples=50,
        device="cpu",
        batch_tokens=4096,
    )
    return WorkerSettings(**{**values, **overrides})


def upload(store, policy: str, rows: list[dict], tmp_path: Path) -> str:
    data = write_lines(tmp_path / "upload.jsonl", rows).read_bytes()
    path = upload_path(policy, canonical_sha256(read_completions(data)))
    store.write_file(path, data)
    return path


def stored_request(store, request_id: str):
    store.refresh()
    return next(r for r in store.list_requests() if r.request_id == request_id)


def stored_policy_result(store, policy: str, request) -> tuple[PolicyResult, list[PromptOutcome]]:
    reward_model = RewardModelRef(
        name=f"{request.org}/{request.name}",
        model=request.model,
        revision=request.revision_resolved,
        model_type=request.model_type,
    )
    result = PolicyResult.model_validate_json(store.read_file(policy_result_path(policy, reward_model)))
    lines = store.read_file(policy_scores_path(policy, reward_model)).decode().splitlines()
    return result, [PromptOutcome.model_validate_json(line) for line in lines]


@pytest.mark.parametrize("kind", ["local", "hub"])
def test_an_uploaded_completions_file_is_judged_and_stored(hub, tmp_path, tiny_classifier, kind):
    store = make_store(kind, hub, tmp_path)
    sha = upload_model(hub, "org/tiny-rm", tiny_classifier)
    policy_file = upload(store, "team/terse", policy_rows(lambda p: "Yes."), tmp_path)
    store.add_request(
        make_request(
            "p1",
            "org/tiny-rm",
            revision_resolved=sha,
            kind="policy",
            policy="team/terse",
            policy_file=policy_file,
            # as the submission form queues it: the benchmark column names the reference prompts
            benchmark="rmlb-reference-v1",
            reference_set="rmlb-reference-v1",
        )
    )

    Worker(settings_for(tmp_path), store).process_next()

    request = stored_request(store, "p1")
    assert request.status == Status.FINISHED, request.error
    result, outcomes = stored_policy_result(make_store(kind, hub, tmp_path), "team/terse", request)
    assert result.reward_model.revision == sha and result.policy.source == "completions-file"
    assert result.score.n == len(outcomes) == 20
    assert result.score.win_rate == pytest.approx(sum(o.win for o in outcomes) / 20)
    assert all(
        o.win == (1.0 if o.policy_reward > o.reference_reward else 0.0 if o.policy_reward < o.reference_reward else 0.5)
        for o in outcomes
    )
    assert not store.list_files("eval-set")  # a policy request writes no reward-model result


def test_a_policy_request_requeued_with_its_outcome_staged_is_not_judged_again(hub, tmp_path, tiny_classifier):
    """Issue 28, for policy requests: the uploads fail and the request goes back to the queue; the
    next tick stores the staged outcome as it is. The reward model's folder is gone by then, so
    judging again could only have failed."""
    reward_model = shutil.copytree(tiny_classifier, tmp_path / "models" / "org" / "tiny-rm")
    store = make_hub_store(hub, tmp_path / "cache", attempts=3)
    policy_file = upload(store, "team/terse", policy_rows(lambda p: "Yes."), tmp_path)
    store.add_request(
        make_request(
            "p1", str(reward_model), kind="policy", policy="team/terse", policy_file=policy_file,
            benchmark="rmlb-reference-v1", reference_set="rmlb-reference-v1",
        )
    )
    outage = hub.fail_next_commits(RESULTS_REPO, times=1000)
    worker = Worker(settings_for(tmp_path), store)
    assert worker.tick() == 0 and stored_request(make_store("hub", hub, tmp_path), "p1").status == Status.PENDING
    staged = {  # the outcome's files (the reference rewards, a cache, are staged on their own)
        path: data
        for batch in store.pending.batches()
        for path, data in store.pending.files(batch).items()
        if not path.startswith("cache/")
    }
    shutil.rmtree(reward_model)
    outage.remaining = 0

    assert worker.tick() == 1

    request = stored_request(store, "p1")
    assert request.status == Status.FINISHED, request.error
    files = hub.files(RESULTS_REPO, "dataset")
    assert len(staged) == 2 and {path: files[path] for path in staged} == staged
    result, _ = stored_policy_result(store, "team/terse", request)
    assert result.reward_model.revision == request.revision_resolved


def test_a_bad_uploaded_file_fails_the_request_with_the_reason(tmp_path, tiny_classifier):
    store = LocalStore(tmp_path / "store")
    store.write_file("policy-uploads/team/bad/0.jsonl", b'{"prompt_id": "ref-001", "prompt": "x", "completion": ""}\n')
    store.add_request(
        make_request(
            "p1", str(tiny_classifier), kind="policy", policy="team/bad", policy_file="policy-uploads/team/bad/0.jsonl"
        )
    )
    missing = make_request(
        "p2",
        str(tiny_classifier),
        minutes_ago=-1,
        kind="policy",
        policy="team/gone",
        policy_file="policy-uploads/team/gone/0.jsonl",
    )
    store.add_request(missing)

    worker = Worker(settings_for(tmp_path), store)
    worker.process_next()
    worker.process_next()

    bad, gone = stored_request(store, "p1"), stored_request(store, "p2")
    assert bad.status == gone.status == Status.FAILED
    assert "the completions cannot be scored" in bad.error and "is empty" in bad.error
    assert "not in the store" in gone.error


def test_a_policy_model_generates_once_for_all_its_reward_models(tmp_path, tiny_tokenizer, tiny_classifier):
    """Two requests (two reward models) for one generated policy: the second reads the completions
    the first generated, so both judge the very same texts."""
    policy_model = build_causal_lm(tmp_path / "models" / "team" / "tiny-policy", tiny_tokenizer)
    other_rm = build_classifier(tmp_path / "models" / "other-org" / "other-rm", tiny_tokenizer, seed=1)
    store = LocalStore(tmp_path / "store")
    for number, reward_model in enumerate((tiny_classifier, other_rm)):
        store.add_request(
            make_request(
                f"g{number}",
                str(reward_model),
                minutes_ago=10 - number,
                kind="policy",
                benchmark="rmlb-reference-v1",
                policy="team/tiny-policy",
                policy_model=str(policy_model),
                policy_max_new_tokens=6,
            )
        )
    worker = Worker(settings_for(tmp_path), store)
    worker.process_next()
    worker.process_next()

    results = []
    for number in range(2):
        request = stored_request(store, f"g{number}")
        assert request.status == Status.FINISHED, request.error
        results.append(stored_policy_result(store, "team/tiny-policy", request)[0])
    assert {r.reward_model.name for r in results} == {"tiny-org/tiny-rm", "other-org/other-rm"}
    assert results[0].policy.completions_sha256 == results[1].policy.completions_sha256
    assert results[0].policy.source == "generated" and results[0].policy.max_new_tokens == 6
    assert len(store.list_files("cache/policy-completions")) == 1  # one generation, one cache file

    again = generate_completions(str(policy_model), reference_prompts(), store, max_new_tokens=6)
    assert again.from_cache == 20 and canonical_sha256(again.completions) == results[0].policy.completions_sha256


def test_generated_completions_are_greedy_and_follow_the_chat_template(tmp_path, tiny_tokenizer):
    """Generated twice without a cache: greedy decoding gives the same texts; and they are what the
    model continues after its chat template's generation prompt."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = build_causal_lm(tmp_path / "team" / "tiny-policy", tiny_tokenizer, seed=3)
    prompts = reference_prompts()[:3]
    first = generate_completions(str(folder), prompts, None, max_new_tokens=5)
    second = generate_completions(str(folder), prompts, None, max_new_tokens=5)
    assert [c.completion for c in first.completions] == [c.completion for c in second.completions]
    assert first.from_cache == 0 and first.max_new_tokens == 5

    tokenizer, model = AutoTokenizer.from_pretrained(folder), AutoModelForCausalLM.from_pretrained(folder)
    text = tokenizer.apply_chat_template(
        [{"role": "user", "content": prompts[0].prompt}], tokenize=False, add_generation_prompt=True
    )
    ids = tokenizer(text, add_special_tokens=False, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        for _ in range(5):  # greedy by hand: the most likely next token, five times
            ids = torch.cat([ids, model(ids).logits[:, -1:].argmax(-1)], dim=1)
    new = ids[0, -5:].tolist()
    stop = {tokenizer.eos_token_id} | {i for t, i in tokenizer.get_vocab().items() if t in END_OF_TURN_TOKENS}
    kept = new[: next((i for i, t in enumerate(new) if t in stop), len(new))]
    assert first.completions[0].completion == tokenizer.decode(kept, skip_special_tokens=True)
