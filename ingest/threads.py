"""One Messenger conversation → the owner's messages, each with the message it answered.

Parts of a thread (``message_1..N``, several zips, the E2EE download) arrive together; they are
merged, exact copies dropped, and put in time order with a stable tiebreak (file order, oldest
first) before pairing each owner message with the last message someone else sent before it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from ingest.dates import iso_utc
from ingest.filters import is_system_line
from ingest.items import Message, Thread
from ingest.owner import name_key
from ingest.records import Record
from ingest.text import only_placeholders


def merge_parts(parts: list[Thread]) -> tuple[list[str], list[Message]]:
    """All parts in ascending time, duplicates removed; returns (participants, messages)."""
    participants: dict[str, str] = {}
    seen: set[tuple[str, object, str | None]] = set()
    merged: list[Message] = []
    for part in parts:
        for name in part.participants:
            participants.setdefault(name_key(name), name)
        ordered = reversed(part.messages) if part.newest_first else part.messages
        for msg in ordered:
            key = (msg.sender, msg.when, msg.text)
            if key in seen:
                continue
            seen.add(key)
            merged.append(msg)
    undated = [m for m in merged if m.when is None]
    merged = [m for m in merged if m.when is not None]
    merged.sort(key=lambda m: m.when)  # stable: ties keep file order
    if undated:
        merged.extend(undated)
    return list(participants.values()), merged


def thread_records(
    parts: list[Thread],
    owner: str,
    clean: Callable[[str], str],
    skipped: Counter[str],
) -> Iterator[tuple[Record, bool]]:
    """Yield ``(record, local_time)`` for each owner message that carries writing."""
    participants, messages = merge_parts(parts)
    owner_key = name_key(owner)
    names = participants or sorted({m.sender for m in messages})
    scope = "\x1f".join(sorted(name_key(n) for n in names))
    last_other: Message | None = None
    for msg in messages:
        mine = name_key(msg.sender) == owner_key
        if not mine:
            if msg.text is not None and msg.skip is None and is_system_line(msg.text):
                continue  # "Anna named the group" answers nothing and is answered by nothing
            last_other = msg
            skipped["not_by_owner"] += 1
            continue
        if msg.skip or msg.text is None:
            skipped[msg.skip or "empty"] += 1
            continue
        if msg.when is None:
            skipped["no_date"] += 1
            continue
        if is_system_line(msg.text):
            skipped["system_line"] += 1
            continue
        text = clean(msg.text)
        if not text:
            skipped["empty"] += 1
            continue
        if only_placeholders(text):
            skipped["link_or_contact_only"] += 1
            continue
        context = ""
        if last_other is not None and last_other.text and not last_other.skip:
            context = clean(last_other.text)
        yield Record(iso_utc(msg.when), "message", scope, text, context), msg.local_time
