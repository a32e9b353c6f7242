"""The record sink (external sort + de-duplication) and a large generated thread (F-25)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from ingest.records import Record, RecordSink
from tests.ingest.helpers import FRIEND, OWNER, fb_json, profile, run, zip_folder


def test_sink_sorts_and_dedupes_across_spilled_batches(tmp_path: Path) -> None:
    sink = RecordSink(batch_size=3, tmp_dir=str(tmp_path))
    records = [
        Record(f"2020-01-0{day}T00:00:00Z", "message", "a\x1fb", f"t{day}", "ctx")
        for day in (5, 1, 4, 2, 3)
    ]
    for record in records + records[:2]:  # two copies arrive in a later batch
        sink.add(record)
    sink.add(Record("2020-01-01T00:00:00Z", "message", "a\x1fc", "t1"))  # same words, other thread
    out = list(sink.finish())
    sink.close()
    assert len(list(tmp_path.iterdir())) == 0  # temporary spill files are removed
    kept = [(r.timestamp[8:10], r.scope, r.text) for r, dup in out if not dup]
    assert kept == [
        ("01", "a\x1fb", "t1"),
        ("01", "a\x1fc", "t1"),
        ("02", "a\x1fb", "t2"),
        ("03", "a\x1fb", "t3"),
        ("04", "a\x1fb", "t4"),
        ("05", "a\x1fb", "t5"),
    ]
    assert sum(dup for _, dup in out) == 2


def test_record_json_has_context_only_when_there_is_one() -> None:
    assert json.loads(Record("T", "post", "", "x").to_json()) == {
        "source": "facebook",
        "kind": "post",
        "timestamp": "T",
        "text": "x",
    }
    assert json.loads(Record("T", "message", "s", "x", "y").to_json())["context"] == "y"


def test_large_thread_split_in_five_files(tmp_path: Path) -> None:
    # F-25: 50,000 messages, newest first, split like Facebook does, read from a zip
    n, per_file = 50_000, 10_000
    t0 = 1_400_000_000_000
    messages = [
        {
            "sender_name": OWNER if i % 2 else FRIEND,
            "timestamp_ms": t0 + i * 1000,
            "content": f"message {i} ő",
        }
        for i in range(n)
    ]
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("profile_information/profile_information.json", profile())
        newest_first = messages[::-1]
        for part in range(n // per_file):
            chunk = newest_first[part * per_file : (part + 1) * per_file]
            doc = {"participants": [{"name": OWNER}, {"name": FRIEND}], "messages": chunk}
            zf.writestr(f"messages/inbox/bob_1/message_{part + 1}.json", fb_json(doc))
    result = run(archive, tmp_path)
    assert result.summary["records"] == {"message": n // 2}
    assert result.records[0] == {
        "source": "facebook",
        "kind": "message",
        "timestamp": "2014-05-13T16:53:21Z",
        "text": "message 1 ő",
        "context": "message 0 ő",
    }
    assert result.records[-1]["text"] == f"message {n - 1} ő"
    assert result.records[-1]["context"] == f"message {n - 2} ő"
    assert [r["text"] for r in result.records[:3]] == ["message 1 ő", "message 3 ő", "message 5 ő"]


def test_worker_processes_give_the_same_corpus(tmp_path: Path) -> None:
    # big exports run groups in worker processes; the result must not depend on it
    from tests.ingest.test_shared_fixtures import MINER

    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    # from a zip: forked workers must not share the parent's open zip handles
    archive = zip_folder(MINER, tmp_path / "export.zip")
    serial = run(archive, tmp_path / "one", jobs=1)
    parallel = run(archive, tmp_path / "two", jobs=2)
    assert parallel.warnings == []
    assert parallel.records == serial.records and len(serial.records) == 16
    assert parallel.summary["skipped"] == serial.summary["skipped"]
    assert parallel.summary["files_by_kind"] == serial.summary["files_by_kind"]
