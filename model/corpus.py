"""Read a corpus into records and render records into the one text the model trains on.

A record is one thing the owner wrote, with the message it answered (``context``) when there is
one. Rendering (``render_record``) is the contract between training and sampling::

    BOS  context  SEP  text  EOS        (a reply)
    BOS  SEP  text  EOS                 (a post: empty context)

so the model learns where a post ends (``EOS``) and how the owner answers a message; sampling
primes with ``BOS context SEP`` (reply) or ``BOS SEP`` (post) and stops at ``EOS``. Contexts are
cut to their last ``CONTEXT_CHARS`` characters, in training and in sampling alike.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from model.vocab import BOS, EOS, SEP
from shitpostbot.errors import ShitpostBotError

#: How much of a context (or of a bot prompt) the model sees: its last this-many characters.
CONTEXT_CHARS = 256

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # keeps \t and \n
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SPEAKER = re.compile(r"^[^\n:]{1,40}:\n")
_TRAILING_PUNCTUATION = re.compile(r"[\s.!?,;:…]+$")

#: Share of training contexts that lose their trailing punctuation (see ``loosen_contexts``).
LOOSE_CONTEXT_FRACTION = 0.5


class CorpusError(ShitpostBotError):
    """The training corpus cannot be read or is unusable."""


@dataclass(frozen=True)
class Record:
    text: str
    context: str | None = None


@dataclass(frozen=True)
class CorpusFacts:
    sha256: str
    size_bytes: int


def clean_text(text: str) -> str:
    """Normalise newlines and drop control characters, so reserved markers never leak in."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def render_record(record: Record) -> str:
    context = (record.context or "")[-CONTEXT_CHARS:]
    return f"{BOS}{context}{SEP}{record.text}{EOS}"


def render(records: list[Record]) -> str:
    return "".join(render_record(r) for r in records)


def prompt_prefix(message: str | None) -> str:
    """What sampling feeds the model before the owner's text: ``message`` as a context."""
    context = clean_text(message)[-CONTEXT_CHARS:] if message else ""
    return f"{BOS}{context}{SEP}"


def read_corpus(path: str | Path, *, dialogue: bool = False) -> tuple[list[Record], CorpusFacts]:
    """Read ``.jsonl`` (ingest output) or plain text (one record per blank-line-separated block).

    A ``.json`` file may hold JSON Lines too, or one array of the same record objects.

    ``dialogue`` (plain text only) treats the blocks as turns of one conversation, the way a
    play or a chat log reads: each block gets the previous block as its context, and a first
    line that is only a speaker label (``ROMEO:``) is dropped from both.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read corpus ({exc.strerror or exc})") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    suffix = path.suffix.lower()
    if suffix == ".json" and content.lstrip().startswith("["):
        records = _parse_json_array(path, content)
    elif suffix in {".jsonl", ".json"}:
        records = _parse_jsonl(path, content)
    else:
        records = _parse_text(content, dialogue)
    if not records:
        raise CorpusError(f"{path}: the corpus holds no text")
    return records, CorpusFacts(hashlib.sha256(raw).hexdigest(), len(raw))


def _parse_jsonl(path: Path, content: str) -> list[Record]:
    records = []
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        record = _record_from(item, f"{path}:{number}")
        if record is not None:
            records.append(record)
    return records


def _parse_json_array(path: Path, content: str) -> list[Record]:
    """A hand-made ``.json`` corpus: one array of the same objects ingest writes per line."""
    try:
        items = json.loads(content)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(items, list):
        raise CorpusError(f"{path}: expected a JSON array of records")
    records = [_record_from(item, f"{path}: record {i}") for i, item in enumerate(items, 1)]
    return [r for r in records if r is not None]


def _record_from(item: object, where: str) -> Record | None:
    """One ``{"text": ..., "context": ...}`` object; ``None`` when its text cleans to nothing."""
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise CorpusError(f"{where}: a record needs a string field 'text'")
    context = item.get("context")
    if context is not None and not isinstance(context, str):
        raise CorpusError(f"{where}: 'context' must be a string")
    text = clean_text(item["text"])
    if not text:
        return None
    return Record(text, clean_text(context) or None if context else None)


def _parse_text(content: str, dialogue: bool) -> list[Record]:
    blocks = [clean_text(b) for b in _BLANK_LINE.split(content.replace("\r\n", "\n"))]
    blocks = [b for b in blocks if b]
    if not dialogue:
        return [Record(b) for b in blocks]
    turns = [_SPEAKER.sub("", b, count=1).strip() for b in blocks]
    turns = [t for t in turns if t]
    return [Record(t, turns[i - 1] if i else None) for i, t in enumerate(turns)]


def loosen_contexts(records: list[Record], seed: int) -> list[Record]:
    """Strip the trailing punctuation from a seeded half of the contexts (training text only).

    Why: chat messages that mention the bot ("hey what's up") rarely end in punctuation, while
    the contexts of a play or a tidy corpus nearly always do. A model that never saw a context
    end mid-sentence treats the separator as a mere pause and continues the user's word
    ("'s the grave!"). Half the contexts ending abruptly teaches it that the owner's text
    always starts afresh after the separator. Validation text is left as written.
    """
    rng = random.Random(f"loosen-{seed}")
    out = []
    for record in records:
        if record.context and rng.random() < LOOSE_CONTEXT_FRACTION:
            loose = _TRAILING_PUNCTUATION.sub("", record.context)
            record = Record(record.text, loose or record.context)
        out.append(record)
    return out


def split_records(
    records: list[Record], val_fraction: float, seed: int
) -> tuple[list[Record], list[Record]]:
    """Hold out whole records (never pieces of one), chosen by a seeded shuffle.

    Both parts keep the corpus order, so neighbouring records stay neighbours in training.
    """
    if len(records) < 2:
        raise CorpusError("the corpus needs at least 2 records to hold one out for validation")
    n_val = min(len(records) - 1, max(1, round(len(records) * val_fraction)))
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    held_out = set(order[:n_val])
    train = [r for i, r in enumerate(records) if i not in held_out]
    val = [r for i, r in enumerate(records) if i in held_out]
    return train, val
