"""Generative judges: a chat model reads a prompt and its answers and says which is better.

results/judge_formats.py  judge formats (prompt template + verdict parser + mode), a registry by name
formats.py                a run's format: a built-in, or a template file
fairness.py               slot orders (both orders, seeded slots) and how verdicts become credit
adapter.py                model type `generative`

The options, JudgeSettings (format, orders, backend, API options), are in evaluator/judge_options.py,
below the run's settings that carry them. Generation itself (local transformers, OpenAI-compatible APIs, vLLM) and its cache live in
evaluator/generation/, shared with critique models.
"""
