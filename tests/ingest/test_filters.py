"""System lines (F-15), app-generated posts (F-23) and reply mentions (F-8)."""

from __future__ import annotations

import pytest

from ingest.filters import is_app_post, is_system_line, strip_reply_mention


@pytest.mark.parametrize(
    "line",
    [
        "You named the group marathon.",
        "Anna changed the group name to Friday beers.",
        "Anna changed the group photo.",
        "Anna added Bob Smith to the group.",
        "Anna removed Bob Smith from the group.",
        "Bob left the group.",
        "Anna set the nickname for Bob to Bobby.",
        "Anna set her own nickname to Queen.",
        "You changed the chat theme to Love.",
        "Anna set the quick reaction to 👍.",
        "Anna started a video call.",
        "Anna missed your call.",
        "The video chat ended.",
        "Anna started sharing video.",
        "Anna created a poll: Where to?",
        'Bob voted for "Pub" in the poll.',
        "Anna sent an attachment.",
        "Anna reacted 😮 to your message",
        "Bob liked a message",
        "Anna pinned a message.",
        "Anna unsent a message",
        "This message was deleted.",
        "You are now connected on Messenger.",
        "You can now message and call each other and see info like Active Status.",
        "Say hi to your new Facebook friend, Anna.",
        "Anna waved at you!",
        "Anna turned on disappearing messages.",
        "Anna shared a location.",
        "Anna a nommé le groupe Les potes.",
        "Anna a quitté le groupe.",
        "L’appel est terminé.",
        "Anna hat die Gruppe verlassen.",
        "Anna hat einen Videoanruf gestartet.",
        "Anna nombró el grupo Amigos.",
        "La videollamada finalizó.",
        "Anna ha abbandonato il gruppo.",
        "Anna elnevezte a csoportot: Barátok.",
    ],
)
def test_system_lines_are_recognised(line: str) -> None:
    assert is_system_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "marathon?",
        "call me when you're home",
        "the group project is due tomorrow",
        "I left the group because it was boring tbh",  # no: a sentence of the owner's own
        "lol",
        "we named the dog Rex",
        "x" * 400,
    ],
)
def test_real_writing_is_kept(line: str) -> None:
    assert not is_system_line(line)


def test_app_posts() -> None:
    assert is_app_post("Ann listened to Yesterday by The Beatles on Spotify.")
    assert is_app_post("Ann posted a photo via Instagram.")
    assert not is_app_post("Ann updated her status.")
    assert not is_app_post(None)


def test_reply_mention_is_stripped_only_when_it_is_the_target() -> None:
    title = "Ann replied to Bob Smith's comment."
    assert strip_reply_mention("Bob Smith haha yes", title) == "haha yes"
    assert strip_reply_mention("Bobby haha", title) == "Bobby haha"
    assert strip_reply_mention("Bob Smith", title) == "Bob Smith"  # nothing else left: keep
    assert strip_reply_mention("Bob Smith haha", None) == "Bob Smith haha"


def test_system_hint_pattern_finds_exactly_the_hints() -> None:
    # the prefix-factored hint regex must accept what a plain "any hint in text" test accepts
    from ingest.filters import _SYSTEM_HINT, _SYSTEM_HINTS

    for hint in _SYSTEM_HINTS:
        assert _SYSTEM_HINT.search(f"xx {hint}yy") is not None
    for text in ("gru", "grou", "calm", "each othe", "sent", "enví", "the", "nic k", ""):
        assert _SYSTEM_HINT.search(text) is None
