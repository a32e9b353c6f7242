"""Checkpoints round-trip, load on CPU whatever device saved them, and fail in one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch

from model import CheckpointError, Generator, SamplingSettings
from model import checkpoint as ckpt_mod


def _one_line_error(path: Path) -> str:
    with pytest.raises(CheckpointError) as info:
        Generator.load(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message
    return message


def test_round_trip_keeps_weights_vocab_and_facts(tiny_ckpt: Path, tmp_path: Path) -> None:
    first = ckpt_mod.load(tiny_ckpt)
    copy = tmp_path / "copy.pt"
    ckpt_mod.save(copy, config=first.config, vocab=first.vocab, weights=first.weights,
                  guard=first.guard, facts=first.facts, resume=first.resume)
    again = ckpt_mod.load(copy)
    assert again.config == first.config and again.vocab.chars == first.vocab.chars
    assert all(torch.equal(again.weights[k], v) for k, v in first.weights.items())
    assert torch.equal(again.guard.hashes, first.guard.hashes)
    assert again.facts["steps"] == 30 and again.facts["best_val_loss"] > 0
    assert re.match(r"\d{4}-\d\d-\d\dT", again.facts["trained_at"])
    s = SamplingSettings(max_chars=40)
    assert Generator.load(copy).generate([None, "hi"], s, seed=3) == \
        Generator.load(tiny_ckpt).generate([None, "hi"], s, seed=3)
    assert not list(tmp_path.glob("*.tmp"))  # atomic write leaves no temporary file


def test_cuda_tagged_file_loads_on_cpu(tiny_ckpt: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated: every storage is written with the location tag a CUDA save writes."""
    data = torch.load(tiny_ckpt, weights_only=True)
    gpu_file = tmp_path / "gpu.pt"
    monkeypatch.setattr(torch.serialization, "location_tag", lambda storage: "cuda:0")
    torch.save(data, gpu_file)
    monkeypatch.undo()
    if not torch.cuda.is_available():  # proves the file really is tagged for CUDA
        with pytest.raises(RuntimeError, match="CUDA"):
            torch.load(gpu_file, weights_only=True)
    gen = Generator.load(gpu_file, device="cpu")
    assert gen.device.type == "cpu" and isinstance(gen.generate(["yo"], seed=1)[0], str)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_real_cuda_checkpoint_loads_on_cpu(tiny_ckpt: Path, tmp_path: Path) -> None:
    data = torch.load(tiny_ckpt, weights_only=True, map_location="cuda")
    gpu_file = tmp_path / "gpu.pt"
    torch.save(data, gpu_file)
    assert Generator.load(gpu_file, device="cpu").device.type == "cpu"


def test_slim_half_precision_weights_are_widened(tiny_ckpt: Path, tmp_path: Path) -> None:
    c = ckpt_mod.load(tiny_ckpt)
    slim = tmp_path / "slim.pt"
    ckpt_mod.save(slim, config=c.config, vocab=c.vocab, guard=c.guard, facts=c.facts,
                  resume=None, weights={k: v.half() for k, v in c.weights.items()})
    assert slim.stat().st_size < tiny_ckpt.stat().st_size
    model = ckpt_mod.load(slim).build_model()
    assert all(p.dtype == torch.float32 for p in model.parameters())


def test_missing_corrupt_truncated_files(tiny_ckpt: Path, tmp_path: Path) -> None:
    assert "no such checkpoint" in _one_line_error(tmp_path / "nope.pt")
    assert "is a folder, not a checkpoint file" in _one_line_error(tmp_path)
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(bytes(range(256)) * 40)
    assert "not a readable checkpoint" in _one_line_error(garbage)
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(tiny_ckpt.read_bytes()[: tiny_ckpt.stat().st_size // 2])
    assert "not a readable checkpoint" in _one_line_error(truncated)
    empty = tmp_path / "empty.pt"
    empty.write_bytes(b"")
    assert "not a readable checkpoint" in _one_line_error(empty)


def test_foreign_and_wrong_version_files(tiny_ckpt: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.pt"
    torch.save({"model": {"w": torch.zeros(2)}, "iter_num": 5}, foreign)
    assert "not a ShitpostBot model checkpoint" in _one_line_error(foreign)
    data = torch.load(tiny_ckpt, weights_only=True)
    data["version"] = 99
    future = tmp_path / "future.pt"
    torch.save(data, future)
    assert "format version 99" in _one_line_error(future)
    data["version"] = ckpt_mod.VERSION
    data["weights"] = {k: v[..., :1] for k, v in data["weights"].items()}
    broken = tmp_path / "broken.pt"
    torch.save(data, broken)
    assert "weights do not fit" in _one_line_error(broken)
    data["weights"] = {k: "not a tensor" for k in data["weights"]}
    torch.save(data, broken)
    assert "weights do not fit" in _one_line_error(broken)
    data = torch.load(tiny_ckpt, weights_only=True)
    data["facts"]["steps"] = "many"
    torch.save(data, broken)
    assert "checkpoint facts are damaged" in _one_line_error(broken)


def test_cli_prints_one_line_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from shitpostbot.cli import main

    bad = tmp_path / "bad.pt"
    bad.write_text("hello")
    assert main(["sample", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("shitpostbot sample: error: ") and str(bad) in err
    assert len(err.splitlines()) == 1
