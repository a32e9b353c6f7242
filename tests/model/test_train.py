"""The train command: corpora, repeatability, resume, Ctrl-C, metrics and plot."""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path

import pytest
import torch

from model import Generator, SamplingSettings, checkpoint, train
from model.corpus import CorpusError
from tests.model.conftest import TINY


def _weights(path: Path) -> dict[str, torch.Tensor]:
    return checkpoint.load(path).resume["weights"]


def test_jsonl_corpus_trains_and_replies(chat_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "chat.pt"
    assert train.main([str(chat_corpus), "-o", str(out), "--steps", "40", *TINY]) == 0
    gen = Generator.load(out)
    assert gen.vocab.encode("😂") != [0]  # used 80 times: in the vocabulary
    reply, post = gen.generate(["what about 7?", None], SamplingSettings(max_chars=50), seed=1)
    assert isinstance(reply, str) and isinstance(post, str) and len(reply) <= 50
    rows = [json.loads(line) for line in out.with_suffix(".metrics.jsonl").read_text().splitlines()]
    assert len(rows) == 10 and rows[-1]["step"] == 40
    # it learned something: well below chance (ln of the vocabulary size), and still falling
    assert min(r["val_loss"] for r in rows) < 0.8 * math.log(len(gen.vocab))
    assert rows[-1]["val_loss"] < rows[0]["val_loss"]
    assert {"step", "elapsed_s", "lr", "train_loss", "val_loss", "chars_per_s"} <= set(rows[0])
    assert out.with_suffix(".loss.png").read_bytes()[:4] == b"\x89PNG"


def test_same_seed_same_weights(shakespeare_slice: Path, tmp_path: Path) -> None:
    runs = []
    for name, seed in [("a", "3"), ("b", "3"), ("c", "4")]:
        out = tmp_path / f"{name}.pt"
        train.main([str(shakespeare_slice), "-o", str(out), "--steps", "12", "--seed", seed, *TINY])
        runs.append(_weights(out))
    assert all(torch.equal(runs[0][k], runs[1][k]) for k in runs[0])
    assert not all(torch.equal(runs[0][k], runs[2][k]) for k in runs[0])


def test_resume_extends_a_finished_run(shakespeare_slice: Path, tmp_path: Path) -> None:
    out = tmp_path / "run.pt"
    args = [str(shakespeare_slice), "--evals", "4", *TINY]
    assert train.main([*args, "-o", str(out), "--steps", "12"]) == 0
    assert checkpoint.load(out).resume["state"]["step"] == 12
    assert train.main([str(shakespeare_slice), "-o", str(out), "--resume", "--steps", "24",
                       "--quiet"]) == 0
    resumed = checkpoint.load(out)
    assert resumed.facts["steps"] == 24 and resumed.resume["state"]["step"] == 24
    metrics = out.with_suffix(".metrics.jsonl").read_text().splitlines()
    steps = [json.loads(r)["step"] for r in metrics]
    assert steps == [3, 6, 9, 12, 18, 24]  # progress 0.5 -> 1.0 crosses 0.75 and 1.0


def test_resume_is_exact(shakespeare_slice: Path, tmp_path: Path, monkeypatch) -> None:
    """Interrupt a 24-step run at step 12, resume it: identical to running it through."""
    args = [str(shakespeare_slice), "--dropout", "0.1", "--evals", "4", "--steps", "24", *TINY]
    full, cut = tmp_path / "full.pt", tmp_path / "cut.pt"
    assert train.main([*args, "-o", str(full)]) == 0
    real_evaluate = train.evaluate
    calls = {"n": 0}

    def interrupt_on_second(*a, **kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real_evaluate(*a, **kw)

    monkeypatch.setattr(train, "evaluate", interrupt_on_second)
    assert train.main([*args, "-o", str(cut)]) == 130  # Ctrl-C: saved, clean exit code
    monkeypatch.setattr(train, "evaluate", real_evaluate)
    assert checkpoint.load(cut).resume["state"]["step"] == 18
    assert train.main([str(shakespeare_slice), "-o", str(cut), "--resume", "--quiet"]) == 0
    a, b = _weights(full), _weights(cut)
    assert all(torch.allclose(a[k], b[k], atol=1e-6) for k in a)
    # the evaluation Ctrl-C cut short is redone on resume, so the record matches too
    rows = {name: [json.loads(r) for r in p.with_suffix(".metrics.jsonl").read_text().splitlines()]
            for name, p in (("full", full), ("cut", cut))}
    assert [r["step"] for r in rows["cut"]] == [r["step"] for r in rows["full"]] == [6, 12, 18, 24]
    assert [r["val_loss"] for r in rows["cut"]] == pytest.approx(
        [r["val_loss"] for r in rows["full"]], abs=1e-4)
    assert checkpoint.load(cut).facts["best_val_loss"] == pytest.approx(
        checkpoint.load(full).facts["best_val_loss"], abs=1e-5)


def test_ctrl_c_before_any_evaluation_keeps_the_trained_weights(
    shakespeare_slice: Path, tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture
) -> None:
    real_lr = train.learning_rate
    calls = {"n": 0}

    def interrupt_on_sixth_step(*a, **kw):
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt
        return real_lr(*a, **kw)

    monkeypatch.setattr(train, "learning_rate", interrupt_on_sixth_step)
    out = tmp_path / "early.pt"
    assert train.main([str(shakespeare_slice), "-o", str(out), "--steps", "40", "--evals", "2",
                       *TINY]) == 130
    saved = checkpoint.load(out)
    assert saved.resume["state"]["step"] == 5 and saved.facts["best_val_loss"] is None
    assert all(torch.equal(saved.weights[k], v) for k, v in saved.resume["weights"].items())
    assert capsys.readouterr().err.strip().endswith("saved; continue with --resume")


def test_resume_refuses_another_corpus_or_a_slim_file(
    shakespeare_slice: Path, chat_corpus: Path, tiny_ckpt: Path, tmp_path: Path
) -> None:
    with pytest.raises(CorpusError, match="not the corpus"):
        train.main([str(chat_corpus), "-o", str(tiny_ckpt), "--resume", "--quiet"])
    slim = tmp_path / "slim.pt"
    train.main([str(shakespeare_slice), "-o", str(slim), "--steps", "3", "--slim", *TINY])
    assert checkpoint.load(slim).weights["head.weight"].dtype == torch.float16
    with pytest.raises(checkpoint.CheckpointError, match="slim.pt: holds no training state"):
        train.main([str(shakespeare_slice), "-o", str(slim), "--resume"])


def test_tiny_corpus_shrinks_batches_and_empty_corpus_fails(tmp_path: Path) -> None:
    small = tmp_path / "small.txt"
    small.write_text("\n\n".join(f"short post number {i}" for i in range(12)))
    assert train.main([str(small), "-o", str(tmp_path / "s.pt"), "--steps", "3", *TINY]) == 0
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    with pytest.raises(CorpusError, match="empty.txt: the corpus holds no text"):
        train.main([str(empty), "-o", str(tmp_path / "e.pt"), "--steps", "3"])


def test_learning_rate_warms_up_then_decays_to_floor() -> None:
    s = train.TrainSettings(lr=1e-2, warmup_steps=10, min_lr_ratio=0.1, steps=1000)
    assert train.learning_rate(s, 0, 0.0) == pytest.approx(1e-3)
    assert train.learning_rate(s, 10, 0.01) == pytest.approx(1e-2, rel=1e-3)
    assert train.learning_rate(s, 999, 1.0) == pytest.approx(1e-3)


def test_help_and_bad_options_exit_through_argparse(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as ok:
        train.main(["--help"])
    assert ok.value.code == 0 and "--minutes" in capsys.readouterr().out
    for flags, message in [(["--steps", "0"], "must be positive"),
                           (["--patience", "0"], "--patience must be at least 1"),
                           (["--copy-guard", "7"], "--copy-guard must be at least 8 characters")]:
        with pytest.raises(SystemExit) as bad:
            train.main(["x.txt", "-o", "y.pt", *flags])
        assert bad.value.code == 2 and message in capsys.readouterr().err


def test_eval_line_shows_the_current_loss_and_the_best() -> None:
    assert train.eval_line(40, 5.8846, True, 5.8846, 40) == "step 40: val 5.885 (new best)"
    worse = train.eval_line(160, 7.3031, False, 5.8846, 40)
    assert worse == "step 160: val 7.303 (best 5.885 @ step 40)"
    # a checkpoint from before best_step was recorded: the best without its step
    assert train.eval_line(8, 3.0, False, 2.5, None) == "step 8: val 3.000 (best 2.500)"


def test_progress_lines_report_rising_validation(
    shakespeare_slice: Path, tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture
) -> None:
    """Validation scripted to rise after the first evaluation: each line shows its own value."""
    losses = iter([5.0, 6.0, 7.0, 8.0])
    monkeypatch.setattr(train, "evaluate", lambda *a, **kw: next(losses))
    quiet_free = [a for a in TINY if a != "--quiet"]
    out = tmp_path / "rise.pt"
    assert train.main([str(shakespeare_slice), "-o", str(out), "--steps", "8", "--evals", "4",
                       "--patience", "9", *quiet_free]) == 0
    lines = [line.split(" | ")[0] for line in capsys.readouterr().err.splitlines()
             if line.startswith("step ")]
    assert lines == ["step 2: val 5.000 (new best)", "step 4: val 6.000 (best 5.000 @ step 2)",
                     "step 6: val 7.000 (best 5.000 @ step 2)",
                     "step 8: val 8.000 (best 5.000 @ step 2)"]
    assert checkpoint.load(out).resume["state"]["best_step"] == 2


def test_unwritable_output_fails_before_training(shakespeare_slice: Path, tmp_path: Path) -> None:
    """A folder as -o, or a path under a file: one line at once, not a traceback after training."""
    folder = tmp_path / "dir.pt"
    folder.mkdir()
    with pytest.raises(checkpoint.CheckpointError, match=r"dir.pt: is a folder; give a file name"):
        train.main([str(shakespeare_slice), "-o", str(folder), "--steps", "2", *TINY])
    under_file = tmp_path / "notes.txt" / "deeper" / "me.pt"
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(checkpoint.CheckpointError, match=r"notes.txt is a file, not a folder"):
        train.main([str(shakespeare_slice), "-o", str(under_file), "--steps", "2", *TINY])
    fresh = tmp_path / "new" / "folder" / "me.pt"  # missing folders are fine: created on save
    assert train.main([str(shakespeare_slice), "-o", str(fresh), "--steps", "2", *TINY]) == 0
    assert fresh.is_file()


def test_one_record_corpus_error_names_the_file(tmp_path: Path) -> None:
    corpus = tmp_path / "one.txt"
    corpus.write_text("just one post, no blank line to split on")
    with pytest.raises(CorpusError, match=r"one.txt: the corpus needs at least 2 records"):
        train.main([str(corpus), "-o", str(tmp_path / "me.pt"), "--steps", "2", *TINY])


def test_early_stop_keeps_the_best_and_refuses_a_resume(
    shakespeare_slice: Path, tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture
) -> None:
    """Validation scripted to rise: with --patience 2 the run stops at its third evaluation."""
    losses = iter([5.0, 6.0, 7.0, 8.0, 9.0])
    monkeypatch.setattr(train, "evaluate", lambda *a, **kw: next(losses))
    out = tmp_path / "early.pt"
    assert train.main([str(shakespeare_slice), "-o", str(out), "--steps", "20", "--evals", "10",
                       "--patience", "2", *TINY]) == 0
    summary = capsys.readouterr().out
    assert f"{out}: 6 steps in " in summary and "(early-stop)" in summary
    saved = checkpoint.load(out)
    assert saved.resume["state"]["step"] == 6 and saved.resume["state"]["best_step"] == 2
    assert saved.facts["best_val_loss"] == 5.0
    before = out.read_bytes()
    with pytest.raises(checkpoint.CheckpointError) as info:
        train.main([str(shakespeare_slice), "-o", str(out), "--resume", "--steps", "40"])
    assert str(info.value) == (f"{out} stopped early: validation did not improve for 2 evaluations"
                               " after its best (5.000 at step 2), and the file holds that best "
                               "model; to train further, start a new run")
    assert out.read_bytes() == before


def test_time_bar_counts_seconds_trained_not_seconds_per_second() -> None:
    s = train.TrainSettings(minutes=10)
    state = train.TrainState(step=203, elapsed=123.4, train_loss=2.5, best_val=2.25)
    sink = io.StringIO()
    bar = train.progress_bar(s, state, file=sink)
    train.show_progress(bar, s, state, 2.75, 9600.0)
    bar.refresh()
    text = sink.getvalue()
    bar.close()
    assert "123/600 s trained [00:00<" in text and not re.search(r"[?\d]s/s", text)  # ETA
    assert "step=203" in text and "val=2.750" in text and "best=2.250" in text
    assert "chars/s=9,600" in text
    steps = train.TrainSettings(steps=30)
    sink = io.StringIO()
    bar = train.progress_bar(steps, train.TrainState(step=12), file=sink)
    bar.refresh()
    text = sink.getvalue()
    bar.close()
    assert "12/30" in text and not re.search(r"[?\d]s/s", text)


def test_small_corpus_warns_on_one_line_even_when_quiet(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert train.small_corpus_warning(Path("big.txt"), train.SMALL_CORPUS_CHARS) is None
    small = tmp_path / "small.txt"
    small.write_text("\n\n".join(f"short post number {i}" for i in range(12)))
    assert train.main([str(small), "-o", str(tmp_path / "s.pt"), "--steps", "2", *TINY]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"warning: {small}: only ")
    assert "characters of training text; expect a model that mostly copies" in warnings[0]


def test_short_quiet_flag(shakespeare_slice: Path, tmp_path: Path,
                          capsys: pytest.CaptureFixture) -> None:
    args = [a for a in TINY if a != "--quiet"]
    assert train.main([str(shakespeare_slice), "-o", str(tmp_path / "q.pt"), "--steps", "4",
                       "--evals", "1", *args, "-q"]) == 0
    assert capsys.readouterr().err == ""  # no progress lines, no samples, no warning


def test_resume_budget_is_a_total_and_a_reached_one_says_so(
    shakespeare_slice: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "done.pt"
    assert train.main([str(shakespeare_slice), "-o", str(out), "--steps", "6", "--evals", "1",
                       *TINY]) == 0
    before = out.read_bytes()
    resume = [str(shakespeare_slice), "-o", str(out), "--resume", "--quiet"]
    with pytest.raises(checkpoint.CheckpointError) as asked:
        train.main([*resume, "--steps", "4"])
    assert str(asked.value) == (f"{out} already has 6 steps; with --resume --steps is the total "
                                "for the whole run: ask for more than 6")
    with pytest.raises(checkpoint.CheckpointError, match="already has 6 steps, its whole budget"):
        train.main(resume)
    assert out.read_bytes() == before  # nothing trained, nothing rewritten
    assert train.main([*resume, "--steps", "8"]) == 0
    assert checkpoint.load(out).resume["state"]["step"] == 8  # 8 in all: 2 more


def test_budget_spent_in_minutes() -> None:
    s = train.TrainSettings(minutes=10)
    assert train.budget_spent(Path("me.pt"), s, train.TrainState(elapsed=599), True) is None
    message = train.budget_spent(Path("me.pt"), s, train.TrainState(elapsed=612), True)
    assert message == ("me.pt already has 10.2 minutes of training; with --resume --minutes is "
                       "the total for the whole run: ask for more than 10.2")


def test_help_says_resume_budgets_are_totals(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        train.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "with --resume, the total for the whole run" in text
    assert "-q, --quiet" in text
