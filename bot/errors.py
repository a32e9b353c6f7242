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


class DiscordUnreachable(ShitpostBotError):
    """Discord's servers could not be reached (DNS, no network, firewall, TLS) at start-up."""

    exit_code = 1


def unreachable(exc: BaseException) -> DiscordUnreachable:
    """The one-line error for a connection failure during login or connect."""
    detail = str(exc).strip() or type(exc).__name__
    return DiscordUnreachable(f"cannot reach Discord ({detail}); check the network")
