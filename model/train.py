"""Training: ``shitpostbot train CORPUS -o checkpoints/NAME.pt`` (also ``python -m model.train``).

The loop (``fit``) works on id tensors so the benchmark can drive it on raw text; ``main`` adds
the corpus, vocabulary, copy guard, checkpoints, metrics and plot around it. Defaults are what
won on a 2-core CPU (see BENCHMARKS.md); a GPU uses the same settings with mixed precision.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from tqdm import tqdm

from model import checkpoint
from model.checkpoint import CheckpointError
from model.copyguard import DEFAULT_MIN_COPY, MIN_COPY_GUARD, CopyGuard
from model.corpus import CorpusError, loosen_contexts, read_corpus, render, split_records
from model.network import CharGRU, ModelConfig
from model.vocab import Vocab
from model.windows import EVAL_STREAMS, WindowStream, evaluate


@dataclass
class TrainSettings:
    """Everything that shapes a run; stored in the checkpoint so ``--resume`` can continue it."""

    embed: int = 64
    hidden: int = 256
    layers: int = 2
    dropout: float = 0.0  # weight decay regularizes better per minute (BENCHMARKS.md)
    seq_len: int = 64
    batch_size: int = 32
    lr: float = 7e-3
    min_lr_ratio: float = 0.0
    warmup_steps: int = 50
    weight_decay: float = 0.25
    grad_clip: float = 1.0
    steps: int | None = None
    minutes: float | None = None
    evals: int = 10  # evaluations spread evenly over the run
    patience: int = 3  # stop after this many evaluations without improvement
    eval_streams: int = EVAL_STREAMS
    seed: int = 1337
    amp: bool = True


@dataclass
class TrainState:
    """Where a run is; saved in the checkpoint's ``resume`` section."""

    step: int = 0
    epoch: int = 0
    window: int = 0
    elapsed: float = 0.0
    chars: int = 0
    step_seconds: float = 0.0  # time spent in training steps (elapsed minus evaluation)
    evals_done: int = 0
    best_val: float | None = None
    best_step: int | None = None  # the step that scored best_val (None in older checkpoints)
    evals_since_best: int = 0
    eval_pending: bool = False  # Ctrl-C came during an evaluation: --resume runs it first
    train_loss: float | None = None
    hidden: torch.Tensor | None = None  # carried across windows, so a resume is exact
    history: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FitResult:
    state: TrainState
    best_weights: dict[str, torch.Tensor]
    stopped: str  # "budget", "early-stop" or "interrupted"


def pick_device(name: str = "auto") -> torch.device:
    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def learning_rate(s: TrainSettings, step: int, progress: float) -> float:
    """Linear warm-up, then cosine decay from ``lr`` to ``lr * min_lr_ratio`` over the run."""
    warmup = min(s.warmup_steps, s.steps // 10) if s.steps else s.warmup_steps
    if step < warmup:
        return s.lr * (step + 1) / warmup
    cosine = 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
    return s.lr * (s.min_lr_ratio + (1 - s.min_lr_ratio) * cosine)


def snapshot(model: CharGRU) -> dict[str, torch.Tensor]:
    """A copy of the weights as they are now (training goes on changing the originals)."""
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def make_optimizer(model: CharGRU, s: TrainSettings) -> torch.optim.Optimizer:
    """AdamW; weight decay only on matrices (not biases or the embedding table)."""
    decay, rest = [], []
    for name, param in model.named_parameters():
        (decay if param.dim() >= 2 and not name.startswith("embed") else rest).append(param)
    groups = [
        {"params": decay, "weight_decay": s.weight_decay},
        {"params": rest, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=s.lr, betas=(0.9, 0.99))


def fit(
    model: CharGRU,
    train_ids: torch.Tensor,
    val_ids: torch.Tensor,
    s: TrainSettings,
    device: torch.device,
    *,
    state: TrainState | None = None,
    optimizer_state: dict[str, Any] | None = None,
    best_weights: dict[str, torch.Tensor] | None = None,
    on_eval: Callable[[TrainState, dict[str, torch.Tensor], torch.optim.Optimizer], None]
    | None = None,
    quiet: bool = False,
) -> FitResult:
    """Train until the step count or the wall-clock budget is spent, or validation stalls.

    ``on_eval`` runs after every evaluation (and on Ctrl-C) with the state, the best weights so
    far and the optimizer: ``main`` saves the checkpoint there.
    """
    if s.steps is None and s.minutes is None:
        raise ValueError("give a step count or a time budget")
    state = state or TrainState()
    model.to(device).train()
    optimizer = make_optimizer(model, s)
    if optimizer_state is not None:
        optimizer.load_state_dict(optimizer_state)
    stream = WindowStream(train_ids, s.batch_size, s.seq_len, s.seed)
    stream.seek(state.epoch, state.window)
    best = best_weights or snapshot(model)
    use_amp = s.amp and device.type == "cuda"
    amp_dtype = torch.bfloat16 if use_amp and torch.cuda.is_bf16_supported() else torch.float16
    scaler = torch.amp.GradScaler("cuda", enabled=use_amp and amp_dtype == torch.float16)
    autocast = (lambda: torch.autocast("cuda", dtype=amp_dtype)) if use_amp else nullcontext

    budget = s.minutes * 60 if s.minutes is not None else None

    def progress() -> float:
        p = [state.step / s.steps] if s.steps else []
        p += [state.elapsed / budget] if budget else []
        return max(p)

    bar = progress_bar(s, state, disable=quiet)
    last_val: float | None = None
    hidden = state.hidden.to(device) if state.hidden is not None else None
    stopped = "budget"
    t_last = time.perf_counter()
    chars_window, time_window = 0, 0.0

    def hand_over() -> None:
        """Let ``on_eval`` save: the state (with the hidden state, so a resume is exact), best."""
        if on_eval is not None:
            state.hidden = None if hidden is None else hidden.to("cpu", torch.float32)
            on_eval(state, best, optimizer)

    def evaluate_now(lr: float, rate: float) -> None:
        """Score the whole validation split, keep the best weights, log, let ``on_eval`` save."""
        nonlocal best, last_val, t_last
        state.eval_pending = True  # until recorded: an interrupted evaluation is redone
        val = last_val = evaluate(model, val_ids, device, s.eval_streams)
        state.eval_pending = False
        state.evals_done += 1
        improved = state.best_val is None or val < state.best_val
        if improved:
            state.best_val, state.best_step, state.evals_since_best = val, state.step, 0
            best = snapshot(model)
        else:
            state.evals_since_best += 1
        state.history.append({
            "step": state.step, "elapsed_s": round(state.elapsed, 2), "epoch": state.epoch,
            "lr": lr, "train_loss": round(state.train_loss or 0.0, 5), "val_loss": round(val, 5),
            "chars_per_s": round(rate), "best": improved,
        })
        hand_over()
        now = time.perf_counter()  # evaluating counts against the budget, not the rate
        state.elapsed += now - t_last
        t_last = now

    try:
        if state.eval_pending:  # resumed from a Ctrl-C in the middle of an evaluation
            evaluate_now(learning_rate(s, max(0, state.step - 1), progress()),
                         state.chars / max(state.step_seconds, 1e-9))
        while progress() < 1.0:
            before = progress()
            x, y, new_epoch = stream.next()
            if new_epoch:
                hidden = None
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            lr = learning_rate(s, state.step, progress())
            for group in optimizer.param_groups:
                group["lr"] = lr
            with autocast():
                logits, new_hidden = model(x, hidden)
                loss = F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), y.reshape(-1))
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(model.parameters(), s.grad_clip)
            scaler.step(optimizer)
            scaler.update()
            hidden = new_hidden.detach()  # committed with the step, so Ctrl-C saves a clean state
            state.step += 1
            state.epoch, state.window = stream.epoch, stream.window
            state.chars += x.numel()
            loss_value = loss.item()
            ema = state.train_loss
            state.train_loss = loss_value if ema is None else 0.95 * ema + 0.05 * loss_value
            now = time.perf_counter()
            state.elapsed += now - t_last
            state.step_seconds += now - t_last
            chars_window, time_window = chars_window + x.numel(), time_window + now - t_last
            t_last = now
            rate = chars_window / max(time_window, 1e-9)
            if time_window > 30:
                chars_window, time_window = 0, 0.0
            show_progress(bar, s, state, last_val, rate)
            # evaluate each time progress crosses a multiple of 1/evals, and at the end
            now_p = progress()
            due = now_p >= 1.0 or math.floor(now_p * s.evals) > math.floor(before * s.evals)
            if due:
                evaluate_now(lr, rate)
                if state.evals_since_best >= s.patience and progress() < 1.0:
                    stopped = "early-stop"
                    break
    except KeyboardInterrupt:
        stopped = "interrupted"
        if state.best_val is None:  # no evaluation yet: serve what training has, not the init
            best = snapshot(model)
        hand_over()
    finally:
        bar.close()
    return FitResult(state, best, stopped)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def progress_bar(s: TrainSettings, state: TrainState, *, disable: bool = False,
                 file: Any = None) -> tqdm:
    """Steps done of ``--steps``, or seconds trained of ``--minutes``; chars/s in the postfix.

    A time budget gets its own format: tqdm's rate would be "seconds per second", meaningless;
    its ETA (``{remaining}``) is still right, as the budget counts wall-clock seconds.
    """
    common = {"disable": disable, "leave": False, "dynamic_ncols": True,
              "file": file if file is not None else sys.stderr}
    if s.steps:
        return tqdm(total=s.steps, initial=state.step, unit="step", **common)
    total = round((s.minutes or 0) * 60)
    return tqdm(total=total, initial=min(total, int(state.elapsed)),
                bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} s trained "
                "[{elapsed}<{remaining}{postfix}]",
                **common)


def show_progress(bar: tqdm, s: TrainSettings, state: TrainState, val: float | None,
                  rate: float) -> None:
    """Move the bar to where ``state`` is; postfix: smoothed loss, last and best validation."""
    bar.n = state.step if s.steps else min(bar.total, int(state.elapsed))
    postfix = {} if s.steps else {"step": state.step}
    postfix.update({"loss": _fmt(state.train_loss), "val": _fmt(val),
                    "best": _fmt(state.best_val), "chars/s": f"{rate:,.0f}"})
    bar.set_postfix(postfix, refresh=False)
    bar.update(0)


def eval_line(step: int, val: float, improved: bool, best_val: float | None,
              best_step: int | None) -> str:
    """One evaluation for the log: this validation loss, and the best so far if it was not."""
    if improved or best_val is None:
        return f"step {step}: val {val:.3f} (new best)"
    where = f" @ step {best_step}" if best_step is not None else ""
    return f"step {step}: val {val:.3f} (best {best_val:.3f}{where})"


SMALL_CORPUS_CHARS = 20_000


def small_corpus_warning(corpus: Path, train_chars: int) -> str | None:
    """One line when the training text is too small to learn much from, else None."""
    if train_chars >= SMALL_CORPUS_CHARS:
        return None
    return (f"warning: {corpus}: only {train_chars:,} characters of training text; expect a model "
            "that mostly copies or babbles (a few hundred KB of text is a good start)")


def budget_spent(out: Path, s: TrainSettings, state: TrainState, flag_given: bool) -> str | None:
    """Why a resumed run has nothing left to do (its total budget is reached, or it stopped
    early), or None.

    With ``--resume``, ``--steps`` and ``--minutes`` are totals for the whole run, so the
    learning-rate schedule and a resumed interrupted run stay exactly as if never stopped.
    A run that stopped early would only train to its next evaluation and stop again.
    """
    if state.eval_pending:
        return None  # the run was cut during its last evaluation: --resume finishes it
    if state.evals_since_best >= s.patience:
        return (f"{out} stopped early: validation did not improve for {state.evals_since_best} "
                f"evaluations after its best ({_fmt(state.best_val)} at step {state.best_step}), "
                "and the file holds that best model; to train further, start a new run")
    if s.steps is not None and state.step >= s.steps:
        have, flag, unit = f"{state.step}", "--steps", "steps"
    elif s.minutes is not None and state.elapsed >= s.minutes * 60:
        have = f"{math.ceil(state.elapsed / 6) / 10:.1f}"
        flag, unit = "--minutes", "minutes of training"
    else:
        return None
    if flag_given:
        return (f"{out} already has {have} {unit}; with --resume {flag} is the total for the "
                f"whole run: ask for more than {have}")
    return (f"{out} already has {have} {unit}, its whole budget; to train on, give {flag} "
            f"(more than {have}) or the other budget flag: with --resume they are totals")


# ----------------------------------------------------------------------------- command line


def build_parser() -> argparse.ArgumentParser:
    d = TrainSettings()
    p = argparse.ArgumentParser(
        prog="shitpostbot train",
        description="Train a character-level GRU on a corpus (.jsonl from 'shitpostbot ingest', "
        "or plain text with one record per blank-line-separated block).",
    )
    p.add_argument("corpus", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True, help="checkpoint to write (.pt)")
    budget = p.add_mutually_exclusive_group()
    budget.add_argument("--minutes", type=float,
                        help="wall-clock budget (default 10); with --resume, the total for the "
                        "whole run, time already trained included")
    budget.add_argument("--steps", type=int,
                        help="optimizer steps instead of a time budget; with --resume, the total "
                        "for the whole run (already 200 and --steps 300 = 100 more)")
    p.add_argument("--resume", action="store_true",
                   help="continue the run saved in --output; --steps/--minutes are totals "
                   "(default: the saved run's own budget)")
    p.add_argument("--embed", type=int, default=d.embed)
    p.add_argument("--hidden", type=int, default=d.hidden)
    p.add_argument("--layers", type=int, default=d.layers)
    p.add_argument("--dropout", type=float, default=d.dropout)
    p.add_argument("--seq-len", type=int, default=d.seq_len)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--warmup-steps", type=int, default=d.warmup_steps)
    p.add_argument("--weight-decay", type=float, default=d.weight_decay)
    p.add_argument("--evals", type=int, default=d.evals, help="evaluations over the run")
    p.add_argument("--patience", type=int, default=d.patience,
                   help="stop after this many evaluations without improvement")
    p.add_argument("--val-fraction", type=float, default=0.1, help="records held out")
    p.add_argument("--min-char-count", type=int, default=3,
                   help="rarer characters become the unknown token")
    p.add_argument("--dialogue", action="store_true",
                   help="plain text only: each block answers the previous one (a play, a chat "
                   "log); a leading 'NAME:' line is dropped")
    p.add_argument("--copy-guard", type=int, default=DEFAULT_MIN_COPY,
                   help="reject samples repeating this many characters of a training record")
    p.add_argument("--slim", action="store_true",
                   help="store half-precision weights and no optimizer state (cannot resume)")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0 = PyTorch default)")
    p.add_argument("--device", default="auto", help="auto (CUDA, MPS, CPU), or a torch device")
    p.add_argument("--no-amp", action="store_true", help="no mixed precision on CUDA")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress bar, evaluation lines or samples (warnings still show)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    out: Path = args.output
    check_output(out)
    resume = checkpoint.load(out) if args.resume else None
    if resume is not None and resume.resume is None:
        raise CheckpointError(f"{out}: holds no training state to resume (saved with --slim?)")
    if resume is not None:
        s = TrainSettings(**resume.resume["settings"])
        s.steps, s.minutes = args.steps, args.minutes  # a new budget may extend the run
        if s.steps is None and s.minutes is None:
            saved = resume.resume["settings"]
            s.steps, s.minutes = saved["steps"], saved["minutes"]
    else:
        s = TrainSettings(
            embed=args.embed, hidden=args.hidden, layers=args.layers, dropout=args.dropout,
            seq_len=args.seq_len, batch_size=args.batch_size, lr=args.lr,
            warmup_steps=args.warmup_steps, weight_decay=args.weight_decay,
            steps=args.steps, minutes=args.minutes if args.steps is None else None,
            evals=args.evals, patience=args.patience, seed=args.seed, amp=not args.no_amp,
        )
        if s.steps is None and s.minutes is None:
            s.minutes = 10.0
    _check_settings(parser, s)
    if not args.resume and args.copy_guard < MIN_COPY_GUARD:
        parser.error(f"--copy-guard must be at least {MIN_COPY_GUARD} characters")

    data_opts = resume.resume["data"] if resume is not None else {
        "val_fraction": args.val_fraction, "min_char_count": args.min_char_count,
        "dialogue": args.dialogue, "copy_guard": args.copy_guard,
    }
    records, facts = read_corpus(args.corpus, dialogue=data_opts["dialogue"])
    if resume is not None and resume.facts.get("corpus_sha256") != facts.sha256:
        raise CorpusError(f"{args.corpus}: not the corpus {out} was trained on (hash differs)")
    if resume is not None:
        spent = budget_spent(out, s, TrainState(**resume.resume["state"]),
                             flag_given=args.steps is not None or args.minutes is not None)
        if spent:
            raise CheckpointError(spent)
    try:
        train_records, val_records = split_records(records, data_opts["val_fraction"], s.seed)
    except CorpusError as exc:
        raise CorpusError(f"{args.corpus}: {exc}") from None
    train_text = render(loosen_contexts(train_records, s.seed))
    val_text = render(val_records)
    vocab = resume.vocab if resume is not None else Vocab.build([train_text],
                                                                 data_opts["min_char_count"])
    train_ids = torch.tensor(vocab.encode(train_text), dtype=torch.long)
    val_ids = torch.tensor(vocab.encode(val_text), dtype=torch.long)
    s.batch_size, s.seq_len = _fit_windows(args.corpus, len(train_ids), s.batch_size, s.seq_len)
    warning = small_corpus_warning(args.corpus, len(train_ids))
    if warning:
        print(warning, file=sys.stderr)
    guard = resume.guard if resume is not None else CopyGuard.build(
        [t for r in records for t in (r.text, r.context or "")], data_opts["copy_guard"]
    )

    torch.manual_seed(s.seed)
    device = pick_device(args.device)
    config = resume.config if resume is not None else ModelConfig(
        vocab_size=len(vocab), embed=s.embed, hidden=s.hidden, layers=s.layers, dropout=s.dropout
    )
    model = CharGRU(config)
    state, opt_state, best = None, None, None
    if resume is not None:
        model.load_state_dict(resume.resume["weights"])
        state = TrainState(**resume.resume["state"])
        opt_state = resume.resume["optimizer"]
        best = {k: v.float() for k, v in resume.weights.items()}
        torch.set_rng_state(resume.resume["rng"])
    out.parent.mkdir(parents=True, exist_ok=True)
    metrics_path = out.with_suffix(".metrics.jsonl")
    if resume is None:
        metrics_path.unlink(missing_ok=True)
    say = (lambda msg: None) if args.quiet else (lambda msg: tqdm.write(msg, file=sys.stderr))
    say(f"{args.corpus}: {len(records):,} records, {len(train_ids):,} training / "
        f"{len(val_ids):,} validation chars, vocabulary {len(vocab)}; model "
        f"{config.layers}x{config.hidden} GRU, {model.n_params():,} parameters, on {device}")
    started = time.time()

    def save(st: TrainState, best_weights: dict[str, torch.Tensor],
             optimizer: torch.optim.Optimizer) -> None:
        run_facts = {
            "corpus_sha256": facts.sha256, "corpus_bytes": facts.size_bytes,
            "train_chars": len(train_ids), "val_chars": len(val_ids), "steps": st.step,
            "best_val_loss": st.best_val,
            "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "train_seconds": round(st.elapsed, 1), "device": str(device),
            "settings": asdict(s),
        }
        latest = st.history[-1] if st.history else None  # None: saved on Ctrl-C, no evaluation
        if st.history:
            with metrics_path.open("a", encoding="utf-8") as handle:
                handle.writelines(json.dumps(row) + "\n" for row in st.history)
            st.history.clear()
        resume_state = None if args.slim else {
            "weights": {k: v.detach().to("cpu") for k, v in model.state_dict().items()},
            "optimizer": optimizer.state_dict(), "state": asdict(st), "settings": asdict(s),
            "data": data_opts, "rng": torch.get_rng_state(),
        }
        checkpoint.save(
            out, config=config, vocab=vocab, guard=guard, facts=run_facts, resume=resume_state,
            weights=checkpoint.weights_for_file(best_weights, half=args.slim),
        )
        if not args.quiet and latest is not None:
            from model.sample import Generator, SamplingSettings

            sample = Generator(model, vocab).sample_raw(
                [None], SamplingSettings(max_chars=200, n_candidates=1), seed=st.step
            )[0][0][0]
            model.train()
            line = eval_line(st.step, latest["val_loss"], latest["best"], st.best_val,
                             st.best_step)
            say(f"{line} | {sample!r}")

    result = fit(model, train_ids, val_ids, s, device, state=state, optimizer_state=opt_state,
                 best_weights=best, on_eval=save, quiet=args.quiet)
    plot_metrics(metrics_path, out.with_suffix(".loss.png"))
    best_val = result.state.best_val
    print(f"{out}: {result.state.step} steps in {time.time() - started:.0f}s ({result.stopped}); "
          f"best validation loss {_fmt(best_val)} nats/char")
    if result.stopped == "interrupted":
        how = ("a --slim file cannot be resumed" if args.slim else "continue with --resume")
        print(f"{out}: saved; {how}", file=sys.stderr)
        return 130
    return 0


def check_output(out: Path) -> None:
    """Refuse a checkpoint path that cannot be written now, not after the whole budget is spent."""
    if out.is_dir():
        raise CheckpointError(f"{out}: is a folder; give a file name, e.g. {out / 'me.pt'}")
    folder = out.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # missing folders are created at the first save
    if not folder.is_dir():
        raise CheckpointError(f"{out}: cannot be written: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CheckpointError(f"{out}: cannot be written: no permission to write in {folder}")


def _check_settings(parser: argparse.ArgumentParser, s: TrainSettings) -> None:
    for f in fields(s):
        value = getattr(s, f.name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            parser.error(f"--{f.name.replace('_', '-')} must not be negative")
    if min(s.hidden, s.layers, s.embed, s.seq_len, s.batch_size, s.evals, s.patience) < 1:
        parser.error("sizes, --seq-len, --batch-size, --evals and --patience must be at least 1")
    if (s.steps is not None and s.steps < 1) or (s.minutes is not None and s.minutes <= 0):
        parser.error("the budget (--steps or --minutes) must be positive")
    if not 0 <= s.dropout < 1:
        parser.error("--dropout must be in [0, 1)")


def _fit_windows(corpus: Path, n_chars: int, batch: int, seq_len: int) -> tuple[int, int]:
    """Shrink batch (then window) for a small corpus rather than refuse it."""
    if n_chars >= batch * (seq_len + 1):
        return batch, seq_len
    batch = max(1, n_chars // (seq_len + 1))
    if n_chars < seq_len + 1:
        seq_len = n_chars - 1
    if seq_len < 8:
        raise CorpusError(f"{corpus}: too little training text ({n_chars} characters)")
    return batch, seq_len


def plot_metrics(metrics_path: Path, png_path: Path) -> None:
    """Training and validation loss against steps, from the metrics file (Agg, no display)."""
    if not metrics_path.is_file():
        return
    rows = [json.loads(line) for line in metrics_path.read_text("utf-8").splitlines() if line]
    if not rows:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    steps = [r["step"] for r in rows]
    ax.plot(steps, [r["train_loss"] for r in rows], marker=".", label="training (smoothed)")
    ax.plot(steps, [r["val_loss"] for r in rows], marker="o", label="validation")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (nats/char)")
    ax.set_title(png_path.stem)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(png_path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    from shitpostbot.cli import run_main

    sys.exit(run_main(main, sys.argv[1:], "python -m model.train"))
