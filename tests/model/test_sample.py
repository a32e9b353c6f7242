"""Sampling: batching, seeds, unknown characters, and the guards."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from model import Generator, SamplingSettings
from model.copyguard import CopyGuard
from model.corpus import prompt_prefix
from model.sample import is_repetitive, truncated_probs
from model.sample import main as sample_main
from model.vocab import BOS_ID, EOS_ID, SEP_ID, UNK_ID


@pytest.fixture(scope="module")
def gen(tiny_ckpt: Path) -> Generator:
    return Generator.load(tiny_ckpt)


def test_info_describes_the_checkpoint(gen: Generator, tiny_ckpt: Path) -> None:
    info = gen.info
    assert info is not None and info.name == "tiny" and info.path == str(tiny_ckpt)
    assert info.file_size_bytes == tiny_ckpt.stat().st_size and info.steps == 30
    assert info.n_params == sum(p.numel() for p in gen.model.parameters())
    assert info.train_chars > 20_000 and info.best_val_loss is not None


def test_one_string_per_prompt_and_seeds_repeat(gen: Generator) -> None:
    prompts = ["hello there", None, "", "what?"]
    s = SamplingSettings(max_chars=60, copy_guard=False, max_repeats=100)
    first = gen.generate(prompts, s, seed=11)
    assert len(first) == 4 and all(isinstance(t, str) for t in first)
    assert first == gen.generate(prompts, s, seed=11)
    assert first != gen.generate(prompts, s, seed=12)
    assert all(len(t) <= 60 for t in first)


def test_candidates_are_batched_per_prompt(gen: Generator) -> None:
    raw = gen.sample_raw(["a", None], SamplingSettings(max_chars=30, n_candidates=5), seed=2)
    assert [len(c) for c in raw] == [5, 5]
    assert len({t for t, _ in raw[0]}) > 1  # candidates differ


def test_unknown_characters_and_huge_prompts_do_not_crash(gen: Generator) -> None:
    weird = "🦀 <@123456> **bold** ñ 中文 \x00\x02\x03 " * 5
    texts = gen.generate([weird, "x" * 200_000], SamplingSettings(max_chars=20), seed=1)
    assert len(texts) == 2
    assert set("".join(texts)) <= set(gen.vocab.chars)


def test_copy_guard_rejects_verbatim_training_runs(gen: Generator) -> None:
    s = SamplingSettings(max_chars=80, n_candidates=3, max_repeats=100)
    raw = gen.sample_raw(["tell me"], s, seed=5)[0]

    def from_raw(text: str) -> bool:  # a candidate, or one cut at its last word boundary
        return bool(text) and any(t.startswith(text) for t, _ in raw)

    assert from_raw(gen.generate(["tell me"], s, seed=5)[0])
    long_ones = [t for t, _ in raw if len(t) >= 16]
    assert long_ones, raw
    # Pretend every candidate was training text: now each one is a copy and must be rejected.
    guarded = Generator(gen.model, gen.vocab, CopyGuard.build([t for t, _ in raw], min_copy=16))
    result = guarded.generate(["tell me"], s, seed=5)[0]
    assert result not in long_ones
    off = guarded.generate(["tell me"], SamplingSettings(**{**s.__dict__, "copy_guard": False}),
                           seed=5)[0]
    assert from_raw(off)


def test_guards_reject_empty_and_looping_text(gen: Generator) -> None:
    s = SamplingSettings()
    assert gen.rejects("", s)
    assert gen.rejects("the state of " * 4, s)
    assert not gen.rejects("Thou art more lovely and more temperate.", s)
    assert is_repetitive("abcabcabcabc", 3, 3) and not is_repetitive("abcabcabc", 3, 3)


def test_top_k_and_top_p_truncate() -> None:
    logits = torch.log(torch.tensor([[0.15, 0.5, 0.05, 0.3]]))
    top2, order = truncated_probs(logits, SamplingSettings(top_k=2, top_p=1.0))
    assert order.tolist() == [[1, 3, 0, 2]]
    assert torch.allclose(top2, torch.tensor([[0.5, 0.3, 0.0, 0.0]]))
    nucleus, _ = truncated_probs(logits, SamplingSettings(top_p=0.7))
    assert (nucleus[0, 2:] == 0).all() and (nucleus[0, :2] > 0).all()
    everything, _ = truncated_probs(logits, SamplingSettings(top_p=1.0))
    assert (everything > 0).all()


def test_settings_are_validated_one_precise_message_each() -> None:
    for name, value, message in [
        ("temperature", 0, "temperature must be greater than 0 (got 0)"),
        ("top_p", 0, "top_p must be greater than 0 and at most 1 (got 0)"),
        ("top_p", 1.5, "top_p must be greater than 0 and at most 1 (got 1.5)"),
        ("top_k", -1, "top_k must be 0 (off) or more (got -1)"),
        ("max_chars", 0, "max_chars must be at least 1 (got 0)"),
        ("n_candidates", 0, "n_candidates must be at least 1 (got 0)"),
        ("repeat_ngram", 0, "repeat_ngram must be at least 1 (got 0)"),
        ("max_repeats", 0, "max_repeats must be at least 1 (got 0)"),
    ]:
        with pytest.raises(ValueError) as bad:
            SamplingSettings(**{name: value})
        assert str(bad.value) == message


@pytest.mark.parametrize(("flags", "message"), [
    (["--max-chars", "0"], "--max-chars must be at least 1 (got 0)"),
    (["--candidates", "0"], "--candidates must be at least 1 (got 0)"),
    (["--top-k", "-2"], "--top-k must be 0 (off) or more (got -2)"),
    (["--top-p", "0"], "--top-p must be greater than 0 and at most 1 (got 0)"),
    (["-t", "0"], "--temperature must be greater than 0 (got 0)"),
    (["-n", "0"], "-n/--num must be at least 1 (got 0)"),
])
def test_sample_command_names_the_bad_flag(
    flags: list[str], message: str, capsys: pytest.CaptureFixture
) -> None:
    with pytest.raises(SystemExit) as bad:
        sample_main(["missing.pt", *flags])  # checked before the checkpoint is opened
    err = capsys.readouterr().err.strip().splitlines()
    assert bad.value.code == 2 and err[-1] == f"shitpostbot sample: error: {message}"


def test_sample_command_prints_replies(tiny_ckpt: Path, capsys: pytest.CaptureFixture) -> None:
    assert sample_main([str(tiny_ckpt), "-p", "hello", "--seed", "1", "--max-chars", "30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("> hello\n")


def test_sampling_loop_matches_the_network(gen: Generator) -> None:
    """Near-greedy sampling (fused cells) must pick what ``CharGRU.forward`` ranks first."""
    s = SamplingSettings(temperature=1e-4, top_p=0.5, max_chars=40, n_candidates=1,
                         stop_at_end=False)
    text = gen.sample_raw(["good morrow"], s, seed=0)[0][0][0]
    ids = gen.vocab.encode(prompt_prefix("good morrow"))
    banned = [UNK_ID, BOS_ID, SEP_ID, EOS_ID]
    with torch.no_grad():
        for _ in range(40):
            logits = gen.model(torch.tensor([ids]))[0][0, -1]
            logits[banned] = float("-inf")
            ids.append(int(logits.argmax()))
    expected = gen.vocab.decode(ids[len(gen.vocab.encode(prompt_prefix("good morrow"))):])
    assert text == expected.strip()


def test_unseeded_sampling_leaves_the_global_rng_alone(gen: Generator) -> None:
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    gen.generate(["hi"], SamplingSettings(max_chars=10))
    assert torch.equal(torch.rand(3), expected)


def test_trained_checkpoint_rejects_its_own_training_text(gen: Generator,
                                                          shakespeare_slice: Path) -> None:
    """The guard built by ``train`` from the corpus catches a copied line of it."""
    lines = [ln for ln in shakespeare_slice.read_text("utf-8").splitlines() if len(ln) >= 45]
    s = SamplingSettings(max_repeats=100)
    assert len(lines) > 20 and all(gen.rejects(f"Well, {ln} ok", s) for ln in lines[:20])
    assert not gen.rejects("Well, the harbour lights of Antwerp flicker for us tonight.", s)
