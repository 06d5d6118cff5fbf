"""The reference model of a DPO submission: its exact version, its vocabulary, and its weights.

Pinning the version must not cost the weights: a submission whose reference log-probs are cached
never needs them. A local folder is pinned by `resolve_model` (a hash of its files). A Hub id is
pinned by the commit its revision resolves to, fetching only the config and tokenizer files; if
the reference has to run after all, its weights are fetched at that same commit, so a branch that
moves in between cannot mix two versions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import torch

from results.names import InvalidModelName, storage_name

from ..errors import ConfigError, ModelLoadError, explained
from ..model_source import resolve_model
from .logprobs import load_causal_lm

log = logging.getLogger(__name__)

# Enough to read the config and build the tokenizer; no weights.
_METADATA_FILES = [
    "config.json", "tokenizer*", "vocab*", "merges.txt", "special_tokens_map.json", "added_tokens.json",
    "*.model", "*.tiktoken",
]
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.json", "tokenizer.model", "vocab.txt")


@dataclass(frozen=True)
class ReferenceSource:
    model_id: str
    org: str
    name: str
    revision_resolved: str  # Hub commit sha, or "local-<content hash>"
    metadata_path: str  # a folder with the reference's config and tokenizer (every file, when local)
    is_local: bool


def locate_reference(model_id: str, revision: Optional[str], pinned: Optional[str] = None) -> ReferenceSource:
    """The reference at `revision`, or exactly at `pinned` (its commit or folder hash at submission)."""
    if Path(model_id).expanduser().is_dir():
        model = resolve_model(model_id, revision, pinned)
        return ReferenceSource(
            model_id, model.org, model.name, model.revision_resolved, model.local_path, is_local=True
        )
    try:
        org, name = storage_name(model_id)
    except InvalidModelName:
        raise ModelLoadError(
            f"reference model not found: {model_id!r} is neither a folder nor a Hub id 'org/name'"
        ) from None
    folder = _download_metadata(model_id, pinned or revision)
    # Snapshot folders are named by the commit they hold.
    return ReferenceSource(model_id, org, name, Path(folder).name, folder, False)


def _download_metadata(model_id: str, revision: Optional[str]) -> str:
    from huggingface_hub import snapshot_download

    # Offline, missing, gated, bad revision: all end the run the same way.
    with explained(ModelLoadError, f"reference model not found or not downloadable: {model_id}"):
        return snapshot_download(model_id, revision=revision, allow_patterns=_METADATA_FILES)


def reference_config(source: ReferenceSource):
    from transformers import AutoConfig

    with explained(ModelLoadError, f"could not read the config of reference model {source.model_id}"):
        return AutoConfig.from_pretrained(source.metadata_path)


def check_same_vocabulary(policy_tokenizer, source: ReferenceSource, ref_config) -> None:
    """Refuse a reference that would read the policy's token ids as other tokens."""
    ref_tokenizer = _tokenizer_if_present(source)
    if ref_tokenizer is None:
        log.info("reference %s has no tokenizer files; assuming it shares the policy's", source.model_id)
    else:
        ours, theirs = policy_tokenizer.get_vocab(), ref_tokenizer.get_vocab()
        if ours != theirs:
            detail = _first_difference(ours, theirs)
            raise ConfigError(_vocabulary_mismatch(source.model_id, detail, len(ours), len(theirs)))
    ref_size = getattr(ref_config, "vocab_size", None)
    if isinstance(ref_size, int) and ref_size < len(policy_tokenizer):
        detail = f"its output layer has {ref_size} entries for the policy's {len(policy_tokenizer)} tokens"
        raise ConfigError(_vocabulary_mismatch(source.model_id, detail, len(policy_tokenizer), ref_size))


def _tokenizer_if_present(source: ReferenceSource):
    from transformers import AutoTokenizer

    folder = Path(source.metadata_path)
    if not any((folder / name).exists() for name in _TOKENIZER_FILES):
        return None
    with explained(ModelLoadError, f"could not load the tokenizer of reference model {source.model_id}"):
        return AutoTokenizer.from_pretrained(source.metadata_path)


def _first_difference(ours: dict[str, int], theirs: dict[str, int]) -> str:
    moved = sorted(t for t in ours.keys() & theirs.keys() if ours[t] != theirs[t])
    if moved:
        return f"{moved[0]!r} is id {ours[moved[0]]} in the policy but {theirs[moved[0]]} in the reference"
    only_ours = sorted(ours.keys() - theirs.keys())
    if only_ours:
        return f"the policy's {only_ours[0]!r} (id {ours[only_ours[0]]}) is missing from the reference"
    only_theirs = sorted(theirs.keys() - ours.keys())
    return f"the reference's {only_theirs[0]!r} (id {theirs[only_theirs[0]]}) is missing from the policy"


def _vocabulary_mismatch(model_id: str, detail: str, policy_size: int, ref_size: int) -> str:
    return (
        f"reference model {model_id} has a different vocabulary from the policy ({policy_size} vs "
        f"{ref_size} tokens; {detail}). A DPO reward compares both models' log-probs of the same token "
        "ids, so the reference must use the policy's tokenizer: pass the model the policy was trained "
        "from (usually its SFT checkpoint) as --ref-model, or evaluate with --model-type dpo-ref-free"
    )


def load_reference_model(source: ReferenceSource, dtype: torch.dtype, device: torch.device):
    """The reference's weights, fetched (for a Hub id) at the commit pinned by locate_reference."""
    if source.is_local:
        path = source.metadata_path
    else:
        path = resolve_model(source.model_id, source.revision_resolved).local_path
    log.info("loading reference model %s (revision %s)", source.model_id, source.revision_resolved)
    return load_causal_lm(path, dtype, device, role=f"reference model {source.model_id}")
