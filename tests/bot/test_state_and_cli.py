"""Post state on disk, the schedule rule, cooldowns, and the check/chat/run command lines."""

from __future__ import annotations

import io
import logging
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import discord
import pytest
from apscheduler.triggers.cron import CronTrigger

import bot.check
import bot.main
import bot.sync
from bot.bot import ShitpostBot
from bot.check import plan
from bot.cogs.schedule import already_posted
from bot.config import load_config
from bot.cooldown import Cooldown
from bot.errors import ConfigError
from bot.logs import setup_logging
from bot.modelapi import resolve_checkpoint
from bot.state import PostState, check_state_dir
from shitpostbot.cli import run_main
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
    replies = result.stdout.split("\n\n")
    assert len(replies) == 2 and replies[0].strip() and replies[1] == ""  # reply, empty line


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


def test_state_dir_must_be_creatable_and_writable(tmp_path: Path) -> None:
    check_state_dir(tmp_path / "new" / "state")
    assert list((tmp_path / "new" / "state").iterdir()) == []  # the probe file is removed
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ConfigError) as info:
        check_state_dir(blocker / "state")  # fails for root too, unlike a chmod
    assert str(info.value).count("\n") == 0
    assert "SHITPOSTBOT_STATE_DIR" in str(info.value) and str(blocker / "state") in str(info.value)


def test_check_reports_typos_bad_state_dir_and_missing_env_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(f"DISCORD_TOKEN={FAKE_TOKEN}\nSHITPOSTBOT_POST_CHANEL_IDS=300000000000000001\n")
    result = _run(["check", "--skip-model"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning: unknown setting SHITPOSTBOT_POST_CHANEL_IDS" in result.stderr
    assert "did you mean SHITPOSTBOT_POST_CHANNEL_IDS?" in result.stderr
    (tmp_path / "a-file").write_text("")
    env.write_text(f"DISCORD_TOKEN={FAKE_TOKEN}\nSHITPOSTBOT_STATE_DIR=a-file/state\n")
    result = _run(["check", "--skip-model"], tmp_path)
    assert result.returncode != 0 and "ok" not in result.stdout.splitlines()
    assert result.stderr.strip().count("\n") == 0
    assert "SHITPOSTBOT_STATE_DIR: cannot create or write a-file/state" in result.stderr
    result = _run(["check", "--skip-model", "--env-file", "nope.env"], tmp_path)
    assert result.returncode != 0 and result.stderr.strip().count("\n") == 0
    assert "--env-file nope.env does not exist" in result.stderr


@pytest.fixture
def unreachable_discord(monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py's REST base points at a loopback port nobody listens on (no real network)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    monkeypatch.setattr(bot.main, "setup_logging", lambda *a, **k: None)
    monkeypatch.setattr(bot.sync, "setup_logging", lambda *a, **k: None)


async def test_run_fails_fast_on_unwritable_state_dir(tmp_path: Path, unreachable_discord) -> None:
    (tmp_path / "a-file").write_text("")
    config = make_config(tmp_path, state_dir=tmp_path / "a-file" / "state")
    with pytest.raises(ConfigError, match="SHITPOSTBOT_STATE_DIR: cannot create or write"):
        await bot.main.main(config)


@pytest.mark.parametrize("command", ["run", "sync"])
def test_unreachable_discord_is_one_line(
    command: str, tmp_path: Path, unreachable_discord, capsys: pytest.CaptureFixture[str]
) -> None:
    env = tmp_path / ".env"
    env.write_text(f"DISCORD_TOKEN={FAKE_TOKEN}\nSHITPOSTBOT_STATE_DIR={tmp_path / 'state'}\n")
    func = bot.main.cli if command == "run" else bot.sync.main
    code = run_main(func, ["--env-file", str(env)], f"shitpostbot {command}")
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1, err
    assert err.startswith(f"shitpostbot {command}: error: cannot reach Discord (")
    assert "127.0.0.1" in err and err.rstrip().endswith("check the network")


def test_logs_have_no_colour_codes_when_not_a_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where discord.py would colour (in Docker, even without a TTY), a pipe gets plain text."""
    monkeypatch.setattr(discord.utils, "is_docker", lambda: True)
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buf)
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    try:
        setup_logging("INFO", FAKE_TOKEN)
        logging.getLogger("bot.test").warning("plain please %s", FAKE_TOKEN)
    finally:
        for h in root.handlers[:]:
            if h not in before:
                root.removeHandler(h)
        root.setLevel(level)
    out = buf.getvalue()
    assert "plain please [token redacted]" in out and "WARNING" in out
    assert "\x1b[" not in out


async def test_no_voice_support_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)  # as without PyNaCl installed
    with caplog.at_level(logging.WARNING):
        ShitpostBot(make_config(tmp_path), None, start_services=False)
    assert "voice will NOT be supported" not in caplog.text


def test_help_texts_are_plain() -> None:
    for parser in (bot.sync._parser(), bot.main._parser(), bot.check._parser()):
        text = parser.format_help()
        assert "``" not in text, text
    assert "--guild syncs to one server" in " ".join(bot.sync._parser().format_help().split())
