"""Logging set-up: discord.py's handler and format for everything, and a filter that redacts the
token from any record that would contain it (a traceback of a failed request, a debug dump).
"""

from __future__ import annotations

import logging

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


def setup_logging(level: str = "INFO", token: str = "") -> None:
    """Root logging through discord.py's handler; ``discord.http`` quieter; token redacted."""
    discord.utils.setup_logging(level=getattr(logging, level), root=True)
    logging.getLogger("discord.http").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactToken) for f in handler.filters):
            handler.addFilter(RedactToken(token))
