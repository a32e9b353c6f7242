"""The Discord client: wiring only. Features live in ``bot/cogs``; text comes from the service.

Dependencies (config, model service, scheduler, clock) are constructor arguments so tests build
the real bot with a stand-in generator and drive it against the loopback fake Discord. All
one-time start-up happens in ``setup_hook``, which runs once per login; ``on_ready`` fires again
after every reconnect and must not start anything.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord import app_commands
from discord.ext import commands

from bot.config import BotConfig
from bot.cooldown import Cooldown
from bot.service import ModelService
from bot.state import PostState

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.cogs.chat", "bot.cogs.schedule", "bot.cogs.admin")

#: A run that fires late in a running bot (a suspended laptop, a busy loop) still posts within an
#: hour; missed runs coalesce to one post rather than a catch-up storm; never two runs at once.
#: A post time passed while the bot was stopped is made up at start-up by the Schedule cog, with
#: the same hour of grace.
JOB_DEFAULTS = {"misfire_grace_time": 3600, "coalesce": True, "max_instances": 1}


def bot_intents() -> discord.Intents:
    """Guild + DM message events and the guild cache; nothing privileged.

    No message-content intent: Discord still delivers the content of messages that mention the
    bot and of DMs, which is all the bot reads. No members intent: permission checks use
    ``interaction.permissions``, which Discord computes for us.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    return intents


def make_scheduler(config: BotConfig) -> AsyncIOScheduler:
    return AsyncIOScheduler(timezone=config.tzinfo, job_defaults=dict(JOB_DEFAULTS))


class ShitpostTree(app_commands.CommandTree):
    """One error funnel for every slash command: a short ephemeral answer, the full log here."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CommandOnCooldown):
            text = f"Slow down — try again in {error.retry_after:.0f} s."
        elif isinstance(error, app_commands.CheckFailure):
            text = "You are not allowed to use this command."
        else:
            name = interaction.command.qualified_name if interaction.command else "?"
            log.error("slash command /%s failed", name, exc_info=error)
            text = "Something went wrong; the details are in the bot's log."
        await respond(interaction, text)


async def respond(interaction: discord.Interaction, text: str, *, ephemeral: bool = True) -> None:
    """Answer an interaction whether or not it was already deferred or answered."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=ephemeral)
        else:
            await interaction.response.send_message(text, ephemeral=ephemeral)
    except discord.HTTPException:
        log.warning("could not answer interaction %s", interaction.id, exc_info=True)


class ShitpostBot(commands.Bot):
    """The bot. ``start_services=False`` builds it for command sync only (no model, no schedule)."""

    def __init__(
        self,
        config: BotConfig,
        service: ModelService | None,
        *,
        scheduler: AsyncIOScheduler | None = None,
        clock: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        start_services: bool = True,
        **options: Any,
    ) -> None:
        if config.owner_ids:
            options.setdefault("owner_ids", set(config.owner_ids))
        # A text-only bot: no "PyNaCl/davey is not installed, voice will NOT be supported".
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,  # unused: no prefix commands (see on_message)
            intents=bot_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=ShitpostTree,
            **options,
        )
        self.config = config
        self.service = service
        self.scheduler = scheduler if scheduler is not None else make_scheduler(config)
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.monotonic = monotonic
        self.post_state = PostState(config.state_dir / "posts.json")
        self.user_cooldown = Cooldown(config.user_cooldown, monotonic)
        self.channel_cooldown = Cooldown(config.channel_cooldown, monotonic)
        self.start_services = start_services
        self.started_at: float | None = None
        #: counters the tests (and /status) read: setup_hook must run once, on_ready may repeat.
        self.setup_hook_calls = 0
        self.ready_count = 0

    async def setup_hook(self) -> None:
        self.setup_hook_calls += 1
        self.started_at = self.monotonic()
        if self.start_services:
            if self.service is None:
                raise RuntimeError("ShitpostBot needs a model service to run")
            if self.service.generator is None:
                await self.service.load(self.config.checkpoint)  # in a thread; loop stays free
            if not self.scheduler.running:
                self.scheduler.start()  # needs the running loop: here, never at import time
        for ext in EXTENSIONS:
            await self.load_extension(ext)
        if self.start_services and self.config.dev_guild_id:
            guild = discord.Object(self.config.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to dev guild %s", len(synced), guild.id)

    async def on_ready(self) -> None:
        self.ready_count += 1
        log.info(
            "ready as %s (id %s) in %d guild(s); ready #%d",
            self.user,
            getattr(self.user, "id", "?"),
            len(self.guilds),
            self.ready_count,
        )

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: mentions are handled by the chat cog's listener."""

    async def close(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.service is not None:
            # waits for the model worker without blocking the loop (heartbeats, other cleanup)
            await asyncio.to_thread(self.service.close)
        await super().close()
