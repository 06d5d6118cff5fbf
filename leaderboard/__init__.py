"""The web side: results in a store -> tables, charts, CSV, a submission form and a queue view.

Never imports torch, transformers or `evaluator/` (the web process stays light); shared contracts
come from `results/`.
"""
