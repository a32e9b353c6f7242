"""Fixtures for the bot tests: the loopback fake Discord and tiny real checkpoints.

The checkpoints are trained for a few dozen steps on a generated corpus (never on personal data):
they make the bot's own code paths (load, smoke test, batched generation) run for real, fast.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import torch

from tests.bot.fake_discord import FakeDiscord

WORDS = "lol this is fine honestly the cat ate my homework again why is everything on fire".split()


def train_tiny(corpus: Path, out: Path, seed: int) -> Path:
    from model.train import main as train_main

    torch.set_num_threads(1)
    argv = [str(corpus), "-o", str(out), "--steps", "25", "--hidden", "32", "--layers", "1",
            "--seq-len", "32", "--batch-size", "16", "--seed", str(seed), "--threads", "1",
            "--quiet"]  # fmt: skip
    assert train_main(argv) == 0
    return out


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(0)
    lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) for _ in range(300)]
    path = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def checkpoints(tmp_path_factory: pytest.TempPathFactory, tiny_corpus: Path) -> dict[str, Path]:
    """``a.pt`` and ``b.pt`` (two tiny trained models) and ``corrupt.pt`` in one folder."""
    folder = tmp_path_factory.mktemp("checkpoints")
    train_tiny(tiny_corpus, folder / "a.pt", seed=1)
    train_tiny(tiny_corpus, folder / "b.pt", seed=2)
    corrupt = folder / "corrupt.pt"
    corrupt.write_bytes((folder / "a.pt").read_bytes()[:5000])  # a truncated download
    return {"a": folder / "a.pt", "b": folder / "b.pt", "corrupt": corrupt, "dir": folder}


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A running loopback Discord; discord.py points at it until the test ends."""
    async with FakeDiscord(heartbeat_interval_ms=500) as fake:
        yield fake
    assert not fake.unknown, f"the bot called routes the fake lacks: {fake.unknown}"
