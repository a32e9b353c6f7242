"""``shitpostbot run`` / ``python -m bot``: configure, load, connect.

Order matters: logging first (so config errors and start-up are visible), then configuration
(every bad key reported before touching Discord), then the bot, whose ``setup_hook`` loads the
model in a thread and starts the scheduler once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import discord

from bot.bot import ShitpostBot
from bot.config import BotConfig, load_config, resolve_env_file
from bot.errors import ConfigError, unreachable
from bot.logs import setup_logging
from bot.modelapi import build_service
from bot.state import check_state_dir

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="shitpostbot run",
        description="Run the Discord bot. Settings come from the environment and .env "
        "(see .env.example); environment variables win.",
    )
    p.add_argument("--env-file", type=Path, help="settings file (default: ./.env, if it exists)")
    return p


async def main(config: BotConfig | None = None, env_file: Path = Path(".env")) -> None:
    """Run the bot until it is stopped. ``ConfigError`` for a bad setting or a bad token,
    ``DiscordUnreachable`` when Discord cannot be reached at start-up (one line each)."""
    if config is None:
        config = load_config(env_file)
    check_state_dir(config.state_dir)  # fail now, not at the first scheduled post
    setup_logging(config.log_level, config.token)
    for warning in config.warnings:
        log.warning("%s", warning)
    log.info("starting with %r", config)  # repr excludes the token
    service = build_service(config)
    async with ShitpostBot(config, service) as bot:
        try:
            await bot.start(config.token)
        except discord.LoginFailure:
            raise ConfigError(
                "DISCORD_TOKEN was rejected by Discord (401); check the token"
            ) from None
        except discord.PrivilegedIntentsRequired:
            raise ConfigError(
                "Discord refused the gateway intents (close code 4014); this bot needs no "
                "privileged intents, so check that you run the right version"
            ) from None
        except (OSError, aiohttp.ClientError) as exc:
            # login (and the dev-guild sync in setup_hook) failed to connect; once connected,
            # discord.py itself reconnects with backoff and never raises these.
            if bot.setup_hook_calls and not is_network_error(exc):
                raise  # e.g. a file error while loading the model: a real problem, not Discord
            raise unreachable(exc) from None


def is_network_error(exc: BaseException) -> bool:
    """aiohttp/socket failures (DNS, refused, reset, TLS, timeout), not file-system errors."""
    import socket
    import ssl

    return isinstance(
        exc,
        # asyncio.TimeoutError is its own class before Python 3.11, an alias of the builtin after
        (aiohttp.ClientError, ConnectionError, TimeoutError, asyncio.TimeoutError,
         socket.gaierror, ssl.SSLError),
    )


def cli(argv: Sequence[str] | None = None) -> int:
    """Synchronous entry point used by ``shitpostbot run`` and ``python -m bot``."""
    args = _parser().parse_args(argv)
    env_file = resolve_env_file(args.env_file)
    config = load_config(env_file)  # before logging: a bad .env is one clean line
    try:
        asyncio.run(main(config, env_file))
    except KeyboardInterrupt:
        pass
    return 0
