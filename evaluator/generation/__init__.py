"""Text generation for judges and critique models: one interface, several engines, one cache.

base.py                the interface (Generation, Usage, GenerationFailed, GenerationBackend; Decoding
                       lives in ../decoding.py, where the judge and critique options can name it)
transformers_local.py  local causal LMs, batched greedy or seeded sampling
openai_api.py          any OpenAI-compatible chat endpoint
vllm_backend.py        vLLM, where installed (requirements-vllm.txt)
cache.py               generations kept in the results store
"""

from ..decoding import Decoding
from .base import Generation, GenerationBackend, GenerationFailed, Usage

__all__ = ["Decoding", "Generation", "GenerationFailed", "GenerationBackend", "Usage"]
