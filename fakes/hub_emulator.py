"""A small local stand-in for the Hugging Face Hub's HTTP API, for tests.

The real `huggingface_hub` client talks to it over HTTP on 127.0.0.1 (point `HF_ENDPOINT`, or the
`endpoint=` argument of `HfApi`/`snapshot_download`, at `HubEmulator.endpoint`; the fixtures in
`tests/hub_fixtures.py` do this). Repos live in memory as a git-like history: every commit gets a
new sha and holds a full snapshot of the repo's files.

Python API (used by tests; all methods are thread-safe):
    hub = HubEmulator(token="hf_...")       writes need this token (reads are open); None = no check
    hub.start() / hub.stop()                serve on a free port; `hub.endpoint` is the base URL
    hub.create_repo(repo_id, repo_type="model", private=False, gated=False, exist_ok=False)
    hub.commit(repo_id, files={path: bytes}, repo_type=..., deletions=(), message=..., sha=None) -> sha
                                            (sha: give the commit this id, e.g. a revision that
                                            code pins, instead of a fresh one)
    hub.upload_folder(repo_id, folder, repo_type="model", ...) -> sha  (creates the repo if needed)
    hub.files(repo_id, repo_type=..., revision="main") -> {path: bytes}
    hub.head(repo_id, repo_type=...) -> sha;  hub.commits(repo_id, repo_type=...) -> [Commit], oldest first
    hub.grant_access(repo_id, token)        lets `token` download files of a gated repo
    hub.fail_next(method, path_regex, times=1, status=503, after_applying=False) -> Fault
                                            inject errors at the HTTP edge (after_applying: the
                                            change happens, its answer is lost)
    hub.fail_next_commits(repo_id, times, repo_type="dataset", status=503) -> Fault
                                            the next `times` commits to that repo fail (none applied)
    hub.hold(method, path_regex, timeout_s=30) -> Gate    block matching requests until gate.release()
    hub.contend(repo_id, repo_type=..., commits=2, timeout_s=30) -> Contention
                                            make `commits` writers collide: hold commits to the repo
                                            until that many name the same parent, then apply them in
                                            arrival order (one lands, the rest get 412); one round
    hub.requests -> [(method, path, status)]   everything served, in order

HTTP routes served (what `huggingface_hub` 2.4 calls):
    POST /api/repos/create                                   create_repo (409 if it exists)
    GET  /api/{models|datasets}/{repo}[/revision/{rev}]      repo_info / model_info / dataset_info
         model answers carry sha, siblings (with size, blobId, lfs when ?blobs=true), safetensors
         {parameters, total} read from *.safetensors headers, cardData from README.md front matter,
         gated, and config {architectures, model_type, auto_map, tokenizer_config} (tokenizer_config
         holds chat_template/bos/eos/pad/unk from tokenizer_config.json only; a template saved as
         chat_template.jinja shows up in siblings). A gated repo's files answer 403 GatedRepo
         unless the request's token was granted access.
    GET  /api/{type}s/{repo}/tree/{rev}[/{path}]             list_repo_tree (one page)
    GET  /api/{type}s/{repo}/commits/{rev}                   list_repo_commits
    POST /api/{type}s/{repo}/preupload/{rev}                 every file is "regular" (inline, no LFS)
    POST /api/{type}s/{repo}/commit/{rev}                    ndjson commit; a stale parentCommit -> 412
    HEAD|GET /[datasets/]{repo}/resolve/{rev}/{path}         file download (Range supported)
`datasets.load_dataset("org/ds", split=..., revision=...)` (datasets 5.2) needs nothing more: it
reads README.md (its `configs:` map splits to files), dataset info at the resolved commit
(`/api/datasets/{repo}/revision/{sha}`), the tree of `data/` and of the root, then HEADs and GETs
the parquet files under `/datasets/{repo}/resolve/{sha}/...` (see tests/test_hub_datasets.py).
Errors carry the `X-Error-Code` headers the client maps to its exceptions (RepoNotFound,
RevisionNotFound, EntryNotFound, GatedRepo). `private` is reported, not enforced.

Injecting faults: the client itself retries some calls (preupload, with waits of 1 to 8 s) but
not the commit POST, so inject failures on `.../commit/main` to exercise our own retries.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import re
import struct
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Optional, Union
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

log = logging.getLogger(__name__)

API_SEGMENT = {"model": "models", "dataset": "datasets", "space": "spaces"}
URL_PREFIX = {"model": "", "dataset": "datasets/", "space": "spaces/"}
_TYPE_OF_SEGMENT = {segment: repo_type for repo_type, segment in API_SEGMENT.items()}
# Files the real Hub stores in LFS; their ETag is the content's sha256, as on the Hub.
_LFS_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".h5", ".msgpack", ".gguf", ".onnx", ".parquet")
_TOKENIZER_KEYS = ("chat_template", "bos_token", "eos_token", "pad_token", "unk_token")
_CONFIG_KEYS = ("architectures", "model_type", "auto_map")
_REPO = r"(?P<repo>[^/]+/[^/]+)"
_TYPES = r"(?P<segment>models|datasets|spaces)"


class HubError(Exception):
    """An HTTP error answer, with the `X-Error-Code` the client understands."""

    def __init__(
        self,
        status: int,
        message: str,
        code: Optional[str] = None,
        headers: Optional[dict] = None,
        body: Optional[dict] = None,
    ):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code
        self.headers = headers or {}
        self.body = body or {}


@dataclass(frozen=True)
class Commit:
    sha: str
    parent: Optional[str]
    message: str
    files: dict[str, str]  # path -> blob id (git blob sha1 of the content)
    date: datetime


@dataclass
class Repo:
    repo_type: str
    repo_id: str
    private: bool = False
    gated: Union[bool, str] = False
    commits: list[Commit] = field(default_factory=list)
    branches: dict[str, str] = field(default_factory=dict)
    allowed_tokens: set[str] = field(default_factory=set)

    def resolve(self, revision: str) -> Commit:
        sha = self.branches.get(revision, revision)
        for commit in self.commits:
            if commit.sha == sha:
                return commit
        raise HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")


@dataclass
class Fault:
    """Answer the next `remaining` requests matching `method` and `pattern` with `status`.

    With `after_applying`, the request is carried out first and only its answer is replaced: the
    client sees an error for a change that did happen (an answer lost on the way back)."""

    method: str
    pattern: re.Pattern
    remaining: int
    status: int
    after_applying: bool = False
    served: int = 0


@dataclass
class Gate:
    """Hold matching requests until `release()` (or `timeout_s`), to stop a client mid-transfer."""

    method: str
    pattern: re.Pattern
    timeout_s: float
    _open: threading.Event = field(default_factory=threading.Event)
    _hit: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self._open.set()

    def wait_hit(self, timeout_s: float) -> bool:
        """True once a request has been held at this gate."""
        return self._hit.wait(timeout_s)

    def _hold(self) -> None:
        self._hit.set()
        self._open.wait(self.timeout_s)


@dataclass
class Contention:
    """One round of colliding commits to a repo (made by `HubEmulator.contend`).

    The first commit that names a parent starts the round; commits naming that same parent are held
    until `commits` of them are in, then applied one at a time in arrival order: the first lands,
    the others find the branch moved and get 412. Commits naming no or another parent, and all
    commits after the round, pass straight through. If the round has not filled `timeout_s` after
    a commit arrived (a writer died), the held commits go on anyway and `filled` stays False."""

    repo_type: str
    repo_id: str
    commits: int
    timeout_s: float
    parent: Optional[str] = None
    filled: bool = False
    outcomes: list[int] = field(default_factory=list)  # the status of each held commit, in order
    _arrived: int = 0
    _open: bool = False
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def release(self) -> None:
        """Let every held commit go on now."""
        with self._cond:
            self._open = True
            self._cond.notify_all()

    @contextmanager
    def turn(self, parent: Optional[str]) -> Iterator[None]:
        """Around applying one commit: if it belongs to the round, wait for its turn."""
        ticket = self._join(parent)
        if ticket is None:
            yield
            return
        status = 500
        try:
            self._wait_turn(ticket)
            yield
            status = 200
        except HubError as exc:
            status = exc.status
            raise
        finally:
            with self._cond:
                self.outcomes.append(status)
                self._cond.notify_all()

    def _join(self, parent: Optional[str]) -> Optional[int]:
        """This commit's place in the round, or None if it is not part of it."""
        with self._cond:
            if parent is None or self._open or self.parent not in (None, parent):
                return None
            self.parent, ticket = parent, self._arrived
            self._arrived += 1
            if self._arrived == self.commits:
                self.filled = self._open = True
                self._cond.notify_all()
            return ticket

    def _wait_turn(self, ticket: int) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._open and len(self.outcomes) >= ticket, self.timeout_s):
                log.warning(
                    "contention on %s: %d of %d commits came within %.0fs; letting them through",
                    self.repo_id,
                    self._arrived,
                    self.commits,
                    self.timeout_s,
                )
                self.release()


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _is_lfs(path: str) -> bool:
    return path.endswith(_LFS_SUFFIXES)


def _hub_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _check_repo_path(path: str) -> str:
    parts = path.split("/")
    if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in path:
        raise HubError(400, f"Invalid path in repo: {path!r}")
    return path


class HubEmulator:
    """The emulated Hub: repos, blobs, injected faults, and the HTTP server in front of them."""

    def __init__(self, token: Optional[str] = None):
        self.token = token
        self.endpoint = ""
        self.requests: list[tuple[str, str, int]] = []
        self._repos: dict[tuple[str, str], Repo] = {}
        self._blobs: dict[str, bytes] = {}
        self._faults: list[Fault] = []
        self._gates: list[Gate] = []
        self._contentions: list[Contention] = []
        self._lock = threading.RLock()
        self._counter = 0
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # ---- server lifecycle -------------------------------------------------------------------

    def start(self) -> "HubEmulator":
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.hub = self  # type: ignore[attr-defined]
        self._server = server
        self.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="hub-emulator", daemon=True
        )
        self._thread.start()
        log.debug("hub emulator serving on %s", self.endpoint)
        return self

    def stop(self) -> None:
        for gate in list(self._gates):
            gate.release()
        for contention in list(self._contentions):
            contention.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> "HubEmulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- test-side API ----------------------------------------------------------------------

    def create_repo(
        self,
        repo_id: str,
        repo_type: str = "model",
        private: bool = False,
        gated: Union[bool, str] = False,
        exist_ok: bool = False,
    ) -> Repo:
        if repo_type not in API_SEGMENT or not re.fullmatch(r"[\w.-]+/[\w.-]+", repo_id):
            raise HubError(400, f"invalid repo {repo_type} {repo_id!r}")
        with self._lock:
            key = (repo_type, repo_id)
            if key in self._repos:
                if exist_ok:
                    return self._repos[key]
                # The Hub's 409 names the existing repo; `create_repo(exist_ok=True)` reads its url.
                url = f"{self.endpoint}/{URL_PREFIX[repo_type]}{repo_id}"
                raise HubError(409, f"You already created this {repo_type} repo", body={"url": url})
            repo = Repo(repo_type, repo_id, private=private, gated=gated)
            self._repos[key] = repo
            self._apply(
                repo,
                {".gitattributes": b"*.safetensors filter=lfs diff=lfs merge=lfs -text\n"},
                (),
                "initial commit",
                None,
            )
            return repo

    def commit(
        self,
        repo_id: str,
        files: Mapping[str, bytes],
        repo_type: str = "model",
        deletions: Iterable[str] = (),
        message: str = "update",
        parent: Optional[str] = None,
        sha: Optional[str] = None,
    ) -> str:
        with self._lock:
            return self._apply(self._repo(repo_type, repo_id), files, deletions, message, parent, sha)

    def upload_folder(
        self, repo_id: str, folder: Union[str, Path], repo_type: str = "model", **repo_options
    ) -> str:
        folder = Path(folder)
        files = {
            p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
        }
        self.create_repo(repo_id, repo_type, exist_ok=True, **repo_options)
        return self.commit(repo_id, files, repo_type, message=f"upload {folder.name}")

    def files(self, repo_id: str, repo_type: str = "model", revision: str = "main") -> dict[str, bytes]:
        with self._lock:
            commit = self._repo(repo_type, repo_id).resolve(revision)
            return {path: self._blobs[blob] for path, blob in commit.files.items()}

    def head(self, repo_id: str, repo_type: str = "model") -> str:
        with self._lock:
            return self._repo(repo_type, repo_id).branches["main"]

    def commits(self, repo_id: str, repo_type: str = "model") -> list[Commit]:
        with self._lock:
            return list(self._repo(repo_type, repo_id).commits)

    def grant_access(self, repo_id: str, token: str, repo_type: str = "model") -> None:
        with self._lock:
            self._repo(repo_type, repo_id).allowed_tokens.add(token)

    def fail_next(
        self, method: str, path_regex: str, times: int = 1, status: int = 503, after_applying: bool = False
    ) -> Fault:
        fault = Fault(method.upper(), re.compile(path_regex), times, status, after_applying)
        with self._lock:
            self._faults.append(fault)
        return fault

    def fail_next_commits(
        self, repo_id: str, times: int, repo_type: str = "dataset", status: int = 503
    ) -> Fault:
        """Answer the next `times` commits to `repo_id` with `status`, applying none of them (the
        client does not retry a commit itself: each failure reaches the caller's own retries)."""
        path = rf"^/api/{API_SEGMENT[repo_type]}/{re.escape(repo_id)}/commit/"
        return self.fail_next("POST", path, times=times, status=status)

    def hold(self, method: str, path_regex: str, timeout_s: float = 30.0) -> Gate:
        gate = Gate(method.upper(), re.compile(path_regex), timeout_s)
        with self._lock:
            self._gates.append(gate)
        return gate

    def contend(
        self, repo_id: str, repo_type: str = "model", commits: int = 2, timeout_s: float = 30.0
    ) -> Contention:
        """Make the next `commits` commits to this repo that name the same parent collide (one
        round; see `Contention`): a compare-and-swap test then sees 412 every run, not by luck."""
        contention = Contention(repo_type, repo_id, commits, timeout_s)
        with self._lock:
            self._contentions.append(contention)
        return contention

    def _contention(self, repo_type: str, repo_id: str) -> Optional[Contention]:
        with self._lock:
            waiting = [c for c in self._contentions if (c.repo_type, c.repo_id) == (repo_type, repo_id)]
        return next((c for c in waiting if not c._open), None)

    # ---- repo state ---------------------------------------------------------------------------

    def _repo(self, repo_type: str, repo_id: str) -> Repo:
        try:
            return self._repos[(repo_type, repo_id)]
        except KeyError:
            raise HubError(404, "Repository not found", "RepoNotFound") from None

    def _apply(
        self,
        repo: Repo,
        files: Mapping[str, bytes],
        deletions: Iterable[str],
        message: str,
        parent: Optional[str],
        sha: Optional[str] = None,
    ) -> str:
        """Make one commit on main; refuse it (412) when `parent` is given and is not the head."""
        head = repo.branches.get("main")
        if parent is not None and parent != head:
            raise HubError(412, "A commit has happened since. Please refresh and try again.")
        taken = {c.sha for c in repo.commits}
        if sha is not None and (not re.fullmatch(r"[0-9a-f]{40}", sha) or sha in taken):
            raise ValueError(f"commit id {sha!r} must be 40 hex digits and new to {repo.repo_id}")
        snapshot = dict(repo.resolve("main").files) if head else {}
        for path in deletions:
            if path not in snapshot:
                raise HubError(404, f"A file with this name doesn't exist: {path}", "EntryNotFound")
            del snapshot[path]
        for path, data in files.items():
            blob = git_blob_id(data)
            self._blobs[blob] = data
            snapshot[_check_repo_path(path)] = blob
        self._counter += 1
        seed = json.dumps([head, message, sorted(snapshot.items()), self._counter, time.time_ns()])
        sha = sha or hashlib.sha1(seed.encode()).hexdigest()
        commit = Commit(sha, head, message, snapshot, datetime.now(timezone.utc))
        repo.commits.append(commit)
        repo.branches["main"] = commit.sha
        return commit.sha

    def _check_read(self, repo: Repo, token: Optional[str]) -> None:
        if repo.gated and token not in repo.allowed_tokens:
            raise HubError(
                403,
                f"Access to {repo.repo_id} is restricted: you are not in the authorized list",
                "GatedRepo",
            )

    def _check_write(self, token: Optional[str]) -> None:
        if self.token is not None and token != self.token:
            raise HubError(401, "Invalid credentials in Authorization header")

    # ---- fault injection at the HTTP edge ---------------------------------------------------

    def _injected_fault(self, method: str, path: str) -> Optional[Fault]:
        with self._lock:
            gates = [g for g in self._gates if g.method == method and g.pattern.search(path)]
            for fault in self._faults:
                if fault.remaining > 0 and fault.method == method and fault.pattern.search(path):
                    fault.remaining -= 1
                    fault.served += 1
                    return fault
        for gate in gates:  # held outside the lock: other requests keep flowing
            gate._hold()
        return None

    # ---- answers ------------------------------------------------------------------------------

    def repo_info(self, segment: str, repo_id: str, revision: str, blobs: bool) -> dict:
        with self._lock:
            repo = self._repo(_TYPE_OF_SEGMENT[segment], repo_id)
            commit = repo.resolve(revision)
            files = {path: self._blobs[blob] for path, blob in commit.files.items()}
            info = {
                "_id": hashlib.sha1(repo_id.encode()).hexdigest()[:24],
                "id": repo_id,
                "author": repo_id.split("/")[0],
                "sha": commit.sha,
                "lastModified": _hub_time(commit.date),
                "createdAt": _hub_time(repo.commits[0].date),
                "private": repo.private,
                "gated": repo.gated,
                "disabled": False,
                "downloads": 0,
                "likes": 0,
                "tags": [],
                "cardData": _card_data(files.get("README.md")),
                "siblings": [_sibling(path, files[path], blobs) for path in sorted(files)],
            }
            if repo.repo_type == "model":
                info.update(_model_extras(repo_id, files))
            return info

    def tree(self, segment: str, repo_id: str, revision: str, prefix: str, recursive: bool) -> list[dict]:
        with self._lock:
            commit = self._repo(_TYPE_OF_SEGMENT[segment], repo_id).resolve(revision)
            files = {path: self._blobs[blob] for path, blob in commit.files.items()}
        base = prefix.strip("/") + "/" if prefix.strip("/") else ""
        entries: dict[str, dict] = {}
        for path in sorted(files):
            if not path.startswith(base):
                continue
            rest = path[len(base) :].split("/")
            for depth in range(1, len(rest)):
                folder = base + "/".join(rest[:depth])
                if recursive or depth == 1:
                    entries.setdefault(
                        folder,
                        {"type": "directory", "oid": git_blob_id(folder.encode()), "size": 0, "path": folder},
                    )
                if not recursive:
                    break
            if recursive or len(rest) == 1:
                entries[path] = _tree_file(path, files[path])
        if base and not entries:
            raise HubError(404, f"{prefix} does not exist on {revision}", "EntryNotFound")
        return list(entries.values())

    def commit_list(self, segment: str, repo_id: str, revision: str) -> list[dict]:
        with self._lock:
            repo = self._repo(_TYPE_OF_SEGMENT[segment], repo_id)
            sha: Optional[str] = repo.resolve(revision).sha
            by_sha = {c.sha: c for c in repo.commits}
        history = []
        while sha is not None:
            commit = by_sha[sha]
            history.append(
                {
                    "id": commit.sha,
                    "title": commit.message,
                    "message": "",
                    "authors": [],
                    "date": _hub_time(commit.date),
                }
            )
            sha = commit.parent
        return history

    def download(self, prefix: str, repo_id: str, revision: str, path: str, token: Optional[str]):
        repo_type = {"": "model", "datasets/": "dataset", "spaces/": "space"}[prefix]
        with self._lock:
            repo = self._repo(repo_type, repo_id)
            self._check_read(repo, token)
            commit = repo.resolve(revision)
            if path not in commit.files:
                raise HubError(404, "Entry not found", "EntryNotFound", {"X-Repo-Commit": commit.sha})
            data = self._blobs[commit.files[path]]
        etag = hashlib.sha256(data).hexdigest() if _is_lfs(path) else commit.files[path]
        return commit.sha, etag, data

    def receive_commit(
        self, segment: str, repo_id: str, revision: str, body: bytes, token: Optional[str]
    ) -> dict:
        self._check_write(token)
        if revision != "main":
            raise HubError(400, "the emulator commits to 'main' only")
        header, files, deletions = _parse_commit(body)
        repo_type, parent = _TYPE_OF_SEGMENT[segment], header.get("parentCommit")
        contention = self._contention(repo_type, repo_id)
        # Held (if at all) outside the lock: the other writers must still read the repo meanwhile.
        with contention.turn(parent) if contention else nullcontext(), self._lock:
            repo = self._repo(repo_type, repo_id)
            sha = self._apply(repo, files, deletions, header.get("summary", ""), parent)
        url = f"{self.endpoint}/{URL_PREFIX[repo.repo_type]}{repo_id}/commit/{sha}"
        return {"commitOid": sha, "commitUrl": url, "hookOutput": "", "success": True, "pullRequestUrl": None}

    def receive_create(self, payload: dict, token: Optional[str]) -> dict:
        self._check_write(token)
        repo_type = payload.get("type") or "model"
        repo_id = f"{payload.get('organization') or 'user'}/{payload['name']}"
        self.create_repo(repo_id, repo_type, private=payload.get("visibility") == "private")
        return {"url": f"{self.endpoint}/{URL_PREFIX[repo_type]}{repo_id}", "name": repo_id, "id": repo_id}


def _sibling(path: str, data: bytes, blobs: bool) -> dict:
    sibling: dict = {"rfilename": path}
    if blobs:
        sibling.update(size=len(data), blobId=git_blob_id(data))
        if _is_lfs(path):
            sibling["lfs"] = {
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "pointerSize": 134,
            }
    return sibling


def _tree_file(path: str, data: bytes) -> dict:
    entry = {"type": "file", "oid": git_blob_id(data), "size": len(data), "path": path}
    if _is_lfs(path):
        entry["lfs"] = {"oid": hashlib.sha256(data).hexdigest(), "size": len(data), "pointerSize": 134}
    return entry


def _card_data(readme: Optional[bytes]) -> Optional[dict]:
    """The YAML front matter of README.md, as the Hub reports it in `cardData`."""
    if not readme:
        return None
    match = re.match(r"^---\s*\n(.*?)\n---\s*(\n|$)", readme.decode("utf-8", "replace"), re.S)
    if not match:
        return None
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def _model_extras(repo_id: str, files: dict[str, bytes]) -> dict:
    config = _json_or_none(files.get("config.json")) or {}
    tokenizer_config = _json_or_none(files.get("tokenizer_config.json")) or {}
    card = _card_data(files.get("README.md")) or {}
    answer_config = {k: config[k] for k in _CONFIG_KEYS if k in config}
    tokenizer_part = {k: tokenizer_config[k] for k in _TOKENIZER_KEYS if k in tokenizer_config}
    if tokenizer_part:
        answer_config["tokenizer_config"] = tokenizer_part
    return {
        "modelId": repo_id,
        "library_name": card.get("library_name") or ("transformers" if config else None),
        "pipeline_tag": card.get("pipeline_tag"),
        "config": answer_config or None,
        "safetensors": _safetensors_info(files),
        "usedStorage": sum(len(d) for d in files.values()),
        "spaces": [],
    }


def _json_or_none(data: Optional[bytes]):
    try:
        return json.loads(data) if data else None
    except ValueError:
        return None


def _safetensors_info(files: dict[str, bytes]) -> Optional[dict]:
    """Parameter counts per dtype from the safetensors headers; None if any header is unreadable."""
    counts: dict[str, int] = {}
    weights = [data for path, data in files.items() if path.endswith(".safetensors")]
    for data in weights:
        header = _safetensors_header(data)
        if header is None:
            return None
        for name, tensor in header.items():
            if name != "__metadata__":
                counts[tensor["dtype"]] = counts.get(tensor["dtype"], 0) + math.prod(tensor["shape"])
    return {"parameters": counts, "total": sum(counts.values())} if weights else None


def _safetensors_header(data: bytes) -> Optional[dict]:
    if len(data) < 8:
        return None
    (size,) = struct.unpack("<Q", data[:8])
    try:
        header = json.loads(data[8 : 8 + size])
    except (ValueError, UnicodeDecodeError):
        return None
    return header if isinstance(header, dict) else None


def _parse_commit(body: bytes) -> tuple[dict, dict[str, bytes], list[str]]:
    header: Optional[dict] = None
    files: dict[str, bytes] = {}
    deletions: list[str] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        key, value = item.get("key"), item.get("value", {})
        if key == "header":
            header = value
        elif key == "file":
            if value.get("encoding") != "base64":
                raise HubError(400, f"unsupported encoding {value.get('encoding')!r}")
            files[value["path"]] = base64.b64decode(value["content"])
        elif key == "deletedFile":
            deletions.append(value["path"])
        else:  # lfsFile, deletedFolder, copies: never produced for the emulator's "regular" uploads
            raise HubError(400, f"the emulator does not support commit operation {key!r}")
    if header is None:
        raise HubError(400, "commit payload has no header line")
    return header, files, deletions


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real client expects
    # Headers and body go out in two writes; with Nagle's algorithm each answer would wait for a
    # delayed ACK (about 40 ms).
    disable_nagle_algorithm = True
    server: ThreadingHTTPServer

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    @property
    def hub(self) -> HubEmulator:
        return self.server.hub  # type: ignore[attr-defined]

    def _token(self) -> Optional[str]:
        auth = self.headers.get("Authorization", "")
        return auth[7:] if auth.startswith("Bearer ") else None

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status = 500
        self._lost_answer: Optional[Fault] = None  # one handler serves many requests (keep-alive)
        self._reply: Optional[tuple[int, bytes, dict, bool]] = None
        try:
            fault = self.hub._injected_fault(method, url.path)
            if fault is not None and not fault.after_applying:
                raise HubError(fault.status, "injected failure")
            self._lost_answer = fault  # _send answers with the fault instead
            status = self._route(method, url.path, parse_qs(url.query), body)
        except HubError as exc:
            status = exc.status
            self._lost_answer = None
            self._send_error(exc, head_only=method == "HEAD")
        except (BrokenPipeError, ConnectionResetError):
            status = 499  # the client went away (e.g. a killed worker): nothing to answer
        except Exception as exc:  # a bug in the emulator: answer 500 and keep serving
            log.exception("hub emulator failed on %s %s", method, self.path)
            self._lost_answer = None
            self._send_error(HubError(500, f"emulator error: {exc}"), head_only=method == "HEAD")
        with self.hub._lock:
            self.hub.requests.append((method, url.path, status))
        try:
            self._write_reply()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away after asking; it was logged as served

    def _route(self, method: str, path: str, query: dict, body: bytes) -> int:
        for route_method, pattern, handler in _ROUTES:
            match = pattern.fullmatch(path)
            if match and method in route_method:
                return handler(
                    self,
                    method,
                    {k: unquote(v) if v else v for k, v in match.groupdict().items()},
                    query,
                    body,
                )
        raise HubError(404, f"no such route: {method} {path}")

    # ---- route handlers (each returns the status it sent) ------------------------------------

    def _create(self, method, groups, query, body) -> int:
        return self._send_json(self.hub.receive_create(json.loads(body), self._token()))

    def _info(self, method, groups, query, body) -> int:
        blobs = query.get("blobs", ["false"])[0].lower() in ("1", "true")
        revision = groups.get("rev") or "main"
        return self._send_json(self.hub.repo_info(groups["segment"], groups["repo"], revision, blobs))

    def _tree(self, method, groups, query, body) -> int:
        recursive = query.get("recursive", ["false"])[0].lower() in ("1", "true")
        entries = self.hub.tree(
            groups["segment"], groups["repo"], groups["rev"], groups.get("path") or "", recursive
        )
        return self._send_json(entries)

    def _commits(self, method, groups, query, body) -> int:
        return self._send_json(self.hub.commit_list(groups["segment"], groups["repo"], groups["rev"]))

    def _preupload(self, method, groups, query, body) -> int:
        self.hub._check_write(self._token())
        with self.hub._lock:
            self.hub._repo(_TYPE_OF_SEGMENT[groups["segment"]], groups["repo"])
        files = json.loads(body).get("files", [])
        answer = [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False} for f in files]
        return self._send_json({"files": answer, "commitOid": None})

    def _commit(self, method, groups, query, body) -> int:
        if query.get("create_pr"):
            raise HubError(400, "the emulator does not support pull requests")
        return self._send_json(
            self.hub.receive_commit(groups["segment"], groups["repo"], groups["rev"], body, self._token())
        )

    def _resolve(self, method, groups, query, body) -> int:
        prefix = f"{groups['prefix']}/" if groups.get("prefix") else ""
        sha, etag, data = self.hub.download(
            prefix, groups["repo"], groups["rev"], groups["path"], self._token()
        )
        start, end, status = _byte_range(self.headers.get("Range"), len(data))
        headers = {
            "X-Repo-Commit": sha,
            "ETag": f'"{etag}"',
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
        }
        if status == 206:
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{len(data)}"
        return self._send(status, data[start:end], headers, head_only=method == "HEAD")

    # ---- writing answers ----------------------------------------------------------------------

    def _send_json(self, payload) -> int:
        return self._send(200, json.dumps(payload).encode(), {"Content-Type": "application/json"})

    def _send_error(self, error: HubError, head_only: bool = False) -> None:
        headers = {"Content-Type": "application/json", "X-Error-Message": error.message, **error.headers}
        if error.code:
            headers["X-Error-Code"] = error.code
        try:
            payload = json.dumps({"error": error.message, **error.body}).encode()
            self._send(error.status, payload, headers, head_only)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status: int, data: bytes, headers: dict, head_only: bool = False) -> int:
        lost, self._lost_answer = self._lost_answer, None
        if lost is not None:
            raise HubError(lost.status, "injected failure after the request was carried out")
        # Written only after the request is logged (see _dispatch): a client that has its answer
        # must find its request in `hub.requests` already, or tests race the server thread.
        self._reply = (status, data, headers, head_only)
        return status

    def _write_reply(self) -> None:
        reply, self._reply = self._reply, None
        if reply is None:
            return
        status, data, headers, head_only = reply
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head_only:
            self.wfile.write(data)


def _byte_range(header: Optional[str], size: int) -> tuple[int, int, int]:
    """(start, end, status) for an optional `Range: bytes=a-[b]` header."""
    match = re.fullmatch(r"bytes=(\d+)-(\d*)", header or "")
    if not match:
        return 0, size, 200
    start = int(match.group(1))
    end = min(size, int(match.group(2)) + 1) if match.group(2) else size
    if start >= size:
        raise HubError(416, "Requested range not satisfiable")
    return start, end, 206


_RouteHandler = Callable[..., int]
_ROUTES: list[tuple[tuple[str, ...], re.Pattern, _RouteHandler]] = [
    (("POST",), re.compile(r"/api/repos/create"), _Handler._create),
    (("GET",), re.compile(rf"/api/{_TYPES}/{_REPO}/tree/(?P<rev>[^/]+)(?:/(?P<path>.*))?"), _Handler._tree),
    (("GET",), re.compile(rf"/api/{_TYPES}/{_REPO}/commits/(?P<rev>[^/]+)"), _Handler._commits),
    (("POST",), re.compile(rf"/api/{_TYPES}/{_REPO}/preupload/(?P<rev>[^/]+)"), _Handler._preupload),
    (("POST",), re.compile(rf"/api/{_TYPES}/{_REPO}/commit/(?P<rev>[^/]+)"), _Handler._commit),
    (("GET",), re.compile(rf"/api/{_TYPES}/{_REPO}(?:/revision/(?P<rev>[^/]+))?"), _Handler._info),
    (
        ("GET", "HEAD"),
        re.compile(rf"/(?:(?P<prefix>datasets|spaces)/)?{_REPO}/resolve/(?P<rev>[^/]+)/(?P<path>.+)"),
        _Handler._resolve,
    ),
]
