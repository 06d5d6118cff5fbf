"""The demo's reward models: what each one is, how it is built, and building only what is missing.

    <root>/models/tokenizer/          one tokenizer shared by every model (DPO needs one vocabulary)
    <root>/models/demo/<name>/        one folder per model; the evaluator names it `demo/<name>`

A model folder is written under a temporary name and renamed when complete, with a
`demo-model.json` note inside; a folder that has the note is reused as it is.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from .sample_data import split

if TYPE_CHECKING:  # training imports torch: loaded only when a model is built
    from .training import TrainLog

log = logging.getLogger(__name__)

ORG = "demo"
MARKER = "demo-model.json"
VOCAB_SIZE = 2000
MAX_LENGTH = 512  # every generated text fits; the sample's longest is under 200 tokens
SHAPE = {"n_layer": 2, "n_embd": 64, "n_head": 4, "n_positions": MAX_LENGTH}


class Workshop:
    """What building needs, made once and only when some model must be built."""

    def __init__(self, models_dir: Path, seed: int = 0):
        self.models_dir = models_dir
        self.seed = seed

    def folder(self, name: str) -> Path:
        return self.models_dir / ORG / name

    @cached_property
    def train_rows(self) -> list[dict]:
        # Always the complement of the committed sample: `seed` moves weights and batches, never items.
        rows = split().train
        log.info("generated %d training pairs (disjoint from the sample benchmark)", len(rows))
        return rows

    @cached_property
    def tokenizer(self):
        """Loaded when saved before, so models built on different runs share one vocabulary."""
        from transformers import AutoTokenizer

        from evaluator.tiny_models import build_tokenizer

        folder = self.models_dir / "tokenizer"
        if (folder / "tokenizer.json").exists():
            return AutoTokenizer.from_pretrained(folder)
        texts = [text for row in self.train_rows for text in (row["prompt"], row["chosen"], row["rejected"])]
        tokenizer = build_tokenizer(texts, vocab_size=VOCAB_SIZE)
        tokenizer.save_pretrained(folder)
        return tokenizer

    @property
    def pad_id(self) -> int:
        return self.tokenizer.pad_token_id

    @cached_property
    def classifier_pairs(self):
        from .training import encode_for_classifier

        return encode_for_classifier(self.tokenizer, self.train_rows, MAX_LENGTH)

    @cached_property
    def lm_pairs(self):
        from .training import encode_for_lm

        return encode_for_lm(self.tokenizer, self.train_rows, MAX_LENGTH)


# (workshop, the model's own spec) -> (the model in memory, how it was trained or None)
Builder = Callable[[Workshop, "DemoModel"], tuple[object, Optional["TrainLog"]]]


@dataclass(frozen=True)
class DemoModel:
    name: str
    model_type: str  # an evaluator model type
    description: str
    build: Builder
    reference: Optional[str] = None  # another demo model: the DPO reference, built first


# ---- builders ------------------------------------------------------------------------------------


def random_classifier(ws: Workshop, spec: DemoModel):
    from evaluator.tiny_models import new_classifier

    return new_classifier(ws.tokenizer, seed=ws.seed, **SHAPE), None


def bradley_terry_classifier(ws: Workshop, spec: DemoModel):
    from evaluator.tiny_models import new_classifier

    from .training import TrainConfig, train_bradley_terry

    model = new_classifier(ws.tokenizer, seed=ws.seed, **SHAPE)  # the random model's exact start
    return model, train_bradley_terry(
        model, ws.classifier_pairs, ws.pad_id, TrainConfig(steps=120, seed=ws.seed)
    )


def sft_causal_lm(ws: Workshop, spec: DemoModel):
    from evaluator.tiny_models import new_causal_lm

    from .training import TrainConfig, train_sft

    model = new_causal_lm(ws.tokenizer, seed=ws.seed, **SHAPE)
    return model, train_sft(model, ws.lm_pairs, ws.pad_id, TrainConfig(steps=100, lr=2e-3, seed=ws.seed))


def dpo_from_reference(ws: Workshop, spec: DemoModel):
    from transformers import AutoModelForCausalLM

    from .training import TrainConfig, reference_logprobs, train_dpo

    reference_folder = ws.folder(spec.reference)
    reference = AutoModelForCausalLM.from_pretrained(reference_folder)
    ref_logprobs = reference_logprobs(reference, ws.lm_pairs, ws.pad_id)
    policy = AutoModelForCausalLM.from_pretrained(reference_folder)  # DPO starts from its reference
    config = TrainConfig(steps=100, seed=ws.seed, beta=0.1)
    return policy, train_dpo(policy, ref_logprobs, ws.lm_pairs, ws.pad_id, config)


# Build order: a model's reference comes before it.
DEMO_MODELS: tuple[DemoModel, ...] = (
    DemoModel(
        "tiny-rm-random",
        "classifier",
        "GPT-2 classifier, random weights: the chance baseline",
        random_classifier,
    ),
    DemoModel(
        "tiny-rm-bt",
        "classifier",
        "the same classifier trained with a Bradley-Terry loss",
        bradley_terry_classifier,
    ),
    DemoModel(
        "tiny-lm-sft",
        "dpo-ref-free",
        "GPT-2 language model fine-tuned on both responses; scored by its log-probability alone",
        sft_causal_lm,
    ),
    DemoModel(
        "tiny-lm-dpo",
        "dpo",
        "tiny-lm-sft trained further with DPO; scored against tiny-lm-sft",
        dpo_from_reference,
        reference="tiny-lm-sft",
    ),
)


# ---- building what is missing ---------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltModel:
    spec: DemoModel
    path: Path
    reference_path: Optional[Path] = None


def is_complete(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def ensure_models(
    models_dir: Path, seed: int = 0, specs: tuple[DemoModel, ...] = DEMO_MODELS
) -> list[BuiltModel]:
    """Every demo model under `models_dir`, building those whose folder is missing or incomplete."""
    ws = Workshop(models_dir, seed)
    built, rebuilt = [], set()
    for spec in specs:
        folder = ws.folder(spec.name)
        # A model trained from a reference that was just rebuilt would no longer match it.
        if is_complete(folder) and spec.reference not in rebuilt:
            log.info("reusing %s (%s)", spec.name, folder)
        else:
            _build(spec, ws, folder)
            rebuilt.add(spec.name)
        built.append(BuiltModel(spec, folder, ws.folder(spec.reference) if spec.reference else None))
    return built


def _build(spec: DemoModel, ws: Workshop, folder: Path) -> None:
    from evaluator.tiny_models import save_model

    log.info("building %s: %s", spec.name, spec.description)
    model, training = spec.build(ws, spec)
    partial = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    save_model(model, ws.tokenizer, partial)
    note = {
        "name": f"{ORG}/{spec.name}",
        "model_type": spec.model_type,
        "description": spec.description,
        "reference": f"{ORG}/{spec.reference}" if spec.reference else None,
        "training": asdict(training) if training else None,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    (partial / MARKER).write_text(json.dumps(note, indent=2) + "\n")
    shutil.rmtree(folder, ignore_errors=True)  # an incomplete folder from an interrupted run
    partial.rename(folder)
