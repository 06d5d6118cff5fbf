"""Importing published results: how long a first import, a re-import and the board's read take.

Two dataset repos in the published layout are served by the project's Hub emulator on 127.0.0.1
(the real Hub is out of reach here): N v1 and N v2 flat files (`eval-set/<org>/<model>.json`), about
the size of the field's results datasets for N = 300. Then, with the real `huggingface_hub` client:
  first:     import both repos into an empty store (local folder, or the Hub store on the emulator);
  unchanged: import again, nothing changed (the listing only; no file is fetched);
  one:       one file changed in a second commit of the v1 repo; import again (that file is fetched);
  board:     the leaderboard's read of the store (`build_tables(*store_files(store))`, what a refresh
             does) against the same files placed in `eval-set/` (`build_tables(iter_result_files())`):
             the cost of the manifests and of the provenance.

    python bench/import_results.py [--files 300] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from huggingface_hub import constants  # noqa: E402

from fakes.hub_emulator import HubEmulator  # noqa: E402
from leaderboard.tables import provenance as prov  # noqa: E402
from leaderboard.tables import table as t  # noqa: E402
from leaderboard.imports.import_sources import HubSource  # noqa: E402
from leaderboard.imports.importer import import_results  # noqa: E402
from results.imported import iter_imported_files  # noqa: E402
from results.benchmarks.rewardbench import REWARDBENCH_SECTIONS  # noqa: E402
from results.benchmarks.rewardbench2 import REWARDBENCH_2_SUBSETS  # noqa: E402
from results.benchmarks.sections import subset_order  # noqa: E402
from results.store import LocalStore  # noqa: E402

V1, V2 = "bench-org/rb-results", "bench-org/rb2-results"
V1_SUBSETS = subset_order(REWARDBENCH_SECTIONS[:4])


def flat_file(model: str, subsets, index: int) -> bytes:
    scores = {s: round(0.5 + ((index * 7 + i * 13) % 50) / 100, 4) for i, s in enumerate(subsets)}
    return json.dumps(
        {"model": model, "model_type": "Seq. Classifier", "chat_template": None, **scores}, indent=2
    ).encode()


def repo_files(count: int, subsets) -> dict[str, bytes]:
    return {
        f"eval-set/org-{i % 40}/model-{i}.json": flat_file(f"org-{i % 40}/model-{i}", subsets, i)
        for i in range(count)
    }


def publish(hub: HubEmulator, count: int) -> None:
    for repo, subsets in ((V1, V1_SUBSETS), (V2, REWARDBENCH_2_SUBSETS)):
        hub.create_repo(repo, "dataset", exist_ok=True)
        hub.commit(repo, repo_files(count, subsets), "dataset", message="results")


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def import_both(store, hub: HubEmulator) -> list:
    return [import_results(store, HubSource(repo, endpoint=hub.endpoint)) for repo in (V1, V2)]


def one_round(hub: HubEmulator, store, count: int, change: int) -> dict:
    served = len(hub.requests)
    first = timed(lambda: import_both(store, hub))
    first_requests = len(hub.requests) - served
    served = len(hub.requests)
    unchanged = timed(lambda: import_both(store, hub))
    unchanged_requests = len(hub.requests) - served
    hub.commit(
        V1, {"eval-set/org-0/model-0.json": flat_file("org-0/model-0", V1_SUBSETS, 3 + change)}, "dataset"
    )
    served = len(hub.requests)
    one = timed(lambda: import_both(store, hub))
    return {
        "first": first,
        "first_requests": first_requests,
        "unchanged": unchanged,
        "unchanged_requests": unchanged_requests,
        "one": one,
        "one_requests": len(hub.requests) - served,
    }


def board_read(store: LocalStore, folder: Path) -> tuple[float, float, int]:
    plain = LocalStore(folder)
    for path, data, entry, _repo in iter_imported_files(store):
        plain.write_file(f"eval-set/{entry.benchmark}-{entry.path_in_repo[len('eval-set/') :]}", data)
    imported, direct = [], []
    for _ in range(5):  # alternating, so a busy moment of the machine hits both alike
        imported.append(timed(lambda: t.build_tables(*prov.store_files(store))))
        direct.append(timed(lambda: t.build_tables(plain.iter_result_files())))
    imported, direct = statistics.median(imported), statistics.median(direct)
    return imported, direct, len(t.build_tables(*prov.store_files(store)).rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=300, help="files per repo")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    constants.HF_HUB_OFFLINE = False
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPU cores, load {os.getloadavg()[0]:.1f}; python {platform.python_version()}"
    )
    for repeat in range(args.repeats):
        with HubEmulator() as hub, tempfile.TemporaryDirectory() as tmp:
            publish(hub, args.files)
            store = LocalStore(Path(tmp) / "store")
            local = one_round(hub, store, args.files, repeat)
            imported, direct, rows = board_read(store, Path(tmp) / "plain")
            print(
                f"run {repeat + 1}: {2 * args.files} files; local store: first {local['first']:.2f}s "
                f"({local['first_requests']} HTTP requests), unchanged {local['unchanged']:.2f}s "
                f"({local['unchanged_requests']}), one changed {local['one']:.2f}s ({local['one_requests']}); "
                f"board read {imported:.3f}s for {rows} rows against {direct:.3f}s from eval-set/"
            )


if __name__ == "__main__":
    main()
