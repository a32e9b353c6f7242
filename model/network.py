"""The network: embedding -> multi-layer GRU over whole sequences -> linear.

Why ``nn.GRU`` over whole windows: the original stepped one character at a time in Python, so
neither cuDNN nor the fused CPU kernel could run. Here one call covers a whole window in
training and evaluation. Sampling reads one character at a time, so ``model.sample`` steps these
same weights with ``torch.gru_cell`` (less per-call overhead than ``nn.GRU``); a test checks that
both give the same numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int
    embed: int = 64
    hidden: int = 256
    layers: int = 2
    dropout: float = 0.0

    def to_dict(self) -> dict[str, int | float]:
        return asdict(self)


class CharGRU(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embed)
        self.drop = nn.Dropout(config.dropout)
        self.gru = nn.GRU(
            config.embed,
            config.hidden,
            config.layers,
            batch_first=True,
            dropout=config.dropout if config.layers > 1 else 0.0,
        )
        self.head = nn.Linear(config.hidden, config.vocab_size)

    def forward(
        self, ids: torch.Tensor, hidden: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``ids`` (batch, time) -> logits (batch, time, vocab) and the final hidden state."""
        out, hidden = self.gru(self.drop(self.embed(ids)), hidden)
        return self.head(self.drop(out)), hidden

    def n_params(self) -> int:
        return sum(p.numel() for p in self.parameters())
