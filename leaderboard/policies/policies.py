"""Policy results -> the Policies tab's tables (pure, except `PolicyFiles`, the one reader of the store).

A policy result (results/policy.py) is one policy judged by one reward model against reference
completions. The tab shows policies x reward models: each cell the policy's win rate (with its
95% interval) or its mean win probability under that reward model. Reward models are columns in
leaderboard order (the rows of the leading benchmark, best first), then any others by name;
policies are rows, best mean win rate first.

One cell per (policy, reward model name): when a reward model judged a policy at several commits,
the newest evaluation is shown (as the leaderboard shows a model's newest result).

Reward models agree on a policy ranking as far as their win rates order the policies alike:
Kendall's tau-b (ties in either ranking allowed) over the policies both judged.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

import pandas as pd
from pydantic import ValidationError

from results.policy import POLICY_RESULTS_DIR, PolicyResult, PromptOutcome, policy_scores_path
from results.store import Store

from ..form_text import escape_invisible
from ..tables.rank_agreement import kendall_tau_b  # noqa: F401  (re-exported: its tests import it from here)

log = logging.getLogger(__name__)

# Columns of the long frame (one row per policy and reward model), also the CSV's columns.
POLICY = "Policy"
REWARD_MODEL = "Reward model"
RM_REVISION = "Reward model revision"
RM_TYPE = "Reward model type"
WIN_RATE = "Win rate"
WIN_RATE_LOW = "Win rate CI low"
WIN_RATE_HIGH = "Win rate CI high"
WIN_PROB = "Win probability"
WIN_PROB_LOW = "Win probability CI low"
WIN_PROB_HIGH = "Win probability CI high"
LC_WIN_RATE = "Length-controlled win rate"
PROMPTS = "Prompts"
WINS, TIES, LOSSES = "Wins", "Ties", "Losses"
LENGTH_POLICY = "Mean length (policy)"
LENGTH_REFERENCE = "Mean length (reference)"
REFERENCE_SET = "Reference set"
SOURCE = "Source"
EVALUATED = "Evaluated"
PATH = "Path"
LONG_COLUMNS: tuple[str, ...] = (
    POLICY, REWARD_MODEL, RM_REVISION, RM_TYPE, WIN_RATE, WIN_RATE_LOW, WIN_RATE_HIGH, WIN_PROB,
    WIN_PROB_LOW, WIN_PROB_HIGH, LC_WIN_RATE, PROMPTS, WINS, TIES, LOSSES, LENGTH_POLICY,
    LENGTH_REFERENCE, REFERENCE_SET, SOURCE, EVALUATED, PATH,
)
EXPORT_COLUMNS: tuple[str, ...] = LONG_COLUMNS[:-1]  # a store path is for the page, not the reader

MISSING = "–"


@dataclass(frozen=True)
class Metric:
    """What a cell of the policies x reward models table shows."""

    label: str
    value: str
    low: Optional[str] = None  # the interval's columns; None: the measure has no interval
    high: Optional[str] = None


METRICS: dict[str, Metric] = {
    "win-rate": Metric("Win rate", WIN_RATE, WIN_RATE_LOW, WIN_RATE_HIGH),
    "win-probability": Metric("Win probability", WIN_PROB, WIN_PROB_LOW, WIN_PROB_HIGH),
    # The win rate at equal length (results/policy.py LengthControlled); none below its prompt minimum.
    "length-controlled": Metric("Length-controlled win rate", LC_WIN_RATE),
}
DEFAULT_METRIC = "win-rate"


@dataclass(frozen=True)
class SkippedPolicyFile:
    path: str
    reason: str


@dataclass(frozen=True)
class PolicyTables:
    long: pd.DataFrame  # LONG_COLUMNS, one row per (policy, reward model name), newest evaluation
    results: dict[str, PolicyResult] = field(default_factory=dict)  # store path -> result
    skipped: list[SkippedPolicyFile] = field(default_factory=list)


# ---- reading -----------------------------------------------------------------------------------------


def parse_policy_result(data: bytes) -> PolicyResult:
    return PolicyResult.model_validate_json(data)


def _problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    if error["type"] == "json_invalid":
        return f"not valid JSON ({error['msg']})"
    return f"not a valid PolicyResult ({'.'.join(map(str, error['loc']))}: {error['msg']})"


def read_policy_results(files: Iterable[tuple[str, bytes]]) -> tuple[dict[str, PolicyResult], list[SkippedPolicyFile]]:
    results, skipped = {}, []
    for path, data in files:
        try:
            results[path] = parse_policy_result(data)
        except ValidationError as exc:  # one bad file must not hide the others
            log.warning("skipping policy result %s: %s", path, _problem(exc))
            skipped.append(SkippedPolicyFile(path, _problem(exc)))
    return results, skipped


def _row(path: str, result: PolicyResult) -> dict:
    score, probability = result.score, result.score.win_probability_ci95
    return {  # names from files: an invisible character (a right-to-left override) is spelled out
        POLICY: escape_invisible(result.policy.name),
        REWARD_MODEL: escape_invisible(result.reward_model.name),
        RM_REVISION: result.reward_model.revision,
        RM_TYPE: result.reward_model.model_type,
        WIN_RATE: score.win_rate,
        WIN_RATE_LOW: score.win_rate_ci95.low,
        WIN_RATE_HIGH: score.win_rate_ci95.high,
        WIN_PROB: score.win_probability,
        WIN_PROB_LOW: probability.low if probability else None,
        WIN_PROB_HIGH: probability.high if probability else None,
        LC_WIN_RATE: score.length_controlled.win_rate,
        PROMPTS: score.n,
        WINS: score.wins,
        TIES: score.ties,
        LOSSES: score.losses,
        LENGTH_POLICY: score.mean_length_policy,
        LENGTH_REFERENCE: score.mean_length_reference,
        REFERENCE_SET: result.reference_set,
        SOURCE: result.policy.source,
        EVALUATED: result.evaluated_at,
        PATH: path,
    }


def long_frame(results: dict[str, PolicyResult]) -> pd.DataFrame:
    """One row per (policy, reward model name): the newest evaluation; ordered by policy, then model."""
    frame = pd.DataFrame.from_records([_row(p, r) for p, r in results.items()], columns=list(LONG_COLUMNS))
    for column in (WIN_RATE, WIN_RATE_LOW, WIN_RATE_HIGH, WIN_PROB, WIN_PROB_LOW, WIN_PROB_HIGH, LC_WIN_RATE,
                   LENGTH_POLICY, LENGTH_REFERENCE):
        frame[column] = frame[column].astype("float64")
    frame[EVALUATED] = pd.to_datetime(frame[EVALUATED], utc=True)
    newest = frame.sort_values([EVALUATED, PATH], kind="mergesort").groupby([POLICY, REWARD_MODEL]).tail(1)
    return newest.sort_values([POLICY, REWARD_MODEL], kind="mergesort").reset_index(drop=True)


def build_policy_tables(files: Iterable[tuple[str, bytes]]) -> PolicyTables:
    results, skipped = read_policy_results(files)
    return PolicyTables(long_frame(results), results, skipped)


# ---- orders and the wide table --------------------------------------------------------------------------


def reward_model_order(long: pd.DataFrame, leaderboard_models: Sequence[str]) -> list[str]:
    """Reward models of `long` in leaderboard order (`leaderboard_models`, best first), then the
    others by name."""
    present = set(long[REWARD_MODEL])
    ranked = [m for m in dict.fromkeys(leaderboard_models) if m in present]
    return ranked + sorted(present - set(ranked))


def policy_order(long: pd.DataFrame, metric: str = DEFAULT_METRIC) -> list[str]:
    """Policies by their mean value over the reward models that judged them, best first; then by name."""
    value = METRICS[metric].value
    means = long.groupby(POLICY)[value].mean()
    return sorted(means.index, key=lambda p: (-means[p] if pd.notna(means[p]) else math.inf, p))


def wide_frame(long: pd.DataFrame, column: str, models: Sequence[str], policies: Sequence[str]) -> pd.DataFrame:
    """policies x reward models of one column of `long` (NaN where a model did not judge a policy)."""
    wide = long.pivot(index=POLICY, columns=REWARD_MODEL, values=column)
    return wide.reindex(index=list(policies), columns=list(models))


def percent(value: object) -> str:
    return MISSING if value is None or pd.isna(value) else f"{float(value) * 100:.1f}%"


def interval_cell(value: object, low: object, high: object) -> str:
    """`62.5% [55.0, 70.1]`: the value and its 95% interval, in percent; the value alone without one."""
    if value is None or pd.isna(value):
        return MISSING
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return percent(value)
    return f"{float(value) * 100:.1f}% [{float(low) * 100:.1f}, {float(high) * 100:.1f}]"


def cell_frame(long: pd.DataFrame, metric: str, models: Sequence[str], policies: Sequence[str]) -> pd.DataFrame:
    """The shown cells: policies x reward models as text, e.g. `62.5% [55.0, 70.1]`."""
    m = METRICS[metric]
    value = wide_frame(long, m.value, models, policies)
    low, high = (wide_frame(long, c, models, policies) if c else value * math.nan for c in (m.low, m.high))
    cells = pd.DataFrame(index=value.index, columns=value.columns, dtype=object)
    for model in value.columns:
        cells[model] = [interval_cell(v, lo, hi) for v, lo, hi in zip(value[model], low[model], high[model])]
    return cells


def export_frame(long: pd.DataFrame, models: Sequence[str], policies: Sequence[str]) -> pd.DataFrame:
    """The CSV: every number at full precision, rows in the shown order (policy, then reward model)."""
    rank_policy = {p: i for i, p in enumerate(policies)}
    rank_model = {m: i for i, m in enumerate(models)}
    ordered = long.assign(_p=long[POLICY].map(rank_policy), _m=long[REWARD_MODEL].map(rank_model))
    ordered = ordered.sort_values(["_p", "_m"], kind="mergesort")
    out = ordered[list(EXPORT_COLUMNS)].reset_index(drop=True)
    out[EVALUATED] = out[EVALUATED].map(lambda t: t.isoformat() if pd.notna(t) else "")
    return out


# ---- agreement between reward models ------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    tau: pd.DataFrame  # reward model x reward model -> tau-b (NaN where undefined)
    common: pd.DataFrame  # reward model x reward model -> policies both judged


def agreement(long: pd.DataFrame, models: Sequence[str], metric: str = DEFAULT_METRIC) -> Agreement:
    """Kendall's tau-b between each pair of reward models on the policy ranking by `metric`, over
    the policies both judged."""
    value = METRICS[metric].value
    wide = long.pivot(index=POLICY, columns=REWARD_MODEL, values=value).reindex(columns=list(models))
    tau = pd.DataFrame(index=list(models), columns=list(models), dtype="float64")
    common = pd.DataFrame(0, index=list(models), columns=list(models), dtype="int64")
    for a in models:
        for b in models:
            both = wide[[a, b]].dropna()  # a == b too: the column twice
            xs, ys = list(both.iloc[:, 0]), list(both.iloc[:, 1])
            common.loc[a, b] = len(xs)
            found = kendall_tau_b(xs, ys)
            tau.loc[a, b] = math.nan if found is None else found
    return Agreement(tau, common)


# ---- the per-prompt files -----------------------------------------------------------------------------


def parse_outcomes(data: bytes) -> list[PromptOutcome]:
    return [PromptOutcome.model_validate_json(line) for line in data.splitlines() if line.strip()]


def reward_differences(outcomes: Sequence[PromptOutcome]) -> tuple[list[float], int]:
    """r_policy - r_reference per prompt, and how many prompts had no rewards (a judge's verdicts)."""
    found = [o.policy_reward - o.reference_reward for o in outcomes
             if o.policy_reward is not None and o.reference_reward is not None]
    return found, len(outcomes) - len(found)


class PolicyFiles:
    """The store's policy results, read once per snapshot version of the page (`for_version`), and
    their per-prompt files, read when a chart asks and kept (a result's scores do not change while
    its path does not). A read that fails keeps the last good tables."""

    def __init__(self, store: Store, max_cached: int = 64):
        self.store = store
        self.max_cached = max_cached
        self._lock = threading.Lock()
        self._version: Optional[int] = None
        self._tables = build_policy_tables([])
        self._outcomes: dict[tuple[str, bytes], list[PromptOutcome]] = {}

    def for_version(self, version: int) -> PolicyTables:
        with self._lock:
            if version != self._version:
                try:
                    self._tables = build_policy_tables(self._files())
                except Exception:  # the store failed: keep showing what was read before
                    log.exception("reading the policy results failed")
                self._version = version
            return self._tables

    def _files(self) -> Iterable[tuple[str, bytes]]:
        for path in self.store.list_files(POLICY_RESULTS_DIR):
            if path.endswith(".json"):
                data = self.store.read_file(path)
                if data is not None:
                    yield path, data

    def outcomes(self, result: PolicyResult) -> Optional[list[PromptOutcome]]:
        """The per-prompt outcomes of `result`, or None when its file is missing or unreadable."""
        try:
            path = policy_scores_path(result.policy.name, result.reward_model)
        except ValueError:  # names no path can hold (a hand-written file): it has no per-prompt file
            return None
        key = (path, result.evaluated_at.isoformat().encode())
        with self._lock:
            if key in self._outcomes:
                return self._outcomes[key]
        data = self.store.read_file(path)
        try:
            outcomes = parse_outcomes(data) if data is not None else None
        except (ValidationError, ValueError) as exc:
            log.warning("skipping policy scores %s: %s", path, exc)
            outcomes = None
        with self._lock:
            if len(self._outcomes) >= self.max_cached:
                self._outcomes.pop(next(iter(self._outcomes)))
            self._outcomes[key] = outcomes
        return outcomes
