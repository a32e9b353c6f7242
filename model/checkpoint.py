"""One checkpoint file: weights, model config, vocabulary, copy-guard index, training facts.

Layout (plain dicts, strings, numbers and tensors only, so it loads with ``weights_only=True``)::

    format: "shitpostbot.chargru"   version: 1
    config:  ModelConfig as a dict
    vocab:   the character string (ids 4.. in order; 0..3 are UNK and the markers)
    weights: state_dict, float16 when saved "slim" (widened to float32 on load)
    guard:   CopyGuard.to_dict()
    facts:   corpus_sha256, corpus_bytes, train_chars, val_chars, steps, best_val_loss,
             trained_at (ISO 8601 UTC), train_seconds, device, settings
    resume:  None, or the latest training state (float32 weights, optimizer, step, data
             position, elapsed time, early-stopping counters) for ``--resume``

``weights`` are the best-validation weights (what serving wants); ``resume`` holds where
training actually was. Files are written to a temporary name and renamed, so a crash never
leaves a half-written checkpoint under the real name.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from model.copyguard import CopyGuard
from model.network import CharGRU, ModelConfig
from model.vocab import Vocab
from shitpostbot.errors import ShitpostBotError

FORMAT = "shitpostbot.chargru"
VERSION = 1


class CheckpointError(ShitpostBotError):
    """A checkpoint file is missing, corrupt, truncated, foreign or of another format version."""


@dataclass
class Checkpoint:
    path: Path
    file_size_bytes: int
    config: ModelConfig
    vocab: Vocab
    weights: dict[str, torch.Tensor]
    guard: CopyGuard
    facts: dict[str, Any]
    resume: dict[str, Any] | None

    def build_model(self, device: str | torch.device = "cpu") -> CharGRU:
        """The network with these weights, in float32, on ``device``, in eval mode."""
        try:
            model = CharGRU(self.config)
            model.load_state_dict({k: v.float() for k, v in self.weights.items()})
        except (RuntimeError, AttributeError, TypeError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0]
            raise CheckpointError(
                f"{self.path}: weights do not fit the model config ({first})"
            ) from None
        return model.to(device).eval()


def weights_for_file(weights: dict[str, torch.Tensor], half: bool) -> dict[str, torch.Tensor]:
    """CPU copies for the file; ``half`` (``--slim``) halves the size, ``build_model`` widens."""
    dtype = torch.float16 if half else torch.float32
    return {k: v.detach().to("cpu", dtype) for k, v in weights.items()}


def save(
    path: str | Path,
    *,
    config: ModelConfig,
    vocab: Vocab,
    weights: dict[str, torch.Tensor],
    guard: CopyGuard,
    facts: dict[str, Any],
    resume: dict[str, Any] | None,
) -> None:
    """Write atomically: a temporary file in the same folder, then ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "config": config.to_dict(),
        "vocab": vocab.chars,
        "weights": weights,
        "guard": guard.to_dict(),
        "facts": facts,
        "resume": resume,
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        with os.fdopen(fd, "wb") as handle:
            torch.save(payload, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: str | Path, map_location: str | torch.device = "cpu") -> Checkpoint:
    """Read and validate a checkpoint; every problem becomes a one-line ``CheckpointError``."""
    path = Path(path)
    if path.is_dir():
        raise CheckpointError(f"{path}: is a folder, not a checkpoint file")
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint file")
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except Exception:  # torch raises many types for damaged files; all mean the same
        raise CheckpointError(
            f"{path}: not a readable checkpoint (corrupt, truncated, or not a PyTorch file)"
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a ShitpostBot model checkpoint")
    if payload.get("version") != VERSION:
        raise CheckpointError(
            f"{path}: checkpoint format version {payload.get('version')!r}; "
            f"this ShitpostBot reads version {VERSION} (retrain or use a matching release)"
        )
    try:
        vocab = Vocab(payload["vocab"])
        config = ModelConfig(**payload["config"])
        guard = CopyGuard.from_dict(payload["guard"])
        weights = dict(payload["weights"])
        facts = dict(payload["facts"])
        resume = payload["resume"]
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(
            f"{path}: checkpoint is damaged ({type(exc).__name__}: {exc})"
        ) from None
    if config.vocab_size != len(vocab):
        raise CheckpointError(f"{path}: checkpoint is damaged (vocabulary size mismatch)")
    return Checkpoint(path, path.stat().st_size, config, vocab, weights, guard, facts, resume)
