"""Logging set-up: discord.py's format for everything, and a filter that redacts the token from
any record that would contain it (a traceback of a failed request, a debug dump).

Colours only on a terminal: discord.py's own choice also colours when it merely detects Docker,
which puts ANSI escape codes into ``docker logs`` files and journald. Here the stream must be a
TTY and ``NO_COLOR`` unset.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TextIO

import discord

REDACTED = "[token redacted]"


class RedactToken(logging.Filter):
    """Replace the token in a record's formatted message and arguments."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, REDACTED)
            record.args = None
        if (
            record.exc_info
            and record.exc_info[1] is not None
            and self.token in str(record.exc_info[1])
        ):
            record.exc_text = REDACTED + " (exception text hidden: it contained the token)"
            record.exc_info = None
        return True


PLAIN_FORMAT = "[{asctime}] [{levelname:<8}] {name}: {message}"  # discord.py's, minus colours


def wants_colour(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ


def setup_logging(level: str = "INFO", token: str = "", stream: TextIO | None = None) -> None:
    """Root logging to ``stream`` (stderr); plain text unless it is a TTY; token redacted."""
    stream = sys.stderr if stream is None else stream
    colour = getattr(discord.utils, "_ColourFormatter", None)
    if wants_colour(stream) and colour is not None:
        formatter: logging.Formatter = colour()
    else:
        formatter = logging.Formatter(PLAIN_FORMAT, "%Y-%m-%d %H:%M:%S", style="{")
    discord.utils.setup_logging(
        handler=logging.StreamHandler(stream),
        formatter=formatter,
        level=getattr(logging, level),
        root=True,
    )
    logging.getLogger("discord.http").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactToken) for f in handler.filters):
            handler.addFilter(RedactToken(token))
