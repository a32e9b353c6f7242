"""Builders for invented exports and a one-call way to run ingest on them.

Every export here is made up for the tests (names like "Ann Owner"); it follows the structures
in ../shared/docs/facebook-export-formats.md. JSON strings are written the way Facebook writes
them — UTF-8 bytes as \\u00XX escapes — through :func:`fb_json`.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from ingest.pipeline import Options, ingest, summary_path
from ingest.text import Scrubber

OWNER = "Ann Ówner"
FRIEND = "Bob Friend"


def mojibake(text: str) -> str:
    """What Facebook's JSON export does to a string: each UTF-8 byte becomes one code point."""
    return text.encode("utf-8").decode("latin-1")


def _mangle(obj: Any) -> Any:
    if isinstance(obj, str):
        return mojibake(obj)
    if isinstance(obj, list):
        return [_mangle(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _mangle(v) for k, v in obj.items()}
    return obj


def fb_json(obj: Any) -> str:
    """Serialize like the standard export: mojibake strings, ASCII escapes, indented."""
    return json.dumps(_mangle(obj), indent=2)


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def zip_folder(folder: Path, target: Path, only: set[str] | None = None) -> Path:
    """Zip a folder's files (optionally only some relative paths) as an export part."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            rel = file.relative_to(folder).as_posix()
            if file.is_file() and (only is None or rel in only):
                archive.write(file, rel)
    return target


def profile(name: str = OWNER, key: str = "profile_v2") -> str:
    return fb_json({key: {"name": {"full_name": name, "first_name": name.split()[0]}}})


def thread(participants: list[str], messages: list[dict[str, Any]], **extra: Any) -> str:
    """A standard thread file; ``messages`` are given oldest first and written newest first."""
    doc = {
        "participants": [{"name": p} for p in participants],
        "messages": list(reversed(messages)),
        "title": participants[0],
        **extra,
    }
    return fb_json(doc)


def msg(sender: str, ts_s: float, content: str | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"sender_name": sender, "timestamp_ms": int(ts_s * 1000), **extra}
    if content is not None:
        out["content"] = content
    return out


def post(
    ts: int, text: str | None = None, title: str | None = None, **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"timestamp": ts, **extra}
    if text is not None:
        out["data"] = [{"post": text}]
    if title is not None:
        out["title"] = title
    return out


class Result:
    def __init__(self, output: Path, warnings: list[str]) -> None:
        self.records = [
            json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()
        ]
        self.summary = json.loads(summary_path(output).read_text(encoding="utf-8"))
        self.warnings = warnings

    def texts(self, kind: str | None = None) -> list[str]:
        return [r["text"] for r in self.records if kind is None or r["kind"] == kind]

    def by_text(self, text: str) -> dict[str, Any]:
        matches = [r for r in self.records if r["text"] == text]
        assert len(matches) == 1, (text, matches)
        return matches[0]


def run(
    paths: list[Path] | Path,
    out_dir: Path,
    owner: str | None = None,
    jobs: int = 1,
    **scrub: bool,
) -> Result:
    """Ingest ``paths`` into ``out_dir/corpus.jsonl`` and read back records and summary."""
    warnings: list[str] = []
    keep_app = scrub.pop("keep_app_posts", False)
    options = Options(
        owner=owner,
        scrub=Scrubber(**scrub),
        keep_app_posts=keep_app,
        jobs=jobs,
        warn=warnings.append,
    )
    output = out_dir / "corpus.jsonl"
    ingest(paths if isinstance(paths, list) else [paths], output, options)
    return Result(output, warnings)
