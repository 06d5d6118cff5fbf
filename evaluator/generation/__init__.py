"""Text generation for judges and critique models: one interface, several engines, one cache.

base.py                the interface (Decoding, Generation, Usage, GenerationFailed, GenerationBackend)
transformers_local.py  local causal LMs, batched greedy or seeded sampling
openai_api.py          any OpenAI-compatible chat endpoint
vllm_backend.py        vLLM, where installed (requirements-vllm.txt)
cache.py               generations kept in the results store
"""

from .base import Decoding, Generation, GenerationBackend, GenerationFailed, Usage

__all__ = ["Decoding", "Generation", "GenerationFailed", "GenerationBackend", "Usage"]
