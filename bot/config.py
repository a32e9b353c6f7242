"""Bot settings from the environment and ``.env``, validated once, up front.

Why a frozen dataclass and not ``os.environ`` lookups scattered around: every bad key is reported
at start-up in one go (one line per key, naming it), before the bot touches Discord, and the tests
build a config directly without any environment at all.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.errors import ConfigError

#: key -> default (as text, exactly what .env.example shows); DISCORD_TOKEN has none.
DEFAULTS: dict[str, str] = {
    "SHITPOSTBOT_CHECKPOINT": "checkpoints/default.pt",
    "SHITPOSTBOT_CHECKPOINT_DIR": "checkpoints",
    "SHITPOSTBOT_OWNER_IDS": "",
    "SHITPOSTBOT_POST_CHANNEL_IDS": "",
    "SHITPOSTBOT_POST_CRON": "0 18 * * *",
    "SHITPOSTBOT_TIMEZONE": "UTC",
    "SHITPOSTBOT_DEV_GUILD_ID": "",
    "SHITPOSTBOT_REPLY_CHANNEL_IDS": "",
    "SHITPOSTBOT_USER_COOLDOWN": "10",
    "SHITPOSTBOT_CHANNEL_COOLDOWN": "2",
    "SHITPOSTBOT_QUEUE_SIZE": "32",
    "SHITPOSTBOT_TORCH_THREADS": "1",
    "SHITPOSTBOT_STATE_DIR": "state",
    "SHITPOSTBOT_LOG_LEVEL": "INFO",
    "SHITPOSTBOT_TEMPERATURE": "0.8",
    "SHITPOSTBOT_MAX_CHARS": "300",
    "SHITPOSTBOT_REPLY_TIMEOUT": "60",
}

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class BotConfig:
    """Everything the bot needs; ``token`` is left out of ``repr`` so it never gets logged."""

    token: str = field(default="", repr=False)
    checkpoint: Path = Path("checkpoints/default.pt")
    checkpoint_dir: Path = Path("checkpoints")
    owner_ids: frozenset[int] = frozenset()
    post_channel_ids: tuple[int, ...] = ()
    post_cron: str = "0 18 * * *"
    timezone: str = "UTC"
    dev_guild_id: int | None = None
    reply_channel_ids: frozenset[int] = frozenset()
    user_cooldown: float = 10.0
    channel_cooldown: float = 2.0
    queue_size: int = 32
    torch_threads: int = 1
    state_dir: Path = Path("state")
    log_level: str = "INFO"
    temperature: float = 0.8
    max_chars: int = 300
    reply_timeout: float = 60.0
    #: non-fatal problems found while loading (unknown keys); shown by check, logged by run.
    warnings: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _ids(text: str) -> tuple[int, ...]:
    """Comma/space separated Discord snowflakes; a snowflake is 15-20 digits."""
    out = []
    for part in text.replace(",", " ").split():
        if not part.isdigit() or not 15 <= len(part) <= 20:
            raise ValueError(f"{part!r} is not a Discord id (15-20 digits)")
        out.append(int(part))
    return tuple(out)


def _optional_id(text: str) -> int | None:
    ids = _ids(text)
    if len(ids) > 1:
        raise ValueError("expected one Discord id")
    return ids[0] if ids else None


def _number(kind: Callable[[str], Any], low: float, high: float) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a {kind.__name__}") from None
        if not low <= value <= high:
            raise ValueError(f"{text!r} is outside {low:g}..{high:g}")
        return value

    return parse


def _timezone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{text!r} is not an IANA time zone (e.g. Europe/Berlin, UTC)") from None
    return text


def _cron(text: str) -> str:
    # Imported here so `import bot.config` stays light; apscheduler validates the five fields.
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(text, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a 5-field cron expression ({exc})") from None
    return text


def _level(text: str) -> str:
    if text.upper() not in LOG_LEVELS:
        raise ValueError(f"{text!r} is not one of {', '.join(LOG_LEVELS)}")
    return text.upper()


#: key -> (dataclass field, parser)
_PARSERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "SHITPOSTBOT_CHECKPOINT": ("checkpoint", Path),
    "SHITPOSTBOT_CHECKPOINT_DIR": ("checkpoint_dir", Path),
    "SHITPOSTBOT_OWNER_IDS": ("owner_ids", lambda t: frozenset(_ids(t))),
    "SHITPOSTBOT_POST_CHANNEL_IDS": ("post_channel_ids", _ids),
    "SHITPOSTBOT_POST_CRON": ("post_cron", _cron),
    "SHITPOSTBOT_TIMEZONE": ("timezone", _timezone),
    "SHITPOSTBOT_DEV_GUILD_ID": ("dev_guild_id", _optional_id),
    "SHITPOSTBOT_REPLY_CHANNEL_IDS": ("reply_channel_ids", lambda t: frozenset(_ids(t))),
    "SHITPOSTBOT_USER_COOLDOWN": ("user_cooldown", _number(float, 0, 86400)),
    "SHITPOSTBOT_CHANNEL_COOLDOWN": ("channel_cooldown", _number(float, 0, 86400)),
    "SHITPOSTBOT_QUEUE_SIZE": ("queue_size", _number(int, 1, 10000)),
    "SHITPOSTBOT_TORCH_THREADS": ("torch_threads", _number(int, 1, 256)),
    "SHITPOSTBOT_STATE_DIR": ("state_dir", Path),
    "SHITPOSTBOT_LOG_LEVEL": ("log_level", _level),
    "SHITPOSTBOT_TEMPERATURE": ("temperature", _number(float, 0.05, 5.0)),
    "SHITPOSTBOT_MAX_CHARS": ("max_chars", _number(int, 1, 2000)),
    "SHITPOSTBOT_REPLY_TIMEOUT": ("reply_timeout", _number(float, 1, 3600)),
}


PREFIX = "SHITPOSTBOT_"
KNOWN_KEYS = (*DEFAULTS, "DISCORD_TOKEN")


def resolve_env_file(path: Path | None) -> Path:
    """The ``--env-file`` to read: ``./.env`` when not given (may be absent: settings can all come
    from the environment); a path given explicitly must exist, else one-line ``ConfigError``."""
    if path is None:
        return Path(".env")
    if not path.is_file():
        what = "is not a file" if path.exists() else "does not exist"
        raise ConfigError(f"--env-file {path} {what}")
    return path


def unknown_key_warnings(
    env_file: Path | None, environ: Mapping[str, str] | None = None
) -> list[str]:
    """One line per ``SHITPOSTBOT_*`` key (in ``.env`` or the environment) the bot does not know,
    with the closest known key when there is one; in ``.env``, also near-misses of other keys
    (``DISCORD_TOKN``). Misspelled keys would otherwise be silently ignored."""
    sources: list[tuple[str, Mapping[str, Any]]] = []
    if env_file is not None and env_file.is_file():
        sources.append((str(env_file), dotenv_values(env_file)))
    sources.append(("the environment", os.environ if environ is None else environ))
    out: list[str] = []
    for where, values in sources:
        for key in values:
            if key in KNOWN_KEYS:
                continue
            close = difflib.get_close_matches(key.upper(), KNOWN_KEYS, n=1, cutoff=0.8)
            if not key.upper().startswith(PREFIX) and not (where != "the environment" and close):
                continue  # other programs' variables are none of our business
            hint = f"; did you mean {close[0]}?" if close else ""
            out.append(f"unknown setting {key} in {where} is ignored{hint}")
    return out


def read_settings(
    env_file: Path | None, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Merge ``.env`` (if present) under the real environment: environment variables win."""
    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    source = os.environ if environ is None else environ
    merged.update({k: v for k, v in source.items() if k in DEFAULTS or k == "DISCORD_TOKEN"})
    return merged


def load_config(
    env_file: Path | None = Path(".env"),
    environ: Mapping[str, str] | None = None,
    *,
    require_token: bool = True,
) -> BotConfig:
    """A validated ``BotConfig``; ``ConfigError`` lists every bad key, one per line."""
    raw = read_settings(env_file, environ)
    where = f" (in the environment or {env_file})" if env_file is not None else ""
    errors: list[str] = []
    values: dict[str, Any] = {}
    token = raw.get("DISCORD_TOKEN", "").strip()
    if require_token and not token:
        errors.append(
            f"DISCORD_TOKEN is not set{where}; copy .env.example to .env and paste your bot token"
        )
    elif token.lower().startswith("bot "):
        errors.append(
            "DISCORD_TOKEN starts with 'Bot ': remove the 'Bot ' prefix and keep only the token"
        )
    elif token and (any(c.isspace() for c in token) or len(token) < 20):
        errors.append("DISCORD_TOKEN does not look like a bot token (too short or has spaces)")
    values["token"] = token
    for key, (name, parse) in _PARSERS.items():
        text = raw.get(key, DEFAULTS[key]).strip()
        try:
            values[name] = parse(text)
        except ValueError as exc:
            errors.append(f"{key}: {exc}")
    if errors:
        raise ConfigError("\n".join(errors))
    values["warnings"] = tuple(unknown_key_warnings(env_file, environ))
    return BotConfig(**values)
