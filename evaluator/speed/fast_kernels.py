"""The same function on a faster kernel: config rewrites applied before a model loads.

Some configs name an activation that transformers computes as a chain of element-wise
operations where torch has one fused kernel for the same function. GPT-2's `gelu_new` is the
tanh approximation of GELU written out in seven operations; `torch.nn.functional.gelu(x,
approximate="tanh")` computes the same formula in one (transformers' own `gelu_pytorch_tanh`,
which its docs call equivalent, differing by rounding). On the CPU the activation was 8 of the 53
seconds of forward passes in the whole-CLI benchmark (bench/RESULTS.md), and the fused kernel is
4.4x faster on one thread. Rewards move by float32 rounding only (tests/test_fast_kernels.py
checks < 1e-5 on whole texts).

Only rewrites of one function to the same function belong here; a cheaper approximation never
does.
"""

from __future__ import annotations

# The config attributes that name a model's activation, by architecture family.
ACTIVATION_FIELDS = ("activation_function", "hidden_act", "hidden_activation")
# activation name -> the name of the same function on a fused kernel
SAME_FUNCTION_FUSED = {
    "gelu_new": "gelu_pytorch_tanh",
    "gelu_fast": "gelu_pytorch_tanh",  # the same tanh formula with its constant multiplied out
}


def fused_activations(config) -> list[str]:
    """Rewrite `config`'s activations to their fused kernels in place; the changes, as text."""
    changes = []
    for field in ACTIVATION_FIELDS:
        name = getattr(config, field, None)
        if isinstance(name, str) and name in SAME_FUNCTION_FUSED:
            setattr(config, field, SAME_FUNCTION_FUSED[name])
            changes.append(f"{field}: {name} -> {SAME_FUNCTION_FUSED[name]}")
    return changes
