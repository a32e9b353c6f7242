"""The shipped ``checkpoints/default.pt``: small, made from tiny shakespeare, and it talks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch

from model import Generator, SamplingSettings
from model import checkpoint as ckpt_mod
from tests.paths import PROJECT_ROOT, TINY_SHAKESPEARE

DEFAULT = PROJECT_ROOT / "checkpoints" / "default.pt"


def test_default_checkpoint_is_slim_and_from_tiny_shakespeare(shared_data: Path) -> None:
    assert DEFAULT.stat().st_size <= 5 * 1024 * 1024
    ckpt = ckpt_mod.load(DEFAULT)
    assert ckpt.resume is None  # slim: no optimizer state to ship
    assert all(w.dtype == torch.float16 for w in ckpt.weights.values())
    digest = hashlib.sha256(TINY_SHAKESPEARE.read_bytes()).hexdigest()
    assert ckpt.facts["corpus_sha256"] == digest
    assert ckpt.facts["best_val_loss"] < 1.6  # a trained model, not a stand-in


def test_default_checkpoint_replies_and_posts() -> None:
    gen = Generator.load(DEFAULT)
    reply, post = gen.generate(["how now, good friend?", None], SamplingSettings(max_chars=120),
                               seed=7)
    assert reply and post and len(reply) <= 120 and len(post) <= 120
    assert sum(c.isalpha() for c in reply) > len(reply) // 2  # words, not noise
