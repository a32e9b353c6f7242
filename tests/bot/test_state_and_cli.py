"""Post state on disk, the schedule rule, cooldowns, and the check/chat/run command lines."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger

from bot.check import plan
from bot.cogs.schedule import already_posted
from bot.config import load_config
from bot.cooldown import Cooldown
from bot.modelapi import resolve_checkpoint
from bot.state import PostState
from tests.bot.harness import FAKE_TOKEN, make_config
from tests.paths import PROJECT_ROOT

UTC = timezone.utc
SHITPOSTBOT = [sys.executable, "-m", "shitpostbot"]


def test_state_round_trip_and_damage(tmp_path: Path) -> None:
    path = tmp_path / "s" / "posts.json"
    when = datetime(2025, 5, 4, 18, 0, 1, tzinfo=UTC)
    PostState(path).record(1, when)
    assert PostState(path).last_post(1) == when
    assert not list(path.parent.glob("*.tmp"))
    path.write_text("{not json")
    assert PostState(path).last_post(1) is None  # a damaged file costs one extra post at most


def test_already_posted_rule() -> None:
    trigger = CronTrigger.from_crontab("0 18 * * *", timezone=UTC)
    posted = datetime(2025, 5, 4, 18, 0, 0, 5000, tzinfo=UTC)
    assert not already_posted(trigger, None, posted)
    assert already_posted(trigger, posted, posted + timedelta(hours=3))
    assert not already_posted(trigger, posted, posted + timedelta(days=1))


def test_cooldown_with_fake_clock() -> None:
    now = [100.0]
    cd = Cooldown(10, lambda: now[0])
    assert cd.retry_after("u") == 0
    cd.hit("u")
    now[0] += 4
    assert cd.retry_after("u") == 6 and cd.retry_after("v") == 0
    now[0] += 6
    assert cd.retry_after("u") == 0


def test_resolve_checkpoint_confined(tmp_path: Path) -> None:
    config = make_config(tmp_path, checkpoint_dir=tmp_path / "ck")
    assert resolve_checkpoint(None, config) == config.checkpoint
    assert resolve_checkpoint("b", config) == (tmp_path / "ck" / "b.pt").resolve()
    for bad in ("../x.pt", "/etc/passwd"):
        try:
            resolve_checkpoint(bad, config)
        except Exception as exc:  # noqa: BLE001
            assert "outside" in str(exc)
        else:
            raise AssertionError(f"{bad} accepted")


def test_check_plan_lists_channels_and_next_post(tmp_path: Path) -> None:
    config = make_config(tmp_path, post_cron="30 9 * * *", timezone="Europe/Berlin")
    lines = plan(config, "tiny", now=datetime(2025, 1, 1, 12, 0, tzinfo=UTC))
    text = "\n".join(lines)
    assert "300000000000000001, 300000000000000002" in text
    assert "next at 2025-01-02T09:30:00+01:00" in text
    assert FAKE_TOKEN not in text


def _run(args: list[str], cwd: Path, stdin: str = "", env_extra: dict | None = None):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT), **(env_extra or {})}
    return subprocess.run(SHITPOSTBOT + args, cwd=cwd, input=stdin, capture_output=True,
                          text=True, env=env, timeout=120)  # fmt: skip


def test_run_without_token_is_one_line(tmp_path: Path) -> None:
    result = _run(["run"], tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "DISCORD_TOKEN" in result.stderr and ".env.example" in result.stderr


def test_chat_answers_piped_line(tmp_path: Path, checkpoints) -> None:
    """``echo hello | shitpostbot chat`` prints one non-empty reply and exits 0 (real model)."""
    result = _run(
        ["chat", "--checkpoint", str(checkpoints["a"]), "--seed", "3"], tmp_path, "hello\n"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].strip()


def test_chat_bad_checkpoint_is_one_line(tmp_path: Path, checkpoints) -> None:
    result = _run(["chat", "--checkpoint", str(checkpoints["corrupt"])], tmp_path, "hi\n")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "corrupt.pt" in result.stderr


def test_check_validates_everything(tmp_path: Path, checkpoints) -> None:
    env = tmp_path / ".env"
    env.write_text(
        f"DISCORD_TOKEN={FAKE_TOKEN}\nSHITPOSTBOT_CHECKPOINT={checkpoints['a']}\n"
        "SHITPOSTBOT_POST_CHANNEL_IDS=300000000000000001\n"
    )
    result = _run(["check"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "model: a" in result.stdout and "300000000000000001" in result.stdout
    assert FAKE_TOKEN not in result.stdout + result.stderr
    env.write_text(f"DISCORD_TOKEN={FAKE_TOKEN}\nSHITPOSTBOT_POST_CRON=soon\n")
    result = _run(["check", "--skip-model"], tmp_path)
    assert result.returncode != 0 and "SHITPOSTBOT_POST_CRON" in result.stderr
    assert "Traceback" not in result.stderr


def test_load_config_in_test_helper_is_valid(tmp_path: Path) -> None:
    assert load_config(None, {"DISCORD_TOKEN": FAKE_TOKEN}).token == FAKE_TOKEN
