"""Generations already made (judgements, critiques), kept in the results store: a re-run or a
resumed run asks again only for what no earlier run got back.

One folder per (kind, model, decoding): the model's identity (a local model's org/name@resolved
commit, dtype and device kind; an API judge's model@endpoint) and the decoding settings. Each
entry is keyed by the instructions' wording (a judge format's sha256, a critique request) and the
exact prompt sent, so a changed template or a changed text is a miss, never a stale hit:

    cache/<judgements|critiques>/<digest of model + decoding>/<digest of the chunk's keys>.jsonl

Every chunk of generations is written as its own file as soon as it is back (small, immutable
files: on a Hub store each is one commit that never rewrites another), so a run killed halfway
loses at most the chunk in flight. A line that does not parse is logged and ignored: a broken
cache costs a call, never a wrong verdict.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Optional

from results.store import Store, safe_path, write_cache_file

from ..decoding import Decoding
from .base import Generation

log = logging.getLogger(__name__)

CACHE_DIR = "cache"
KIND = "judgements"
FORMAT_VERSION = 1


def entry_key(wording: str, prompt: Any) -> str:
    """Key of one generation: the instructions' wording (a format's sha256, a critique request) and
    the exact prompt (a conversation, or token ids)."""
    payload = json.dumps([wording, prompt], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


class GenerationCache:
    def __init__(self, store: Optional[Store], identity: str, decoding: Decoding, kind: str = KIND):
        self.store = store
        self.kind = kind
        meta = json.dumps({"v": FORMAT_VERSION, "judge": identity, "decoding": decoding.key()}, sort_keys=True)
        self.digest = hashlib.sha256(meta.encode()).hexdigest()[:32]
        self.folder = safe_path(CACHE_DIR, kind, self.digest)
        self.entries: dict[str, Generation] = {}
        self.hits = 0

    def load(self) -> "GenerationCache":
        if self.store is None:
            return self
        for path in self.store.list_files(self.folder):
            if path.endswith(".jsonl"):
                self._read(path)
        log.info("%s cache: %d earlier generations for this model", self.kind, len(self.entries))
        return self

    def _read(self, path: str) -> None:
        data = self.store.read_file(path) or b""
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
            try:
                record = json.loads(line)
                self.entries[record["key"]] = Generation(
                    record["text"], int(record.get("prompt_tokens", 0)), int(record.get("completion_tokens", 0))
                )
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("%s cache: skipping line %d of %s (%s)", self.kind, number, path, exc)

    def get(self, key: str) -> Optional[Generation]:
        found = self.entries.get(key)
        self.hits += found is not None
        return found

    def put(self, chunk: dict[str, Generation]) -> None:
        """Keep a chunk of new generations, in memory and (when there is a store) as one file."""
        self.entries.update(chunk)
        if self.store is None or not chunk:
            return
        lines = "".join(
            json.dumps(
                {"key": key, "text": g.text, "prompt_tokens": g.prompt_tokens, "completion_tokens": g.completion_tokens},
                ensure_ascii=False,
            )
            + "\n"
            for key, g in chunk.items()
        )
        digest = hashlib.sha256("".join(sorted(chunk)).encode()).hexdigest()[:32]
        write_cache_file(self.store, safe_path(CACHE_DIR, self.kind, self.digest, f"{digest}.jsonl"), lines.encode())
