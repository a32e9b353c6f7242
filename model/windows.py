"""Batched truncated-BPTT windows over one long id sequence, and full-split evaluation.

Why contiguous streams: the text is cut into ``batch`` parallel streams and each step reads the
next ``seq_len`` characters of every stream, so the hidden state can be carried from one window
to the next (the model sees far more than ``seq_len`` characters of history). Each epoch starts
the streams at a different, seeded offset so windows do not always break at the same places.
"""

from __future__ import annotations

import random

import torch
import torch.nn.functional as F

from model.network import CharGRU

EVAL_STREAMS = 32  # pieces read side by side: one batched pass, close to the exact figure


class WindowStream:
    """Yields ``(inputs, targets, starts_epoch)`` windows; its position is ``(epoch, window)``."""

    def __init__(self, ids: torch.Tensor, batch: int, seq_len: int, seed: int) -> None:
        if len(ids) < batch * (seq_len + 1):
            raise ValueError("text too short for one window per stream")
        self.ids, self.batch, self.seq_len, self.seed = ids, batch, seq_len, seed
        self.epoch, self.window = 0, 0
        self._layout()

    def _layout(self) -> None:
        per_stream = (len(self.ids) - 1) // self.batch
        shift = random.Random(self.seed * 1_000_003 + self.epoch).randrange(
            max(1, min(self.seq_len, per_stream - self.seq_len))
        )
        usable = (per_stream - shift) // self.seq_len * self.seq_len
        starts = torch.arange(self.batch) * per_stream + shift
        cols = starts.unsqueeze(1) + torch.arange(usable + 1)
        self._grid = self.ids[cols]  # (batch, usable + 1)
        self.windows_per_epoch = usable // self.seq_len

    def seek(self, epoch: int, window: int) -> None:
        self.epoch, self.window = epoch, window
        self._layout()

    def next(self) -> tuple[torch.Tensor, torch.Tensor, bool]:
        if self.window >= self.windows_per_epoch:
            self.seek(self.epoch + 1, 0)
        starts_epoch = self.window == 0
        a = self.window * self.seq_len
        chunk = self._grid[:, a : a + self.seq_len + 1]
        self.window += 1
        return chunk[:, :-1], chunk[:, 1:], starts_epoch


@torch.no_grad()
def evaluate(
    model: CharGRU, ids: torch.Tensor, device: torch.device, streams: int = EVAL_STREAMS,
    seq_len: int = 1024,
) -> float:
    """Mean cross-entropy (nats/char) over every character of ``ids`` after the first.

    The split is read in ``streams`` contiguous pieces, each once from start to end with its
    hidden state carried; ``streams=1`` reads the whole split as one sequence (exact, slower).
    """
    was_training = model.training
    model.eval()
    n_targets = len(ids) - 1
    streams = max(1, min(streams, n_targets))
    per = n_targets // streams
    total = 0.0
    pieces = [(ids[: streams * per + 1], streams, per)]
    rest = n_targets - streams * per
    if rest:
        pieces.append((ids[streams * per :], 1, rest))
    for piece, rows, length in pieces:
        x_all = piece[:-1][: rows * length].view(rows, length)
        starts = torch.arange(rows) * length
        y_all = piece[starts.unsqueeze(1) + torch.arange(length) + 1]
        hidden = None
        for a in range(0, length, seq_len):
            x = x_all[:, a : a + seq_len].to(device)
            y = y_all[:, a : a + seq_len].to(device)
            logits, hidden = model(x, hidden)
            total += F.cross_entropy(
                logits.float().reshape(-1, logits.size(-1)), y.reshape(-1), reduction="sum"
            ).item()
    model.train(was_training)
    return total / n_targets
