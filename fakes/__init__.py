"""Stand-ins for what the project talks to or reads, shared by tests/ and bench/ (which never
imports tests/): a Hub emulator (hub_emulator.py), an OpenAI-compatible stub (openai_stub.py) and
made-up result files (eval_results.py). Never in the image: nothing the app or the worker runs
imports them.
"""
