# ruff: noqa: E501  (fixture markup and expected texts read best unwrapped)
"""Invented JSON exports of every era (B 2018, B′ _v2 keys, D 2024, D′ 2025, D″ 2026, E2EE).

Each test builds the era's folder layout in tmp_path (zipped where the era ships zips) and
checks the exact corpus. Also covers F-4 … F-8, F-18, F-22, F-23.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.ingest.helpers import (
    FRIEND,
    OWNER,
    fb_json,
    msg,
    post,
    profile,
    run,
    thread,
    write,
    zip_folder,
)

T0 = 1_500_000_000  # 2017-07-14T02:40:00Z


def iso(ts: int) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _posts() -> list[dict]:
    return [
        post(T0 + 1, "first post, ça va? 😀", title=f"{OWNER} updated her status."),
        post(
            T0 + 2,
            "on your wall @[100001:2048:Bob Friend]",
            title=f"{OWNER} wrote on Bob Friend's timeline.",
        ),
        # F-4: data without "post", no data, empty data
        {
            "timestamp": T0 + 3,
            "data": [{"update_timestamp": T0 + 4}],
            "title": f"{OWNER} updated her status.",
        },
        {"timestamp": T0 + 5, "attachments": [{"data": [{"media": {"uri": "photos/1.jpg"}}]}]},
        {"timestamp": T0 + 6, "data": []},
        # update_timestamp first, text second: still found (ditchbook #4)
        {"timestamp": T0 + 7, "data": [{"update_timestamp": T0 + 8}, {"post": "edited later"}]},
        # F-5: a share with no text; the title must not become text
        post(
            T0 + 9,
            title=f"{OWNER} shared a post.",
            attachments=[{"data": [{"external_context": {"url": ""}}]}],
        ),
        # F-7: caption written twice (data + media description) and twice in data
        post(
            T0 + 10,
            "look at this view",
            attachments=[
                {"data": [{"media": {"uri": "p.jpg", "description": "look at this view"}}]}
            ],
        ),
        {"timestamp": T0 + 11, "data": [{"post": "twice"}, {"post": "twice"}]},
        # F-23: app-generated
        post(T0 + 12, "Song of the day", title=f"{OWNER} listened to Song on Spotify."),
        # a note shared as a post: its text is harvested as a note
        {
            "timestamp": T0 + 13,
            "attachments": [
                {
                    "data": [
                        {
                            "note": {
                                "title": "Diary",
                                "text": "dear diary",
                                "created_timestamp": T0 + 13,
                            }
                        }
                    ]
                }
            ],
        },
        # privacy
        post(T0 + 14, "write to ann@example.com or see https://example.com/x"),
        post(T0 + 15, "https://example.com/only-a-link"),
    ]


EXPECTED_POST_TEXTS = [
    "first post, ça va? 😀",
    "on your wall Bob Friend",
    "edited later",
    "look at this view",
    "twice",
    "write to <email> or see <url>",
]


def _comments(key: str) -> str:
    return fb_json(
        {
            key: [
                {
                    "timestamp": T0 + 20,
                    "data": [
                        {"comment": {"timestamp": T0 + 20, "comment": "nice one", "author": OWNER}}
                    ],
                    "title": f"{OWNER} commented on Bob Friend's post.",
                },
                {  # F-8: sticker-only comment
                    "timestamp": T0 + 21,
                    "data": [{"comment": {"timestamp": T0 + 21, "comment": "", "author": OWNER}}],
                    "attachments": [{"data": [{"media": {"uri": "messages/stickers_used/1.png"}}]}],
                    "title": f"{OWNER} commented on Bob Friend's post.",
                },
                {  # F-8: the auto-inserted name of the person replied to is removed
                    "timestamp": T0 + 22,
                    "data": [
                        {
                            "comment": {
                                "timestamp": T0 + 22,
                                "comment": "Bob Friend haha yes",
                                "author": OWNER,
                            }
                        }
                    ],
                    "title": f"{OWNER} replied to Bob Friend's comment.",
                },
                {  # in a group
                    "timestamp": T0 + 23,
                    "data": [
                        {
                            "comment": {
                                "timestamp": T0 + 23,
                                "comment": "group reply",
                                "author": OWNER,
                                "group": "Cats",
                            }
                        }
                    ],
                    "title": f"{OWNER} commented on a post in Cats.",
                },
            ]
        }
    )


def _messages(root: Path, base: str) -> None:
    write(
        root,
        f"{base}/inbox/bobfriend_abc123/message_1.json",
        thread(
            [FRIEND, OWNER],
            [
                msg(FRIEND, T0 + 30, "hey Ann, what's up?"),
                msg(OWNER, T0 + 31, "nothing much 😄"),
                msg(OWNER, T0 + 32, sticker={"uri": "stickers_used/x.png"}),
                msg(OWNER, T0 + 33, is_unsent=True),
                msg(OWNER, T0 + 34, "You named the group Fun."),
                msg(OWNER, T0 + 35, type="Call", call_duration=0),
                msg(OWNER, T0 + 36, "call me at 06 30 123 4567"),
            ],
            thread_type="Regular",
        ),
    )


def _check_common(result, expected_group: list[str]) -> None:
    assert result.summary["owner"] == OWNER
    assert result.texts("post") == EXPECTED_POST_TEXTS
    assert result.texts("comment") == ["nice one", "haha yes"]
    assert result.texts("group_comment") == ["group reply"]
    assert result.texts("group_post") == expected_group
    assert result.texts("note") == ["dear diary"]
    assert result.texts("message") == ["nothing much 😄", "call me at <phone>"]
    assert result.by_text("nothing much 😄")["context"] == "hey Ann, what's up?"
    assert result.by_text("call me at <phone>")["context"] == "hey Ann, what's up?"
    assert "context" not in result.by_text("nice one")
    assert result.by_text("first post, ça va? 😀")["timestamp"] == iso(T0 + 1)
    skipped = result.summary["skipped"]
    assert skipped["app_post"] == 1
    assert skipped["share_or_title_only"] == 2  # the share and the update_timestamp-only post
    assert skipped["link_or_contact_only"] == 1
    assert skipped["sticker_only"] == 1 and skipped["unsent"] == 1
    assert skipped["system_line"] == 1 and skipped["call"] == 1
    timestamps = [r["timestamp"] for r in result.records]
    assert timestamps == sorted(timestamps)
    # F-6: no auto-generated title ever becomes text
    assert not any("updated her status" in t or "shared a post" in t for t in result.texts())


def test_era_b_2018_json_zip(tmp_path: Path) -> None:
    root = tmp_path / "x"
    write(root, "profile_information/profile_information.json", profile(key="profile"))
    write(root, "posts/your_posts_1.json", fb_json(_posts()))
    write(
        root,
        "posts/other_people's_posts_to_your_timeline.json",
        fb_json(
            {
                "wall_posts_sent_to_you": {
                    "activity_log_data": [post(T0, "from Bob", title="Bob wrote")]
                }
            }
        ),
    )
    write(root, "comments/comments.json", _comments("comments"))
    write(
        root,
        "groups/your_posts_in_groups.json",
        fb_json({"group_posts": {"activity_log_data": [post(T0 + 40, "hi cats")]}}),
    )
    write(root, "notes/notes.json", fb_json({"notes": []}))
    _messages(root, "messages")
    result = run(zip_folder(root, tmp_path / "facebook-ann.zip"), tmp_path)
    _check_common(result, ["hi cats"])
    assert result.summary["skipped"]["others_posts_on_timeline"] == 1
    assert "from Bob" not in result.texts()


def test_era_b_prime_v2_keys_folder(tmp_path: Path) -> None:
    root = tmp_path / "facebook-ann"
    write(root, "profile_information/profile_information.json", profile(key="profile_v2"))
    write(root, "posts/your_posts_1.json", fb_json(_posts()))
    write(root, "comments/comments.json", _comments("comments_v2"))
    write(
        root,
        "groups/group_posts_and_comments.json",
        fb_json({"group_posts_v2": [post(T0 + 40, "hi cats")], "group_comments_v2": []}),
    )
    _messages(root, "messages")
    _check_common(run(root, tmp_path), ["hi cats"])


def test_era_d_2024_accounts_center(tmp_path: Path) -> None:
    root = tmp_path / "x"
    base = "your_activity_across_facebook"
    write(root, "personal_information/profile_information/profile_information.json", profile())
    write(root, f"{base}/posts/your_posts__check_ins__photos_and_videos_1.json", fb_json(_posts()))
    write(root, f"{base}/comments_and_reactions/comments.json", _comments("comments_v2"))
    write(
        root,
        f"{base}/comments_and_reactions/posts_and_comments.json",
        fb_json({"reactions_v2": []}),
    )
    write(
        root,
        f"{base}/groups/group_posts_and_comments.json",
        fb_json({"group_posts_v2": [post(T0 + 40, "hi cats")]}),
    )
    _messages(root, f"{base}/messages")
    write(
        root, f"{base}/messages/autofill_information.json", fb_json({"autofill_information_v2": {}})
    )
    result = run(zip_folder(root, tmp_path / "export.zip"), tmp_path)
    _check_common(result, ["hi cats"])
    assert result.warnings == []


def test_era_d_prime_2025_split_posts_files(tmp_path: Path) -> None:
    root = tmp_path / "x"
    base = "your_facebook_activity"
    posts = _posts()
    write(root, "personal_information/profile_information/profile_information.json", profile())
    write(root, f"{base}/posts/your_posts__check_ins__photos_and_videos_1.json", fb_json(posts[:6]))
    write(root, f"{base}/posts/your_posts__check_ins__photos_and_videos_2.json", fb_json(posts[6:]))
    write(root, f"{base}/comments_and_reactions/comments.json", _comments("comments_v2"))
    write(root, f"{base}/groups/your_group_posts.json", fb_json({"group_posts_v2": []}))
    _messages(root, f"{base}/messages")
    _check_common(run(zip_folder(root, tmp_path / "export.zip"), tmp_path), [])


def test_era_d_double_prime_2026_profile_posts(tmp_path: Path) -> None:
    root = tmp_path / "x"
    base = "this_profile's_activity_across_facebook"
    write(root, "personal_information/profile_information/profile_information.json", profile())
    write(root, f"{base}/posts/profile_posts_1.json", fb_json(_posts()[:2]))
    write(root, f"{base}/posts/profile_posts_2.json", fb_json([post(T0 - 100, "older page post")]))
    write(root, f"{base}/comments_and_reactions/comments.json", _comments("comments_v2"))
    result = run(zip_folder(root, tmp_path / "export.zip"), tmp_path)
    assert result.texts("post") == [
        "older page post",
        "first post, ça va? 😀",
        "on your wall Bob Friend",
    ]
    assert result.texts("comment") == ["nice one", "haha yes"]


def _e2ee(messages: list[dict]) -> str:
    doc = {
        "participants": [OWNER, FRIEND],
        "threadName": FRIEND,
        "messages": list(reversed(messages)),
    }
    return json.dumps(doc, ensure_ascii=False)  # correct UTF-8, no mojibake


def test_e2ee_download_merges_with_cutover_thread(tmp_path: Path) -> None:
    # F-18: second schema; overlap with e2ee_cutover deduped on (sender, time, text)
    e2ee = tmp_path / "e2ee"
    write(
        e2ee,
        "Bob Friend_1.json",
        _e2ee(
            [
                {
                    "senderName": FRIEND,
                    "text": "ping “quoted” 😮",
                    "timestamp": (T0 + 100) * 1000,
                    "type": "text",
                },
                {
                    "senderName": OWNER,
                    "text": "pong ő",
                    "timestamp": (T0 + 101) * 1000,
                    "type": "text",
                },
                {
                    "senderName": OWNER,
                    "text": "",
                    "timestamp": (T0 + 102) * 1000,
                    "media": [{"uri": "media/1.jpg"}],
                },
                {
                    "senderName": OWNER,
                    "text": "gone",
                    "timestamp": (T0 + 103) * 1000,
                    "isUnsent": True,
                },
            ]
        ),
    )
    standard = tmp_path / "std"
    write(standard, "personal_information/profile_information/profile_information.json", profile())
    write(
        standard,
        "your_facebook_activity/messages/e2ee_cutover/bobfriend_1/message_1.json",
        thread(
            [OWNER, FRIEND],
            [msg(FRIEND, T0 + 100, "ping “quoted” 😮"), msg(OWNER, T0 + 101, "pong ő")],
        ),
    )
    result = run(
        [zip_folder(standard, tmp_path / "fb.zip"), zip_folder(e2ee, tmp_path / "messages.zip")],
        tmp_path,
    )
    assert [(r["text"], r.get("context")) for r in result.records] == [
        ("pong ő", "ping “quoted” 😮")
    ]
    assert result.summary["skipped"]["duplicate"] == 1
    assert result.summary["skipped"]["media_only"] == 1 and result.summary["skipped"]["unsent"] == 1
    assert result.summary["files_by_kind"] == {
        "messenger_e2ee_thread": 1,
        "messenger_thread": 1,
        "profile": 1,
    }


def test_e2ee_alone_finds_owner_in_every_thread(tmp_path: Path) -> None:
    e2ee = tmp_path / "e2ee"
    write(
        e2ee,
        "Bob Friend_1.json",
        _e2ee([{"senderName": OWNER, "text": "a", "timestamp": T0 * 1000}]),
    )
    other = {
        "participants": [OWNER, "Cy"],
        "threadName": "Cy",
        "messages": [{"senderName": "Cy", "text": "b", "timestamp": T0 * 1000}],
    }
    write(e2ee, "Cy_1.json", json.dumps(other))
    result = run(e2ee, tmp_path)
    assert result.summary["owner"] == OWNER and result.texts() == ["a"]


def test_messages_from_many_split_files_get_context_across_files(tmp_path: Path) -> None:
    root = tmp_path / "x"
    write(root, "profile_information/profile_information.json", profile())
    base = "messages/inbox/bob_1"
    write(root, f"{base}/message_2.json", thread([OWNER, FRIEND], [msg(FRIEND, T0, "question?")]))
    write(root, f"{base}/message_1.json", thread([OWNER, FRIEND], [msg(OWNER, T0 + 5, "answer!")]))
    result = run(root, tmp_path)
    assert result.by_text("answer!")["context"] == "question?"


def test_recent_standard_export_without_e2ee_download_gets_a_note(tmp_path: Path) -> None:
    # F-18: chats from 2024 on are likely missing when only the standard export is given
    root = tmp_path / "x"
    write(root, "profile_information/profile_information.json", profile())
    recent = 1_710_000_000  # 2024-03
    write(
        root,
        "messages/inbox/bob_1/message_1.json",
        thread([OWNER, FRIEND], [msg(OWNER, recent, "new")]),
    )
    result = run(root, tmp_path)
    assert len(result.summary["notes"]) == 1
    assert "no end-to-end-encrypted chat download" in result.summary["notes"][0]
    write(
        root,
        "messages/inbox/bob_1/message_1.json",
        thread([OWNER, FRIEND], [msg(OWNER, T0, "old")]),
    )
    assert run(root, tmp_path).summary["notes"] == []
