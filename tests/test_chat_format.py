"""Chat formats: the model's template, the built-in ones, template files, and the registries."""

import subprocess
import sys

import pytest

from evaluator.adapters import ADAPTERS, RewardAdapter, get_adapter
from evaluator.adapters.chat_format import CHAT_FORMATS, chat_format
from evaluator.errors import ConfigError
from results.model_types import MODEL_TYPES
from tests.conftest import REPO_ROOT

PROMPT = (("user", "What is 2+2?"),)


def test_tokenizer_template_renders_roles_and_prompt_is_a_prefix(tiny_tokenizer):
    fmt = chat_format("tokenizer", tiny_tokenizer)
    text = fmt.conversation(PROMPT, "4")
    assert text == "<|user|>\nWhat is 2+2?<|end|>\n<|assistant|>\n4<|end|>\n"
    assert text.startswith(fmt.prompt_text(PROMPT))
    assert fmt.add_special_tokens is False and len(fmt.template_sha256) == 64


def test_builtin_formats():
    raw = chat_format("raw", None)
    assert raw.conversation(PROMPT, "4") == "What is 2+2?\n\n4"
    hh = chat_format("human-assistant", None)
    assert hh.conversation(PROMPT, "4") == "\n\nHuman: What is 2+2?\n\nAssistant: 4"
    for fmt in (raw, hh):
        assert fmt.conversation(PROMPT, "4").startswith(fmt.prompt_text(PROMPT))


def test_template_file(tmp_path, tiny_tokenizer):
    path = tmp_path / "t.jinja"
    path.write_text("{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}")
    fmt = chat_format(str(path), tiny_tokenizer)
    assert fmt.conversation(PROMPT, "4") == "[user] What is 2+2?\n[assistant] 4\n"
    assert fmt.name == "file:t.jinja"


def test_unknown_template_lists_choices(tiny_tokenizer):
    with pytest.raises(ConfigError, match="choose one of " + ", ".join(CHAT_FORMATS)):
        chat_format("nope", tiny_tokenizer)


def test_every_model_type_loads_its_own_adapter():
    """One table: the web form offers exactly the types the evaluator runs, each by its own adapter."""
    assert ADAPTERS == {key: t.adapter for key, t in MODEL_TYPES.items()}
    for key in MODEL_TYPES:
        adapter = get_adapter(key)
        assert issubclass(adapter, RewardAdapter) and adapter.model_type == key


def test_a_table_line_naming_another_type_s_adapter_is_refused(monkeypatch):
    monkeypatch.setitem(ADAPTERS, "dpo", MODEL_TYPES["classifier"].adapter)
    with pytest.raises(TypeError, match="not its RewardAdapter"):
        get_adapter("dpo")


def test_the_model_type_table_imports_without_torch():
    """The web app reads the table; importing it must not load torch or the evaluator."""
    code = "import sys, results.model_types, leaderboard.submission.submit; print('torch' in sys.modules, 'evaluator' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
