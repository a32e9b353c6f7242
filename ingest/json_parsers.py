"""JSON export files, recognised by their shape (keys), never by their path.

One function per shape: standard Messenger thread, E2EE Messenger thread, posts, comments, group
posts and comments, notes, profile, other people's wall posts. Paths moved five times between
2018 and 2026; the keys inside barely changed, so shape is what we trust.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ingest.dates import epoch_ms, epoch_to_utc
from ingest.filters import SYSTEM_TYPES
from ingest.items import Item, Message, NotUnderstood, Parsed, Thread
from ingest.text import fix_mojibake

_MEDIA_KEYS = ("photos", "videos", "gifs", "audio_files", "files")
# Top-level keys of files that hold no writing: read, recognised, quietly passed over.
_NON_TEXT_KEYS = frozenset(
    {
        "reactions",
        "reactions_v2",
        "friends",
        "friends_v2",
        "likes",
        "likes_v2",
        "group_membership_v2",
        "groups_joined",
        "groups_admined_v2",
        "pages_followed_v2",
        "autofill_information_v2",
        "secret_conversations",
        "messaging_settings",
        "your_chat_settings_on_web_v2",
        "received_requests_v2",
        "sent_requests_v2",
    }
)

Fix = Callable[[str], str]


def _text(value: Any, fix: Fix) -> str:
    return fix(value) if isinstance(value, str) else ""


def load_json(data: bytes, origin: str) -> Any:
    """Decode one JSON file (a BOM is fine); raise NotUnderstood with a one-line reason."""
    try:
        # strict=False: a raw tab or newline inside a string is no reason to drop the file
        return json.loads(data.decode("utf-8-sig"), strict=False)
    except UnicodeDecodeError as exc:
        raise NotUnderstood(f"{origin}: not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise NotUnderstood(
            f"{origin}: invalid or truncated JSON ({exc.msg}, line {exc.lineno})"
        ) from exc


# ---- Messenger ---------------------------------------------------------------------------------


def _is_thread(doc: Any) -> bool:
    """A thread is a dict whose ``messages`` are dicts with a sender and a time.

    ``participants`` is optional (F-19: real threads exist without it), so it is not required.
    """
    if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
        return False
    msgs = doc["messages"]
    if not msgs:
        return "participants" in doc or "threadName" in doc or "thread_path" in doc
    first = msgs[0]
    return isinstance(first, dict) and (
        ("sender_name" in first and "timestamp_ms" in first)
        or ("senderName" in first and "timestamp" in first)
    )


def _why_no_text(msg: dict[str, Any]) -> str:
    if msg.get("is_unsent") or msg.get("isUnsent"):
        return "unsent"
    if str(msg.get("type", "")).lower() == "call" or "call_duration" in msg:
        return "call"
    if msg.get("sticker"):
        return "sticker_only"
    if any(msg.get(key) for key in _MEDIA_KEYS) or msg.get("media") or msg.get("share"):
        return "media_only"
    return "empty"


def _standard_thread(doc: dict[str, Any]) -> Thread:
    cache: dict[str, str] = {}

    def name(raw: Any) -> str:
        if not isinstance(raw, str):
            return ""
        fixed = cache.get(raw)
        if fixed is None:
            fixed = cache[raw] = fix_mojibake(raw)
        return fixed

    participants = [
        name(p.get("name")) for p in doc.get("participants") or [] if isinstance(p, dict)
    ]
    # The loop below runs once per message of the export: each test is the cheapest form that
    # gives the same answer (``isspace`` instead of building ``strip()``'s copy, ``type`` read
    # only when present).
    messages = []
    append = messages.append
    for msg in doc["messages"]:
        if not isinstance(msg, dict):
            continue
        content = msg.get("content")
        text = content if isinstance(content, str) and content and not content.isspace() else None
        skip = None
        if msg.get("is_unsent"):
            skip, text = "unsent", None
        elif text is None:
            skip = _why_no_text(msg)
        else:
            kind = msg.get("type")  # absent means "Generic"
            if kind is not None and str(kind).lower() in SYSTEM_TYPES:
                skip = "system_line"
        append(Message(name(msg.get("sender_name")), epoch_ms(msg.get("timestamp_ms")), text, skip))
    return Thread(participants, messages, newest_first=True, mojibake=True)


def _e2ee_thread(doc: dict[str, Any]) -> Thread:
    """The 2024+ end-to-end-encrypted download: camelCase keys, correct UTF-8 (no fix)."""
    participants = [
        p if isinstance(p, str) else str(p.get("name", ""))
        for p in doc.get("participants") or []
        if isinstance(p, (str, dict))
    ]
    messages = []
    for msg in doc["messages"]:
        if not isinstance(msg, dict):
            continue
        raw = msg.get("text")
        text = raw if isinstance(raw, str) and raw.strip() else None
        skip = None
        if msg.get("isUnsent"):
            skip, text = "unsent", None
        elif text is None:
            skip = _why_no_text(msg)
        elif str(msg.get("type", "text")).lower() in {"call", "subscribe", "unsubscribe", "system"}:
            skip = "system_line"
        sender = msg.get("senderName") if isinstance(msg.get("senderName"), str) else ""
        messages.append(Message(sender, epoch_ms(msg.get("timestamp")), text, skip))
    return Thread(participants, messages, newest_first=_newest_first(messages), e2ee=True)


def _newest_first(messages: list[Message]) -> bool:
    """E2EE files are not documented as newest-first like the standard export; look."""
    times = [m.ms for m in messages if m.ms is not None]
    return len(times) >= 2 and times[0] > times[-1]


# ---- posts, comments, notes --------------------------------------------------------------------


def _post_item(post: dict[str, Any], kind: str, parsed: Parsed) -> None:
    """Harvest what the owner typed: every ``data[].post`` piece, plus note/text attachments."""
    when = epoch_to_utc(post.get("timestamp"))
    title = _text(post.get("title"), fix_mojibake) or None
    pieces: list[str] = []
    for entry in post.get("data") or []:
        if isinstance(entry, dict):
            piece = _text(entry.get("post"), fix_mojibake).strip()
            if piece and piece not in pieces:  # the same caption twice is written once (F-7)
                pieces.append(piece)
    has_media = has_link = has_note = False
    for attachment in post.get("attachments") or []:
        entries = attachment.get("data") if isinstance(attachment, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            note = entry.get("note")
            if isinstance(note, dict) and _text(note.get("text"), fix_mojibake).strip():
                has_note = True
                parsed.items.append(
                    Item(
                        "note",
                        epoch_to_utc(note.get("created_timestamp")) or when,
                        _text(note.get("text"), fix_mojibake),
                        _text(note.get("title"), fix_mojibake) or None,
                    )
                )
                continue
            piece = _text(entry.get("text"), fix_mojibake).strip()
            if piece and piece not in pieces:
                pieces.append(piece)
            has_media = has_media or "media" in entry
            has_link = has_link or "external_context" in entry
    if pieces:
        parsed.items.append(Item(kind, when, "\n".join(pieces), title))
    elif has_note:
        pass  # the note itself was harvested above
    elif has_link or (title and not has_media):
        parsed.skipped["share_or_title_only"] += 1
    elif has_media:
        parsed.skipped["media_only"] += 1
    else:
        parsed.skipped["empty"] += 1


def _comment_item(comment: dict[str, Any], kind: str, parsed: Parsed) -> None:
    title = _text(comment.get("title"), fix_mojibake) or None
    found = False
    for entry in comment.get("data") or []:
        inner = entry.get("comment") if isinstance(entry, dict) else None
        if not isinstance(inner, dict):
            continue
        found = True
        text = _text(inner.get("comment"), fix_mojibake)
        if not text.strip():
            parsed.skipped["media_only" if comment.get("attachments") else "empty"] += 1
            continue
        item_kind = "group_comment" if inner.get("group") or kind == "group_comment" else "comment"
        when = epoch_to_utc(inner.get("timestamp") or comment.get("timestamp"))
        author = _text(inner.get("author"), fix_mojibake) or None
        parsed.items.append(Item(item_kind, when, text, title, author))
    if not found:
        parsed.skipped["media_only" if comment.get("attachments") else "empty"] += 1


def _note_item(note: dict[str, Any], parsed: Parsed) -> None:
    text = _text(note.get("text"), fix_mojibake)
    if not text.strip():
        parsed.skipped["empty"] += 1
        return
    when = epoch_to_utc(note.get("created_timestamp") or note.get("timestamp"))
    parsed.items.append(Item("note", when, text, _text(note.get("title"), fix_mojibake) or None))


def _records_list(value: Any) -> list[Any]:
    """Lists come bare or wrapped as ``{"activity_log_data": [...]}`` depending on the year."""
    if isinstance(value, dict):
        value = value.get("activity_log_data", [])
    return value if isinstance(value, list) else []


def _looks_like_posts(doc: Any) -> bool:
    return isinstance(doc, list) and all(
        isinstance(p, dict) and "timestamp" in p and ({"data", "attachments", "title"} & p.keys())
        for p in doc[:20]
    )


def _looks_like_notes(doc: Any) -> bool:
    return (
        isinstance(doc, list)
        and bool(doc)
        and all(
            isinstance(n, dict) and "text" in n and ("created_timestamp" in n or "timestamp" in n)
            for n in doc[:20]
        )
    )


def _profile_name(doc: dict[str, Any]) -> str | None:
    profile = doc.get("profile_v2") or doc.get("profile")
    if not isinstance(profile, dict):
        return None
    name = profile.get("name")
    if isinstance(name, dict):
        full = _text(name.get("full_name"), fix_mojibake).strip()
        return full or None
    return _text(name, fix_mojibake).strip() or None


def _keyed_sections(doc: dict[str, Any], parsed: Parsed) -> bool:
    """Dicts holding posts/comments/notes under a named key; True if any key was ours."""
    ours = False
    for key, value in doc.items():
        lowered = key.lower()
        if lowered in {"status_updates", "status_updates_v2"}:
            ours = True
            for post in _records_list(value):
                if isinstance(post, dict):
                    _post_item(post, "post", parsed)
        elif lowered.startswith("group_posts"):
            ours = True
            for post in _records_list(value):
                if isinstance(post, dict):
                    _post_item(post, "group_post", parsed)
        elif lowered.startswith("group_comments"):
            ours = True
            for comment in _records_list(value):
                if isinstance(comment, dict):
                    _comment_item(comment, "group_comment", parsed)
        elif lowered in {"comments", "comments_v2"}:
            ours = True
            for comment in _records_list(value):
                if isinstance(comment, dict):
                    _comment_item(comment, "comment", parsed)
        elif lowered in {"notes", "notes_v2"}:
            ours = True
            for note in _records_list(value):
                if isinstance(note, dict):
                    _note_item(note, parsed)
        elif lowered.startswith("wall_posts_sent_to_you"):
            ours = True  # written by other people: never the owner's text (format doc §3.2)
            parsed.skipped["others_posts_on_timeline"] += len(_records_list(value))
    return ours


def parse_json_doc(doc: Any, origin: str) -> Parsed:
    """Dispatch one decoded JSON document by shape; NotUnderstood when no shape fits."""
    if _is_thread(doc):
        first = doc["messages"][0] if doc["messages"] else {}
        participants = doc.get("participants") or []
        if "senderName" in first or (not first and any(isinstance(p, str) for p in participants)):
            return Parsed("messenger_e2ee_thread", threads=[_e2ee_thread(doc)])
        return Parsed("messenger_thread", threads=[_standard_thread(doc)])
    if isinstance(doc, dict):
        name = _profile_name(doc)
        if name is not None:
            return Parsed("profile", owner_hint=name)
        parsed = Parsed("posts_or_comments")
        if _keyed_sections(doc, parsed):
            parsed.label = _label(parsed)
            return parsed
        if doc and set(doc) <= _NON_TEXT_KEYS:
            return Parsed("other_without_text")
        keys = ", ".join(sorted(doc)[:4]) or "none"
        raise NotUnderstood(f"{origin}: JSON of an unknown shape (top-level keys: {keys})")
    if _looks_like_posts(doc):
        parsed = Parsed("posts")
        for post in doc:
            _post_item(post, "post", parsed)
        return parsed
    if _looks_like_notes(doc):
        parsed = Parsed("notes")
        for note in doc:
            _note_item(note, parsed)
        return parsed
    kind = f"a list of {len(doc)} items" if isinstance(doc, list) else type(doc).__name__
    raise NotUnderstood(f"{origin}: JSON of an unknown shape ({kind})")


def _label(parsed: Parsed) -> str:
    kinds = sorted({item.kind for item in parsed.items})
    return "+".join(kinds) if kinds else "posts_or_comments"
