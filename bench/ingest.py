"""Benchmark for ``ingest``: throughput and peak memory on a large synthetic export.

Generates a zip shaped like a real multi-hundred-MB export — Messenger threads split into
``message_N.json`` files of a few MB (newest first, mojibake-encoded, indented like Facebook's),
posts files, a profile, plus a few media entries that must never be read — then runs
``python -m ingest`` on it in a child process and reports MB/s of JSON and the child's peak RSS.
Entries are *stored*, as in the real exports measured in the format notes.

    .venv/bin/python bench/ingest.py --size-mb 500 --workdir /tmp/ingest-bench

Nothing here is a test: numbers go to BENCHMARKS.md with date, machine and command.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

OWNER = "Benchmark Ówner"
WORDS = (
    "ok lol yes no maybe tomorrow tonight party beer coffee work exam bus train late sorry haha "
    "really what why where when who 😂 ❤ ő é ü ß сегодня 没有 très bien naja genau"
).split()


def _mojibake(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 18)))


def _thread_file(rng: random.Random, friend: str, start_ms: int, count: int) -> bytes:
    messages = []
    t = start_ms
    for _ in range(count):
        t += rng.randint(1_000, 600_000)
        sender = OWNER if rng.random() < 0.5 else friend
        message: dict[str, object] = {"sender_name": _mojibake(sender), "timestamp_ms": t}
        roll = rng.random()
        if roll < 0.07:
            message["photos"] = [
                {"uri": f"messages/inbox/x/photos/{t}.jpg", "creation_timestamp": t // 1000}
            ]
        elif roll < 0.09:
            message["sticker"] = {"uri": "messages/stickers_used/1.png"}
        else:
            message["content"] = _mojibake(_sentence(rng))
        if rng.random() < 0.1:
            message["reactions"] = [{"reaction": _mojibake("❤"), "actor": _mojibake(friend)}]
        message["is_geoblocked_for_viewer"] = False
        messages.append(message)
    doc = {
        "participants": [{"name": _mojibake(friend)}, {"name": _mojibake(OWNER)}],
        "messages": messages[::-1],
        "title": _mojibake(friend),
        "is_still_participant": True,
        "thread_path": "inbox/x",
        "magic_words": [],
    }
    return json.dumps(doc, indent=2).encode("ascii")


def _posts_file(rng: random.Random, count: int) -> bytes:
    posts = []
    for i in range(count):
        post: dict[str, object] = {
            "timestamp": 1_300_000_000 + i * 3600,
            "title": _mojibake(f"{OWNER} updated his status."),
        }
        if rng.random() < 0.7:
            post["data"] = [{"post": _mojibake(_sentence(rng) + " " + _sentence(rng))}]
        else:
            post["attachments"] = [{"data": [{"external_context": {"url": "https://example.com"}}]}]
        posts.append(post)
    return json.dumps(posts, indent=2).encode("ascii")


def generate(target: Path, size_mb: int, file_mb: float, seed: int = 1) -> int:
    """Write the synthetic export; returns the bytes of JSON/HTML text it contains."""
    rng = random.Random(seed)
    text_bytes = 0
    per_file = max(100, int(file_mb * 1024 * 1024 / 260))  # ~260 bytes per indented message
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zf:
        profile = {"profile_v2": {"name": {"full_name": _mojibake(OWNER)}}}
        zf.writestr(
            "personal_information/profile_information/profile_information.json", json.dumps(profile)
        )
        for part in range(1, 4):
            data = _posts_file(rng, 3000)
            zf.writestr(
                f"your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_{part}.json",
                data,
            )
            text_bytes += len(data)
        thread_no = 0
        while text_bytes < size_mb * 1024 * 1024:
            thread_no += 1
            friend = f"Friend Nő {thread_no}"
            n_files = rng.choice((1, 1, 2, 3, 5))
            start = 1_300_000_000_000 + thread_no * 1_000_000
            for n in range(n_files, 0, -1):  # message_N holds the oldest messages
                data = _thread_file(rng, friend, start, per_file)
                start += per_file * 700_000
                zf.writestr(
                    f"your_facebook_activity/messages/inbox/friend{thread_no}_{thread_no:06d}/message_{n}.json",
                    data,
                )
                text_bytes += len(data)
            if thread_no % 50 == 0:  # some media that must be skipped, not read
                zf.writestr(
                    f"your_facebook_activity/messages/inbox/friend{thread_no}_{thread_no:06d}/photos/p.jpg",
                    os.urandom(200_000),
                )
    return text_bytes


def _watch_rss(child: subprocess.Popen[bytes]) -> float:
    """Peak of the summed RSS of ``child`` and its worker processes (sampled every 50 ms)."""
    import psutil

    peak = 0.0
    proc = psutil.Process(child.pid)
    while child.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree) / 1024 / 1024)
        except psutil.Error:
            pass
        time.sleep(0.05)
    return peak


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size-mb", type=int, default=500, help="MB of JSON to generate (default 500)"
    )
    parser.add_argument(
        "--file-mb", type=float, default=3.0, help="size of one message_N.json (default 3)"
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/ingest-bench"))
    parser.add_argument("--jobs", type=int, help="passed to ingest --jobs (default: its own)")
    parser.add_argument("--keep", action="store_true", help="keep the generated zip and corpus")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    export = args.workdir / "export.zip"
    t = time.perf_counter()
    text_bytes = generate(export, args.size_mb, args.file_mb)
    gen_s = time.perf_counter() - t
    corpus = args.workdir / "corpus.jsonl"
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "ingest", str(export), "-o", str(corpus), "-q"]
    if args.jobs is not None:
        command += ["--jobs", str(args.jobs)]
    t = time.perf_counter()
    child = subprocess.Popen(command, cwd=root)
    peak_tree = _watch_rss(child)
    wall = time.perf_counter() - t
    done = subprocess.CompletedProcess(command, child.returncode)
    peak_one = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    summary = (
        json.loads((args.workdir / "corpus.summary.json").read_text())
        if done.returncode == 0
        else {}
    )
    mb = text_bytes / 1024 / 1024
    print(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%d"),
                "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
                f"Python {platform.python_version()}",
                "load_average_at_end": os.getloadavg(),
                "command": " ".join(sys.argv),
                "exit_code": done.returncode,
                "zip_mb": round(export.stat().st_size / 1024 / 1024, 1),
                "json_mb": round(mb, 1),
                "generate_s": round(gen_s, 1),
                "ingest_s": round(wall, 1),
                "throughput_mb_s": round(mb / wall, 1),
                "peak_rss_mb_all_processes": round(peak_tree, 1),
                "peak_rss_mb_largest_process": round(peak_one, 1),
                "records": summary.get("records_total"),
                "characters": summary.get("characters_total"),
            },
            indent=2,
        )
    )
    if not args.keep:
        shutil.rmtree(args.workdir, ignore_errors=True)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
