"""Generative judges: a chat model reads a prompt and its answers and says which is better.

formats.py     judge formats (prompt template + verdict parser + mode), a registry by name
fairness.py    how slot orders are chosen and how verdicts become credit (both orders, seeded slots)
cache.py       judgements already made, keyed by (judge, format, prompt text, decoding)
backends/      who generates: local transformers, any OpenAI-compatible endpoint, vLLM
"""
