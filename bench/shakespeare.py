"""Benchmark: our GRU against the original ShitpostBot method on tiny shakespeare.

Both train for the same wall-clock budget on the standard split (first 90% train, last 10%
validation, contiguous, as nanoGPT uses) with the same number of threads, each in its own
process so peak RSS is its own. Validation loss is nats/char over the *whole* validation split,
read once from start to end with the hidden state carried (one stream).

The reference is the original method (JSeam2/ShitpostBot2000 via spro/char-rnn.pytorch):
GRU 2x100 over the 100 ``string.printable`` characters (others map to index 0), batches of 100
random 200-character chunks, Adam at 0.01, stepping one character at a time in Python.

    .venv/bin/python bench/shakespeare.py --minutes 10            # the official figure
    .venv/bin/python bench/shakespeare.py --minutes 2 --skip-reference --hidden 384

Writes a JSON result (default ``bench/out/shakespeare-<minutes>min.json``) and prints it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import string
import sys
import time
from dataclasses import asdict, fields
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "tinyshakespeare.txt"


def _split() -> tuple[str, str]:
    text = DATA.read_text("utf-8")
    cut = int(len(text) * 0.9)
    return text[:cut], text[cut:]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_ours(minutes: float, threads: int, overrides: dict[str, object]) -> dict[str, object]:
    import torch

    from model.network import CharGRU, ModelConfig
    from model.train import TrainSettings, fit
    from model.vocab import Vocab
    from model.windows import evaluate

    torch.set_num_threads(threads)
    train_text, val_text = _split()
    vocab = Vocab.build([train_text])
    train_ids = torch.tensor(vocab.encode(train_text))
    val_ids = torch.tensor(vocab.encode(val_text))
    s = TrainSettings(minutes=minutes, **overrides)  # type: ignore[arg-type]
    torch.manual_seed(s.seed)
    model = CharGRU(ModelConfig(len(vocab), s.embed, s.hidden, s.layers, s.dropout))
    started = time.perf_counter()
    result = fit(model, train_ids, val_ids, s, torch.device("cpu"), quiet=True)
    wall = time.perf_counter() - started
    model.load_state_dict(result.best_weights)
    t0 = time.perf_counter()
    val = evaluate(model, val_ids, torch.device("cpu"), streams=1)
    return {
        "method": "ours",
        "settings": asdict(s),
        "n_params": model.n_params(),
        "steps": result.state.step,
        "train_chars": result.state.chars,
        "epochs": round(result.state.chars / len(train_ids), 2),
        "wall_s": round(wall, 1),
        "chars_per_s": round(result.state.chars / result.state.step_seconds),  # evals excluded
        "stopped": result.stopped,
        "val_loss_during_training": result.state.best_val,
        "val_loss": round(val, 4),
        "final_eval_s": round(time.perf_counter() - t0, 1),
        "peak_rss_mb": round(_peak_rss_mb()),
        "history": result.state.history,
    }


def run_reference(minutes: float, threads: int) -> dict[str, object]:
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(1337)
    chars = string.printable
    index = {c: i for i, c in enumerate(chars)}
    train_text, val_text = _split()
    train_ids = torch.tensor([index.get(c, 0) for c in train_text])
    val_ids = torch.tensor([index.get(c, 0) for c in val_text])
    n_chars, hidden, layers, chunk, batch = len(chars), 100, 2, 200, 100

    class CharRNN(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = nn.Embedding(n_chars, hidden)
            self.gru = nn.GRU(hidden, hidden, layers)
            self.decoder = nn.Linear(hidden, n_chars)

        def forward(self, ids: torch.Tensor, h: torch.Tensor | None):  # ids: (time, batch)
            out, h = self.gru(self.encoder(ids), h)
            return self.decoder(out), h

    model = CharRNN()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    started, steps = time.perf_counter(), 0
    while time.perf_counter() - started < minutes * 60:
        starts = torch.randint(0, len(train_ids) - chunk - 1, (batch,))
        windows = train_ids[starts.unsqueeze(1) + torch.arange(chunk + 1)]
        h = torch.zeros(layers, batch, hidden)
        opt.zero_grad()
        loss = torch.zeros(())
        for t in range(chunk):  # one character at a time, as the original did
            out, h = model(windows[:, t].unsqueeze(0), h)
            loss = loss + loss_fn(out[0], windows[:, t + 1])
        loss.backward()
        opt.step()
        steps += 1
    wall = time.perf_counter() - started
    t0 = time.perf_counter()
    with torch.no_grad():  # same maths as stepping, over the whole split as one sequence
        total, h = 0.0, None
        for a in range(0, len(val_ids) - 1, 4096):
            x = val_ids[a : a + 4096][: len(val_ids) - 1 - a].unsqueeze(1)
            y = val_ids[a + 1 : a + 1 + len(x)]
            out, h = model(x, h)
            total += nn.functional.cross_entropy(out[:, 0], y, reduction="sum").item()
    val = total / (len(val_ids) - 1)
    return {
        "method": "reference (original ShitpostBot: GRU 2x100, printable, Adam 0.01, per-char)",
        "n_params": sum(p.numel() for p in model.parameters()),
        "steps": steps,
        "train_chars": steps * batch * chunk,
        "wall_s": round(wall, 1),
        "chars_per_s": round(steps * batch * chunk / wall),
        "val_loss": round(val, 4),
        "final_eval_s": round(time.perf_counter() - t0, 1),
        "peak_rss_mb": round(_peak_rss_mb()),
    }


def _child(queue: mp.Queue, func_name: str, args: tuple) -> None:
    queue.put(globals()[func_name](*args))


def _in_process(func_name: str, *args: object) -> dict[str, object]:
    """Run one method in a fresh process (its own peak RSS, no shared thread pools)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, func_name, args))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _machine() -> dict[str, object]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version()}


def main() -> int:
    from model.train import TrainSettings

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--skip-reference", action="store_true")
    p.add_argument("--out", type=Path, help="JSON result file")
    tunable = {"embed", "hidden", "layers", "dropout", "seq_len", "batch_size", "lr",
               "min_lr_ratio", "warmup_steps", "weight_decay", "evals", "patience", "seed"}
    for f in fields(TrainSettings):
        if f.name in tunable:
            p.add_argument("--" + f.name.replace("_", "-"), type=type(f.default), dest=f.name)
    args = p.parse_args()
    overrides = {k: getattr(args, k) for k in tunable if getattr(args, k) is not None}
    overrides.setdefault("evals", 5)
    import torch

    report: dict[str, object] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": _machine(),
        "torch": torch.__version__,
        "threads": args.threads,
        "minutes": args.minutes,
        "load_average_before": os.getloadavg(),
        "results": [],
    }
    report["results"].append(_in_process("run_ours", args.minutes, args.threads, overrides))
    print(json.dumps(report["results"][-1]), flush=True)
    if not args.skip_reference:
        report["results"].append(_in_process("run_reference", args.minutes, args.threads))
        print(json.dumps(report["results"][-1]), flush=True)
    report["load_average_after"] = os.getloadavg()
    out = args.out or ROOT / "bench" / "out" / f"shakespeare-{args.minutes:g}min.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
