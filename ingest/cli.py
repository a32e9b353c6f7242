"""``shitpostbot ingest PATH [PATH ...] -o corpus.jsonl`` (also ``python -m ingest``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ingest.errors import EXIT_CODES_HELP, EXIT_OK
from ingest.pipeline import Options, ingest, summary_path
from ingest.text import EMAIL_TOKEN, PHONE_TOKEN, URL_TOKEN, Scrubber


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shitpostbot ingest",
        description=(
            "Read a Facebook export (zips, parts of a multi-part export, extracted folders, or the "
            "separate end-to-end-encrypted Messenger download; any mix, merged as one export) and "
            "write the owner's own posts, comments, notes and sent Messenger messages as JSON "
            "Lines. Only JSON/HTML entries are read, straight from the zips."
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="export zip, one part of a multi-part export, or an extracted folder",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="FILE",
        help="corpus to write (JSON Lines); the summary goes to FILE's stem + .summary.json",
    )
    parser.add_argument(
        "--owner",
        metavar="NAME",
        help="whose words to keep, exactly as Facebook shows the name "
        "(default: from the profile file, else the person in every thread)",
    )
    parser.add_argument(
        "--keep-emails",
        action="store_true",
        help=f"keep e-mail addresses (default: replaced by {EMAIL_TOKEN})",
    )
    parser.add_argument(
        "--keep-phones",
        action="store_true",
        help=f"keep phone numbers (default: replaced by {PHONE_TOKEN})",
    )
    parser.add_argument(
        "--keep-urls", action="store_true", help=f"keep links (default: replaced by {URL_TOKEN})"
    )
    parser.add_argument(
        "--keep-app-posts",
        action="store_true",
        help='keep posts another app made ("... on Spotify", "via Instagram")',
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        default=1,
        help="worker processes (default 1; more helps only with idle CPU cores)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no per-file warnings, no summary"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    options = Options(
        owner=args.owner,
        scrub=Scrubber(
            keep_emails=args.keep_emails, keep_phones=args.keep_phones, keep_urls=args.keep_urls
        ),
        keep_app_posts=args.keep_app_posts,
        jobs=args.jobs,
    )
    if args.quiet:
        options.warn = lambda line: None
    summary = ingest(args.paths, args.output, options)
    if not args.quiet:
        print(summary.format())
        print(f"wrote {args.output} and {summary_path(args.output)}")
    return EXIT_OK


def cli() -> int:
    """Console entry for ``python -m ingest``: errors become one line and an exit code."""
    from shitpostbot.cli import run_main

    return run_main(main, sys.argv[1:], "python -m ingest")
