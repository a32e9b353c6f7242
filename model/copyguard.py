"""Verbatim-copy guard: reject generated text that repeats a long run of a training record.

Why: a bot trained on private messages must not post one word for word. The raw corpus is not
available at serve time, so the checkpoint carries a compact index instead: 32-bit hashes of the
``ngram``-character substrings of every record (owner text and context) that start at multiples
of ``stride``. Any copied run of ``min_copy = ngram + stride - 1`` characters or more must
contain one of those aligned n-grams, so every such copy is caught (no false negatives for runs
inside one record).

Behaviour to know:
- Shorter copies (``ngram`` .. ``min_copy - 1`` characters) are caught only when they happen to
  cover an aligned n-gram, so the guard is a little stricter than ``min_copy``.
- 32-bit hashes collide: a fresh candidate of ``L`` characters is wrongly rejected with chance
  about ``L * len(index) / 2**32`` (~0.6% for 300 characters against tiny shakespeare's index).
- Matching is exact (case and whitespace count).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import torch

DEFAULT_MIN_COPY = 40
MIN_COPY_GUARD = 8  # shorter runs are common words: the guard would reject nearly everything


def _hash(piece: str) -> int:
    digest = hashlib.blake2b(piece.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "little", signed=True)


class CopyGuard:
    def __init__(self, ngram: int, stride: int, hashes: torch.Tensor) -> None:
        self.ngram = ngram
        self.stride = stride
        self.hashes = hashes
        self._set = set(hashes.tolist())

    @property
    def min_copy(self) -> int:
        return self.ngram + self.stride - 1

    @classmethod
    def build(cls, texts: Iterable[str], min_copy: int = DEFAULT_MIN_COPY) -> CopyGuard:
        """Index ``texts`` so that any copied run of ``min_copy`` characters is caught."""
        if min_copy < MIN_COPY_GUARD:
            raise ValueError(f"min_copy must be at least {MIN_COPY_GUARD} characters")
        ngram = max(MIN_COPY_GUARD, (min_copy * 3) // 4)
        stride = min_copy - ngram + 1
        found: set[int] = set()
        for text in texts:
            for start in range(0, len(text) - ngram + 1, stride):
                found.add(_hash(text[start : start + ngram]))
        hashes = torch.tensor(sorted(found), dtype=torch.int32)
        return cls(ngram, stride, hashes)

    def copies(self, text: str) -> bool:
        """True if ``text`` contains an indexed n-gram, i.e. probably copies a training run."""
        n, index = self.ngram, self._set
        return any(_hash(text[i : i + n]) in index for i in range(len(text) - n + 1))

    def to_dict(self) -> dict[str, object]:
        return {"ngram": self.ngram, "stride": self.stride, "hashes": self.hashes}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> CopyGuard:
        hashes = data["hashes"]
        if not isinstance(hashes, torch.Tensor) or hashes.dtype != torch.int32:
            raise ValueError("copy-guard hashes must be an int32 tensor")
        return cls(int(data["ngram"]), int(data["stride"]), hashes)  # type: ignore[arg-type]
