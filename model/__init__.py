"""Character-level GRU: train, checkpoint, sample. The bot's API is below (docs/ARCHITECTURE.md).

``train`` / ``sample`` are the command-line entry points; ``network``, ``corpus``, ``vocab``,
``windows``, ``copyguard`` and ``checkpoint`` each hold one piece. The names are imported
lazily (PEP 562) so ``python -m model.sample`` does not import its own module twice.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from model.checkpoint import CheckpointError as CheckpointError
    from model.corpus import CorpusError as CorpusError
    from model.sample import Generator as Generator
    from model.sample import ModelInfo as ModelInfo
    from model.sample import SamplingSettings as SamplingSettings

_HOMES = {
    "CheckpointError": "model.checkpoint",
    "CorpusError": "model.corpus",
    "Generator": "model.sample",
    "ModelInfo": "model.sample",
    "SamplingSettings": "model.sample",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'model' has no attribute {name!r}")
