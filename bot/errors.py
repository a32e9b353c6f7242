"""Errors the bot raises for bad user input (settings, checkpoints given on the command line).

``ConfigError`` subclasses the project's shared error type so ``shitpostbot run``/``check``/``sync``
print it as one line and exit non-zero instead of dumping a traceback.
"""

from __future__ import annotations

from shitpostbot.errors import ShitpostBotError


class ConfigError(ShitpostBotError):
    """A missing or malformed setting in the environment or ``.env``; the message names the key."""

    exit_code = 2


class ServiceBusy(Exception):
    """The model service's queue is full; callers answer politely instead of waiting forever."""


class ServiceNotReady(Exception):
    """No model is loaded yet (start-up still running, or the first load failed)."""
