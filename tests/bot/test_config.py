"""Configuration: defaults, precedence, one clear line per bad key, token never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULTS, load_config, resolve_env_file
from bot.errors import ConfigError
from shitpostbot.errors import ShitpostBotError

TOKEN = "MTAxMDAwMDAwMDAwMDAwMDAx.secret-part.abcdefghijklmnop"
EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_defaults_with_token_only() -> None:
    config = load_config(None, {"DISCORD_TOKEN": TOKEN})
    assert config.token == TOKEN
    assert config.checkpoint == Path("checkpoints/default.pt")
    assert config.post_channel_ids == () and config.timezone == "UTC"
    assert TOKEN not in repr(config)


def test_missing_token_names_key_and_example() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(None, {})
    assert isinstance(info.value, ShitpostBotError)
    assert "DISCORD_TOKEN" in str(info.value) and ".env.example" in str(info.value)


def test_env_overrides_dotenv(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        f"DISCORD_TOKEN={TOKEN}\nSHITPOSTBOT_TIMEZONE=Europe/Berlin\nSHITPOSTBOT_QUEUE_SIZE=5\n"
    )
    config = load_config(env, {"SHITPOSTBOT_QUEUE_SIZE": "7"})
    assert config.timezone == "Europe/Berlin" and config.queue_size == 7


def test_every_bad_key_reported_once(tmp_path: Path) -> None:
    environ = {
        "DISCORD_TOKEN": TOKEN,
        "SHITPOSTBOT_POST_CHANNEL_IDS": "123, general",
        "SHITPOSTBOT_POST_CRON": "every day",
        "SHITPOSTBOT_TIMEZONE": "Mars/Olympus",
        "SHITPOSTBOT_QUEUE_SIZE": "0",
        "SHITPOSTBOT_TEMPERATURE": "hot",
    }
    with pytest.raises(ConfigError) as info:
        load_config(None, environ)
    lines = str(info.value).splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "SHITPOSTBOT_POST_CHANNEL_IDS",
        "SHITPOSTBOT_POST_CRON",
        "SHITPOSTBOT_TIMEZONE",
        "SHITPOSTBOT_QUEUE_SIZE",
        "SHITPOSTBOT_TEMPERATURE",
    ]


def test_bad_token_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(None, {"DISCORD_TOKEN": "short secret"})
    assert "short secret" not in str(info.value) and "DISCORD_TOKEN" in str(info.value)


def test_ids_parsed() -> None:
    config = load_config(
        None,
        {
            "DISCORD_TOKEN": TOKEN,
            "SHITPOSTBOT_POST_CHANNEL_IDS": "300000000000000001 300000000000000002",
            "SHITPOSTBOT_OWNER_IDS": "400000000000000001",
            "SHITPOSTBOT_DEV_GUILD_ID": "200000000000000001",
        },
    )
    assert config.post_channel_ids == (300000000000000001, 300000000000000002)
    assert config.owner_ids == {400000000000000001}
    assert config.dev_guild_id == 200000000000000001


def test_env_example_documents_every_key_and_loads() -> None:
    """.env.example lists every key, and its values (plus a token) form a valid config."""
    text = EXAMPLE.read_text(encoding="utf-8")
    keys = {line.split("=")[0].lstrip("# ").strip() for line in text.splitlines() if "=" in line}
    assert set(DEFAULTS) | {"DISCORD_TOKEN"} <= keys
    config = load_config(EXAMPLE, {"DISCORD_TOKEN": TOKEN})
    assert config.post_cron == DEFAULTS["SHITPOSTBOT_POST_CRON"]


def test_unknown_keys_warned_with_likely_key(tmp_path: Path) -> None:
    """A typo in .env or the environment is named, with the key that was probably meant."""
    env = tmp_path / ".env"
    env.write_text(
        f"DISCORD_TOKEN={TOKEN}\nSHITPOSTBOT_POST_CHANEL_IDS=300000000000000001\n"
        "DISCORD_TOKN=x\nCOMPOSE_PROJECT_NAME=bot\n"
    )
    config = load_config(env, {"SHITPOSTBOT_TIMEZON": "UTC", "HOME": "/root"})
    assert config.post_channel_ids == ()  # still ignored, but no longer silently
    text = "\n".join(config.warnings)
    assert len(config.warnings) == 3, text
    assert "SHITPOSTBOT_POST_CHANEL_IDS" in text
    assert "did you mean SHITPOSTBOT_POST_CHANNEL_IDS" in text
    assert "DISCORD_TOKN" in text and "did you mean DISCORD_TOKEN" in text
    assert "SHITPOSTBOT_TIMEZON in the environment" in text
    assert "did you mean SHITPOSTBOT_TIMEZONE" in text
    assert "COMPOSE_PROJECT_NAME" not in text and "HOME" not in text
    assert load_config(None, {"DISCORD_TOKEN": TOKEN}).warnings == ()


def test_token_with_bot_prefix_gets_specific_message() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(None, {"DISCORD_TOKEN": "Bot " + TOKEN})
    assert "remove the 'Bot ' prefix" in str(info.value)
    assert TOKEN not in str(info.value)


def test_explicit_env_file_must_exist(tmp_path: Path) -> None:
    assert resolve_env_file(None) == Path(".env")  # the default may be absent
    with pytest.raises(ConfigError, match="nope.env does not exist"):
        resolve_env_file(tmp_path / "nope.env")
    with pytest.raises(ConfigError, match="is not a file"):
        resolve_env_file(tmp_path)
