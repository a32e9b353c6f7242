"""Slash commands: ``/reload`` (admins), ``/post`` and ``/status``.

``/reload`` swaps the model for every guild, so it is guarded twice: ``default_permissions``
hides it from members without "Manage Server" (a hint a server admin can override), and a check
in code lets only the bot's owners or members with "Manage Server" run it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import ServiceBusy, ServiceNotReady
from bot.modelapi import resolve_checkpoint
from bot.reply import BUSY_TEXT, compose
from shitpostbot.errors import ShitpostBotError

if TYPE_CHECKING:
    from bot.bot import ShitpostBot

log = logging.getLogger(__name__)

#: Keep an error shown in Discord readable; the log has the whole story.
MAX_ERROR_CHARS = 300


async def is_owner_or_manager(interaction: discord.Interaction) -> bool:
    """The check behind ``/reload``: a bot owner, or "Manage Server" where it is invoked."""
    if await interaction.client.is_owner(interaction.user):  # type: ignore[attr-defined]
        return True
    return interaction.guild is not None and interaction.permissions.manage_guild


def describe_model(info: Any) -> str:
    """One line about a ``ModelInfo`` that tolerates missing fields."""
    if info is None:
        return "no model loaded"
    size = getattr(info, "file_size_bytes", None)
    loss = getattr(info, "best_val_loss", None)
    parts = [
        str(getattr(info, "name", "?")),
        f"{size / 1e6:.1f} MB" if size else None,
        f"{getattr(info, 'n_params', 0):,} params" if getattr(info, "n_params", None) else None,
        f"trained on {info.train_chars:,} chars" if getattr(info, "train_chars", None) else None,
        f"val loss {loss:.3f}" if isinstance(loss, (int, float)) else "val loss n/a",
        f"trained {info.trained_at}" if getattr(info, "trained_at", None) else None,
    ]
    return ", ".join(p for p in parts if p)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if not isinstance(exc, ShitpostBotError):
        text = f"{type(exc).__name__}: {text}"
    text = " ".join(text.split())
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


class Admin(commands.Cog):
    def __init__(self, bot: ShitpostBot) -> None:
        self.bot = bot

    @app_commands.command(name="reload", description="Load a freshly trained checkpoint")
    @app_commands.describe(
        checkpoint="file name inside the checkpoint folder (default: configured)"
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.check(is_owner_or_manager)
    async def reload(self, interaction: discord.Interaction, checkpoint: str | None = None) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)  # loading takes > 3 s
        service = self.bot.service
        assert service is not None
        old = describe_model(service.info)
        try:
            path = resolve_checkpoint(checkpoint, self.bot.config)
            info = await service.load(path)
        except Exception as exc:  # noqa: BLE001 - every failure keeps the old model and is reported
            log.warning("reload of %r failed, keeping %s", checkpoint, old, exc_info=True)
            await interaction.followup.send(
                f"Reload failed, still using {old}. Reason: {_short(exc)}", ephemeral=True
            )
            return
        log.info("model reloaded by %s: %s", interaction.user.id, describe_model(info))
        await interaction.followup.send(f"Reloaded: {describe_model(info)}", ephemeral=True)

    @app_commands.command(name="post", description="Post a fresh shitpost in this channel now")
    @app_commands.checks.cooldown(1, 30.0, key=lambda i: i.channel_id)
    async def post(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        assert self.bot.service is not None
        try:
            text = await compose(self.bot.service, None)
        except (ServiceBusy, ServiceNotReady, asyncio.TimeoutError) as exc:  # not builtin on 3.10
            log.warning("/post: %s", exc)
            text = BUSY_TEXT
        await interaction.followup.send(text)

    @app_commands.command(name="status", description="Model, uptime, latency, queue, next post")
    async def status(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(self.status_text(), ephemeral=True)

    def status_text(self) -> str:
        bot = self.bot
        service = bot.service
        uptime = 0.0 if bot.started_at is None else bot.monotonic() - bot.started_at
        schedule = bot.get_cog("Schedule")
        nxt = schedule.next_post_time() if schedule is not None else None  # type: ignore[attr-defined]
        latency = bot.latency
        lines = [
            f"Model: {describe_model(service.info if service else None)}",
            f"Uptime: {_duration(uptime)}",
            "Gateway latency: "
            + (
                "n/a"
                if latency != latency or latency == float("inf")
                else f"{latency * 1000:.0f} ms"
            ),
            f"Queue: {service.queue_depth if service else 0} waiting",
            "Next scheduled post: "
            + (discord.utils.format_dt(nxt, "F") + f" ({nxt.isoformat()})" if nxt else "none"),
        ]
        return "\n".join(lines)


def _duration(seconds: float) -> str:
    s = int(seconds)
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return (f"{d}d " if d else "") + f"{h:02d}:{m:02d}:{s:02d}"


async def setup(bot: ShitpostBot) -> None:
    await bot.add_cog(Admin(bot))
