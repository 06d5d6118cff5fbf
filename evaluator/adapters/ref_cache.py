"""Reference-model log-probabilities kept in the results store, so each reference runs once per data.

Every DPO submission that names the same reference needs the same reference log-probs on the
same data; only the policy differs. One file per (reference, resolved revision, dtype, chat
template, data fingerprint):

    cache/ref-logprobs/<ref org>/<ref name>/<resolved revision>/<digest of the key>.npz

It holds, for each text, a 16-byte key (sha256 of the text's token ids and response start, which
also pins the tokenizer, the template's rendering and truncation) and the reference's summed
response log-prob. Its `meta` repeats the key's fields. A file that cannot be read, or whose meta
disagrees with the key, is logged and treated as empty, then rewritten: a broken cache costs time,
never a wrong score.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from dataclasses import asdict, dataclass
from typing import Iterable, Optional, Sequence

import numpy as np

from results.store import Store, safe_path

from ..encoded import Encoded

log = logging.getLogger(__name__)

CACHE_DIR = "cache"
KIND = "ref-logprobs"
FORMAT_VERSION = 1
KEY_BYTES = 16  # 128 bits: collisions among a benchmark's texts are not a practical concern


@dataclass(frozen=True)
class CacheKey:
    """Everything the reference log-probs of one dataset depend on, besides each text's tokens."""

    ref_org: str
    ref_name: str
    ref_revision: str  # resolved: a Hub commit sha or a local folder's content hash
    dtype: str
    chat_template: str
    chat_template_sha256: Optional[str]
    data_fingerprint: str

    def fields(self) -> dict:
        return {"format": FORMAT_VERSION, **asdict(self)}

    @property
    def path(self) -> str:
        digest = hashlib.sha256(json.dumps(self.fields(), sort_keys=True).encode()).hexdigest()[:32]
        return safe_path(CACHE_DIR, KIND, self.ref_org, self.ref_name, self.ref_revision, f"{digest}.npz")


def text_key(encoded: Encoded) -> bytes:
    """What identifies a text's reference log-prob within one cache file."""
    digest = hashlib.sha256(np.int64(encoded.response_start).tobytes())
    digest.update(np.asarray(encoded.ids, dtype=np.int64).tobytes())
    return digest.digest()[:KEY_BYTES]


class CacheFileError(ValueError):
    """A cache file that cannot be used (corrupt, another format, another key)."""


class ReferenceCache:
    """The cached reference log-probs of one CacheKey; in memory only when there is no store."""

    def __init__(self, store: Optional[Store], key: CacheKey, entries: dict[bytes, float]):
        self.store = store
        self.key = key
        self.entries = entries

    @classmethod
    def open(cls, store: Optional[Store], key: CacheKey) -> "ReferenceCache":
        return cls(store, key, _read_entries(store, key))

    def __contains__(self, text: bytes) -> bool:
        return text in self.entries

    def __getitem__(self, text: bytes) -> float:
        return self.entries[text]

    def missing(self, keys: Sequence[bytes]) -> list[int]:
        """Indices of the first occurrence of every key not cached yet."""
        seen: set[bytes] = set()
        todo = []
        for index, text in enumerate(keys):
            if text not in self.entries and text not in seen:
                seen.add(text)
                todo.append(index)
        return todo

    def update(self, items: Iterable[tuple[bytes, float]]) -> None:
        self.entries.update(items)

    def save(self) -> None:
        if self.store is None:
            return
        # Another worker may have written entries since we read: keep theirs too.
        merged = {**_read_entries(self.store, self.key), **self.entries}
        try:
            self.store.write_file(self.key.path, encode_cache_file(self.key, merged))
        except Exception as exc:  # the cache only saves time: a store that fails must not fail the run
            log.warning("could not save the reference cache %s: %s: %s",
                        self.key.path, type(exc).__name__, exc)
            return
        log.info("saved %d reference log-probs to %s", len(merged), self.key.path)


def encode_cache_file(key: CacheKey, entries: dict[bytes, float]) -> bytes:
    buffer = io.BytesIO()
    np.savez(
        buffer,
        meta=np.array(json.dumps(key.fields(), sort_keys=True)),
        # uint8 rows, not a bytes dtype: numpy would strip a key's trailing zero bytes.
        keys=np.frombuffer(b"".join(entries), dtype=np.uint8).reshape(len(entries), KEY_BYTES),
        logprobs=np.array(list(entries.values()), dtype=np.float64),
    )
    return buffer.getvalue()


def decode_cache_file(key: CacheKey, data: bytes) -> dict[bytes, float]:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            meta, keys, values = str(npz["meta"]), npz["keys"], npz["logprobs"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise CacheFileError(f"not a readable .npz file ({type(exc).__name__}: {exc})") from exc
    if _parse_meta(meta) != key.fields():
        raise CacheFileError("its metadata does not match this key (reference, revision, dtype, template, "
                             "data or file format)")
    if values.dtype != np.float64 or values.ndim != 1:
        raise CacheFileError("its log-probs are not a float64 vector")
    if keys.dtype != np.uint8 or keys.shape != (len(values), KEY_BYTES):
        raise CacheFileError(f"its keys are not {len(values)} rows of {KEY_BYTES} bytes")
    if not np.isfinite(values).all():
        raise CacheFileError("it holds non-finite log-probs")
    raw = keys.tobytes()
    return {raw[i * KEY_BYTES : (i + 1) * KEY_BYTES]: value for i, value in enumerate(values.tolist())}


def _parse_meta(meta: str) -> object:
    try:
        return json.loads(meta)
    except ValueError as exc:
        raise CacheFileError(f"its metadata is not JSON ({exc})") from exc


def _read_entries(store: Optional[Store], key: CacheKey) -> dict[bytes, float]:
    if store is None:
        return {}
    try:
        data = store.read_file(key.path)
    except Exception as exc:  # an unreachable store costs a recomputation, not the run
        log.warning("could not read the reference cache %s: %s: %s", key.path, type(exc).__name__, exc)
        return {}
    if data is None:
        return {}
    try:
        return decode_cache_file(key, data)
    except CacheFileError as exc:
        log.warning("ignoring reference cache %s, it will be recomputed: %s", key.path, exc)
        return {}
