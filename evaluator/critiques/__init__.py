"""Critique-out-loud reward models (CLoud, Ankner et al. 2024): the model writes a critique of the
response, then a reward head reads prompt + response + critique.

checkpoint.py  RewardHead and the two checkpoint layouts (the published one, and ours)
rendering.py   the texts: where the critique starts, where the reward is read
adapter.py     model type `cloud` (critique generation, self-consistency, the reward)

The options, CloudSettings (number of critiques, decoding), are in evaluator/critique_options.py,
below the run's settings that carry them.
"""
