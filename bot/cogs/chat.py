"""Answer @-mentions of the bot (and DMs) in its owner's voice.

Triggers only when the bot *itself* is in ``message.mentions``: ``@everyone``, ``@here`` and role
mentions don't count (``Message.mentioned_in`` would say yes to those). Bots, including this one,
are ignored so two generators can't talk each other into a loop.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.errors import ServiceBusy, ServiceNotReady
from bot.reply import BUSY_TEXT, clean_prompt, compose

if TYPE_CHECKING:
    from bot.bot import ShitpostBot

log = logging.getLogger(__name__)


class Chat(commands.Cog):
    def __init__(self, bot: ShitpostBot) -> None:
        self.bot = bot

    def should_answer(self, message: discord.Message) -> bool:
        """Mentioned directly or DMed, by a human, in an allowed channel, not on cooldown."""
        me = self.bot.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return False
        is_dm = message.guild is None
        if not is_dm and not any(u.id == me.id for u in message.mentions):
            return False
        allowed = self.bot.config.reply_channel_ids
        if allowed and not is_dm and message.channel.id not in allowed:
            return False
        for cooldown, key in (
            (self.bot.user_cooldown, message.author.id),
            (self.bot.channel_cooldown, message.channel.id),
        ):
            wait = cooldown.retry_after(key)
            if wait > 0:
                log.debug("cooldown: ignoring message %s (%.1fs left)", message.id, wait)
                return False
        self.bot.user_cooldown.hit(message.author.id)
        self.bot.channel_cooldown.hit(message.channel.id)
        return True

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if not self.should_answer(message):
            return
        assert self.bot.user is not None and self.bot.service is not None
        prompt = clean_prompt(message.content, self.bot.user.id)
        async with message.channel.typing():
            try:
                text = await compose(self.bot.service, prompt)
            except (ServiceBusy, asyncio.TimeoutError, ServiceNotReady) as exc:
                log.warning("not answering message %s properly: %s", message.id, exc)
                text = BUSY_TEXT
            except Exception:  # a model bug must not leave the user with silence
                log.exception("generation failed for message %s", message.id)
                text = BUSY_TEXT
        try:
            await message.reply(text, mention_author=False)
        except discord.HTTPException as exc:
            log.warning("could not reply in channel %s: %s", message.channel.id, exc)


async def setup(bot: ShitpostBot) -> None:
    await bot.add_cog(Chat(bot))
