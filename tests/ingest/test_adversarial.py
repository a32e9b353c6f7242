"""Awkward and hostile input found in QA: each test is a case that once went wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.ingest.helpers import FRIEND, OWNER, fb_json, post, profile, run, write

T0 = 1_600_000_000

_HTML_BOX = (
    '<div class="_a6-g"><div class="_2lek">{header}</div>'
    '<div class="_2let"><div>{body}</div></div><div class="_2lem">{date}</div></div>'
)


def _html_page(*boxes: str) -> str:
    return f"<html><body>{''.join(boxes)}</body></html>"


def test_other_peoples_timeline_posts_in_html_are_not_the_owners(tmp_path: Path) -> None:
    root = tmp_path / "x"
    write(root, "profile_information/profile_information.json", profile())
    write(
        root,
        "posts/other_people's_posts_to_your_timeline.html",
        _html_page(
            _HTML_BOX.format(
                header=f"{FRIEND} wrote on your timeline.",
                body="Happy birthday from Bob",
                date="Jan 5, 2020, 3:04 PM",
            )
        ),
    )
    write(
        root,
        "posts/your_posts_1.html",
        _html_page(_HTML_BOX.format(header="", body="my own words", date="Jan 6, 2020, 3:04 PM")),
    )
    result = run(root, tmp_path)
    assert result.texts() == ["my own words"]
    assert result.summary["skipped"]["others_posts_on_timeline"] == 1


def test_other_peoples_timeline_posts_as_a_bare_json_list_are_skipped(tmp_path: Path) -> None:
    root = tmp_path / "x"
    write(root, "profile_information/profile_information.json", profile())
    write(
        root,
        "posts/other_people's_posts_to_your_timeline.json",
        fb_json([post(T0, "hb from bob", title=f"{FRIEND} wrote on your timeline.")]),
    )
    write(root, "posts/your_posts_1.json", fb_json([post(T0 + 1, "mine")]))
    result = run(root, tmp_path)
    assert result.texts() == ["mine"]


def test_a_post_titled_as_someone_elses_wall_post_is_not_the_owners(tmp_path: Path) -> None:
    root = tmp_path / "x"
    write(root, "profile_information/profile_information.json", profile())
    write(
        root,
        "posts/your_posts_1.json",
        fb_json(
            [
                post(T0, "from bob", title=f"{FRIEND} wrote on {OWNER}'s timeline."),
                post(T0 + 1, "from me", title=f"{OWNER} wrote on {FRIEND}'s timeline."),
                post(T0 + 2, "also bob", title=f"{FRIEND} posted on your timeline."),
            ]
        ),
    )
    result = run(root, tmp_path)
    assert result.texts() == ["from me"]
    assert result.summary["skipped"]["not_by_owner"] == 2
    assert json.dumps(result.records).count("bob") == 0


def _odd_thread(root: Path, stamps: list[str]) -> None:
    messages = ",".join(
        f'{{"sender_name": "{OWNER}", "timestamp_ms": {ts}, "content": "m{i}"}}'
        for i, ts in enumerate(stamps)
    )
    write(root, "profile_information/profile_information.json", profile())
    write(
        root,
        "messages/inbox/bob_1/message_1.json",
        f'{{"participants": [{{"name": "{OWNER}"}}], "messages": [{messages}]}}',
    )


def test_non_finite_and_absurd_timestamps_skip_only_that_message(tmp_path: Path) -> None:
    # Python's json accepts Infinity/NaN; one of them crashed the run, the other lost the file
    _odd_thread(tmp_path / "x", ["Infinity", "NaN", "-Infinity", "1e300", "1600000000000"])
    result = run(tmp_path / "x", tmp_path)
    assert result.texts() == ["m4"]
    assert result.summary["skipped"]["no_date"] == 4
    assert not result.summary.get("notes")  # 1e300 is not "chats reaching into 2024"


def test_timestamps_written_as_strings_are_read(tmp_path: Path) -> None:
    _odd_thread(tmp_path / "x", ['"1600000001000"', '"1600000000000"'])
    write(
        tmp_path / "x",
        "e2ee/Bob_1.json",
        json.dumps(
            {
                "participants": [OWNER, FRIEND],
                "threadName": FRIEND,
                "messages": [{"senderName": OWNER, "timestamp": "1600000002000", "text": "e"}],
            }
        ),
    )
    result = run(tmp_path / "x", tmp_path)
    assert result.texts() == ["m1", "m0", "e"]


def test_dangling_symlink_in_a_folder_is_a_warning(tmp_path: Path) -> None:
    root = tmp_path / "x"
    _odd_thread(root, ["1600000000000"])
    (root / "posts").mkdir()
    (root / "posts/your_posts_1.json").symlink_to(tmp_path / "gone.json")
    result = run(root, tmp_path)
    assert result.texts() == ["m0"]
    assert any("your_posts_1.json: cannot be read" in w for w in result.warnings)


def test_unreadable_subfolder_is_a_warning_not_silence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod 000 does not stop root, so the permission error is simulated
    import os

    root = tmp_path / "x"
    _odd_thread(root, ["1600000000000"])
    write(root, "posts/your_posts_1.json", fb_json([post(T0, "hidden")]))
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if str(path).endswith("posts"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    result = run(root, tmp_path)
    assert result.texts() == ["m0"]
    assert f"{root / 'posts'}: cannot be read (Permission denied)" in result.warnings


def test_broken_html_does_not_pull_the_date_into_the_text(tmp_path: Path) -> None:
    root = tmp_path / "x"
    write(root, "profile_information/profile_information.json", profile())
    write(
        root,
        "posts/your_posts_1.html",  # unclosed <b>: the date div ends up inside the body
        '<html><body><div class="_a6-g"><div class="_a6-p">unclosed <b>bold'
        '<div class="_a6-o">Jan 5, 2020, 3:04 PM</div>',
    )
    result = run(root, tmp_path)
    assert result.texts() == ["unclosed bold"]


def test_json_with_raw_control_characters_in_strings_is_read(tmp_path: Path) -> None:
    root = tmp_path / "x"
    write(root, "profile_information/profile_information.json", profile())
    raw_tab = '[{"timestamp": 1600000000, "data": [{"post": "a\tb"}]}]'
    write(root, "posts/your_posts_1.json", raw_tab)
    assert run(root, tmp_path).texts() == ["a b"]


def test_an_owner_absent_from_every_thread_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "x"
    _odd_thread(root, ["1600000000000"])
    write(root, "posts/your_posts_1.json", fb_json([post(T0, "a post")]))
    result = run(root, tmp_path, owner="Zed Nobody")
    assert result.texts() == ["a post"]
    line = (
        "'Zed Nobody' is not in any of the 1 Messenger thread(s): no messages were kept "
        "(check --owner against the names the threads show)"
    )
    assert line in result.summary["notes"]


def test_when_nothing_could_be_read_the_error_names_the_file(tmp_path: Path) -> None:
    from ingest.cli import main
    from ingest.errors import IngestError

    root = tmp_path / "x"
    bad = write(
        root, "posts/your_posts_1.json", b'[{"timestamp": 1, "data": [{"post": "caf\xe9"}]}]'
    )
    with pytest.raises(IngestError) as caught:
        main([str(root), "-o", str(tmp_path / "c.jsonl"), "-q"])
    message = str(caught.value)
    assert "\n" not in message
    assert f"{bad}: not UTF-8 text (byte 40)" in message
