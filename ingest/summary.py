"""The run summary: what was read, what was kept, what was skipped and why.

It is the user's only way to see whether the export they gave was the right one, so it is
printed after every run and saved beside the corpus as ``<stem>.summary.json``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.records import Record


@dataclass
class Summary:
    owner: str = ""
    owner_source: str = ""
    inputs: list[str] = field(default_factory=list)
    files_read: int = 0
    files_by_kind: Counter[str] = field(default_factory=Counter)
    other_files_ignored: int = 0
    records: Counter[str] = field(default_factory=Counter)
    characters: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None
    local_time_dates: int = 0
    not_understood: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count_record(self, record: Record) -> None:
        self.records[record.kind] += 1
        self.characters[record.kind] += len(record.text)
        if self.first is None:  # records arrive in time order
            self.first = record.timestamp
        self.last = record.timestamp

    def to_dict(self) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "owner_source": self.owner_source,
            "inputs": self.inputs,
            "files_read": self.files_read,
            "files_by_kind": dict(sorted(self.files_by_kind.items())),
            "other_files_ignored": self.other_files_ignored,
            "records": dict(sorted(self.records.items())),
            "records_total": sum(self.records.values()),
            "characters": dict(sorted(self.characters.items())),
            "characters_total": sum(self.characters.values()),
            "skipped": dict(sorted(self.skipped.items())),
            "date_range": {"first": self.first, "last": self.last},
            "html_dates_without_time_zone": self.local_time_dates,
            "files_not_understood": self.not_understood,
            "notes": self.notes,
        }

    def save(self, path: Path) -> None:
        path.write_text(
            json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    def found_elsewhere(self) -> str:
        """One phrase for the 'nothing of the owner' error: what the files did contain."""
        kinds = (
            ", ".join(f"{n} {k}" for k, n in sorted(self.files_by_kind.items())) or "nothing known"
        )
        return kinds

    def format(self) -> str:
        total = sum(self.records.values())
        lines = [
            f"owner: {self.owner} (from {self.owner_source})",
            f"files read: {self.files_read} ({self.found_elsewhere()}); "
            f"other files ignored: {self.other_files_ignored}",
            f"records: {total}, characters: {sum(self.characters.values())}",
        ]
        for kind in sorted(self.records):
            lines.append(
                f"  {kind:<14} {self.records[kind]:>9} records {self.characters[kind]:>12} chars"
            )
        if self.first:
            lines.append(f"date range: {self.first} .. {self.last}")
        if self.local_time_dates:
            lines.append(f"HTML dates without a time zone (taken as UTC): {self.local_time_dates}")
        if self.skipped:
            lines.append(
                "skipped: " + ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items()))
            )
        lines += [f"note: {note}" for note in self.notes]
        if self.not_understood:
            lines.append(f"files not understood: {len(self.not_understood)}")
            lines += [f"  {line}" for line in self.not_understood[:20]]
            if len(self.not_understood) > 20:
                lines.append(
                    f"  ... and {len(self.not_understood) - 20} more (see the summary file)"
                )
        return "\n".join(lines)
