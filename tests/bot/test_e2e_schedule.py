"""The daily post through the real client: once per slot, across reconnects and restarts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from apscheduler.schedulers.base import STATE_PAUSED

from bot.state import PostState
from tests.bot.fake_discord import (
    CHANNEL_2_ID,
    CHANNEL_ID,
    FORBIDDEN_CHANNEL_ID,
    MISSING_CHANNEL_ID,
    FakeDiscord,
)
from tests.bot.harness import (
    FixedClock,
    ScriptedGenerator,
    make_config,
    running_bot,
    stand_in_service,
)


async def test_scheduled_post_fires_once_per_slot(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """The job posts once to each channel; running it again in the same slot posts nothing."""
    config = make_config(tmp_path)
    async with running_bot(fake_discord, config, stand_in_service(ScriptedGenerator())) as run:
        await run.run_scheduled_job()
        posts = fake_discord.messages()
        assert sorted(int(r.path.split("/")[2]) for r in posts) == sorted(
            [CHANNEL_ID, CHANNEL_2_ID]
        )
        assert all(r.body["content"] == "you said: None" for r in posts)
        assert all("message_reference" not in r.body for r in posts)
        await run.run_scheduled_job()
        assert len(fake_discord.messages()) == 2
    state = json.loads((tmp_path / "state" / "posts.json").read_text())
    assert set(state["last_post"]) == {str(CHANNEL_ID), str(CHANNEL_2_ID)}


async def test_restart_in_same_slot_does_not_repost(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """A second process with the same state folder skips the slot already posted."""
    config = make_config(tmp_path)
    async with running_bot(fake_discord, config, stand_in_service(ScriptedGenerator())) as run:
        await run.run_scheduled_job()
    assert len(fake_discord.messages()) == 2
    async with running_bot(fake_discord, config, stand_in_service(ScriptedGenerator())) as run:
        await run.run_scheduled_job()
    assert len(fake_discord.messages()) == 2


async def test_missing_and_forbidden_channels_skipped(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """A channel that does not exist and one the bot may not write to are logged and skipped."""
    config = make_config(
        tmp_path, post_channel_ids=(MISSING_CHANNEL_ID, FORBIDDEN_CHANNEL_ID, CHANNEL_ID)
    )
    async with running_bot(fake_discord, config, stand_in_service(ScriptedGenerator())) as run:
        await run.run_scheduled_job()
        assert [r.path for r in fake_discord.messages()] == [f"/channels/{CHANNEL_ID}/messages"]
        # the forbidden channel was skipped by a permission check, not by a 403 from Discord
        assert not [r for r in fake_discord.requests if r.status == 403]
        text = run.logs.text()
        assert f"post channel {MISSING_CHANNEL_ID} is missing" in text
        assert f"no permission to post in channel {FORBIDDEN_CHANNEL_ID}" in text


async def test_reconnect_fires_on_ready_twice_but_one_scheduler(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """Close 4000 + refused RESUME: on_ready twice, setup_hook once, one job, no duplicate post."""
    config = make_config(tmp_path)
    async with running_bot(fake_discord, config, stand_in_service(ScriptedGenerator())) as run:
        await fake_discord.close_gateway(4000)
        await run.wait_ready_count(2, timeout=30)  # discord.py waits ~1-5 s before re-IDENTIFY
        assert fake_discord.resumes == 1 and len(fake_discord.identifies) == 2
        assert run.bot.setup_hook_calls == 1
        assert run.bot.scheduler.running
        assert [j.id for j in run.bot.scheduler.get_jobs()] == ["daily-post"]
        await run.run_scheduled_job()
        assert len(fake_discord.messages()) == 2  # one per channel, not two


async def test_daily_job_never_fires_on_its_own_in_tests(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """Even when the wall clock reaches the post time, the harness's job waits for the test.

    Simulates a test run at exactly 18:00: the job is due now, yet the only message is the
    mention reply, and the scheduler stays paused before and after ``run_scheduled_job``.
    """
    config = make_config(tmp_path)
    async with running_bot(fake_discord, config, stand_in_service(ScriptedGenerator())) as run:
        sched = run.bot.scheduler
        assert sched.state == STATE_PAUSED
        sched.get_job("daily-post").modify(next_run_time=datetime.now(timezone.utc))
        sched.wakeup()
        await fake_discord.send_mention("hello")
        reply = await fake_discord.wait_for_request("POST", r"/channels/\d+/messages")
        assert reply.body["content"] == "you said: hello"
        assert len(fake_discord.messages()) == 1
        await run.run_scheduled_job()
        assert len(fake_discord.messages()) == 3  # the reply + one post per channel
        assert sched.state == STATE_PAUSED


async def test_next_slot_posts_again(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    """One post per slot: the same slot twice posts once, the next day's slot posts again."""
    config = make_config(tmp_path)
    clock = FixedClock()
    service = stand_in_service(ScriptedGenerator())
    async with running_bot(fake_discord, config, service, clock=clock) as run:
        await run.run_scheduled_job()
        await run.run_scheduled_job()
        assert len(fake_discord.messages()) == 2
        clock.advance(timedelta(days=1))
        await run.run_scheduled_job()
        assert len(fake_discord.messages()) == 4
    assert not service.worker_alive  # the bot's close() waited for the model worker


def _posted_before(tmp_path: Path, when: datetime, *channels: int) -> None:
    """A state folder from an earlier run that posted to ``channels`` at ``when``."""
    state = PostState(tmp_path / "state" / "posts.json")
    for channel in channels:
        state.record(channel, when)


YESTERDAYS_SLOT = datetime(2025, 5, 3, 18, 0, tzinfo=timezone.utc)


async def test_restart_across_the_post_time_makes_up_the_post_once(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """Stopped over 18:00, started at 18:20: the missed post goes out at start-up, once.

    A channel that never had a post is not caught up: nothing was missed there.
    """
    _posted_before(tmp_path, YESTERDAYS_SLOT, CHANNEL_ID)
    config = make_config(tmp_path)
    clock = FixedClock(datetime(2025, 5, 4, 18, 20, tzinfo=timezone.utc))
    service = stand_in_service(ScriptedGenerator())
    async with running_bot(fake_discord, config, service, clock=clock) as run:
        await fake_discord.wait_for_request("POST", rf"/channels/{CHANNEL_ID}/messages")
        assert "making up the post missed while stopped" in run.logs.text()
    assert [r.path for r in fake_discord.messages()] == [f"/channels/{CHANNEL_ID}/messages"]
    async with running_bot(fake_discord, config, stand_in_service(ScriptedGenerator()),
                           clock=clock) as run:
        await run.run_scheduled_job()  # the same slot again, by the job itself
    assert len(fake_discord.messages(CHANNEL_ID)) == 1  # already had it: not twice
    assert len(fake_discord.messages(CHANNEL_2_ID)) == 1  # the job's own run posts there


async def test_a_post_time_more_than_an_hour_ago_is_not_made_up(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    _posted_before(tmp_path, YESTERDAYS_SLOT, CHANNEL_ID, CHANNEL_2_ID)
    config = make_config(tmp_path)
    clock = FixedClock(datetime(2025, 5, 4, 19, 1, tzinfo=timezone.utc))
    async with running_bot(fake_discord, config, stand_in_service(ScriptedGenerator()),
                           clock=clock) as run:
        cog = run.bot.get_cog("Schedule")
        assert cog is not None and cog._catch_up is None
        await run.run_scheduled_job()  # the job itself still posts today's slot when due
    assert len(fake_discord.messages()) == 2
