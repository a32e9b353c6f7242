"""``shitpostbot sync``: register the slash commands with Discord, deliberately.

Syncing on every start-up is how commands end up duplicated or rate limited; instead the owner
runs this once after installing or upgrading. The ``--help`` text is ``DESCRIPTION`` below (plain
text, no reStructuredText markup).
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

log = logging.getLogger(__name__)


DESCRIPTION = (
    "Register the slash commands with Discord. Run it once after installing or upgrading "
    "(syncing at every start-up gets commands duplicated or rate limited). --guild syncs to one "
    "server (instant, for development); the default is a global sync, which can take up to an "
    "hour to show everywhere."
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="shitpostbot sync", description=DESCRIPTION)
    p.add_argument("--guild", type=int, help="sync to this guild only (default: global)")
    p.add_argument(
        "--clear-guild",
        type=int,
        metavar="GUILD",
        help="remove the guild-only copies from GUILD (after moving to global)",
    )
    p.add_argument("--env-file", type=Path, help="settings file (default: ./.env, if it exists)")
    return p


async def sync(config: BotConfig, guild_id: int | None, clear_guild: int | None) -> list[str]:
    """Log in over REST only (no gateway), sync, and return the names Discord now has."""
    try:
        return await _sync(config, guild_id, clear_guild)
    except (OSError, aiohttp.ClientError) as exc:  # nothing here touches files: all network
        raise unreachable(exc) from None


async def _sync(config: BotConfig, guild_id: int | None, clear_guild: int | None) -> list[str]:
    bot = ShitpostBot(config, None, start_services=False)
    async with bot:
        try:
            await bot.login(config.token)  # runs setup_hook: loads the cogs, hence the commands
        except discord.LoginFailure:
            raise ConfigError(
                "DISCORD_TOKEN was rejected by Discord (401); check the token"
            ) from None
        if clear_guild is not None:
            bot.tree.clear_commands(guild=discord.Object(clear_guild))
            await bot.tree.sync(guild=discord.Object(clear_guild))
            log.info("cleared guild commands from %s", clear_guild)
            return []
        if guild_id is not None:
            guild = discord.Object(guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
        else:
            synced = await bot.tree.sync()
        return [c.name for c in synced]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = load_config(resolve_env_file(args.env_file))
    setup_logging(config.log_level, config.token)
    for warning in config.warnings:
        log.warning("%s", warning)
    names = asyncio.run(sync(config, args.guild, args.clear_guild))
    where = f"guild {args.guild}" if args.guild else "all guilds (global)"
    if args.clear_guild is None:
        print(f"synced {len(names)} commands to {where}: {', '.join('/' + n for n in names)}")
    else:
        print(f"removed the guild copies of the commands from guild {args.clear_guild}")
    return 0
