"""Stand-ins for what the project talks to or reads, shared by tests/ and bench/ (which never
imports tests/): a Hub emulator (hub_emulator.py), an OpenAI-compatible stub (openai_stub.py) and
made-up result files (eval_results.py) and a reader's browser, as far as the server sees it
(page_protocol.py: a served page's events driven over HTTP). Never in the image: nothing the app or the worker runs
imports them.
"""
