"""One Messenger conversation → the owner's messages, each with the message it answered.

Parts of a thread (``message_1..N``, several zips) arrive together; they are merged, exact
copies dropped, and put in time order with a stable tiebreak (file order, oldest first) before
pairing each owner message with the last message someone else sent before it.

This is the hot loop of a large export (millions of messages), so work is done only for what is
kept: mojibake fixing, cleaning and the system-line test run on owner messages and on the
messages actually used as context, never on the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from operator import attrgetter

from ingest.dates import ms_to_iso
from ingest.filters import is_system_line
from ingest.items import Message, Thread
from ingest.owner import name_key
from ingest.records import Record
from ingest.text import fix_mojibake, only_placeholders

_BY_TIME = attrgetter("ms")


def _same(text: str) -> str:
    return text


def merge_parts(parts: list[Thread]) -> tuple[list[str], list[Message], Callable[[str], str]]:
    """All parts in ascending time, duplicates removed.

    Returns (participants, messages, fix): ``fix`` is what each message text still needs.
    """
    participants: dict[str, str] = {}
    for part in parts:
        for name in part.participants:
            participants.setdefault(name_key(name), name)
    lazy = len({part.mojibake for part in parts}) == 1
    fix = fix_mojibake if lazy and parts[0].mojibake else _same
    merged: list[Message] = []
    for part in parts:
        ordered = list(reversed(part.messages)) if part.newest_first else list(part.messages)
        if part.mojibake and not lazy:  # a mixed merge: fix this part now
            for msg in ordered:
                msg.text = fix_mojibake(msg.text) if msg.text else msg.text
        merged.extend(ordered)
    if len(parts) > 1:  # overlapping parts (incremental exports, the same file in two zips)
        seen: set[tuple[str, int | None, str | None]] = set()
        unique = []
        for msg in merged:
            key = (msg.sender, msg.ms, msg.text)
            if key not in seen:
                seen.add(key)
                unique.append(msg)
        merged = unique
    dated = [m for m in merged if m.ms is not None]
    dated.sort(key=_BY_TIME)  # stable: ties keep file order
    return list(participants.values()), dated + [m for m in merged if m.ms is None], fix


def thread_records(
    parts: list[Thread],
    owner: str,
    clean: Callable[[str], str],
    skipped: Counter[str],
) -> Iterator[tuple[Record, bool]]:
    """Yield ``(record, local_time)`` for each owner message that carries writing."""
    participants, messages, fix = merge_parts(parts)
    owner_key = name_key(owner)
    senders = {m.sender for m in messages}
    mine = {s for s in senders if name_key(s) == owner_key}
    names = participants or sorted(senders)
    scope = "\x1f".join(sorted(name_key(n) for n in names))
    last_other: Message | None = None
    context_of: tuple[Message | None, str] = (None, "")  # memo: one context serves a burst
    others = 0  # counted here, added to ``skipped`` once: this branch runs for half the export
    for msg in messages:
        if msg.sender not in mine:
            last_other = msg
            others += 1
            continue
        if msg.skip or msg.text is None:
            skipped[msg.skip or "empty"] += 1
            continue
        timestamp = ms_to_iso(msg.ms) if msg.ms is not None else None
        if timestamp is None:
            skipped["no_date"] += 1
            continue
        raw = fix(msg.text)
        if is_system_line(raw):
            skipped["system_line"] += 1
            continue
        text = clean(raw)
        if not text:
            skipped["empty"] += 1
            continue
        if only_placeholders(text):
            skipped["link_or_contact_only"] += 1
            continue
        if context_of[0] is not last_other:
            context_of = (last_other, _context(last_other, fix, clean))
        yield Record(timestamp, "message", scope, text, context_of[1]), msg.local_time
    skipped["not_by_owner"] += others


def _context(other: Message | None, fix: Callable[[str], str], clean: Callable[[str], str]) -> str:
    """The answered message's text; none when it was media, unsent, or a system line
    ("Anna named the group" is answered by nothing)."""
    if other is None or other.skip or not other.text:
        return ""
    raw = fix(other.text)
    return "" if is_system_line(raw) else clean(raw)
