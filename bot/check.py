"""``shitpostbot check``: validate settings, checkpoint and schedule without connecting to Discord.

Why: a typo in ``.env`` or a broken checkpoint should show up at the terminal in a second, not as
a bot that logs in, crashes, and restarts into an invalid-request ban.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger

from bot.cogs.admin import describe_model
from bot.config import BotConfig, load_config, resolve_env_file
from bot.modelapi import build_service
from bot.state import check_state_dir


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="shitpostbot check",
        description="Validate .env, the checkpoint, the state folder and the schedule; print what "
        "'run' would do. Unknown SHITPOSTBOT_* settings (typos) are reported as warnings on "
        "stderr; a missing --env-file is an error.",
    )
    p.add_argument("--env-file", type=Path, help="settings file (default: ./.env, if it exists)")
    p.add_argument("--skip-model", action="store_true", help="do not load the checkpoint")
    return p


def _ids(ids: object) -> str:
    return ", ".join(str(i) for i in sorted(ids)) or "none"  # type: ignore[call-overload]


def plan(config: BotConfig, model_line: str, now: datetime | None = None) -> list[str]:
    """The lines ``check`` prints (pure, so it is easy to test)."""
    now = now or datetime.now(timezone.utc)
    trigger = CronTrigger.from_crontab(config.post_cron, timezone=config.tzinfo)
    nxt = trigger.get_next_fire_time(None, now.astimezone(config.tzinfo))
    lines = [
        "token: set (not shown)",
        f"model: {model_line}",
    ]
    if config.post_channel_ids:
        lines.append(
            f"daily post: '{config.post_cron}' ({config.timezone}) to channels "
            f"{_ids(config.post_channel_ids)}; next at {nxt.isoformat() if nxt else 'never'}"
        )
    else:
        lines.append("daily post: off (SHITPOSTBOT_POST_CHANNEL_IDS is empty)")
    lines += [
        "replies: to @-mentions and DMs in "
        + (
            f"channels {_ids(config.reply_channel_ids)}"
            if config.reply_channel_ids
            else "all channels"
        )
        + f"; cooldowns {config.user_cooldown:g} s per user,"
        + f" {config.channel_cooldown:g} s per channel",
        "owners: " + (_ids(config.owner_ids) if config.owner_ids else "the application owner"),
        "slash commands: "
        + (
            f"synced to dev guild {config.dev_guild_id} at start-up"
            if config.dev_guild_id
            else "not synced at start-up; run 'shitpostbot sync' once"
        ),
        f"state: {config.state_dir / 'posts.json'}",
    ]
    return lines


async def _load_model(config: BotConfig) -> str:
    service = build_service(config, seed=0)
    try:
        info = await service.load(config.checkpoint)
        sample = await service.generate(None)
    finally:
        await asyncio.to_thread(service.close)  # wait for the worker: exiting under torch aborts
    return f"{describe_model(info)} from {config.checkpoint}; sample: {sample[:60]!r}"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = load_config(resolve_env_file(args.env_file))
    for warning in config.warnings:
        print(f"shitpostbot check: warning: {warning}", file=sys.stderr)
    check_state_dir(config.state_dir)
    model_line = (
        "not loaded (--skip-model)" if args.skip_model else asyncio.run(_load_model(config))
    )
    for line in plan(config, model_line):
        print(line)
    print("ok")
    return 0
