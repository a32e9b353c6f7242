# ruff: noqa: E501  (expected one-line messages read best unwrapped)
"""Bad input fails cleanly: one line naming the file, the documented exit code, never a traceback;
per-file problems are warnings and the rest of the export is still ingested."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.errors import EXIT_NO_INPUT, EXIT_OUTPUT, EXIT_OWNER_UNKNOWN, IngestError
from shitpostbot.cli import main as shitpostbot_main
from tests.ingest.helpers import FRIEND, OWNER, msg, profile, run, thread, write, zip_folder
from tests.paths import PROJECT_ROOT

T0 = 1_600_000_000


def _good_export(root: Path) -> Path:
    write(root, "profile_information/profile_information.json", profile())
    write(
        root,
        "messages/inbox/bob_1/message_1.json",
        thread([OWNER, FRIEND], [msg(FRIEND, T0, "hi?"), msg(OWNER, T0 + 1, "hello!")]),
    )
    return root


def test_corrupt_zip_is_a_warning_and_the_rest_is_ingested(tmp_path: Path) -> None:
    bad = tmp_path / "part2.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip" * 10)
    result = run([_good_export(tmp_path / "good"), bad], tmp_path)
    assert result.texts() == ["hello!"]
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith(f"{bad}: not a readable zip file")
    assert "\n" not in result.warnings[0]


def test_truncated_zip_is_named(tmp_path: Path) -> None:
    whole = zip_folder(_good_export(tmp_path / "x"), tmp_path / "whole.zip")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(IngestError) as caught:
        run(cut, tmp_path)
    assert caught.value.exit_code == EXIT_NO_INPUT
    assert str(caught.value).startswith(f"{cut}: no JSON or HTML files found")
    assert "not a readable zip file" in str(caught.value)


def test_damaged_entry_inside_a_zip_is_skipped(tmp_path: Path) -> None:
    root = _good_export(tmp_path / "x")
    write(
        root,
        "posts/your_posts_1.json",
        json.dumps([{"timestamp": T0, "data": [{"post": "p" * 500}]}]),
    )
    archive = zip_folder(root, tmp_path / "a.zip")
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("posts/your_posts_1.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 5] ^= 0xFF  # corrupt the compressed bytes: CRC or inflate error
    archive.write_bytes(bytes(data))
    result = run(archive, tmp_path)
    assert result.texts() == ["hello!"]
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith(f"{archive}:posts/your_posts_1.json: cannot be read (")


def test_truncated_json_is_named_and_skipped(tmp_path: Path) -> None:
    root = _good_export(tmp_path / "x")
    write(root, "messages/inbox/cy_2/message_1.json", '{"participants": [{"name": "Cy"}], "messa')
    result = run(root, tmp_path)
    assert result.texts() == ["hello!"]
    assert result.warnings == [
        f"{root / 'messages/inbox/cy_2/message_1.json'}: invalid or truncated JSON "
        "(Unterminated string starting at, line 1)"
    ]
    assert result.summary["files_not_understood"] == result.warnings


def test_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = shitpostbot_main(["ingest", str(tmp_path / "nope.zip"), "-o", str(tmp_path / "c.jsonl")])
    err = capsys.readouterr().err
    assert code == EXIT_NO_INPUT
    assert err == f"shitpostbot ingest: error: {tmp_path / 'nope.zip'}: no such file or folder\n"


def test_owner_cannot_be_decided(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "x"
    write(
        root, "messages/inbox/bob_1/message_1.json", thread([OWNER, FRIEND], [msg(OWNER, T0, "a")])
    )
    code = shitpostbot_main(["ingest", str(root), "-o", str(tmp_path / "c.jsonl")])
    err = capsys.readouterr().err
    assert code == EXIT_OWNER_UNKNOWN
    assert err.count("\n") == 1 and "pass --owner NAME" in err and "Traceback" not in err
    assert (
        shitpostbot_main(["ingest", str(root), "-o", str(tmp_path / "c.jsonl"), "--owner", OWNER])
        == 0
    )


def test_unwritable_output(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    _good_export(tmp_path / "x")
    with pytest.raises(IngestError) as caught:
        main([str(tmp_path / "x"), "-o", str(tmp_path / "taken"), "-q"])
    assert caught.value.exit_code == EXIT_OUTPUT
    assert str(caught.value).startswith(f"{tmp_path / 'taken'}: cannot write the corpus")


def test_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    out = capsys.readouterr().out
    assert caught.value.code == 0
    for line in (
        "0  corpus written",
        "3  a PATH does not exist",
        "4  the export was read but holds nothing",
        "5  the owner could not be decided",
        "6  the output file could not be written",
    ):
        assert line in out


def test_python_dash_m_ingest_writes_corpus_and_summary(tmp_path: Path) -> None:
    export = _good_export(tmp_path / "x")
    out = tmp_path / "out" / "corpus.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "ingest", str(export), "-o", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "records: 1, characters: 6" in done.stdout
    assert "owner: Ann Ówner (from profile)" in done.stdout
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {
            "source": "facebook",
            "kind": "message",
            "timestamp": "2020-09-13T12:26:41Z",
            "text": "hello!",
            "context": "hi?",
        }
    ]
    summary = json.loads((tmp_path / "out" / "corpus.summary.json").read_text(encoding="utf-8"))
    assert summary["records"] == {"message": 1} and summary["characters"] == {"message": 6}
    assert summary["date_range"] == {
        "first": "2020-09-13T12:26:41Z",
        "last": "2020-09-13T12:26:41Z",
    }
    assert summary["skipped"] == {"not_by_owner": 1}
    assert summary["files_not_understood"] == []


def test_known_shape_with_wrong_value_types_does_not_crash(tmp_path: Path) -> None:
    root = _good_export(tmp_path / "x")
    weird = {
        "participants": [1, None, "Cy", {"name": OWNER}],
        "messages": [
            {"sender_name": OWNER, "timestamp_ms": "soon", "content": "no time"},
            {"sender_name": None, "timestamp_ms": T0 * 1000, "content": ["not", "a", "string"]},
            "not a message",
            {"sender_name": OWNER, "timestamp_ms": True, "content": 5},
        ],
    }
    write(root, "messages/inbox/cy_2/message_1.json", json.dumps(weird))
    posts = [
        {"timestamp": "x", "data": {"post": "dict not list"}, "attachments": "nope"},
        {"timestamp": 1e30, "data": [{"post": "far future"}]},
    ]
    write(root, "posts/your_posts_1.json", json.dumps(posts))
    result = run(root, tmp_path)
    assert result.texts() == ["hello!"]
    skipped = result.summary["skipped"]
    assert skipped["no_date"] == 2  # "no time" (owner) and the far-future post
    assert skipped["empty"] == 2  # content 5 (not text) and the post whose data is a dict
    assert result.summary["files_by_kind"]["messenger_thread"] == 2
    assert result.warnings == []


def test_a_parser_tripping_on_odd_values_becomes_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # safety net for shapes no test foresaw: one file's TypeError must not end the run
    import ingest.extract

    real = ingest.extract.parse_json_doc

    def trips_on_posts(doc, origin):
        if "your_posts" in origin:
            raise TypeError("'int' object is not iterable")
        return real(doc, origin)

    monkeypatch.setattr(ingest.extract, "parse_json_doc", trips_on_posts)
    root = _good_export(tmp_path / "x")
    write(root, "posts/your_posts_1.json", "[]")
    result = run(root, tmp_path)
    assert result.texts() == ["hello!"]
    assert result.warnings == [
        f"{root / 'posts/your_posts_1.json'}: unexpected values in a known shape ('int' object is not iterable)"
    ]


def test_output_that_is_an_input_file_is_refused(tmp_path: Path) -> None:
    export = _good_export(tmp_path / "x")
    thread_file = export / "messages/inbox/bob_1/message_1.json"
    before = thread_file.read_bytes()
    with pytest.raises(IngestError) as caught:
        main([str(export), "-o", str(thread_file), "-q"])
    assert caught.value.exit_code == EXIT_OUTPUT
    assert str(caught.value) == f"{thread_file}: is one of the input files; choose another output"
    assert thread_file.read_bytes() == before


def test_output_that_is_the_input_zip_is_refused(tmp_path: Path) -> None:
    part = zip_folder(_good_export(tmp_path / "x"), tmp_path / "part1.zip")
    before = part.read_bytes()
    with pytest.raises(IngestError) as caught:
        main([str(part), "-o", str(part), "-q"])
    assert caught.value.exit_code == EXIT_OUTPUT
    assert part.read_bytes() == before


def test_summary_that_would_overwrite_an_input_is_refused(tmp_path: Path) -> None:
    export = _good_export(tmp_path / "x")
    clash = write(export, "posts/c.summary.json", "[]")
    with pytest.raises(IngestError) as caught:
        main([str(export), "-o", str(export / "posts/c.jsonl"), "-q"])
    assert str(caught.value).startswith(f"{clash}: is one of the input files")
    assert clash.read_text() == "[]"


def test_output_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    _good_export(tmp_path / "x")
    with pytest.raises(IngestError) as caught:
        main([str(tmp_path / "x"), "-o", str(fifo), "-q"])
    assert caught.value.exit_code == EXIT_OUTPUT
    assert str(caught.value) == f"{fifo}: not a regular file; choose another output"
    assert fifo.is_fifo()  # replacing it would have destroyed e.g. /dev/full when run as root
