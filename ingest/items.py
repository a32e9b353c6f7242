"""What the parsers hand to the pipeline: raw items and threads, before any cleaning or owner test.

Parsers only know file structure; deciding what is the owner's, cleaning text and building
records happens once, in :mod:`ingest.pipeline` and :mod:`ingest.threads`, for every format.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Item:
    """A post, comment or note.

    ``author`` is set only when the file names one: a name, or (old wall pages) a sentence that
    starts with the name ("Ann updated her status.").
    """

    kind: str
    when: datetime | None
    text: str
    title: str | None = None
    author: str | None = None
    local_time: bool = False


@dataclass(slots=True)
class Message:
    """One Messenger message as stored; ``skip`` names why it carries no writing, if it doesn't.

    ``ms`` is epoch milliseconds (UTC); ``text`` is still raw (mojibake not yet fixed, see
    :attr:`Thread.mojibake`): most messages are never used, so fixing is left to the consumer.
    """

    sender: str
    ms: int | None
    text: str | None
    skip: str | None = None
    local_time: bool = False


@dataclass
class Thread:
    """Messages of one conversation (or one part of it), in file order."""

    participants: list[str]
    messages: list[Message]
    newest_first: bool = True
    mojibake: bool = False  # message texts still need :func:`ingest.text.fix_mojibake`
    e2ee: bool = False  # from the separate end-to-end-encrypted chats download


@dataclass
class Parsed:
    """Everything one file contributed. ``label`` names the file kind for the summary."""

    label: str
    items: list[Item] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    owner_hint: str | None = None
    skipped: Counter[str] = field(default_factory=Counter)


class NotUnderstood(Exception):
    """The file is readable but its shape is not one we know; the message says what it holds."""
