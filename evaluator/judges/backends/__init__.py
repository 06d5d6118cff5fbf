"""Generation backends for judges (and critique models): one interface, several engines."""

from .base import Decoding, Generation, GenerationFailed, JudgeBackend, Usage

__all__ = ["Decoding", "Generation", "GenerationFailed", "JudgeBackend", "Usage"]
