"""Turn the user's PATHs (zips, parts of a multi-part export, folders, single files) into one
list of text entries, each readable on demand.

Only ``.json`` / ``.html`` / ``.htm`` entries are listed and nothing is extracted: a zip entry is
read into memory only when a parser asks for it, one at a time, so a multi-GB export with media
costs no more memory than its largest text file.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ingest.errors import EXIT_NO_INPUT, IngestError

TEXT_SUFFIXES = (".json", ".html", ".htm")


class UnreadableEntry(Exception):
    """One entry could not be read (bad CRC, truncated data, permission): skip it, keep going."""


# Open archives of this process, by path: an Entry is plain data (it can be sent to a worker
# process) and opens its zip on first read; each process keeps its own handles.
# A forked worker must not read through its parent's handles (they share one file offset).
_OPEN_ZIPS: dict[str, zipfile.ZipFile] = {}
_OWNER_PID = os.getpid()


def _zip(path: str) -> zipfile.ZipFile:
    global _OWNER_PID
    if _OWNER_PID != os.getpid():
        _OPEN_ZIPS.clear()  # inherited from the parent: leave them to it
        _OWNER_PID = os.getpid()
    archive = _OPEN_ZIPS.get(path)
    if archive is None:
        archive = _OPEN_ZIPS[path] = zipfile.ZipFile(path)
    return archive


def close_zips() -> None:
    for archive in _OPEN_ZIPS.values():
        archive.close()
    _OPEN_ZIPS.clear()


@dataclass(frozen=True)
class Entry:
    """One text file of the export.

    ``path`` is its path inside the export (POSIX, as in the zip) and is what parsers look at;
    ``origin`` is what messages show the user (``part2.zip:messages/inbox/x/message_1.json``).
    ``file`` is the zip holding it (with ``member``), or the file itself.
    """

    path: PurePosixPath
    origin: str
    size: int
    file: str
    member: str | None = None

    def read(self) -> bytes:
        try:
            if self.member is None:
                return Path(self.file).read_bytes()
            return _zip(self.file).read(self.member)
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error, RuntimeError) as exc:
            raise UnreadableEntry(f"{self.origin}: cannot be read ({_reason(exc)})") from exc


def _reason(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


@dataclass
class Inputs:
    """All entries of all PATHs, plus what could not be opened and how much else was ignored."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored_files: int = 0


def _zip_entries(path: Path, inputs: Inputs) -> None:
    try:
        archive = _zip(str(path))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        inputs.problems.append(f"{path}: not a readable zip file ({_reason(exc)})")
        return
    for info in archive.infolist():
        if info.is_dir():
            continue
        if not info.filename.lower().endswith(TEXT_SUFFIXES):
            inputs.ignored_files += 1
            continue
        inputs.entries.append(
            Entry(
                path=PurePosixPath(info.filename),
                origin=f"{path}:{info.filename}",
                size=info.file_size,
                file=str(path),
                member=info.filename,
            )
        )


def _file_entry(file: Path, virtual: PurePosixPath) -> Entry:
    return Entry(path=virtual, origin=str(file), size=file.stat().st_size, file=str(file))


def _folder_entries(root: Path, inputs: Inputs) -> None:
    def unreadable(exc: OSError) -> None:  # os.walk would skip the folder silently
        inputs.problems.append(f"{exc.filename or root}: cannot be read ({_reason_os(exc)})")

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        dirs.sort()
        for name in sorted(files):
            file = Path(folder) / name
            if name.lower().endswith(".zip"):
                _zip_entries(file, inputs)  # a folder holding the downloaded parts
            elif name.lower().endswith(TEXT_SUFFIXES):
                try:
                    entry = _file_entry(file, PurePosixPath(file.relative_to(root).as_posix()))
                except OSError as exc:  # a dangling link, a file gone meanwhile
                    inputs.problems.append(f"{file}: cannot be read ({_reason_os(exc)})")
                    continue
                inputs.entries.append(entry)
            else:
                inputs.ignored_files += 1


def _reason_os(exc: OSError) -> str:
    return exc.strerror or _reason(exc)


def collect(paths: list[Path]) -> Inputs:
    """List every text entry of every PATH; a missing PATH is fatal, a broken zip is not."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise IngestError(f"{missing[0]}: no such file or folder", exit_code=EXIT_NO_INPUT)
    inputs = Inputs()
    for path in paths:
        if path.is_dir():
            _folder_entries(path, inputs)
        elif zipfile.is_zipfile(path) or path.suffix.lower() == ".zip":
            _zip_entries(path, inputs)
        elif path.name.lower().endswith(TEXT_SUFFIXES):
            inputs.entries.append(_file_entry(path, PurePosixPath(path.parent.name, path.name)))
        else:
            inputs.problems.append(f"{path}: not a zip, folder, .json or .html file")
    if not inputs.entries:
        detail = f" ({inputs.problems[0]})" if inputs.problems else ""
        raise IngestError(
            f"{paths[0]}: no JSON or HTML files found in the given path(s){detail}",
            exit_code=EXIT_NO_INPUT,
        )
    return inputs


def iter_groups(entries: list[Entry]) -> Iterator[list[Entry]]:
    """Yield entries grouped so that each Messenger thread arrives whole.

    A thread is split into ``message_1..N`` (and E2EE ``<Name>_1..N``), possibly across zips;
    files that share their folder name and their name minus the ``_N`` suffix form one group,
    ordered oldest part first (highest N). Everything else is a group of one.
    """
    groups: dict[tuple[str, ...], list[tuple[int, Entry]]] = {}
    for entry in entries:
        stem, _, number = entry.path.stem.rpartition("_")
        parents = tuple(part.lower() for part in entry.path.parent.parts[-2:])
        if stem and number.isdigit():
            key = (*parents, stem.lower(), entry.path.suffix.lower())
            groups.setdefault(key, []).append((int(number), entry))
        else:
            key = (*parents, entry.path.name.lower(), "")
            groups.setdefault(key, []).append((0, entry))
    for key in sorted(groups):
        members = groups[key]
        members.sort(key=lambda item: (-item[0], item[1].origin))
        yield [entry for _, entry in members]
