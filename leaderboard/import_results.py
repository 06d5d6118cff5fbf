"""Import a published RewardBench results dataset into the store.

    python -m leaderboard.import_results --repo allenai/reward-bench-results
    python -m leaderboard.import_results --repo allenai/reward-bench-2-results --revision SHA
    python -m leaderboard.import_results --repo mirror/rb-results --from-folder PATH   (a local copy)

The store is the one the environment names (the same RMLB_STORE* / RMLB_RESULTS_REPO variables as
the app and the worker, see results/store_settings.py). The files are written unchanged under `imported/`
with a manifest of where each came from (repo, commit, path, blob id, date); a second run fetches only
what changed, skips a file it cannot read (the reason is logged and kept in the manifest) and never
writes over anything already in the store. Exit status: 0 done, 1 the source or the store could not
be read or written, 2 bad arguments or settings.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Optional, Sequence

from results.benchmarks import SPECS
from results.store_settings import SettingsError, StoreSettings, build_store
from results.store import StoreUnavailable

from .imports.import_sources import FolderSource, HubSource, ResultsSource, SourceUnavailable
from .imports.importer import default_benchmark, import_results

log = logging.getLogger("import_results")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m leaderboard.import_results", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--repo",
        required=True,
        help="the published results dataset, e.g. " + ", ".join(r for s in SPECS.values() for r in s.published_results),
    )
    parser.add_argument(
        "--benchmark",
        choices=sorted(SPECS),
        help="the benchmark every file must be of (default: the allenai repos' own, else each file's)",
    )
    parser.add_argument("--revision", help="a commit sha or branch of the dataset (default: main)")
    parser.add_argument(
        "--from-folder",
        type=Path,
        help="read a local folder laid out like the repo (<folder>/eval-set/<org>/<model>.json)",
    )
    return parser


def make_source(args: argparse.Namespace, settings: StoreSettings) -> ResultsSource:
    if args.from_folder is not None:
        if args.revision:
            raise SourceUnavailable("--revision applies to a Hub dataset, not to --from-folder")
        return FolderSource(args.from_folder, args.repo)
    return HubSource(args.repo, args.revision, endpoint=settings.hub_endpoint, token=settings.token)


def main(argv: Optional[Sequence[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("httpx", "httpx2"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    try:
        settings = StoreSettings.from_env()
        store = build_store(settings)
        source = make_source(args, settings)
        import_results(store, source, args.benchmark or default_benchmark(args.repo))  # logs its summary
    except SettingsError as exc:
        log.error("%s", exc)
        return 2
    except (SourceUnavailable, StoreUnavailable, OSError) as exc:
        log.error("import of %s failed: %s", args.repo, exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
