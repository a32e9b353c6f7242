# ruff: noqa: E501  (fixture markup and expected texts read best unwrapped)
"""Invented HTML exports: era A (≤2017 wall + messages), A′ (per-thread files), B (2018 DYI
classes), C (2022+ ``_a6-*`` classes, French UI). Covers F-9, F-11, F-21, F-22 for HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import EXIT_NO_OWNER_TEXT, IngestError
from tests.ingest.helpers import FRIEND, OWNER, run, write, zip_folder

ERA_A_WALL = f"""<html><head><title>{OWNER} - Wall</title></head><body>
<div class="contents"><h1>{OWNER}</h1>
<div><div class="meta">Tuesday, March 1, 2011 at 9:15am UTC</div>{OWNER} updated her status.
<div class="comment">first status &amp; stuff</div></div>
<div><div class="meta">Wednesday, March 2, 2011 at 10:00am UTC</div>{FRIEND} wrote on {OWNER}'s Wall.
<div class="comment">hello from Bob</div></div>
<div><div class="meta">sometime</div>{OWNER} updated her status.<div class="comment">lost date</div></div>
</div></body></html>"""

ERA_A_THREAD = f"""<div class="thread">{OWNER}, {FRIEND}
<div class="message"><div class="message_header"><span class="user">{OWNER}</span>
<span class="meta">Tuesday, March 1, 2011 at 10:06am UTC+01</span></div></div><p>fine, thx</p>
<div class="message"><div class="message_header"><span class="user">{FRIEND}</span>
<span class="meta">Tuesday, March 1, 2011 at 10:05am UTC+01</span></div></div><p>how are you?</p>
<div class="message"><div class="message_header"><span class="user">{OWNER}</span>
<span class="meta">Tuesday, March 1, 2011 at 10:04am UTC+01</span></div></div><p></p>
</div>"""


def test_era_a_zip_wall_and_messages(tmp_path: Path) -> None:
    root = tmp_path / "x"
    write(root, "index.htm", "<html><body><h1>Profile</h1></body></html>")
    write(root, "html/wall.htm", ERA_A_WALL)
    write(root, "html/friends.htm", "<html><body><ul><li>Bob</li></ul></body></html>")
    write(
        root,
        "html/messages.htm",
        f'<html><body><div class="contents"><h1>{OWNER}</h1><div>{ERA_A_THREAD}</div></div></body></html>',
    )
    write(root, "photos/1.jpg", b"\xff\xd8 not text")
    result = run(zip_folder(root, tmp_path / "facebook-ann.zip"), tmp_path)
    assert result.summary["owner"] == OWNER
    assert [(r["kind"], r["timestamp"], r["text"], r.get("context")) for r in result.records] == [
        ("message", "2011-03-01T09:06:00Z", "fine, thx", "how are you?"),  # 10:06 UTC+01
        ("post", "2011-03-01T09:15:00Z", "first status & stuff", None),
    ]
    skipped = result.summary["skipped"]
    assert skipped["not_by_owner"] == 2  # Bob's wall post and Bob's message
    assert skipped["date_not_understood"] == 1
    assert skipped["media_only"] == 1  # the empty <p>
    assert result.summary["other_files_ignored"] == 3  # the photo (never read), index, friends
    assert result.warnings == []  # index.htm / friends.htm are not text sources


def test_era_a_prime_index_and_thread_files(tmp_path: Path) -> None:
    root = tmp_path / "x"
    write(
        root,
        "html/messages.htm",
        f'<html><body><div class="contents"><h1>{OWNER}</h1>'
        f'<a href="../messages/1.html">{FRIEND}</a></div></body></html>',
    )
    write(root, "messages/1.html", f"<html><body><div>{ERA_A_THREAD}</div></body></html>")
    result = run(root, tmp_path)
    assert result.summary["owner"] == OWNER
    assert [(r["text"], r["context"]) for r in result.records] == [("fine, thx", "how are you?")]
    assert result.summary["files_by_kind"] == {"messenger_html_2010s": 1, "messenger_index_html": 1}


ERA_B_BOX = "pam _3-95 _2pi0 _2lej uiBoxWhite noborder"
ERA_B_POSTS = f"""<html><head><title>Your Posts</title></head><body><div class="_4t5n" role="main">
<div class="{ERA_B_BOX}">
 <div class="_3-96 _2pio _2lek _2lel">{OWNER} updated her status.</div>
 <div class="_3-96 _2let"><div><div class="_2pin"><div>Tom &amp; Jerry&#039;s day with
 @[100001:2048:{FRIEND}]</div></div><div class="_2pin"><div>Updated 6 May 2019, 17:32</div></div></div></div>
 <div class="_3-94 _2lem"><a href="https://www.facebook.com/dyi/l/?l=x">6 May 2019, 17:30</a></div>
</div>
<div class="{ERA_B_BOX}">
 <div class="_3-96 _2pio _2lek _2lel">{OWNER} shared a link.</div>
 <div class="_3-96 _2let"><div><div><a href="https://example.com">https://example.com</a></div></div></div>
 <div class="_3-94 _2lem">7 May 2019, 08:00</div>
</div></div></body></html>"""

ERA_B_THREAD = f"""<html><body><div class="_4t5n" role="main">
<div class="{ERA_B_BOX}"><div class="_3b0d">{FRIEND}</div><div class="_2lek">Participants: {FRIEND}</div></div>
<div class="{ERA_B_BOX}"><div class="_3-96 _2pio _2lek _2lel">{OWNER}</div>
 <div class="_3-96 _2let"><div><div></div><div>sure, at 8</div><div></div><div></div></div></div>
 <div class="_3-94 _2lem">Dec 15, 2015, 3:22 AM</div></div>
<div class="{ERA_B_BOX}"><div class="_3-96 _2pio _2lek _2lel">{FRIEND}</div>
 <div class="_3-96 _2let"><div><div></div><div>dinner tonight?</div><div></div>
 <div><ul class="_tqp"><li>❤{OWNER}</li></ul></div></div></div>
 <div class="_3-94 _2lem">Dec 15, 2015, 3:20 AM</div></div>
</div></body></html>"""


def test_era_b_html_posts_and_messenger(tmp_path: Path) -> None:
    root = tmp_path / "x"
    write(root, "posts/your_posts_1.html", ERA_B_POSTS)
    write(root, "messages/inbox/bobfriend_abc/message_1.html", ERA_B_THREAD)
    write(root, "messages/inbox/cy_def/message_1.html", ERA_B_THREAD.replace(FRIEND, "Cy Other"))
    result = run(root, tmp_path)
    assert result.summary["owner"] == OWNER  # the one sender of every thread
    assert result.by_text("Tom & Jerry's day with Bob Friend") == {
        "source": "facebook",
        "kind": "post",
        "timestamp": "2019-05-06T17:30:00Z",
        "text": "Tom & Jerry's day with Bob Friend",
    }
    messages = [(r["text"], r["context"]) for r in result.records if r["kind"] == "message"]
    assert messages == [("sure, at 8", "dinner tonight?")] * 2  # two threads, same words: both kept
    assert result.summary["skipped"]["share_or_title_only"] == 1
    assert result.summary["html_dates_without_time_zone"] == 3


ERA_C_POSTS = f"""<html><head><base href="../"><title>Vos publications</title>
<style>._a6-g{{margin:0}}</style></head><body><div class="_a706" role="main">
<div class="_3-95 _a6-g">
 <div class="_2ph_ _a6-h _a6-i">{OWNER} a publié quelque chose.</div>
 <div class="_2ph_ _a6-p"><div><div class="_2pin"><div>Joyeux Noël à tous ! 🎄</div></div>
 <div class="_2pin"><div><div></div></div></div>
 <div class="_2pin"><div>Mis à jour : déc 20, 2015 3:55:41pm</div></div></div></div>
 <div class="_3-94 _a6-o"><a href="https://www.facebook.com/dyi/l/?l=x"><div class="_a72d">déc 17, 2015 9:34:15am</div></a></div>
</div>
<div class="_3-95 _a6-g"><div class="_2ph_ _a6-h _a6-i">{OWNER} a partagé un lien.</div>
 <div class="_2ph_ _a6-p"><div><div class="_2pin"><div></div></div></div></div>
 <div class="_3-94 _a6-o"><div class="_a72d">déc 18, 2015 1:00:00pm</div></div></div>
</div></body></html>"""

ERA_C_COMMENTS = f"""<html><body><div class="_a706" role="main">
<div class="_3-95 _a6-g"><div class="_2ph_ _a6-h _a6-i">{OWNER} a commenté la publication de {FRIEND}.</div>
 <div class="_2ph_ _a6-p"><div><div class="_2pin"><div>trop bien</div></div></div></div>
 <div class="_3-94 _a6-o"><div class="_a72d">janv. 2, 2016 8:00:00am</div></div></div>
</div></body></html>"""

ERA_C_THREAD = f"""<html><body><div class="_a706" role="main">
<section class="_a6-g"><h2 class="_3-95 _2pim _a6-h _a6-i">{OWNER}</h2>
 <div class="_3-95 _a6-p"><div><div></div><div>à demain</div></div></div>
 <footer class="_3-94 _a6-o"><div class="_a72d">févr. 3, 2016 10:01:00pm</div></footer></section>
<section class="_a6-g"><h2 class="_3-95 _2pim _a6-h _a6-i">{FRIEND}</h2>
 <div class="_3-95 _a6-p"><div><div></div><div>on se voit demain ?</div></div></div>
 <footer class="_3-94 _a6-o"><div class="_a72d">févr. 3, 2016 10:00:00pm</div></footer></section>
</div></body></html>"""


def test_era_c_html_french_zip(tmp_path: Path) -> None:
    root = tmp_path / "x"
    base = "your_facebook_activity"
    write(root, f"{base}/posts/your_posts__check_ins__photos_and_videos_1.html", ERA_C_POSTS)
    write(root, f"{base}/comments_and_reactions/comments.html", ERA_C_COMMENTS)
    write(root, f"{base}/messages/inbox/bob_1/message_1.html", ERA_C_THREAD)
    result = run(zip_folder(root, tmp_path / "export.zip"), tmp_path, owner=OWNER)
    assert [(r["kind"], r["timestamp"], r["text"], r.get("context")) for r in result.records] == [
        ("post", "2015-12-17T09:34:15Z", "Joyeux Noël à tous ! 🎄", None),
        ("comment", "2016-01-02T08:00:00Z", "trop bien", None),
        ("message", "2016-02-03T22:01:00Z", "à demain", "on se voit demain ?"),
    ]
    assert result.summary["skipped"]["share_or_title_only"] == 1  # empty shell, title only


def test_unrelated_html_and_json_give_the_zero_output_error(tmp_path: Path) -> None:
    # F-9: an export of an unknown layout must fail loudly, not yield an empty corpus
    root = tmp_path / "x"
    write(root, "stuff/page.html", "<html><body><p>hello</p></body></html>")
    write(root, "stuff/data.json", '{"numbers": [1, 2]}')
    write(root, "posts/your_posts_1.json", "[]")
    with pytest.raises(IngestError) as caught:
        run(root, tmp_path)
    assert caught.value.exit_code == EXIT_NO_OWNER_TEXT
    assert "1 files read (1 posts), 0 posts, 0 comments, 0 messages by the owner" in str(
        caught.value
    )
    assert not (tmp_path / "corpus.jsonl").exists()


def test_era_a_wall_alone_keeps_the_owners_entries_only(tmp_path: Path) -> None:
    result = run(write(tmp_path, "wall.htm", ERA_A_WALL), tmp_path)
    assert result.summary["owner"] == OWNER  # from the page heading
    assert result.texts() == ["first status & stuff"]
