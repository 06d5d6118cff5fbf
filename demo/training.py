"""Short, seeded training runs for the demo models on the generated preference pairs.

Texts are formatted and tokenized exactly as the evaluator formats them (the tokenizer's chat
template; for causal LMs the same prompt/response boundary), so what a model learns here is what
it is scored on. Three objectives, one loop:
- Bradley-Terry for a classifier: -log sigmoid(r(chosen) - r(rejected));
- supervised fine-tuning for a causal LM: mean negative log-likelihood of response tokens;
- DPO for a causal LM against a frozen reference:
  -log sigmoid(beta * ((log p(chosen) - log q(chosen)) - (log p(rejected) - log q(rejected)))).
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from evaluator.adapters.chat_format import chat_format
from evaluator.adapters.logprobs import encode_with_response_start
from evaluator.benchmarks.loading import Example
from evaluator.encoded import Encoded
from evaluator.speed.batching import pad_right

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    steps: int
    batch_pairs: int = 16
    lr: float = 1e-3
    seed: int = 0
    beta: float = 0.1  # DPO only: how far the policy may move from its reference


@dataclass(frozen=True)
class TrainLog:
    objective: str
    steps: int
    first_loss: float
    last_loss: float  # mean over the last steps: one batch is noisy
    seconds: float


@dataclass(frozen=True)
class EncodedPair:
    chosen: Encoded
    rejected: Encoded


def _example(row: dict) -> Example:
    return Example(row["id"], row["subset"], (("user", row["prompt"]),), (row["chosen"],), (row["rejected"],))


def _responses(rows: Sequence[dict]) -> list[tuple[Example, str]]:
    """(example, response) for each row's chosen, then rejected response."""
    return [(ex, response) for ex in map(_example, rows) for response in (ex.chosen[0], ex.rejected[0])]


def _paired(encoded: Sequence[Encoded]) -> list[EncodedPair]:
    return [EncodedPair(encoded[i], encoded[i + 1]) for i in range(0, len(encoded), 2)]


def encode_for_classifier(tokenizer, rows: Sequence[dict], max_length: int) -> list[EncodedPair]:
    """Whole conversations, tokenized as the classifier adapter tokenizes them."""
    fmt = chat_format("tokenizer", tokenizer)
    texts = [fmt.conversation(ex.prompt, response) for ex, response in _responses(rows)]
    ids = tokenizer(texts, add_special_tokens=fmt.add_special_tokens)["input_ids"]
    return _paired([Encoded(list(seq[:max_length]), 0, len(seq) > max_length) for seq in ids])


def encode_for_lm(tokenizer, rows: Sequence[dict], max_length: int) -> list[EncodedPair]:
    """Conversations with the first response token marked, as the log-prob adapters find it."""
    fmt = chat_format("tokenizer", tokenizer)
    return _paired(encode_with_response_start(tokenizer, fmt, _responses(rows), max_length))


def _batches(count: int, config: TrainConfig) -> Iterator[list[int]]:
    """`config.steps` batches of pair indices: shuffled epochs, seeded."""
    rng = random.Random(config.seed)
    order: list[int] = []
    for _ in range(config.steps):
        if len(order) < config.batch_pairs:
            epoch = list(range(count))
            rng.shuffle(epoch)
            order += epoch
        yield order[: config.batch_pairs]
        del order[: config.batch_pairs]


def run(
    model, loss_of: Callable[[list[int]], torch.Tensor], count: int, config: TrainConfig, objective: str
) -> TrainLog:
    """The one training loop: AdamW over seeded batches; leaves the model in eval mode."""
    torch.manual_seed(config.seed)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr)
    losses: list[float] = []
    start = time.perf_counter()
    for batch in tqdm(_batches(count, config), total=config.steps, desc=objective, leave=False):
        loss = loss_of(batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    tail = losses[-10:]
    result = TrainLog(objective, config.steps, losses[0], sum(tail) / len(tail), time.perf_counter() - start)
    log.info(
        "%s: %d steps in %.1fs, loss %.3f -> %.3f",
        objective,
        result.steps,
        result.seconds,
        result.first_loss,
        result.last_loss,
    )
    return result


def rewards(model, texts: Sequence[Encoded], pad_id: int) -> torch.Tensor:
    """A classifier's reward for each text (the logit at its last real token)."""
    input_ids, attention_mask = pad_right([t.ids for t in texts], pad_id)
    return model(input_ids=input_ids, attention_mask=attention_mask).logits[:, 0]


def response_logprobs(model, texts: Sequence[Encoded], pad_id: int) -> torch.Tensor:
    """Sum of each text's response-token log-probs, differentiable (the evaluator's, with gradients)."""
    input_ids, attention_mask = pad_right([t.ids for t in texts], pad_id)
    logits = model(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).logits[:, :-1]
    picked = logits.log_softmax(-1).gather(-1, input_ids[:, 1:, None]).squeeze(-1)
    position = torch.arange(1, input_ids.shape[1])[None, :]  # the position of each predicted token
    start = torch.tensor([max(t.response_start, 1) for t in texts])[:, None]
    end = torch.tensor([len(t.ids) for t in texts])[:, None]
    return (picked * ((position >= start) & (position < end))).sum(-1)


def train_bradley_terry(model, pairs: Sequence[EncodedPair], pad_id: int, config: TrainConfig) -> TrainLog:
    def loss_of(batch: list[int]) -> torch.Tensor:
        r = rewards(model, [pairs[i].chosen for i in batch] + [pairs[i].rejected for i in batch], pad_id)
        return -F.logsigmoid(r[: len(batch)] - r[len(batch) :]).mean()

    return run(model, loss_of, len(pairs), config, "bradley-terry")


def train_sft(model, pairs: Sequence[EncodedPair], pad_id: int, config: TrainConfig) -> TrainLog:
    """Language modelling on both responses: the model learns the texts, not which one is better."""
    texts = [t for p in pairs for t in (p.chosen, p.rejected)]

    def loss_of(batch: list[int]) -> torch.Tensor:
        chosen = [texts[i] for i in batch]
        tokens = sum(max(len(t.ids) - max(t.response_start, 1), 1) for t in chosen)
        return -response_logprobs(model, chosen, pad_id).sum() / tokens

    return run(model, loss_of, len(texts), config, "sft")


@torch.inference_mode()
def reference_logprobs(
    model, pairs: Sequence[EncodedPair], pad_id: int, batch_pairs: int = 32
) -> torch.Tensor:
    """(pairs, 2) log-probs of chosen and rejected under a frozen model, computed once before DPO."""
    model.eval()
    rows = []
    for at in range(0, len(pairs), batch_pairs):
        chunk = pairs[at : at + batch_pairs]
        values = response_logprobs(model, [p.chosen for p in chunk] + [p.rejected for p in chunk], pad_id)
        rows.append(torch.stack([values[: len(chunk)], values[len(chunk) :]], dim=1))
    return torch.cat(rows)


def train_dpo(
    policy, reference: torch.Tensor, pairs: Sequence[EncodedPair], pad_id: int, config: TrainConfig
) -> TrainLog:
    def loss_of(batch: list[int]) -> torch.Tensor:
        logp = response_logprobs(
            policy, [pairs[i].chosen for i in batch] + [pairs[i].rejected for i in batch], pad_id
        )
        ref = reference[batch]
        margin = (logp[: len(batch)] - ref[:, 0]) - (logp[len(batch) :] - ref[:, 1])
        return -F.logsigmoid(config.beta * margin).mean()

    return run(policy, loss_of, len(pairs), config, "dpo")
