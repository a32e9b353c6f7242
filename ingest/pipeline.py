"""The ingest run: inputs → owner → parsed files → records → sorted, de-duplicated corpus + summary.

Files are read one at a time (one Messenger thread's parts together), so memory is bounded by
the largest thread, not the export. Per-file problems become one-line warnings collected in the
summary; only problems with the run as a whole raise :class:`IngestError`.
"""

from __future__ import annotations

import gc
import itertools
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ingest.errors import EXIT_NO_OWNER_TEXT, EXIT_OUTPUT, IngestError
from ingest.extract import GroupResult, Settings, extract_group, parse_group
from ingest.owner import OwnerVotes
from ingest.records import RecordSink, write_atomically
from ingest.sources import Entry, Inputs, close_zips, collect, iter_groups
from ingest.summary import Summary
from ingest.text import Scrubber

#: 2024-01-01: Messenger chats were end-to-end encrypted by default from December 2023 on,
#: and those leave the standard export (F-18)
E2EE_DEFAULT_MS = 1_704_067_200_000


@dataclass
class Options:
    owner: str | None = None
    scrub: Scrubber = field(default_factory=Scrubber)
    keep_app_posts: bool = False
    jobs: int = 1  # worker processes; >1 pays off only on idle cores (see BENCHMARKS.md)
    tmp_dir: str | None = None
    warn: Callable[[str], None] = field(
        default=lambda line: print(f"warning: {line}", file=sys.stderr)
    )


def _declares_owner(path: PurePosixPath) -> bool:
    name = path.name.lower()
    return (name.startswith("profile") and name.endswith(".json")) or name in {
        "messages.htm",
        "wall.htm",
        "timeline.htm",
        "messages.html",
    }


def find_owner(inputs: Inputs, explicit: str | None, where: str) -> tuple[str, str]:
    """(owner, how it was found); reads the profile, or every thread when there is none."""
    votes = OwnerVotes()
    if not explicit:
        for parsed in parse_group([e for e in inputs.entries if _declares_owner(e.path)]):
            if parsed.owner_hint:
                votes.add_declared(parsed.owner_hint)
        if not votes.declared:  # fall back on who is in every thread: a second full read
            for group in iter_groups(inputs.entries):
                for parsed in parse_group(group):
                    if parsed.owner_hint:
                        votes.add_declared(parsed.owner_hint)
                    for thread in parsed.threads:
                        votes.add_thread(thread.participants, [m.sender for m in thread.messages])
    return votes.decide(explicit, where)


def _results(groups: list[list[Entry]], settings: Settings, jobs: int) -> Iterator[GroupResult]:
    """Each group's result, in group order; in worker processes when ``jobs`` > 1."""
    if jobs == 1:
        yield from (extract_group(group, settings) for group in groups)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # map() keeps only a bounded window of groups in flight per worker
        yield from pool.map(extract_group, groups, itertools.repeat(settings), chunksize=4)


class _Problems:
    """Per-file problems: each reported once, as a warning and in the summary."""

    def __init__(self, summary: Summary, warn: Callable[[str], None]) -> None:
        self.summary, self.warn, self.seen = summary, warn, set()

    def add(self, line: str) -> None:
        if line not in self.seen:
            self.seen.add(line)
            self.summary.not_understood.append(line)
            self.warn(line)


def check_output(output: Path, paths: list[Path], inputs: Inputs) -> None:
    """Refuse an output (or its summary) that would replace an input file or a non-file.

    Writing goes through a temporary file and a rename, which would silently replace an export
    file or zip given as input, or a device such as ``/dev/stdout`` (as root, even ``/dev/full``).
    """
    read = {os.path.realpath(entry.file) for entry in inputs.entries}
    read.update(os.path.realpath(path) for path in paths if path.is_file())
    for target in (output, summary_path(output)):
        if os.path.realpath(target) in read:
            raise IngestError(
                f"{target}: is one of the input files; choose another output",
                exit_code=EXIT_OUTPUT,
            )
        if target.exists() and not target.is_dir() and not target.is_file():
            raise IngestError(
                f"{target}: not a regular file; choose another output", exit_code=EXIT_OUTPUT
            )


#: objects allocated between two young-generation garbage collections (CPython's default: 700)
_GC_YOUNG_THRESHOLD = 100_000


@contextmanager
def _fewer_gc_passes() -> Iterator[None]:
    """Run the cycle collector rarely while ingesting, then restore the previous settings.

    Decoding one Messenger file allocates tens of thousands of dicts and lists, and the run
    builds millions of messages and records; with the default threshold the collector walked
    them every 700 allocations, which was ~14 % of the run time. Almost nothing here forms a
    reference cycle (reference counting frees it all), so fewer passes cost no memory.
    Worker processes inherit the setting when they are forked.
    """
    old = gc.get_threshold()
    gc.set_threshold(_GC_YOUNG_THRESHOLD, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def ingest(paths: list[Path], output: Path, options: Options) -> Summary:
    """Run the whole ingest; returns the summary (already saved beside ``output``)."""
    with _fewer_gc_passes():
        return _ingest(paths, output, options)


def _ingest(paths: list[Path], output: Path, options: Options) -> Summary:
    where = str(paths[0]) if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1} more)"
    summary = Summary(inputs=[str(p) for p in paths])
    problems = _Problems(summary, options.warn)
    sink = RecordSink(tmp_dir=options.tmp_dir)
    try:
        inputs = collect(paths)
        check_output(output, paths, inputs)
        for line in inputs.problems:
            problems.add(line)
        summary.other_files_ignored += inputs.ignored_files
        summary.owner, summary.owner_source = find_owner(inputs, options.owner, where)
        settings = Settings(summary.owner, options.scrub, options.keep_app_posts)
        added = newest_standard = threads = threads_with_owner = 0
        groups = list(iter_groups(inputs.entries))
        for result in _results(groups, settings, max(1, options.jobs)):
            for line in result.problems:
                problems.add(line)
            summary.skipped.update(result.skipped)
            summary.files_by_kind.update(result.files_by_kind)
            summary.files_read += sum(result.files_by_kind.values())
            summary.other_files_ignored += result.ignored
            summary.local_time_dates += result.local_time_dates
            threads += result.threads
            threads_with_owner += result.threads_with_owner
            if result.newest_standard_message_ms is not None:
                newest_standard = max(newest_standard, result.newest_standard_message_ms)
            for record in result.records:
                sink.add(record)
            added += len(result.records)
        if (
            newest_standard >= E2EE_DEFAULT_MS
            and not summary.files_by_kind["messenger_e2ee_thread"]
        ):
            summary.notes.append(
                "Messenger chats reach into 2024 but no end-to-end-encrypted chat download was "
                "given: chats encrypted since then are missing "
                "(README: 'End-to-end encrypted chats')"
            )
        if threads and not threads_with_owner and summary.owner:
            summary.notes.append(
                f"{summary.owner!r} is not in any of the {threads} Messenger thread(s): "
                "no messages were kept (check --owner against the names the threads show)"
            )
        if added == 0:
            problem = ""
            if summary.not_understood:  # often the reason; -q hides the warnings
                more = len(summary.not_understood) - 1
                problem = f" (first problem: {summary.not_understood[0]}" + (
                    f"; +{more} more)" if more else ")"
                )
            raise IngestError(
                f"{where}: {summary.files_read} files read ({summary.found_elsewhere()}), "
                f"0 posts, 0 comments, 0 messages by {summary.owner or 'the owner'}; "
                f"is this the right export?{problem}",
                exit_code=EXIT_NO_OWNER_TEXT,
            )

        def lines() -> Iterator[str]:
            for record, duplicate in sink.finish():
                if duplicate:
                    summary.skipped["duplicate"] += 1
                    continue
                summary.count_record(record)
                yield record.to_json()

        try:
            write_atomically(output, lines())
            summary.save(summary_path(output))
        except OSError as exc:
            raise IngestError(
                f"{output}: cannot write the corpus ({exc.strerror or exc})", exit_code=EXIT_OUTPUT
            ) from exc
    finally:
        sink.close()
        close_zips()
    return summary


def summary_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}.summary.json")
