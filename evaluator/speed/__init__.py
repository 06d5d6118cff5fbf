"""The evaluator's speed internals: how texts reach the model fast, never what a score means.

options.py         the speed choices a run's settings name (PackingMode), free of torch
batching.py        length-sorted batches under a token budget, and the probe that checks a fast path
packing.py         packed variable-length rows: texts end to end, no padding
prefix_sharing.py  a prompt shared by several responses runs once, its cache reused
kept_logits.py     logits computed only at the positions a reward reads
pooled_layer.py    a classifier's final layer run at the token it reads only
token_budget.py    padded tokens per batch when --batch-tokens is not given
placement.py       where weights go: one device, or spread layer by layer over the GPUs
fast_kernels.py    fused activation kernels where installed

Every path here must score exactly as the plain one does: each checks itself against it (a probe on
the first batch) or is tested to agree. The entry points (cli, worker, runner) and the adapters
import from here; nothing here imports them.
"""
