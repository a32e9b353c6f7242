"""Training windows and the full-split evaluation: what the benchmark's figure rests on."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from model.network import CharGRU, ModelConfig
from model.windows import WindowStream, evaluate

CPU = torch.device("cpu")


@pytest.fixture
def model() -> CharGRU:
    torch.manual_seed(0)
    return CharGRU(ModelConfig(vocab_size=11, embed=8, hidden=16, layers=2))


def _ids(n: int, seed: int = 1) -> torch.Tensor:
    return torch.randint(0, 11, (n,), generator=torch.Generator().manual_seed(seed))


def _loss_sum(model: CharGRU, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """One forward pass from a fresh hidden state over a whole piece, summed cross-entropy."""
    logits, _ = model(inputs.unsqueeze(0))
    return F.cross_entropy(logits[0], targets, reduction="sum").item()


@torch.no_grad()
def test_one_stream_reads_the_split_as_one_sequence(model: CharGRU) -> None:
    ids = _ids(500)
    expected = _loss_sum(model, ids[:-1], ids[1:]) / 499
    # seq_len 7 cuts the split into many chunks: equal only if the hidden state is carried
    assert evaluate(model, ids, CPU, streams=1, seq_len=7) == pytest.approx(expected, rel=1e-5)
    fresh_each_chunk = sum(
        _loss_sum(model, ids[a : min(a + 7, 499)], ids[a + 1 : min(a + 8, 500)])
        for a in range(0, 499, 7)
    ) / 499
    assert abs(fresh_each_chunk - expected) > 1e-4  # the check above can tell the difference


@torch.no_grad()
def test_streams_cover_every_target_once(model: CharGRU) -> None:
    ids = _ids(503)  # 502 targets: three streams of 167 and a remainder of 1
    per = 502 // 3
    total = sum(_loss_sum(model, ids[i * per : (i + 1) * per], ids[i * per + 1 : (i + 1) * per + 1])
                for i in range(3))
    total += _loss_sum(model, ids[3 * per : 502], ids[3 * per + 1 :])
    assert evaluate(model, ids, CPU, streams=3, seq_len=50) == pytest.approx(total / 502, rel=1e-5)


def test_evaluate_restores_training_mode(model: CharGRU) -> None:
    model.train()
    evaluate(model, _ids(100), CPU, streams=2)
    assert model.training
    model.eval()
    evaluate(model, _ids(100), CPU, streams=2)
    assert not model.training


def test_windows_are_contiguous_per_stream_and_targets_lead_by_one() -> None:
    ids = torch.arange(1000)  # each id is its own position, so contiguity is visible
    stream = WindowStream(ids, batch=4, seq_len=10, seed=3)
    x1, y1, first = stream.next()
    x2, _, second = stream.next()
    assert first and not second
    assert x1.shape == (4, 10)
    assert torch.equal(y1, x1 + 1)
    assert torch.equal(x2[:, 0], x1[:, -1] + 1)  # the next window goes on where this one ended
    assert len(set(x1[:, 0].tolist())) == 4  # four different places in the text


def test_each_epoch_shifts_the_cut_points_and_seek_replays_them() -> None:
    ids = torch.arange(5000)
    stream = WindowStream(ids, batch=4, seq_len=16, seed=3)
    starts = []
    for _ in range(3):
        x, _, new_epoch = stream.next()
        assert new_epoch
        starts.append(x[0, 0].item())
        for _ in range(stream.windows_per_epoch - 1):
            assert not stream.next()[2]
    assert len(set(starts)) > 1  # seeded offsets differ between epochs
    replay = WindowStream(ids, batch=4, seq_len=16, seed=3)
    replay.seek(2, 0)
    assert replay.next()[0][0, 0].item() == starts[2]


def test_too_short_text_is_refused() -> None:
    with pytest.raises(ValueError, match="too short"):
        WindowStream(torch.arange(50), batch=4, seq_len=16, seed=0)
