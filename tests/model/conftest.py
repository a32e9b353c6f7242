"""Tiny models trained once per session with the real ``train`` command (1 layer x 32)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from model import train
from tests.paths import TINY_SHAKESPEARE

TINY = ["--hidden", "32", "--layers", "1", "--embed", "16", "--seq-len", "32",
        "--batch-size", "8", "--threads", "1", "--quiet"]


@pytest.fixture(scope="session", autouse=True)
def _one_thread() -> None:
    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def shakespeare_slice(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """The first 30 kB of tiny shakespeare, written to a temp file (never into the repo)."""
    path = tmp_path_factory.mktemp("corpus") / "slice.txt"
    path.write_text(TINY_SHAKESPEARE.read_text("utf-8")[:30_000], "utf-8")
    return path


@pytest.fixture(scope="session")
def chat_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small ingest-style corpus: posts and replies with contexts, some emoji."""
    rows = []
    for i in range(120):
        if i % 3:
            rows.append({"kind": "message", "timestamp": "2019-05-04T13:02:11Z",
                         "text": f"lol yeah number {i} is the best 😂",
                         "context": f"what about {i}?"})
        else:
            rows.append({"source": "facebook", "kind": "post", "timestamp": "2019-05-04T13:02:11Z",
                         "text": f"today I ate {i} pancakes and regret nothing"})
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_ckpt(tmp_path_factory: pytest.TempPathFactory, shakespeare_slice: Path) -> Path:
    out = tmp_path_factory.mktemp("ckpt") / "tiny.pt"
    assert train.main([str(shakespeare_slice), "-o", str(out), "--steps", "30", *TINY]) == 0
    return out
