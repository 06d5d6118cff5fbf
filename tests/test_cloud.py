"""Critique-out-loud (CLoud) models end to end: tiny Llama-shaped checkpoints in both layouts.

Every reward is checked against an independent forward pass: the text is rebuilt here from the
chat template and the stored critique, and the head is applied by hand from the saved tensors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from evaluator.cli import main
from tests.cloud_fixtures import new_cloud, save_ours, save_published

ROOT = Path(__file__).resolve().parents[1]
V1_SAMPLE = ROOT / "data" / "sample-rewardbench.jsonl"
RB2_SAMPLE = ROOT / "data" / "sample-rewardbench-2.jsonl"
REQUEST = "The following is a break down on the correctness and usefulness of the assistant's response to my question: "


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory) -> dict[str, Path]:
    model, head, tokenizer = new_cloud(seed=3)
    root = tmp_path_factory.mktemp("cloud")
    return {
        "ours": save_ours(root / "cloud-org" / "ours", model, head, tokenizer),
        "published": save_published(root / "cloud-org" / "published", model, head, tokenizer),
    }


def run(model: Path, out: Path, *extra: str, data: Path = V1_SAMPLE) -> tuple[dict, list[dict]]:
    code = main(["run", "--model", str(model), "--model-type", "cloud", "--data", str(data), "--no-progress",
                 "--critique-max-tokens", "6", "--output", str(out), *extra])
    assert code == 0
    stem = out / model.parent.name / model.name
    lines = [json.loads(x) for x in stem.with_suffix(".scores.jsonl").read_text().splitlines()]
    return json.loads(stem.with_suffix(".json").read_text()), lines


def rows_by_key(path: Path) -> dict:
    rows = {}
    for line in path.read_text().splitlines():
        row = json.loads(line)
        rows[(row["subset"], str(row["id"]))] = row
    return rows


class Independent:
    """The reward computed from scratch: the saved LM, and the head's four tensors applied by hand."""

    def __init__(self, folder: Path):
        from safetensors.torch import load_file
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.head = load_file(folder / "reward_head.safetensors")

    def reward(self, text: str) -> float:
        ids = torch.tensor([self.tokenizer(text, add_special_tokens=False)["input_ids"]])
        with torch.no_grad():
            hidden = self.model(input_ids=ids, output_hidden_states=True).hidden_states[-1][0, -1]
            h = self.head
            inner = torch.tanh(h["dense.weight"] @ hidden + h["dense.bias"])
            return float(h["out_proj.weight"] @ inner + h["out_proj.bias"])

    def critique_text(self, prompt: str, response: str, critique: str) -> str:
        messages = [{"role": "user", "content": prompt}, {"role": "assistant", "content": response},
                    {"role": "user", "content": REQUEST}]
        rendered = self.tokenizer.apply_chat_template(messages, tokenize=False)
        return rendered[: rendered.rindex(REQUEST) + len(REQUEST)] + critique + "<|end|>"

    def plain_text(self, prompt: str, response: str) -> str:
        messages = [{"role": "user", "content": prompt}, {"role": "assistant", "content": response}]
        rendered = self.tokenizer.apply_chat_template(messages, tokenize=False)
        return rendered[: rendered.rindex("<|end|>") + len("<|end|>")]


def completion_text(row: dict, label: str) -> str:
    kind, index = label.split()
    texts = row[kind] if isinstance(row[kind], list) else [row[kind]]
    return texts[int(index)]


def test_rewards_equal_an_independent_forward_pass_on_prompt_response_critique(checkpoints, tmp_path):
    result, lines = run(checkpoints["ours"], tmp_path, "--subsets", "alpacaeval-easy,llmbar-natural")
    data = rows_by_key(V1_SAMPLE)
    independent = Independent(checkpoints["ours"])
    checked = 0
    for line in lines:
        row = data[(line["subset"], str(line["id"]))]
        for critique in line["critiques"]:
            text = independent.critique_text(row["prompt"], completion_text(row, critique["completion"]), critique["text"])
            assert abs(independent.reward(text) - critique["reward"]) < 1e-4
            checked += 1
        assert line["scores_chosen"] == [c["reward"] for c in line["critiques"] if c["completion"] == "chosen 0"]
    assert checked == 2 * len(lines) > 0
    assert result["cloud"]["num_critiques"] == 1 and result["cloud"]["layout"] == "rmlb"
    assert result["cloud"]["critique_request"] == REQUEST and result["cloud"]["temperature"] == 0.0
    assert result["model"]["model_type"] == "cloud"


def test_both_layouts_give_the_same_rewards_and_critiques(checkpoints, tmp_path):
    _, ours = run(checkpoints["ours"], tmp_path / "a", "--subsets", "alpacaeval-easy")
    result, published = run(checkpoints["published"], tmp_path / "b", "--subsets", "alpacaeval-easy")
    assert result["cloud"]["layout"] == "published"
    for a, b in zip(ours, published, strict=True):
        assert [c["text"] for c in a["critiques"]] == [c["text"] for c in b["critiques"]]
        assert a["scores_chosen"] == pytest.approx(b["scores_chosen"], abs=1e-6)


def test_greedy_critiques_do_not_depend_on_the_batch_size(checkpoints, tmp_path):
    # A budget of 1 token puts every text in a batch of its own; 8,000 lets eight and more share one.
    _, alone = run(checkpoints["ours"], tmp_path / "1", "--batch-tokens", "1", "--subsets", "alpacaeval-easy,mt-bench-easy")
    _, batched = run(checkpoints["ours"], tmp_path / "8", "--batch-tokens", "8000", "--subsets", "alpacaeval-easy,mt-bench-easy")
    assert len(alone) >= 8
    for a, b in zip(alone, batched, strict=True):
        assert [c["text"] for c in a["critiques"]] == [c["text"] for c in b["critiques"]]
        assert a["scores_chosen"] + a["scores_rejected"] == pytest.approx(b["scores_chosen"] + b["scores_rejected"], abs=1e-4)


def test_self_consistency_averages_k_seeded_samples(checkpoints, tmp_path):
    args = ("--subsets", "alpacaeval-easy", "--num-critiques", "4", "--critique-temperature", "1.0", "--seed", "5")
    result, lines = run(checkpoints["ours"], tmp_path / "a", *args)
    assert result["cloud"]["num_critiques"] == 4 and result["cloud"]["critiques"] == 4 * 2 * len(lines)
    for line in lines:
        for label, score in (("chosen 0", line["scores_chosen"][0]), ("rejected 0", line["scores_rejected"][0])):
            samples = [c for c in line["critiques"] if c["completion"] == label]
            assert [c["sample"] for c in samples] == [0, 1, 2, 3]
            assert score == pytest.approx(sum(c["reward"] for c in samples) / 4, abs=1e-12)
    texts = [c["text"] for line in lines for c in line["critiques"]]
    assert len(set(texts)) > len(texts) // 2  # sampled, not four copies of one critique
    _, again = run(checkpoints["ours"], tmp_path / "b", *args)
    assert [c["text"] for line in again for c in line["critiques"]] == texts
    _, other = run(checkpoints["ours"], tmp_path / "c", *args[:-1], "6")
    assert [c["text"] for line in other for c in line["critiques"]] != texts


def test_no_critique_scores_the_bare_conversation_with_the_same_head(checkpoints, tmp_path):
    result, lines = run(checkpoints["ours"], tmp_path, "--subsets", "alpacaeval-easy", "--num-critiques", "0")
    independent = Independent(checkpoints["ours"])
    data = rows_by_key(V1_SAMPLE)
    for line in lines:
        row = data[(line["subset"], str(line["id"]))]
        assert "critiques" not in line
        assert line["scores_chosen"][0] == pytest.approx(independent.reward(independent.plain_text(row["prompt"], row["chosen"])), abs=1e-4)
    assert result["cloud"]["num_critiques"] == 0 and result["cloud"]["critique_tokens"] == 0


def test_a_second_run_regenerates_nothing(checkpoints, tmp_path):
    cache = str(tmp_path / "cache")
    first, first_lines = run(checkpoints["ours"], tmp_path / "1", "--subsets", "alpacaeval-easy", "--cache-dir", cache)
    second, second_lines = run(checkpoints["ours"], tmp_path / "2", "--subsets", "alpacaeval-easy", "--cache-dir", cache)
    assert first["cloud"]["critique_tokens"] > 0 and first["cloud"]["cached"] == 0
    assert second["cloud"]["critique_tokens"] == 0 and second["cloud"]["cached"] == second["cloud"]["critiques"]
    assert second_lines == first_lines


def test_rewardbench_2_every_completion_is_critiqued(checkpoints, tmp_path):
    result, lines = run(checkpoints["ours"], tmp_path, "--benchmark", "rewardbench-2", data=RB2_SAMPLE)
    for line in lines:
        assert len(line["critiques"]) == len(line["scores_chosen"]) + len(line["scores_rejected"])
    assert set(result["subsets"]) == {"Factuality", "Precise IF", "Math", "Safety", "Focus", "Ties"}


def test_several_greedy_critiques_are_refused(checkpoints, tmp_path, capsys):
    code = main(["run", "--model", str(checkpoints["ours"]), "--model-type", "cloud", "--num-critiques", "3",
                 "--data", str(V1_SAMPLE), "--output", str(tmp_path)])
    assert code == 2 and "would all be the same" in capsys.readouterr().err


def test_a_folder_in_neither_layout_is_refused(tmp_path, capsys, tiny_classifier):
    code = main(["run", "--model", str(tiny_classifier), "--model-type", "cloud", "--data", str(V1_SAMPLE),
                 "--no-progress", "--output", str(tmp_path)])
    assert code == 1 and "is not a CLoud checkpoint" in capsys.readouterr().err


def test_the_leaderboard_labels_the_type_and_shows_k(checkpoints, tmp_path):
    from leaderboard.tables import table as t

    run(checkpoints["ours"], tmp_path, "--subsets", "alpacaeval-easy", "--num-critiques", "2",
        "--critique-temperature", "0.7")
    data = (tmp_path / "cloud-org" / "ours.json").read_bytes()
    rows = t.build_tables([("eval-set/rewardbench/cloud-org/ours/x.json", data)]).rows
    assert list(rows[t.MODEL_TYPE]) == ["CLoud (critique, then reward)"]
    assert list(rows[t.TYPE_SETUP]) == ["K=2 critiques, T=0.7"]


def test_a_queued_critique_model_runs_with_the_requested_k(checkpoints, tmp_path):
    from evaluator.request_processing import Worker
    from evaluator.settings import build_store
    from results.schema import Status
    from tests.hub_fixtures import make_request
    from tests.test_worker import settings_for, stored

    settings = settings_for(tmp_path, V1_SAMPLE, judge_max_new_tokens=4)
    request = make_request("r-cloud", str(checkpoints["ours"]), model_type="cloud", num_critiques=2,
                           critique_temperature=0.9)
    worker = Worker(settings, build_store(settings))
    worker.store.add_request(request)
    worker.process_next()
    done = stored(worker.store, "r-cloud")
    assert done.status is Status.FINISHED, done.error
    result_file = next(p for p in worker.store.list_files("eval-set") if p.endswith(".json"))
    result = json.loads(worker.store.read_file(result_file))
    assert result["cloud"]["num_critiques"] == 2 and result["cloud"]["temperature"] == 0.9
    assert result["cloud"]["max_new_tokens"] == 4


def test_the_model_type_cell_says_k(checkpoints, tmp_path):
    from leaderboard.tables import display as d
    from leaderboard.tables import table as t

    run(checkpoints["ours"], tmp_path, "--subsets", "alpacaeval-easy", "--num-critiques", "0")
    data = (tmp_path / "cloud-org" / "ours.json").read_bytes()
    rows = t.build_tables([("eval-set/rewardbench/cloud-org/ours/x.json", data)]).rows
    shown = d.leaderboard_view(rows, d.leaderboard_columns("rewardbench"))
    assert "CLoud (critique, then reward) · no critique (K=0)" in str(shown.styler.data[t.MODEL_TYPE].iloc[0])
