"""Sampling: ``Generator`` (what the bot uses) and ``shitpostbot sample CKPT``.

A reply is primed exactly the way training rendered a record with a context
(``BOS message SEP``), a post with an empty one (``BOS SEP``); generation stops at ``EOS``.
Every prompt x candidate runs in one batched loop; candidates that are empty, loop on
themselves or copy a training run verbatim are dropped, and the first finished survivor wins.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from torch.nn.utils.rnn import pack_padded_sequence

from model.checkpoint import Checkpoint, CheckpointError, load
from model.copyguard import CopyGuard
from model.corpus import prompt_prefix
from model.network import CharGRU
from model.vocab import BOS_ID, EOS_ID, SEP_ID, UNK_ID, Vocab


@dataclass(frozen=True)
class SamplingSettings:
    """How to sample. Logits are divided by ``temperature``: lower = safer, higher = wilder."""

    temperature: float = 0.8
    top_k: int = 0  # keep only the k most likely characters; 0 = off
    top_p: float = 0.95  # keep the smallest set of characters with this much probability
    max_chars: int = 300
    n_candidates: int = 4
    repeat_ngram: int = 12  # repetition guard: a run of this many characters ...
    max_repeats: int = 2  # ... may occur at most this often in one candidate
    copy_guard: bool = True
    stop_at_end: bool = True  # False: never end a record, always write max_chars (benchmarks)

    def __post_init__(self) -> None:
        for name in LIMITS:
            problem = invalid_setting(name, getattr(self, name))
            if problem:
                raise ValueError(f"{name} {problem}")


# Each checked setting: the test and the allowed range, said the same way in the API and the CLI.
LIMITS: dict[str, tuple[Callable[[float], bool], str]] = {
    "temperature": (lambda v: v > 0, "must be greater than 0"),
    "top_p": (lambda v: 0 < v <= 1, "must be greater than 0 and at most 1"),
    "top_k": (lambda v: v >= 0, "must be 0 (off) or more"),
    "max_chars": (lambda v: v >= 1, "must be at least 1"),
    "n_candidates": (lambda v: v >= 1, "must be at least 1"),
    "repeat_ngram": (lambda v: v >= 1, "must be at least 1"),
    "max_repeats": (lambda v: v >= 1, "must be at least 1"),
}


def invalid_setting(name: str, value: float) -> str | None:
    """What is wrong with ``value`` for the sampling setting ``name`` ("must be ..."), or None."""
    ok, allowed = LIMITS[name]
    return None if ok(value) else f"{allowed} (got {value:g})"


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: str
    file_size_bytes: int
    n_params: int
    train_chars: int
    best_val_loss: float | None
    trained_at: str
    steps: int


def is_repetitive(text: str, ngram: int, max_repeats: int) -> bool:
    """True if some ``ngram``-character run occurs more than ``max_repeats`` times."""
    if len(text) < ngram:
        return False
    counts = Counter(text[i : i + ngram] for i in range(len(text) - ngram + 1))
    return max(counts.values()) > max_repeats


class Generator:
    """A loaded model ready to write. Not thread-safe: call it from one worker thread."""

    def __init__(
        self,
        model: CharGRU,
        vocab: Vocab,
        guard: CopyGuard | None = None,
        info: ModelInfo | None = None,
    ) -> None:
        self.model = model.eval()
        self.vocab = vocab
        self.guard = guard
        self.info = info
        self.device = next(model.parameters()).device

    @classmethod
    def load(cls, path: str | Path, device: str = "cpu") -> Generator:
        ckpt = load(path, map_location=device)
        model = ckpt.build_model(device)
        try:
            info = _info(ckpt, model)
        except (TypeError, ValueError) as exc:
            raise CheckpointError(f"{ckpt.path}: checkpoint facts are damaged ({exc})") from None
        return cls(model, ckpt.vocab, ckpt.guard, info)

    @torch.inference_mode()
    def sample_raw(
        self, prompts: Sequence[str | None], settings: SamplingSettings, seed: int | None = None
    ) -> list[list[tuple[str, bool]]]:
        """Every candidate for every prompt as ``(text, reached_end_of_record)``, unfiltered."""
        n = settings.n_candidates
        prefixes = [self.vocab.encode(prompt_prefix(p)) for p in prompts]
        hidden = self._prime([p[:-1] for p in prefixes]).repeat_interleave(n, dim=1)
        batch = len(prompts) * n
        step_in = torch.full((batch,), SEP_ID, dtype=torch.long, device=self.device)
        rng = torch.Generator(self.device)  # our own, so the global torch RNG is untouched
        if seed is None:
            rng.seed()
        else:
            rng.manual_seed(seed)
        # The hot loop is a few small ops per character, so per-op overhead is what costs:
        # temperature and the banned ids are folded into the output layer once, and candidates
        # that ended keep sampling (ignored when decoding) instead of being masked every step.
        banned = [UNK_ID, BOS_ID, SEP_ID] + ([] if settings.stop_at_end else [EOS_ID])
        head_w = (self.model.head.weight / settings.temperature).t().contiguous()
        head_b = self.model.head.bias / settings.temperature
        head_b[banned] = float("-inf")  # never write a marker or an unknown character
        embed = self.model.embed.weight
        layers = list(hidden.unbind(0))
        weights = self._cell_weights()
        out = []
        for step in range(settings.max_chars):
            x = embed.index_select(0, step_in)
            for i, w in enumerate(weights):  # one fused cell per layer: no nn.GRU overhead
                x = layers[i] = torch.gru_cell(x, layers[i], *w)
            probs, order = truncated_probs(torch.addmm(head_b, x, head_w), settings)
            step_in = order.gather(1, torch.multinomial(probs, 1, generator=rng)).squeeze(1)
            out.append(step_in)
            if step % 16 == 15 and bool((torch.stack(out, 1) == EOS_ID).any(1).all()):
                break
        rows = torch.stack(out, dim=1).tolist()
        results: list[list[tuple[str, bool]]] = []
        for p in range(len(prompts)):
            cands = []
            for row in rows[p * n : (p + 1) * n]:
                ended = EOS_ID in row
                ids = row[: row.index(EOS_ID)] if ended else row
                cands.append((self.vocab.decode(ids).strip(), ended))
            results.append(cands)
        return results

    def generate(
        self, prompts: Sequence[str | None], settings: SamplingSettings | None = None,
        seed: int | None = None,
    ) -> list[str]:
        """One finished string per prompt (``None`` = a post); ``""`` if all were rejected."""
        settings = settings or SamplingSettings()
        if not prompts:
            return []
        return [self._pick(c, settings) for c in self.sample_raw(prompts, settings, seed)]

    def rejects(self, text: str, settings: SamplingSettings) -> bool:
        """The guards: empty, repetitive, or (if enabled) a verbatim copy of training text."""
        if not text or is_repetitive(text, settings.repeat_ngram, settings.max_repeats):
            return True
        return settings.copy_guard and self.guard is not None and self.guard.copies(text)

    def _pick(self, candidates: list[tuple[str, bool]], settings: SamplingSettings) -> str:
        kept = [(t, ended) for t, ended in candidates if not self.rejects(t, settings)]
        for text, ended in kept:
            if ended:
                return text
        if kept:  # none reached the end: cut the first at its last word boundary
            text = kept[0][0]
            cut = max(text.rfind(" "), text.rfind("\n"))
            return text[:cut].rstrip() if cut > len(text) // 2 else text
        return ""

    def _cell_weights(self) -> list[tuple[torch.Tensor, ...]]:
        gru = self.model.gru
        return [
            tuple(getattr(gru, f"{name}_l{i}") for name in ("weight_ih", "weight_hh", "bias_ih",
                                                            "bias_hh"))
            for i in range(gru.num_layers)
        ]

    def _prime(self, prefixes: list[list[int]]) -> torch.Tensor:
        """Run all prompt prefixes (different lengths) through the GRU in one packed call."""
        lengths = torch.tensor([len(p) for p in prefixes])
        ids = torch.zeros(len(prefixes), int(lengths.max()), dtype=torch.long)
        for i, p in enumerate(prefixes):
            ids[i, : len(p)] = torch.tensor(p)
        emb = self.model.embed(ids.to(self.device))
        packed = pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
        _, hidden = self.model.gru(packed)
        return hidden


def truncated_probs(
    logits: torch.Tensor, settings: SamplingSettings
) -> tuple[torch.Tensor, torch.Tensor]:
    """Probabilities sorted from most likely down, after top-k and top-p, and their ids.

    Working in sorted order makes both truncations a mask over a prefix; the caller samples a
    position and maps it back through ``order``.
    """
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    probs = torch.softmax(sorted_logits, dim=-1)
    if settings.top_k:
        probs[:, settings.top_k :] = 0.0
    if settings.top_p < 1.0:
        before = probs.cumsum(-1) - probs  # mass of strictly more likely characters
        probs = probs.masked_fill(before >= settings.top_p, 0.0)
    return probs, order


def _info(ckpt: Checkpoint, model: CharGRU) -> ModelInfo:
    facts = ckpt.facts
    best = facts.get("best_val_loss")
    return ModelInfo(
        name=ckpt.path.stem,
        path=str(ckpt.path),
        file_size_bytes=ckpt.file_size_bytes,
        n_params=model.n_params(),
        train_chars=int(facts.get("train_chars", 0)),
        best_val_loss=float(best) if best is not None else None,
        trained_at=str(facts.get("trained_at", "")),
        steps=int(facts.get("steps", 0)),
    )


# command-line flag -> the SamplingSettings field it sets (and is checked as)
FLAGS = {"--temperature": "temperature", "--top-k": "top_k", "--top-p": "top_p",
         "--max-chars": "max_chars", "--candidates": "n_candidates"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shitpostbot sample", description="Print text sampled from a checkpoint."
    )
    d = SamplingSettings()
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("-p", "--prompt", action="append", default=[],
                        help="reply to this message (repeatable); without it, write posts")
    parser.add_argument("-n", "--num", type=int, default=3,
                        help="posts to write (post mode; at least 1, default %(default)s)")
    parser.add_argument("-t", "--temperature", type=float, default=d.temperature,
                        help="> 0; lower is safer, higher is wilder (default %(default)s)")
    parser.add_argument("--top-k", type=int, default=d.top_k,
                        help="keep the k likeliest characters; 0 = off (default %(default)s)")
    parser.add_argument("--top-p", type=float, default=d.top_p,
                        help="keep the likeliest characters holding this much probability, "
                        "in (0, 1] (default %(default)s)")
    parser.add_argument("--max-chars", type=int, default=d.max_chars,
                        help="longest text, at least 1 (default %(default)s)")
    parser.add_argument("--candidates", type=int, default=d.n_candidates,
                        help="candidates written per text, the guards pick one; at least 1 "
                        "(default %(default)s)")
    parser.add_argument("--no-copy-guard", action="store_true",
                        help="allow verbatim runs of training text (never for a public bot)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--device", default="cpu")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.num < 1:
        parser.error(f"-n/--num must be at least 1 (got {args.num})")
    for flag, name in FLAGS.items():
        problem = invalid_setting(name, getattr(args, flag.lstrip("-").replace("-", "_")))
        if problem:
            parser.error(f"{flag} {problem}")
    settings = SamplingSettings(
        temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
        max_chars=args.max_chars, n_candidates=args.candidates,
        copy_guard=not args.no_copy_guard,
    )
    gen = Generator.load(args.checkpoint, device=args.device)
    prompts: list[str | None] = list(args.prompt) or [None] * args.num
    for prompt, text in zip(prompts, gen.generate(prompts, settings, seed=args.seed), strict=True):
        if prompt is not None:
            print(f"> {prompt}")
        print(text if text else "(every candidate was rejected by the guards)")
        print()
    return 0


if __name__ == "__main__":
    from shitpostbot.cli import run_main

    sys.exit(run_main(main, sys.argv[1:], "python -m model.sample"))
