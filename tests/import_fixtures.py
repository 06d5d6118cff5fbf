"""Published results repos for import tests, laid out as the field's results datasets are.

`publish_v1(hub)` and `publish_v2(hub)` put dataset repos on the Hub emulator holding flat result
files at `eval-set/<org>/<model>.json` (one key per subset, plus `model`, `model_type`,
`chat_template`), the v1 repo with one malformed file; `change_one_v1_file(hub)` is the second
commit, which changes one file and nothing else. The same model (`alpha-lab/rm-7b`) has a v1 and a
v2 file at the same path in the two repos.
"""

from __future__ import annotations

import json

from fakes.hub_emulator import HubEmulator
from results.benchmarks.sections import overall_score, section_scores
from tests.section_tables import SECTIONS_BY_BENCHMARK
from tests.leaderboard_fixtures import CORE_SUBSETS, published_result, rb2_levels, subset_levels

V1_REPO = "pub-org/rb-results"
V2_REPO = "pub-org/rb2-results"
FIRST_V1_SHA = "a1" * 20
FIRST_V2_SHA = "b2" * 20
SECOND_V1_SHA = "c3" * 20

MALFORMED_PATH = "eval-set/broken-lab/bad-rm.json"
MALFORMED = b'{"model": "broken-lab/bad-rm", "model_type": "Seq. Classifier", "alpacaeval-easy": 0.9,'
CHANGED_PATH = "eval-set/beta-lab/judge-2.json"
TWIN_MODEL = "gamma-lab/rm-ranked"  # also verified here in some tests
TWIN_PATH = f"eval-set/{TWIN_MODEL}.json"


def flat_bytes(doc: dict) -> bytes:
    return json.dumps(doc, indent=2).encode()


def v1_doc(model: str, level: float, model_type: str = "Seq. Classifier") -> dict:
    return published_result(model, subset_levels(level, 0.05, CORE_SUBSETS), model_type)


V1_FILES: dict[str, bytes] = {
    "eval-set/alpha-lab/rm-7b.json": flat_bytes(v1_doc("alpha-lab/rm-7b", 0.80)),
    CHANGED_PATH: flat_bytes(v1_doc("beta-lab/judge-2", 0.70, "Generative")),
    TWIN_PATH: flat_bytes(v1_doc(TWIN_MODEL, 0.75)),
    MALFORMED_PATH: MALFORMED,
}
V1_CHANGED = flat_bytes(v1_doc("beta-lab/judge-2", 0.72, "Generative"))
V2_FILES: dict[str, bytes] = {
    "eval-set/alpha-lab/rm-7b.json": flat_bytes(
        published_result("alpha-lab/rm-7b", rb2_levels(0.7, 0.4, 0.6, 0.9, 0.8, 0.5))
    ),
    "eval-set/delta-lab/rm-v2.json": flat_bytes(
        published_result("delta-lab/rm-v2", rb2_levels(0.6, 0.3, 0.5, 0.8, 0.7, 0.4))
    ),
}
GOOD_V1_PATHS = sorted(p for p in V1_FILES if p != MALFORMED_PATH)


def published_score(data: bytes, benchmark: str) -> float:
    """The score of a flat file, recomputed from its subsets with the benchmark's section table."""
    doc = json.loads(data)
    table = SECTIONS_BY_BENCHMARK[benchmark]
    subsets = {k: v for k, v in doc.items() if isinstance(v, float)}
    return overall_score(section_scores(subsets, table), table)


def publish_v1(hub: HubEmulator) -> str:
    hub.create_repo(V1_REPO, "dataset", exist_ok=True)
    files = {**V1_FILES, "README.md": b"# published results (test)\n"}
    return hub.commit(V1_REPO, files, "dataset", message="results", sha=FIRST_V1_SHA)


def publish_v2(hub: HubEmulator) -> str:
    hub.create_repo(V2_REPO, "dataset", exist_ok=True)
    return hub.commit(V2_REPO, V2_FILES, "dataset", message="results", sha=FIRST_V2_SHA)


def change_one_v1_file(hub: HubEmulator) -> str:
    return hub.commit(
        V1_REPO, {CHANGED_PATH: V1_CHANGED}, "dataset", message="fix judge-2", sha=SECOND_V1_SHA
    )


def downloads(hub: HubEmulator, since: int = 0) -> list[str]:
    """The result files the emulator served (GET of a file under eval-set/) after request `since`."""
    return [
        path.split("/resolve/", 1)[1].split("/", 1)[1]
        for method, path, status in hub.requests[since:]
        if method == "GET" and "/resolve/" in path and "/eval-set/" in path and status in (200, 206)
    ]
