"""The ingest run: inputs → owner → parsed files → records → sorted, de-duplicated corpus + summary.

Files are read one at a time (one Messenger thread's parts together), so memory is bounded by
the largest thread, not the export. Per-file problems become one-line warnings collected in the
summary; only problems with the run as a whole raise :class:`IngestError`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ingest.dates import iso_utc
from ingest.errors import EXIT_NO_OWNER_TEXT, EXIT_OUTPUT, IngestError
from ingest.filters import is_app_post, strip_reply_mention
from ingest.html_parsers import parse_html
from ingest.items import Item, NotUnderstood, Parsed, Thread
from ingest.json_parsers import load_json, parse_json_doc
from ingest.owner import OwnerVotes, name_key
from ingest.records import Record, RecordSink, write_atomically
from ingest.sources import Entry, Inputs, UnreadableEntry, collect, iter_groups
from ingest.summary import Summary
from ingest.text import Scrubber, clean, only_placeholders
from ingest.threads import thread_records

# Paths where an unknown shape deserves a warning (elsewhere: ads, settings... quietly ignored).
_TEXT_SOURCE_HINT = re.compile(
    r"messag|post|comment|note|wall|timeline|group|profile_information", re.IGNORECASE
)


@dataclass
class Options:
    owner: str | None = None
    scrub: Scrubber = field(default_factory=Scrubber)
    keep_app_posts: bool = False
    tmp_dir: str | None = None
    warn: Callable[[str], None] = field(
        default=lambda line: print(f"warning: {line}", file=sys.stderr)
    )


def parse_entry(entry: Entry) -> Parsed:
    """Read and parse one file by its content; raises NotUnderstood / UnreadableEntry."""
    data = entry.read()
    if entry.path.suffix.lower() == ".json":
        return parse_json_doc(load_json(data, entry.origin), entry.origin)
    return parse_html(data, entry.path, entry.origin)


def _worth_warning(path: PurePosixPath) -> bool:
    return _TEXT_SOURCE_HINT.search(str(path)) is not None


class _Run:
    def __init__(self, paths: list[Path], options: Options) -> None:
        self.options = options
        self.summary = Summary(inputs=[str(p) for p in paths])
        self.where = str(paths[0]) if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1} more)"
        self._seen_problems: set[str] = set()

    def problem(self, line: str) -> None:
        if line not in self._seen_problems:
            self._seen_problems.add(line)
            self.summary.not_understood.append(line)
            self.options.warn(line)

    def parsed_files(self, group: list[Entry], count: bool) -> Iterator[tuple[Entry, Parsed]]:
        for entry in group:
            try:
                parsed = parse_entry(entry)
            except UnreadableEntry as exc:
                if count:
                    self.problem(str(exc))
                continue
            except NotUnderstood as exc:
                if count and _worth_warning(entry.path):
                    self.problem(str(exc))
                elif count:
                    self.summary.other_files_ignored += 1
                continue
            if count:
                self.summary.files_read += 1
                self.summary.files_by_kind[parsed.label] += 1
            yield entry, parsed

    # -- owner -----------------------------------------------------------------------------------
    def find_owner(self, inputs: Inputs) -> None:
        votes = OwnerVotes()
        if not self.options.owner:
            declared = [e for e in inputs.entries if _declares_owner(e.path)]
            for _, parsed in self.parsed_files(declared, count=False):
                if parsed.owner_hint:
                    votes.add_declared(parsed.owner_hint)
            if not votes.declared:  # fall back on who is in every thread: a second full read
                for group in iter_groups(inputs.entries):
                    for _, parsed in self.parsed_files(group, count=False):
                        if parsed.owner_hint:
                            votes.add_declared(parsed.owner_hint)
                        for thread in parsed.threads:
                            votes.add_thread(
                                thread.participants, [m.sender for m in thread.messages]
                            )
        self.summary.owner, self.summary.owner_source = votes.decide(self.options.owner, self.where)

    # -- records ---------------------------------------------------------------------------------
    def _clean(self, text: str) -> str:
        return clean(text, self.options.scrub)

    def item_record(self, item: Item) -> Record | None:
        skipped = self.summary.skipped
        owner = self.summary.owner
        if item.author and owner and not _written_by(item.author, owner):
            skipped["not_by_owner"] += 1
            return None
        if item.when is None:
            skipped["no_date"] += 1
            return None
        if (
            item.kind in {"post", "group_post"}
            and not self.options.keep_app_posts
            and is_app_post(item.title)
        ):
            skipped["app_post"] += 1
            return None
        text = self._clean(item.text)
        if item.kind in {"comment", "group_comment"}:
            text = strip_reply_mention(text, item.title)
        if not text:
            skipped["empty"] += 1
            return None
        if only_placeholders(text):
            skipped["link_or_contact_only"] += 1
            return None
        if item.local_time:
            self.summary.local_time_dates += 1
        return Record(iso_utc(item.when), item.kind, "", text)

    def records(self, inputs: Inputs) -> Iterator[Record]:
        for group in iter_groups(inputs.entries):
            thread_parts: list[Thread] = []
            many_per_file = False
            for _, parsed in self.parsed_files(group, count=True):
                self.summary.skipped.update(parsed.skipped)
                thread_parts.extend(parsed.threads)
                many_per_file = many_per_file or len(parsed.threads) > 1
                for item in parsed.items:
                    record = self.item_record(item)
                    if record is not None:
                        yield record
            for thread in _separate_threads(thread_parts, many_per_file):
                for record, local_time in thread_records(
                    thread, self.summary.owner, self._clean, self.summary.skipped
                ):
                    self.summary.local_time_dates += local_time
                    yield record


def _written_by(author: str, owner: str) -> bool:
    author_key, owner_key = name_key(author), name_key(owner)
    return author_key == owner_key or author_key.startswith(owner_key + " ")


def _declares_owner(path: PurePosixPath) -> bool:
    name = path.name.lower()
    return (name.startswith("profile") and name.endswith(".json")) or name in {
        "messages.htm",
        "wall.htm",
        "timeline.htm",
        "messages.html",
    }


def _separate_threads(parts: list[Thread], many_per_file: bool) -> list[list[Thread]]:
    """Parts of one group are one thread, except era-A HTML where one file holds many threads
    (those are matched up by participant set, also across copies of the file in several parts)."""
    if not many_per_file:
        return [parts] if parts else []
    by_members: dict[frozenset[str], list[Thread]] = {}
    for part in parts:
        by_members.setdefault(frozenset(name_key(n) for n in part.participants), []).append(part)
    return list(by_members.values())


def ingest(paths: list[Path], output: Path, options: Options) -> Summary:
    """Run the whole ingest; returns the summary (already saved beside ``output``)."""
    inputs = collect(paths)
    run = _Run(paths, options)
    for line in inputs.problems:
        run.problem(line)
    run.summary.other_files_ignored += inputs.ignored_files
    sink = RecordSink(tmp_dir=options.tmp_dir)
    try:
        run.find_owner(inputs)
        added = 0
        for record in run.records(inputs):
            sink.add(record)
            added += 1
        if added == 0:
            summary = run.summary
            raise IngestError(
                f"{run.where}: {summary.files_read} files read ({summary.found_elsewhere()}), "
                f"0 posts, 0 comments, 0 messages by {summary.owner or 'the owner'}; "
                "is this the right export?",
                exit_code=EXIT_NO_OWNER_TEXT,
            )

        def lines() -> Iterator[str]:
            for record, duplicate in sink.finish():
                if duplicate:
                    run.summary.skipped["duplicate"] += 1
                    continue
                run.summary.count_record(record)
                yield record.to_json()

        try:
            write_atomically(output, lines())
            run.summary.save(summary_path(output))
        except OSError as exc:
            raise IngestError(
                f"{output}: cannot write the corpus ({exc.strerror or exc})", exit_code=EXIT_OUTPUT
            ) from exc
    finally:
        sink.close()
        inputs.close()
    return run.summary


def summary_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}.summary.json")
