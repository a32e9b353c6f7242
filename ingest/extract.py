"""The per-file work: one group of entries (a file, or all parts of one thread) → records.

Kept free of shared state (its inputs and its result are plain, picklable data) so that the
pipeline can run groups in worker processes on big exports and in-process on small ones, with
the same code.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ingest.dates import iso_utc
from ingest.filters import is_app_post, strip_reply_mention, wall_post_actor
from ingest.html_parsers import parse_html
from ingest.items import Item, NotUnderstood, Parsed, Thread
from ingest.json_parsers import load_json, parse_json_doc
from ingest.owner import name_key
from ingest.records import Record
from ingest.sources import Entry, UnreadableEntry
from ingest.text import Scrubber, clean, only_placeholders
from ingest.threads import thread_records

# Paths where an unknown shape deserves a warning (elsewhere: ads, settings... quietly ignored).
_TEXT_SOURCE_HINT = re.compile(
    r"messag|post|comment|note|wall|timeline|group|profile_information", re.IGNORECASE
)


@dataclass(frozen=True)
class Settings:
    """What the per-group work needs to know about the run."""

    owner: str
    scrub: Scrubber = field(default_factory=Scrubber)
    keep_app_posts: bool = False


@dataclass
class GroupResult:
    """Records and bookkeeping from one group, merged into the summary by the pipeline."""

    records: list[Record] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    files_by_kind: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    ignored: int = 0
    local_time_dates: int = 0
    newest_standard_message_ms: int | None = None  # for the E2EE hint (F-18)
    threads: int = 0
    threads_with_owner: int = 0  # a wrong --owner or a renamed owner shows as 0 of many


def _others_timeline_posts(path: PurePosixPath) -> bool:
    """``other_people's_posts_to_your_timeline.{json,html}``: written by other people (§3.2)."""
    name = path.name.lower()
    return "other_people" in name and ("timeline" in name or "wall" in name)


def parse_entry(entry: Entry) -> Parsed:
    """Read and parse one file by its content; raises NotUnderstood / UnreadableEntry."""
    data = entry.read()
    if entry.path.suffix.lower() == ".json":
        parsed = parse_json_doc(load_json(data, entry.origin), entry.origin)
    else:
        parsed = parse_html(data, entry.path, entry.origin)
    if _others_timeline_posts(entry.path) and parsed.items:
        # the HTML page and old bare-list JSON have a posts shape: only the name tells
        parsed.skipped["others_posts_on_timeline"] += len(parsed.items)
        parsed.items = []
    return parsed


def worth_warning(path: PurePosixPath) -> bool:
    return _TEXT_SOURCE_HINT.search(str(path)) is not None


def parse_group(group: list[Entry], result: GroupResult | None = None) -> list[Parsed]:
    """Parse each file of a group; problems go to ``result`` when given, else are dropped."""
    parsed_files = []
    for entry in group:
        try:
            parsed = parse_entry(entry)
        except UnreadableEntry as exc:
            if result is not None:
                result.problems.append(str(exc))
            continue
        except NotUnderstood as exc:
            if result is not None and worth_warning(entry.path):
                result.problems.append(str(exc))
            elif result is not None:
                result.ignored += 1
            continue
        except (AttributeError, TypeError, ValueError, KeyError, RecursionError) as exc:
            # a known shape with values of unexpected types: the file is bad input, not a crash
            if result is not None:
                result.problems.append(
                    f"{entry.origin}: unexpected values in a known shape ({exc})"
                )
            continue
        if result is not None:
            result.files_by_kind[parsed.label] += 1
        parsed_files.append(parsed)
    return parsed_files


def written_by(author: str, owner: str) -> bool:
    """``author`` is a name, or an old wall sentence starting with one ("Ann updated ...")."""
    author_key, owner_key = name_key(author), name_key(owner)
    return author_key == owner_key or author_key.startswith(owner_key + " ")


def item_record(item: Item, settings: Settings, result: GroupResult) -> Record | None:
    skipped = result.skipped
    if item.author and settings.owner and not written_by(item.author, settings.owner):
        skipped["not_by_owner"] += 1
        return None
    if item.kind in {"post", "group_post"} and item.author is None:
        wall = wall_post_actor(item.title)
        if wall is not None and (wall[1] or not written_by(wall[0], settings.owner or wall[0])):
            skipped["not_by_owner"] += 1  # "Bob wrote on your timeline."
            return None
    if item.when is None:
        skipped["no_date"] += 1
        return None
    if item.kind in {"post", "group_post"} and not settings.keep_app_posts:
        if is_app_post(item.title):
            skipped["app_post"] += 1
            return None
    text = clean(item.text, settings.scrub)
    if item.kind in {"comment", "group_comment"}:
        text = strip_reply_mention(text, item.title)
    if not text:
        skipped["empty"] += 1
        return None
    if only_placeholders(text):
        skipped["link_or_contact_only"] += 1
        return None
    result.local_time_dates += item.local_time
    return Record(iso_utc(item.when), item.kind, "", text)


def separate_threads(parts: list[Thread], many_per_file: bool) -> list[list[Thread]]:
    """Parts of one group are one thread, except era-A HTML where one file holds many threads
    (those are matched up by participant set, also across copies of the file in several parts)."""
    if not many_per_file:
        return [parts] if parts else []
    by_members: dict[frozenset[str], list[Thread]] = {}
    for part in parts:
        by_members.setdefault(frozenset(name_key(n) for n in part.participants), []).append(part)
    return list(by_members.values())


def extract_group(group: list[Entry], settings: Settings) -> GroupResult:
    """Everything one group contributes to the corpus and the summary."""
    result = GroupResult()
    parsed_files = parse_group(group, result)
    thread_parts: list[Thread] = []
    for parsed in parsed_files:
        result.skipped.update(parsed.skipped)
        thread_parts.extend(parsed.threads)
        for item in parsed.items:
            record = item_record(item, settings, result)
            if record is not None:
                result.records.append(record)
    many_per_file = any(len(parsed.threads) > 1 for parsed in parsed_files)

    def tidy(text: str) -> str:
        return clean(text, settings.scrub)

    standard = [m.ms for t in thread_parts if not t.e2ee for m in t.messages if m.ms is not None]
    if standard:
        result.newest_standard_message_ms = max(standard)
    for thread in separate_threads(thread_parts, many_per_file):
        result.threads += 1
        owner_key = name_key(settings.owner)
        if any(
            name_key(name) == owner_key
            for part in thread
            for name in (*part.participants, *{m.sender for m in part.messages})
        ):
            result.threads_with_owner += 1
        for record, local_time in thread_records(thread, settings.owner, tidy, result.skipped):
            result.local_time_dates += local_time
            result.records.append(record)
    return result
