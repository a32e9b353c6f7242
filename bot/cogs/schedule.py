"""The daily shitpost: an APScheduler cron job that posts once per scheduled time per channel.

The scheduler itself is created and started by the bot in ``setup_hook``; this cog only adds its
job under a fixed id with ``replace_existing``, so however often the cog is loaded there is one
job. The job also checks the persisted last-post time, so a duplicate trigger, a reconnect or a
restart inside the same slot never posts twice.

A job added at start-up only knows future post times, so a restart that spans one (a deploy at
18:00) would skip that day's post. The cog makes it up once at start-up when the slot is less
than the scheduler's misfire grace time old, in channels that have posted before (a channel that
never had a post missed nothing).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobEvent
from apscheduler.triggers.cron import CronTrigger
from discord.ext import commands

from bot.bot import JOB_DEFAULTS
from bot.errors import ServiceBusy, ServiceNotReady
from bot.reply import compose

if TYPE_CHECKING:
    from bot.bot import ShitpostBot

log = logging.getLogger(__name__)

JOB_ID = "daily-post"


def already_posted(trigger: CronTrigger, last: datetime | None, now: datetime) -> bool:
    """True if a post at ``last`` already covers the slot that is due at ``now``."""
    if last is None:
        return False
    next_after_last = trigger.get_next_fire_time(None, last)
    return next_after_last is not None and next_after_last > now


def slot_within(trigger: CronTrigger, now: datetime, seconds: float) -> bool:
    """True if a post time fell in the last ``seconds`` (``now`` included)."""
    fire = trigger.get_next_fire_time(None, now - timedelta(seconds=seconds))
    return fire is not None and fire <= now


class Schedule(commands.Cog):
    def __init__(self, bot: ShitpostBot) -> None:
        self.bot = bot
        self.trigger = CronTrigger.from_crontab(bot.config.post_cron, timezone=bot.config.tzinfo)
        self._lock = asyncio.Lock()
        self._catch_up: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        if not self.bot.start_services:  # built only to sync commands
            return
        if not self.bot.config.post_channel_ids:
            log.info("no SHITPOSTBOT_POST_CHANNEL_IDS: daily posts are off")
            return
        sched = self.bot.scheduler
        sched.add_job(self.post_scheduled, self.trigger, id=JOB_ID, replace_existing=True)
        sched.add_listener(self._on_job_problem, EVENT_JOB_MISSED | EVENT_JOB_ERROR)
        if slot_within(self.trigger, self.bot.clock(), JOB_DEFAULTS["misfire_grace_time"]):
            self._catch_up = asyncio.create_task(
                self.post_scheduled(catch_up=True), name="daily-post catch-up"
            )
            self._catch_up.add_done_callback(self._report_catch_up)
        job = sched.get_job(JOB_ID)
        log.info(
            "daily post scheduled (%s %s), next at %s",
            self.bot.config.post_cron,
            self.bot.config.timezone,
            getattr(job, "next_run_time", None),
        )

    async def cog_unload(self) -> None:
        if self._catch_up is not None:
            self._catch_up.cancel()
        sched = self.bot.scheduler
        if sched.get_job(JOB_ID) is not None:
            sched.remove_job(JOB_ID)
        sched.remove_listener(self._on_job_problem)

    @staticmethod
    def _report_catch_up(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("making up the missed post failed", exc_info=task.exception())

    @staticmethod
    def _on_job_problem(event: JobEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.warning("scheduled post due %s was missed", event.scheduled_run_time)
        else:
            log.error("scheduled post failed", exc_info=getattr(event, "exception", None))

    async def post_scheduled(self, catch_up: bool = False) -> None:
        """The job: one fresh post in each configured channel unless this slot was done.

        ``catch_up``: the start-up run for a slot that passed while the bot was stopped; it
        skips channels that never had a post.
        """
        await self.bot.wait_until_ready()
        async with self._lock:  # a duplicate trigger waits, then sees the recorded post
            now = self.bot.clock()
            for channel_id in self.bot.config.post_channel_ids:
                last = self.bot.post_state.last_post(channel_id)
                if already_posted(self.trigger, last, now):
                    log.info("channel %s already has this slot's post; skipping", channel_id)
                    continue
                if catch_up:
                    if last is None:
                        continue  # never posted here: nothing was missed
                    log.info("making up the post missed while stopped in channel %s", channel_id)
                if await self.post_to(channel_id):
                    self.bot.post_state.record(channel_id, now)

    async def post_to(self, channel_id: int) -> bool:
        """Post one shitpost to ``channel_id``; log and return False if that is impossible."""
        channel = await self._resolve(channel_id)
        if channel is None:
            return False
        guild = getattr(channel, "guild", None)
        if guild is not None and not channel.permissions_for(guild.me).send_messages:
            log.warning("no permission to post in channel %s; skipping", channel_id)
            return False
        try:
            text = await compose(self.bot.service, None)
            await channel.send(text)
        except (ServiceBusy, ServiceNotReady, asyncio.TimeoutError) as exc:
            log.warning("scheduled post to %s skipped: %s", channel_id, exc)
            return False
        except discord.HTTPException as exc:
            log.warning("scheduled post to channel %s failed: %s", channel_id, exc)
            return False
        log.info("posted the scheduled shitpost to channel %s", channel_id)
        return True

    async def _resolve(self, channel_id: int) -> discord.abc.Messageable | None:
        channel = self.bot.get_channel(channel_id)
        if channel is not None:
            return channel  # type: ignore[return-value]
        try:
            fetched = await self.bot.fetch_channel(channel_id)
        except (discord.NotFound, discord.Forbidden, discord.InvalidData) as exc:
            log.warning("post channel %s is missing or hidden (%s); skipping", channel_id, exc)
            return None
        if not isinstance(fetched, discord.abc.Messageable):
            log.warning("post channel %s is not a text channel; skipping", channel_id)
            return None
        return fetched

    def next_post_time(self) -> datetime | None:
        job = self.bot.scheduler.get_job(JOB_ID)
        return None if job is None else job.next_run_time


async def setup(bot: ShitpostBot) -> None:
    await bot.add_cog(Schedule(bot))
