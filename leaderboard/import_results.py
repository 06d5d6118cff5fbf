"""Import published results datasets into the store: one repo, one benchmark's, or every benchmark's.

    python -m leaderboard.import_results --repo allenai/reward-bench-results
    python -m leaderboard.import_results --repo allenai/reward-bench-2-results --revision SHA
    python -m leaderboard.import_results --repo mirror/rb-results --from-folder PATH   (a local copy)
    python -m leaderboard.import_results --benchmark rewardbench-2   (the repos its spec names)
    python -m leaderboard.import_results --all                       (every spec that names any)

The store is the one the environment names (the same RMLB_STORE* / RMLB_RESULTS_REPO variables as
the app and the worker, see results/store_settings.py). The files are written unchanged under `imported/`
with a manifest of where each came from (repo, commit, path, blob id, date); a second run fetches only
what changed, skips a file it cannot read (the reason is logged and kept in the manifest) and never
writes over anything already in the store. Exit status: 0 done, 1 the source or the store could not
be read or written (of several repos, any one: the others are still imported), 2 bad arguments or
settings.
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
from .imports.importer import KNOWN_SOURCES, default_benchmark, import_results

log = logging.getLogger("import_results")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m leaderboard.import_results", description=__doc__.split("\n\n")[0]
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--repo",
        help="the published results dataset, e.g. " + ", ".join(r for s in SPECS.values() for r in s.published_results),
    )
    which.add_argument(
        "--all",
        action="store_true",
        help="every published results dataset a benchmark's spec names: " + ", ".join(KNOWN_SOURCES),
    )
    parser.add_argument(
        "--benchmark",
        choices=sorted(SPECS),
        help="with --repo: the benchmark every file must be of (default: the repo's spec's, else each "
        "file's); alone: import every published results dataset its spec names",
    )
    parser.add_argument("--revision", help="a commit sha or branch of the dataset (default: main)")
    parser.add_argument(
        "--from-folder",
        type=Path,
        help="read a local folder laid out like the repo (<folder>/eval-set/<org>/<model>.json)",
    )
    return parser


def make_source(args: argparse.Namespace, settings: StoreSettings, repo: str) -> ResultsSource:
    if args.from_folder is not None:
        if args.revision:
            raise SourceUnavailable("--revision applies to a Hub dataset, not to --from-folder")
        return FolderSource(args.from_folder, repo)
    return HubSource(repo, args.revision, endpoint=settings.hub_endpoint, token=settings.token)


def targets(args: argparse.Namespace) -> list[tuple[str, Optional[str]]]:
    """(repo, benchmark) pairs to import: the one repo named, or those the specs name."""
    if args.repo:
        return [(args.repo, args.benchmark or default_benchmark(args.repo))]
    wanted = [args.benchmark] if args.benchmark and not args.all else list(SPECS)
    return [(repo, name) for name in wanted for repo in SPECS[name].published_results]


def import_one(store, settings: StoreSettings, args: argparse.Namespace, repo: str, benchmark: Optional[str]) -> bool:
    try:
        import_results(store, make_source(args, settings, repo), benchmark)  # logs its summary
    except (SourceUnavailable, StoreUnavailable, OSError) as exc:
        log.error("import of %s failed: %s", repo, exc)
        return False
    return True


def main(argv: Optional[Sequence[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("httpx", "httpx2"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not (args.repo or args.all or args.benchmark):
        parser.error("name what to import: --repo, --benchmark or --all")
    if args.from_folder is not None and not args.repo:
        parser.error("--from-folder names the repo it copies: give --repo")
    pairs = targets(args)
    if not pairs:
        parser.error(f"the spec of {args.benchmark} names no published results dataset")
    try:
        settings = StoreSettings.from_env()
        store = build_store(settings)
    except SettingsError as exc:
        log.error("%s", exc)
        return 2
    except (StoreUnavailable, OSError) as exc:
        log.error("the store could not be opened: %s", exc)
        return 1
    done = [import_one(store, settings, args, repo, benchmark) for repo, benchmark in pairs]
    return 0 if all(done) else 1


if __name__ == "__main__":
    sys.exit(main())
