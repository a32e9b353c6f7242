# ruff: noqa: E501  (fixture markup and expected texts read best unwrapped)
"""Every Facebook/Messenger fixture of ../shared/data/fb-samples gives the expected records.

The fixtures are read in place (never copied). Expected values come from SOURCES.md and
known-input-problems.md, checked by hand against the files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.errors import EXIT_OWNER_UNKNOWN, IngestError
from tests.ingest.helpers import run, zip_folder
from tests.paths import FB_SAMPLES

MINER = FB_SAMPLES / "facebook-data-miner" / "tests" / "test_data"
INBOX = MINER / "messages" / "inbox"
SIMULATED_HTM = FB_SAMPLES / "fbchat-archive-parser" / "tests" / "simulated_data.htm"
CHAT_ANALYTICS = FB_SAMPLES / "chat-analytics" / "tests" / "samples" / "messenger" / "2A_7M.json"
CHAT_MINER = FB_SAMPLES / "chat-miner" / "test" / "facebookMessenger" / "testlog.json"
OWNER = "Jenő Rejtő"

# (timestamp, text, context) of every message the owner sent, in corpus order.
MINER_EXPECTED = [
    ("2011-07-17T13:00:08Z", "test", None),  # group teflonmuskfoobarandjohndoe: first message
    ("2014-09-24T15:02:08Z", "are you the real Bugs Bunny?", None),
    ("2014-11-09T18:56:46Z", "older stuff", None),  # from message_2.json (F-13)
    ("2014-11-09T22:13:48Z", "are you the real Bugs Bunny?", None),  # same text, other time: kept
    ("2014-11-09T22:13:48Z", "yo", "testing multiple files"),
    ("2014-11-10T11:30:45Z", "not much", "zup"),
    ("2014-12-03T15:07:25Z", "not", "zup"),
    (
        "2018-01-10T08:00:28Z",
        "yo Legyen az, hogy most megprobalok ekezet nelkul irni. Seems pretty "
        "easy. I need some english words in here. Right? A magyar szavak felismereset probalom "
        "tesztelni ezzekkel a mondatokkal.",
        None,
    ),
    ("2018-01-10T21:17:25Z", "not much", "zup"),
    ("2018-04-19T10:31:42Z", "marathon?", None),
    # "You named the group marathon." (owner, 2018-04-19T10:39:15Z) is a system line: dropped
    ("2018-04-19T11:38:32Z", "hmmm", "we could go but running is free"),
    ("2020-02-13T05:15:28Z", "Lorem lorim.. foo bar 😡😡😡", None),
    ("2020-02-14T11:48:48Z", "Duis duia .. ! xdddddd :D", None),  # answers a file: no text context
    ("2020-02-17T23:08:48Z", "What the hack? xdddddd :D", "Excepteur...laborum. :D"),
    ("2020-04-02T18:08:48Z", "Whet? Check this! :P", None),  # answers an audio clip
    ("2020-08-08T18:22:08Z", "OUT! ❤", "OUT!"),
]


def _triples(result) -> list[tuple[str, str, str | None]]:
    return [(r["timestamp"], r["text"], r.get("context")) for r in result.records]


def test_data_miner_tree_gives_every_owner_message(tmp_path: Path) -> None:
    # F-1 (mojibake names/emoji), F-9 (era B detected), F-13, F-14, F-15, F-16, F-17, F-19 decoys
    result = run(MINER, tmp_path)
    assert result.summary["owner"] == OWNER
    assert result.summary["owner_source"] == "profile"
    assert _triples(result) == MINER_EXPECTED
    assert all(r["source"] == "facebook" and r["kind"] == "message" for r in result.records)
    assert result.summary["skipped"]["system_line"] == 1
    assert result.summary["skipped"]["media_only"] == 5  # owner's video, 2 photos, gif, photo
    assert result.summary["records"] == {"message": 16}
    assert result.summary["files_by_kind"]["messenger_thread"] == 8
    assert result.warnings == []


def test_nobody_elses_words_are_text(tmp_path: Path) -> None:
    result = run(MINER, tmp_path)
    others = {
        "zup",
        "OUT!",
        "ok",
        "blabla",
        "basic group messages",
        "what do you test",
        "no",
        "i start today",
        "we could go but running is free",
        ":D",
        "yapp yapp :D",
        "testing multiple files",
        "Excepteur...laborum. :D",
    }
    assert not others & set(result.texts())


def test_owner_found_in_every_thread_without_profile(tmp_path: Path) -> None:
    # §6 fallback: no profile file -> the one participant of every thread ("Facebook User" never)
    shutil.copytree(INBOX, tmp_path / "export" / "messages" / "inbox")
    result = run(tmp_path / "export", tmp_path)
    assert result.summary["owner"] == OWNER
    assert result.summary["owner_source"] == "in every thread"
    assert _triples(result) == MINER_EXPECTED


def test_group_thread_with_deactivated_user_contributes_nothing_of_theirs(tmp_path: Path) -> None:
    # F-16/F-17: the owner wrote nothing in this group; "Facebook User" is never the owner
    group = INBOX / "tokehalfoobardonaldduckand2others_safsdf_fdf3" / "message_1.json"
    with pytest.raises(IngestError, match=r"0 posts, 0 comments, 0 messages by Jenő Rejtő"):
        run(group, tmp_path, owner=OWNER)


def test_thread_split_in_two_files_is_merged_in_time_order(tmp_path: Path) -> None:
    # F-13: message_2 holds the older messages
    result = run(INBOX / "tokehal_sdf7fs9d876", tmp_path, owner=OWNER)
    assert _triples(result) == [
        ("2014-11-09T18:56:46Z", "older stuff", None),
        ("2014-11-09T22:13:48Z", "yo", "testing multiple files"),
        ("2014-11-10T11:30:45Z", "not much", "zup"),
        ("2014-12-03T15:07:25Z", "not", "zup"),
    ]


def test_two_overlapping_zips_equal_one(tmp_path: Path) -> None:
    # F-24: parts overlap (three threads in both); the merge equals the single-zip parse
    files = {p.relative_to(MINER).as_posix() for p in MINER.rglob("*.json")}
    first = {f for f in files if "benedek" not in f and "foobar_" not in f}
    second = {f for f in files if "marathon" not in f} | {
        "profile_information/profile_information.json"
    }
    assert first | second == files and first & second
    whole = run(zip_folder(MINER, tmp_path / "whole.zip"), tmp_path)
    (tmp_path / "p").mkdir()
    parts = run(
        [
            zip_folder(MINER, tmp_path / "part1.zip", first),
            zip_folder(MINER, tmp_path / "part2.zip", second),
        ],
        tmp_path / "p",
    )
    assert parts.records == whole.records
    assert _triples(parts) == MINER_EXPECTED
    assert "duplicate" not in parts.summary["skipped"]  # copies merged inside each thread


def test_html_2013_messages_file(tmp_path: Path) -> None:
    # F-9 (era A detected), F-11/F-12 ("10:05pm PDT" -> UTC), same time ties in file order
    result = run(SIMULATED_HTM, tmp_path)
    assert result.summary["owner"] == "First User 一"  # the page's <h1>
    assert _triples(result) == [
        ("2013-10-05T05:05:00Z", "4", "3"),  # thread with Third User
        ("2013-10-05T05:05:00Z", "4", "3"),  # group thread: same second, other thread, kept
        ("2013-10-05T05:07:00Z", "6", "5"),
        ("2013-10-05T05:07:00Z", "7", "5"),
    ]
    assert result.summary["html_dates_without_time_zone"] == 0


def test_bom_file_without_type_field(tmp_path: Path) -> None:
    # F-20 (BOM) and F-10 (no "type"): Alice's 3 texts; sticker/files/audio/photos have none
    result = run(CHAT_ANALYTICS, tmp_path, owner="Bob")
    assert _triples(result) == [
        ("2014-11-05T00:28:45Z", "you what", None),  # answers Alice's audio clip
        ("2014-11-05T00:34:41Z", "Whats up!", None),
    ]
    assert result.summary["skipped"]["sticker_only"] == 1
    assert result.summary["skipped"]["media_only"] == 2
    alice = run(CHAT_ANALYTICS, tmp_path, owner="Alice")
    assert _triples(alice) == [("2014-11-05T00:35:32Z", "Hello", "Whats up!")]


def test_bom_file_alone_needs_an_owner(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"candidates: .*Alice.*pass --owner") as caught:
        run(CHAT_ANALYTICS, tmp_path)
    assert caught.value.exit_code == EXIT_OWNER_UNKNOWN


def test_thread_without_participants_and_tied_times(tmp_path: Path) -> None:
    # F-10/F-19: no "participants" key is still a thread; F-13: equal timestamp_ms, stable order
    john = run(CHAT_MINER, tmp_path, owner="John Doe")
    assert _triples(john) == [("2022-11-16T19:50:03Z", "Hello Allan", None)]
    allan = run(CHAT_MINER, tmp_path, owner="Allan Smith")
    assert _triples(allan) == [("2022-11-16T19:50:03Z", "Hello John", "Hello Allan")]


def test_decoy_files_inside_a_messages_folder_are_reported_not_fatal(tmp_path: Path) -> None:
    # F-19: profile/friends JSON dropped into messages/inbox/x/, a top-level list, an unknown dict
    export = tmp_path / "export"
    decoys = export / "messages" / "inbox" / "x"
    decoys.mkdir(parents=True)
    shutil.copytree(INBOX / "benedekelek_s4f65sdg", export / "messages" / "inbox" / "benedek")
    shutil.copy(MINER / "friends" / "friends.json", decoys / "friends.json")
    (export / "messages" / "autofill_information.json").write_text("[1, 2, 3]", encoding="utf-8")
    (decoys / "settings.json").write_text('{"foo": 1}', encoding="utf-8")
    result = run(export, tmp_path, owner=OWNER)
    assert [r["context"] if "context" in r else None for r in result.records] == [None, "zup"]
    assert result.texts()[1] == "not much"
    warnings = sorted(w.rsplit("/", 1)[1] for w in result.warnings)
    assert warnings == [
        "autofill_information.json: JSON of an unknown shape (a list of 3 items)",
        "settings.json: JSON of an unknown shape (top-level keys: foo)",
    ]
    assert result.summary["files_not_understood"] == result.warnings
    assert result.summary["files_by_kind"]["other_without_text"] == 1  # friends.json recognised
