"""LocalStore: atomic writes, compare-and-swap across processes, and paths that cannot escape."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from results.names import InvalidModelName
from results.schema import EvalRequest
from results.store import (
    LocalStore,
    Store,
    legacy_result_path,
    legacy_scores_path,
    request_path,
    result_path,
    result_paths,
    safe_path,
    scores_path,
)
from tests.hub_fixtures import make_request, sample_outcome

UNSAFE_PARTS = [
    "..",
    ".",
    "",
    "../x",
    "a/b",
    "/abs",
    ".hidden",
    "a b",
    "x\x00y",
    "ü",
    "a\\b",
    "-flag",
    "~",
    "a" * 201,
]


def spawn_context():
    # Fresh interpreters: the test process may hold torch threads, which fork does not copy safely.
    return multiprocessing.get_context("spawn")


def test_local_store_is_a_store(tmp_path):
    assert isinstance(LocalStore(tmp_path), Store)


@pytest.mark.parametrize("part", UNSAFE_PARTS)
def test_safe_path_refuses_parts_that_could_escape(part):
    with pytest.raises(InvalidModelName):
        safe_path("eval-set", part, "x.json")


def test_safe_path_accepts_plain_names():
    assert safe_path("eval-set", "Org-1", "model_v2.5+x=y.json") == "eval-set/Org-1/model_v2.5+x=y.json"


@pytest.mark.parametrize(
    "path",
    [
        "../outside.json",
        "eval-set/../../outside.json",
        "/abs/outside.json",
        "eval-set/org/..",
        "eval-set/.hidden/x.json",
    ],
)
def test_local_store_refuses_paths_outside_its_folder(tmp_path, path):
    store = LocalStore(tmp_path / "store")
    with pytest.raises(InvalidModelName):
        store.write_file(path, b"x")
    with pytest.raises(InvalidModelName):
        store.read_file(path)
    assert not (tmp_path / "outside.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


@pytest.mark.parametrize("model_name", ["../../evil", "org/../../evil", "org/na me", "org/.x"])
def test_results_with_unsafe_model_names_are_refused(tmp_path, model_name):
    org, _, name = model_name.partition("/")
    for path_of in (
        lambda: result_path("rewardbench", org, name, "abc"),
        lambda: scores_path("rewardbench", org, name, "abc"),
        lambda: legacy_result_path(org, name),
        lambda: legacy_scores_path(org, name),
    ):
        with pytest.raises(InvalidModelName):
            path_of()


@pytest.mark.parametrize(
    "field, value", [("benchmark", "../../evil"), ("benchmark", "org/ds"), ("revision", "../x")]
)
def test_results_with_unsafe_benchmark_names_or_revisions_are_refused(tmp_path, field, value):
    result, examples = sample_outcome(**{field: value})
    with pytest.raises(InvalidModelName):
        LocalStore(tmp_path / "store").write_result(result, examples)
    assert not any(p.is_file() for p in tmp_path.rglob("*") if p.name != ".lock")


@pytest.mark.parametrize("field,value", [("org", "../.."), ("name", "../../etc"), ("request_id", "../x")])
def test_requests_with_unsafe_names_are_refused(tmp_path, field, value):
    store = LocalStore(tmp_path / "store")
    request = make_request("r1").model_copy(update={field: value})
    with pytest.raises(InvalidModelName):
        store.add_request(request)
    assert store.list_files("") == []


def test_a_request_file_naming_another_place_is_skipped(tmp_path, caplog):
    """A request is rewritten at the path its own fields give; one that points elsewhere (or at an
    unsafe place) must never be listed, so no claim can write through it."""
    store = LocalStore(tmp_path / "store")
    good = make_request("good")
    store.add_request(good)
    evil = make_request("evil").model_copy(update={"org": "../../outside"})
    store.write_file("requests/org/tiny/evil.json", evil.model_dump_json().encode())
    moved = make_request("moved").model_copy(update={"name": "other"})
    store.write_file("requests/org/tiny/moved.json", moved.model_dump_json().encode())
    store.write_file("requests/org/tiny/broken.json", b"{not json")
    assert [r.request_id for r in store.list_requests()] == ["good"]
    assert "broken.json" in caplog.text and "evil.json" in caplog.text and "moved.json" in caplog.text


def test_write_read_list(tmp_path):
    store = LocalStore(tmp_path / "store")
    store.write_file("eval-set/org/a.json", b"1")
    store.write_file("eval-set/org/b.json", b"2")
    store.write_file("eval-set/org/a.json", b"3")
    assert store.read_file("eval-set/org/a.json") == b"3"
    assert store.read_file("eval-set/org/missing.json") is None
    assert store.list_files("eval-set") == ["eval-set/org/a.json", "eval-set/org/b.json"]
    assert store.list_files("nothing-here") == []
    # no temp files are left behind, and the lock file stays hidden
    store.add_request(make_request("r1"))
    leftovers = [
        p.name for p in (tmp_path / "store").rglob("*") if p.name.startswith(".") and p.name != ".lock"
    ]
    assert leftovers == []


def test_requests_round_trip_exactly(tmp_path):
    """Compare-and-swap compares a stored request with one in memory: the JSON round trip must be exact."""
    store = LocalStore(tmp_path / "store")
    request = make_request("r1", ref_model="org/ref", attempts=2)
    store.add_request(request)
    (stored,) = store.list_requests()
    assert stored == request
    assert EvalRequest.model_validate_json(store.read_file(request_path(request))) == request


def test_add_request_refuses_a_taken_id(tmp_path):
    store = LocalStore(tmp_path / "store")
    store.add_request(make_request("r1"))
    with pytest.raises(FileExistsError):
        store.add_request(make_request("r1", submitter="someone-else"))
    assert store.list_requests()[0].submitter == "anonymous"


def test_replace_request_is_compare_and_swap(tmp_path):
    store = LocalStore(tmp_path / "store")
    original = make_request("r1")
    store.add_request(original)
    first = original.model_copy(update={"worker_id": "a"})
    assert store.replace_request(original, first)
    # a second writer that still holds the original must lose, and change nothing
    assert not store.replace_request(original, original.model_copy(update={"worker_id": "b"}))
    assert store.list_requests() == [first]
    # a request that is not stored at all cannot be replaced either
    ghost = make_request("ghost")
    assert not store.replace_request(ghost, ghost.model_copy(update={"worker_id": "a"}))
    assert store.read_file(request_path(ghost)) is None


def test_replace_request_cannot_turn_into_another_request(tmp_path):
    store = LocalStore(tmp_path / "store")
    original = make_request("r1")
    store.add_request(original)
    with pytest.raises(ValueError, match="must stay the same"):
        store.replace_request(original, original.model_copy(update={"request_id": "r2"}))
    with pytest.raises(ValueError, match="must stay the same"):
        store.replace_request(original, original.model_copy(update={"name": "other"}))
    assert store.list_requests() == [original]


def _swap_every_request(root: str, worker: str, barrier, results) -> None:
    """Child process: try to take every request by compare-and-swap (worker_id: None -> worker)."""
    store = LocalStore(root)
    requests = store.list_requests()
    barrier.wait(timeout=60)
    won = [
        r.request_id for r in requests if store.replace_request(r, r.model_copy(update={"worker_id": worker}))
    ]
    results.put((worker, won))


def test_compare_and_swap_is_atomic_across_processes(tmp_path):
    store = LocalStore(tmp_path / "store")
    ids = [f"r{i:02d}" for i in range(30)]
    for request_id in ids:
        store.add_request(make_request(request_id))
    ctx = spawn_context()
    barrier, results = ctx.Barrier(4), ctx.Queue()
    workers = [
        ctx.Process(target=_swap_every_request, args=(str(store.root), f"w{i}", barrier, results))
        for i in range(4)
    ]
    for process in workers:
        process.start()
    won = dict(results.get(timeout=90) for _ in workers)
    for process in workers:
        process.join(timeout=30)
        assert process.exitcode == 0
    claimed = sorted(request_id for ids_won in won.values() for request_id in ids_won)
    assert claimed == ids, "every request must be taken exactly once"
    owners = {r.request_id: r.worker_id for r in store.list_requests()}
    assert all(owners[request_id] == worker for worker, ids_won in won.items() for request_id in ids_won)


def _rewrite_repeatedly(root: str, path: str, rounds: int) -> None:
    store = LocalStore(root)
    for i in range(rounds):
        store.write_file(path, (b"A" if i % 2 else b"B") * 2_000_000)


def test_readers_never_see_a_half_written_file(tmp_path):
    store = LocalStore(tmp_path / "store")
    path = "eval-set/org/big.json"
    store.write_file(path, b"A" * 2_000_000)
    writer = spawn_context().Process(target=_rewrite_repeatedly, args=(str(store.root), path, 40))
    writer.start()
    reads = 0
    try:
        while writer.is_alive() and reads < 5000:
            data = store.read_file(path)
            assert len(data) == 2_000_000 and data.count(data[:1]) == len(data), "torn read"
            reads += 1
    finally:
        writer.join(timeout=60)
    assert writer.exitcode == 0 and reads > 0


def test_write_result_puts_scores_beside_the_result(tmp_path):
    store = LocalStore(tmp_path / "store")
    result, examples = sample_outcome()
    store.write_result(result, examples)
    result_file, scores_file = result_paths(result)
    assert (result_file, scores_file) == (
        "eval-set/rewardbench/org/tiny/abc.json",
        "eval-set-scores/rewardbench/org/tiny/abc.jsonl",
    )
    assert json.loads(store.read_file(result_file))["model"]["name"] == result.model.name
    assert store.read_file(scores_file).decode().count("\n") == len(examples)
    assert store.read_example_scores(result_file) == examples
    assert [p for p, _ in store.iter_result_files()] == [result_file]


def test_a_listed_path_the_store_refuses_is_one_skipped_file_not_a_failure(tmp_path, caplog):
    """Issue 29: a folder named `<img src=x onerror=alert(1)>` (put in the store by hand) holding a
    valid result or request is skipped with one log line; every other file is still read."""
    import logging

    store = LocalStore(tmp_path / "store")
    store.add_request(make_request("good"))
    store.write_file("eval-set/org/ok.json", b"{}")
    for folder in ("requests/<img src=x onerror=alert(1)>/rm", "eval-set/<img src=x onerror=alert(1)>"):
        (store.root / folder).mkdir(parents=True)
        (store.root / folder / "r.json").write_bytes(make_request("bad").model_dump_json().encode())
    with caplog.at_level(logging.WARNING, logger="results.store"):
        assert [r.request_id for r in store.list_requests()] == ["good"]
        assert [path for path, _ in store.iter_result_files()] == ["eval-set/org/ok.json"]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and all("refusing unsafe path part" in line and "\n" not in line for line in lines)
