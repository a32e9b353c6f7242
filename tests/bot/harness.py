"""Helpers to run the real ``ShitpostBot`` against ``FakeDiscord`` (importable by any test).

    from tests.bot.fake_discord import FakeDiscord
    from tests.bot.harness import make_config, running_bot, real_service

    async with FakeDiscord() as fake:
        config = make_config(tmp_path, checkpoint=path_to_pt)
        async with running_bot(fake, config, real_service(config)) as run:
            await fake.send_mention("hello")
            reply = await fake.wait_for_request("POST", r"/channels/\\d+/messages")

``running_bot`` starts ``bot.start()`` as a task, waits for ``on_ready``, records every log
line of the ``discord`` and ``bot`` loggers (so a test can assert that no heartbeat was blocked
and the token never appeared), and closes everything on exit.

No test depends on the wall clock. The bot gets a scheduler that is started *paused*
(``paused_scheduler``): APScheduler keeps the real cron trigger and computes the job's real next
run time, but never runs a job by itself, so a test that happens to run at the configured post
time (18:00 UTC by default) cannot get a surprise daily post. Jobs run only inside
``RunningBot.run_scheduled_job``, which makes the job due, resumes the scheduler until that one
run has finished, and pauses it again. The bot's ``clock`` (the time the job records and compares
against the last post) is a ``FixedClock``, so "the same slot" means the same slot however long a
test takes. Why pause the real scheduler instead of replacing it with a fake: the schedule tests
keep exercising the real APScheduler job (coalescing, ``max_instances``, the job id that a
reconnect must not duplicate), and the bot code stays unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bot import ShitpostBot, make_scheduler
from bot.config import BotConfig
from bot.modelapi import build_service
from bot.service import ModelService
from tests.bot.fake_discord import CHANNEL_2_ID, CHANNEL_ID, FakeDiscord

#: Looks like a token (long, no spaces) so config validation accepts it; tests grep logs for it.
FAKE_TOKEN = "FAKE.bot-token.for-loopback-tests-only-0123456789"


def make_config(tmp_path: Path, **overrides: Any) -> BotConfig:
    """A config for tests: no cooldowns, state in ``tmp_path``, posts to #general and #random."""
    base = BotConfig(
        token=FAKE_TOKEN,
        checkpoint=tmp_path / "model.pt",
        checkpoint_dir=tmp_path,
        post_channel_ids=(CHANNEL_ID, CHANNEL_2_ID),
        user_cooldown=0.0,
        channel_cooldown=0.0,
        state_dir=tmp_path / "state",
        reply_timeout=30.0,
    )
    return dataclasses.replace(base, **overrides)


def real_service(config: BotConfig, seed: int = 1) -> ModelService:
    """The production service (real ``model.Generator``) with a fixed seed."""
    return build_service(config, seed=seed)


SMOKE = "smoke"

#: The time the bot's clock shows in tests: a fixed instant, nowhere near the 18:00 default slot.
TEST_NOW = datetime(2025, 5, 4, 12, 0, 0, tzinfo=timezone.utc)


@dataclass
class FixedClock:
    """A clock that only moves when a test moves it (``advance``)."""

    now: datetime = TEST_NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def paused_scheduler(config: BotConfig) -> AsyncIOScheduler:
    """The production scheduler, started paused: jobs exist and get next run times, none runs.

    Must be called with the event loop running (APScheduler binds to it on ``start``).
    """
    sched = make_scheduler(config)
    sched.start(paused=True)
    return sched


@dataclass
class ModelInfoStub:
    name: str = "stand-in"
    path: str = "stand-in.pt"
    file_size_bytes: int = 1234
    n_params: int = 100
    train_chars: int = 1000
    best_val_loss: float | None = 1.5
    trained_at: str = "2025-01-01T00:00:00Z"
    steps: int = 10


@dataclass
class ScriptedGenerator:
    """A stand-in for ``model.Generator`` that returns scripted text.

    Used only where a test needs *specific* generated text (mention markup, 5,000 characters) or
    must observe batching and threads; ``work_s`` simulates CPU time by blocking the calling
    thread, which must be the service's worker, never the event loop.
    """

    text: Callable[[str | None], str] = lambda prompt: f"you said: {prompt}"
    work_s: float = 0.0
    info: ModelInfoStub = field(default_factory=ModelInfoStub)
    calls: list[list[str | None]] = field(default_factory=list)
    threads: set[str] = field(default_factory=set)

    def generate(
        self, prompts: Sequence[str | None], settings: Any, seed: int | None = None
    ) -> list[str]:
        if settings == SMOKE:  # the service's load-time smoke test, not a user request
            return ["smoke"] * len(prompts)
        self.threads.add(threading.current_thread().name)
        self.calls.append(list(prompts))
        if self.work_s:
            time.sleep(self.work_s)
        return [self.text(p) for p in prompts]


def stand_in_service(generator: ScriptedGenerator, **kwargs: Any) -> ModelService:
    """A ``ModelService`` whose loader returns ``generator`` for any path."""
    return ModelService(lambda path: generator, settings="reply", smoke_settings=SMOKE, **kwargs)


class LogRecorder(logging.Handler):
    """Keeps every record of the loggers it is attached to."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        out = []
        for r in self.records:
            out.append(r.getMessage())
            if r.exc_info:
                out.append(logging.Formatter().formatException(r.exc_info))
        return "\n".join(out)

    def blocked_heartbeats(self) -> list[str]:
        return [
            r.getMessage()
            for r in self.records
            if "heartbeat blocked" in r.getMessage() or "Can't keep up" in r.getMessage()
        ]


@dataclass
class RunningBot:
    bot: ShitpostBot
    logs: LogRecorder
    ready: asyncio.Condition
    task: asyncio.Task[None]

    async def wait_ready_count(self, n: int, timeout: float = 30.0) -> None:
        """Wait until ``on_ready`` has fired ``n`` times (it fires again after a new IDENTIFY)."""
        async with self.ready:
            await asyncio.wait_for(self.ready.wait_for(lambda: self.bot.ready_count >= n), timeout)

    async def run_scheduled_job(self, timeout: float = 30.0) -> None:
        """Make the daily-post job due now, let the paused scheduler run it once, pause again.

        With a scheduler that was not started paused (a test passing its own), this still makes
        the job due and waits for one run, but then the wall clock can also trigger it.
        """
        from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
        from apscheduler.schedulers.base import STATE_PAUSED

        loop = asyncio.get_running_loop()
        done = asyncio.Event()

        def listener(event: Any) -> None:
            loop.call_soon_threadsafe(done.set)

        sched = self.bot.scheduler
        was_paused = sched.state == STATE_PAUSED
        sched.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        try:
            sched.get_job("daily-post").modify(next_run_time=datetime.now(timezone.utc))
            if was_paused:
                sched.resume()  # runs the due job; the next run is the next cron time
            else:
                sched.wakeup()
            await asyncio.wait_for(done.wait(), timeout)
        finally:
            if was_paused:
                sched.pause()
            sched.remove_listener(listener)


@contextlib.asynccontextmanager
async def recording_logs(names: Sequence[str] = ("discord", "bot")) -> AsyncIterator[LogRecorder]:
    recorder = LogRecorder()
    loggers = [logging.getLogger(n) for n in names]
    old = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(recorder)
        lg.setLevel(logging.DEBUG)
    try:
        yield recorder
    finally:
        for lg, level in zip(loggers, old, strict=True):
            lg.removeHandler(recorder)
            lg.setLevel(level)


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord,
    config: BotConfig,
    service: ModelService,
    *,
    ready_timeout: float = 30.0,
    **bot_kwargs: Any,
) -> AsyncIterator[RunningBot]:
    """Start the real bot against ``fake`` and wait for ``on_ready``; close it on exit.

    Unless the test passes its own, the bot gets a paused scheduler and a ``FixedClock`` (see the
    module docstring): scheduled posts happen only in ``run_scheduled_job``.
    """
    bot_kwargs.setdefault("guild_ready_timeout", 0.1)
    bot_kwargs.setdefault("clock", FixedClock())
    if "scheduler" not in bot_kwargs:
        bot_kwargs["scheduler"] = paused_scheduler(config)
    async with recording_logs() as logs:
        bot = ShitpostBot(config, service, **bot_kwargs)
        ready = asyncio.Condition()

        async def on_ready() -> None:
            async with ready:
                ready.notify_all()

        bot.add_listener(on_ready, "on_ready")
        task = asyncio.create_task(bot.start(config.token), name="bot.start")
        run = RunningBot(bot, logs, ready, task)
        try:
            waiter = asyncio.create_task(run.wait_ready_count(1, ready_timeout))
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if task.done():
                waiter.cancel()
                task.result()  # start() failed: raise its error here
                raise RuntimeError("bot.start() returned before on_ready")
            await waiter
            yield run
        finally:
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 10)
