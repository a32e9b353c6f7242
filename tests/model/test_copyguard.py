"""The verbatim-copy guard catches every long copied run and passes fresh text."""

from __future__ import annotations

import random
import string

from model.copyguard import CopyGuard


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_lowercase + " ") for _ in range(n))


def test_every_40_char_run_of_a_record_is_caught() -> None:
    rng = random.Random(0)
    records = [_text(rng, rng.randrange(40, 400)) for _ in range(30)]
    guard = CopyGuard.build(records, min_copy=40)
    assert guard.min_copy == 40
    for record in records:
        for start in range(len(record) - 40 + 1):
            run = "Well, " + record[start : start + 40] + " ok"
            assert guard.copies(run), (record, start)


def test_fresh_text_and_short_runs_pass() -> None:
    rng = random.Random(1)
    records = [_text(rng, 300) for _ in range(30)]
    guard = CopyGuard.build(records, min_copy=40)
    fresh = [_text(random.Random(100 + i), 300) for i in range(50)]
    assert not any(guard.copies(t) for t in fresh)
    assert not guard.copies(records[0][:guard.ngram - 1])


def test_round_trip_through_dict() -> None:
    guard = CopyGuard.build(["the quick brown fox jumps over the lazy dog again and again"], 24)
    again = CopyGuard.from_dict(guard.to_dict())
    assert (again.ngram, again.stride) == (guard.ngram, guard.stride)
    assert again.copies("x the quick brown fox jumps over the lazy x")
