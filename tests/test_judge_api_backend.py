"""The OpenAI-compatible judge backend against the scripted stub server (fakes/openai_stub.py)."""

from __future__ import annotations

import logging
import socket
import time
import traceback

import pytest

from evaluator.errors import ConfigError
from evaluator.generation import Decoding, GenerationFailed
from evaluator.generation.openai_api import OpenAICompatibleBackend
from fakes.openai_stub import OpenAIStub, word_count

KEY = "sk-test-5f3c9a1e7b2d4086"
MODEL = "stub-judge"


@pytest.fixture(scope="module")
def server():
    with OpenAIStub() as stub:
        yield stub


@pytest.fixture
def stub(server):
    """The module's server with its script back to the defaults and its records cleared."""
    server.reset()
    server.reply, server.latency_s, server.api_key, server.report_usage = "[[A]]", 0.0, None, True
    return server


@pytest.fixture
def make_backend():
    made = []

    def make(api_base: str, **options) -> OpenAICompatibleBackend:
        options = {"backoff_s": 0.01, "max_backoff_s": 0.05, **options}
        made.append(OpenAICompatibleBackend(api_base, MODEL, **options))
        return made[-1]

    yield make
    for backend in made:
        backend.close()


def ask(*texts: str) -> list[list[dict]]:
    return [[{"role": "user", "content": text}] for text in texts]


def numbered(count: int) -> list[list[dict]]:
    return ask(*(f"question {i}" for i in range(count)))


def echo_number(messages) -> str:
    return f"[[{messages[-1]['content'].split()[-1]}]]"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- answers, order, concurrency --------------------------------------------------------------


def test_order_of_outputs_is_the_order_of_inputs_when_later_requests_finish_first(stub, make_backend):
    stub.reply = echo_number
    stub.latency_s = lambda messages: 0.02 * (12 - int(messages[-1]["content"].split()[-1]))
    backend = make_backend(stub.api_base, concurrency=6)
    outputs = backend.generate(numbered(12), Decoding())
    assert [output.text for output in outputs] == [f"[[{i}]]" for i in range(12)]
    arrivals = [echo_number(request.messages) for request in stub.requests]
    assert sorted(arrivals) == sorted(output.text for output in outputs)


def test_at_most_concurrency_requests_are_in_flight_and_the_bound_is_reached(stub, make_backend):
    stub.latency_s = 0.1
    backend = make_backend(stub.api_base, concurrency=5)
    outputs = backend.generate(numbered(20), Decoding())
    assert len(outputs) == 20 and len(stub.requests) == 20
    assert stub.max_in_flight == 5


def test_the_request_carries_model_messages_and_decoding(stub, make_backend):
    stub.reply = OpenAIStub.UNPARSABLE
    backend = make_backend(stub.api_base)
    conversation = [{"role": "system", "content": "You judge."}, {"role": "user", "content": "A or B?"}]
    decoding = Decoding(max_new_tokens=64, temperature=0.7, top_p=0.9, seed=11)
    [output] = backend.generate([conversation], decoding)
    assert output.text == OpenAIStub.UNPARSABLE
    body = stub.requests[0].body
    assert body == {
        "model": MODEL,
        "messages": conversation,
        "max_tokens": 64,
        "temperature": 0.7,
        "top_p": 0.9,
        "seed": 11,
    }
    assert backend.identity == f"{MODEL}@{stub.api_base}"


def test_token_usage_totals_are_the_servers_counts(stub, make_backend):
    stub.reply = lambda messages: "the answer is [[B]]" if "long" in messages[-1]["content"] else "[[A]]"
    texts = ["a short one", "a long question with seven words", "two words"]
    backend = make_backend(stub.api_base, concurrency=2)
    outputs = backend.generate(ask(*texts), Decoding())
    assert [(o.prompt_tokens, o.completion_tokens) for o in outputs] == [(3, 1), (6, 4), (2, 1)]
    assert backend.usage.calls == 3
    assert backend.usage.prompt_tokens == sum(word_count(text) for text in texts) == 11
    assert backend.usage.completion_tokens == 6
    backend.generate(ask("more words here"), Decoding())  # totals keep adding up over chunks
    assert (backend.usage.calls, backend.usage.prompt_tokens, backend.usage.completion_tokens) == (4, 14, 7)


def test_max_new_tokens_reaches_the_server_which_cuts_the_reply(stub, make_backend):
    stub.reply = "the answer is [[B]]"
    backend = make_backend(stub.api_base)
    [output] = backend.generate(ask("which?"), Decoding(max_new_tokens=2))
    assert (output.text, output.completion_tokens) == ("the answer", 2)


def test_a_reply_script_that_raises_is_a_500_and_is_kept_for_the_test(stub, make_backend):
    stub.reply = lambda messages: messages[5]["content"]  # a bug in a test's script
    backend = make_backend(stub.api_base, max_retries=1)
    with pytest.raises(GenerationFailed, match="answered 500: the stub's reply function raised IndexError"):
        backend.generate(ask("hello"), Decoding())
    assert [type(error) for error in stub.errors] == [IndexError, IndexError]


def test_a_server_that_reports_no_usage_counts_zero_tokens(stub, make_backend):
    stub.report_usage = False
    backend = make_backend(stub.api_base)
    [output] = backend.generate(ask("one two three"), Decoding())
    assert (output.text, output.prompt_tokens, output.completion_tokens) == ("[[A]]", 0, 0)
    assert (backend.usage.calls, backend.usage.prompt_tokens) == (1, 0)


# ---- retries ----------------------------------------------------------------------------------


def test_429_is_retried_after_the_servers_retry_after(stub, make_backend, caplog):
    stub.fail_next(2, status=429, retry_after=0.3)
    backend = make_backend(stub.api_base, backoff_s=0.0, max_backoff_s=5.0)
    with caplog.at_level(logging.WARNING):
        [output] = backend.generate(ask("hello"), Decoding())
    assert output.text == "[[A]]"
    assert (backend.usage.calls, backend.usage.retries) == (1, 2)
    arrivals = [request.received_at for request in stub.requests]
    assert len(arrivals) == 3
    # With no backoff of its own, only the header can space the tries 0.3 s apart.
    assert all(later - earlier >= 0.3 for earlier, later in zip(arrivals, arrivals[1:]))
    assert caplog.text.count("answered 429") == 2


def test_retry_after_is_capped_at_max_backoff(stub, make_backend):
    stub.fail_next(1, status=429, retry_after=120)
    backend = make_backend(stub.api_base, backoff_s=0.0, max_backoff_s=0.2)
    backend.generate(ask("hello"), Decoding())
    first, second = (request.received_at for request in stub.requests)
    assert 0.2 <= second - first < 60
    assert backend.usage.retries == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_until_an_answer_comes(stub, make_backend, status):
    stub.fail_next(3, status=status)
    backend = make_backend(stub.api_base, max_retries=3)
    [output] = backend.generate(ask("hello"), Decoding())
    assert output.text == "[[A]]"
    assert backend.usage.retries == 3 and len(stub.requests) == 4


def test_retries_exhausted_raise_generation_failed_naming_the_status_and_the_tries(stub, make_backend):
    stub.fail_next(10, status=503, message="overloaded")
    backend = make_backend(stub.api_base, max_retries=2)
    with pytest.raises(GenerationFailed) as failure:
        backend.generate(ask("hello"), Decoding())
    message = str(failure.value)
    assert stub.api_base in message and "answered 503: overloaded" in message
    assert "all 3 tries (1 + 2 retries)" in message
    assert len(stub.requests) == 3


def test_400_fails_at_once_with_the_servers_message(stub, make_backend):
    stub.fail_next(1, status=400, message="The model 'nope' does not exist")
    backend = make_backend(stub.api_base, max_retries=5)
    with pytest.raises(GenerationFailed, match="answered 400: The model 'nope' does not exist"):
        backend.generate(ask("hello"), Decoding())
    assert len(stub.requests) == 1 and backend.usage.retries == 0


@pytest.mark.parametrize(
    "status, message",
    [
        (400, "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens."),  # OpenAI, vLLM
        (422, "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 5000"),  # TGI
        (413, "prompt is too long"),
    ],
)
def test_a_prompt_refused_as_too_long_is_an_answer_for_that_prompt_not_a_failure(stub, make_backend, status, message):
    stub.answer_next(1)
    stub.fail_next(1, status=status, message=message)
    backend = make_backend(stub.api_base, max_retries=5, concurrency=1)
    first, second = backend.generate(ask("short", "far too long"), Decoding())
    assert not first.refused_too_long and first.text == "[[A]]"
    assert second.refused_too_long and second.text == f"answered {status}: {message}"
    assert len(stub.requests) == 2 and backend.usage.retries == 0  # not retried: it cannot fit next time either


def test_a_long_server_message_is_cut(stub, make_backend):
    stub.fail_next(1, status=422, message="x" * 5000)
    backend = make_backend(stub.api_base)
    with pytest.raises(GenerationFailed) as failure:
        backend.generate(ask("hello"), Decoding())
    assert "answered 422: xxx" in str(failure.value) and len(str(failure.value)) < 500


def test_a_wrong_api_base_fails_at_once_with_the_404(stub, make_backend):
    backend = make_backend(stub.api_base.removesuffix("/v1"))  # /chat/completions is under /v1
    with pytest.raises(GenerationFailed, match="answered 404: Not Found"):
        backend.generate(ask("hello"), Decoding())
    assert backend.usage.retries == 0


def test_a_failure_stops_the_requests_not_yet_sent(stub, make_backend):
    stub.fail_next(1, status=400)
    backend = make_backend(stub.api_base, concurrency=1)
    with pytest.raises(GenerationFailed):
        backend.generate(numbered(10), Decoding())
    time.sleep(0.1)  # anything still on its way would arrive now
    assert len(stub.requests) == 1  # the failed request gave up the call's others before they were sent


def test_a_hanging_server_times_out_after_each_try(stub, make_backend):
    stub.hang_next(5, seconds=20)
    backend = make_backend(stub.api_base, timeout_s=0.2, max_retries=1, backoff_s=0.0)
    start = time.monotonic()
    with pytest.raises(GenerationFailed, match=r"did not answer within 0\.2 s, on all 2 tries"):
        backend.generate(ask("hello"), Decoding())
    assert time.monotonic() - start < 5  # two 0.2 s timeouts, far from the 20 s hang
    assert len(stub.requests) == 2 and backend.usage.retries == 1


def test_an_unreachable_server_is_retried_then_reported(make_backend):
    backend = make_backend(f"http://127.0.0.1:{free_port()}/v1", max_retries=2)
    with pytest.raises(GenerationFailed, match=r"could not be reached \(ConnectError\), on all 3 tries"):
        backend.generate(ask("hello"), Decoding())
    assert backend.usage.retries == 2 and backend.usage.calls == 0


# ---- the API key ------------------------------------------------------------------------------


def test_the_key_is_sent_as_a_bearer_token(stub, make_backend, monkeypatch):
    monkeypatch.setenv("JUDGE_TEST_KEY", KEY)
    stub.api_key = KEY
    backend = make_backend(stub.api_base, api_key_env="JUDGE_TEST_KEY")
    [output] = backend.generate(ask("hello"), Decoding())
    assert output.text == "[[A]]"
    assert stub.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert KEY not in repr(backend) and KEY not in backend.identity and KEY not in str(vars(backend))


def test_no_key_variable_sends_no_authorization_header(stub, make_backend):
    backend = make_backend(stub.api_base)
    backend.generate(ask("hello"), Decoding())
    assert "authorization" not in stub.requests[0].headers


def test_the_key_never_appears_in_errors_or_logs_even_when_the_server_echoes_it(
    stub, make_backend, monkeypatch, caplog
):
    monkeypatch.setenv("JUDGE_TEST_KEY", KEY)
    stub.api_key = "sk-the-right-one"  # the stub answers 401 quoting the key it was sent
    stub.fail_next(1, status=503, message=f"busy serving {KEY}")  # a retry log line that would quote it
    backend = make_backend(stub.api_base, api_key_env="JUDGE_TEST_KEY", max_retries=2)
    with caplog.at_level(logging.DEBUG), pytest.raises(GenerationFailed) as failure:
        backend.generate(ask("hello"), Decoding())
    shown = "".join(traceback.format_exception(failure.value))
    assert "answered 401: Incorrect API key provided: ***" in str(failure.value)
    assert "answered 503: busy serving ***" in caplog.text
    assert KEY not in shown and KEY not in repr(failure.value) and KEY not in caplog.text
    assert stub.requests[-1].headers["authorization"] == f"Bearer {KEY}"  # it was really sent


def test_a_named_key_variable_that_is_unset_is_a_config_error(monkeypatch, stub):
    monkeypatch.delenv("JUDGE_TEST_KEY", raising=False)
    with pytest.raises(ConfigError, match="JUDGE_TEST_KEY .* is unset or empty"):
        OpenAICompatibleBackend(stub.api_base, MODEL, api_key_env="JUDGE_TEST_KEY")
    assert stub.requests == []


@pytest.mark.parametrize(
    "options, expected",
    [
        ({"api_base": "127.0.0.1:8000/v1"}, "must be an http:// or https:// URL"),
        ({"model": " "}, "needs a model name"),
        ({"model": None}, "needs a model name"),
        ({"concurrency": 0}, "concurrency must be >= 1"),
        ({"timeout_s": 0}, "timeout must be > 0 s"),
    ],
)
def test_settings_that_cannot_work_are_config_errors(options, expected):
    settings = {"api_base": "http://127.0.0.1:8000/v1", "model": MODEL, **options}
    with pytest.raises(ConfigError, match=expected):
        OpenAICompatibleBackend(**settings)
