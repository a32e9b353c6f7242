"""Slash commands through the real client and the fake: permissions, defer, reload, sync."""

from __future__ import annotations

from pathlib import Path

from bot.sync import sync
from tests.bot.fake_discord import BOT_ID, GUILD_ID, OWNER_ID, USER_ID, FakeDiscord
from tests.bot.harness import make_config, real_service, running_bot

MANAGE_GUILD = 1 << 5
EPHEMERAL = 1 << 6
MESSAGES = r"/channels/\d+/messages"


def _option(value: str) -> list[dict]:
    return [{"name": "checkpoint", "type": 3, "value": value}]


async def _answers(fake: FakeDiscord, data: dict, n: int) -> list:
    await fake.wait_for(lambda: len(fake.interaction_requests(data)) >= n)
    return fake.interaction_requests(data)


async def test_reload_refused_for_plain_member(
    fake_discord: FakeDiscord, tmp_path: Path, checkpoints
) -> None:
    """A member without Manage Server who is not the owner gets an ephemeral refusal only."""
    config = make_config(tmp_path, checkpoint=checkpoints["a"], checkpoint_dir=checkpoints["dir"])
    async with running_bot(fake_discord, config, real_service(config)) as run:
        data = await fake_discord.invoke(
            "reload", user_id=USER_ID, permissions=0, options=_option("b")
        )
        (answer,) = await _answers(fake_discord, data, 1)
        assert answer.body["type"] == 4
        assert answer.body["data"]["flags"] & EPHEMERAL
        assert "not allowed" in answer.body["data"]["content"]
        assert run.bot.service.info.name == "a"


async def test_reload_by_owner_defers_then_swaps(
    fake_discord: FakeDiscord, tmp_path: Path, checkpoints
) -> None:
    """The application owner: defer (type 5, ephemeral) first, then a follow-up; model b answers."""
    config = make_config(tmp_path, checkpoint=checkpoints["a"], checkpoint_dir=checkpoints["dir"])
    async with running_bot(fake_discord, config, real_service(config)) as run:
        data = await fake_discord.invoke("reload", user_id=OWNER_ID, options=_option("b"))
        defer, followup = await _answers(fake_discord, data, 2)
        assert defer.body["type"] == 5 and defer.body["data"]["flags"] & EPHEMERAL
        assert followup.path.startswith(f"/webhooks/{BOT_ID}/")
        assert followup.body["content"].startswith("Reloaded: b")
        assert run.bot.service.info.name == "b"


async def test_reload_by_manager_is_allowed(
    fake_discord: FakeDiscord, tmp_path: Path, checkpoints
) -> None:
    """A member with Manage Server (from interaction.permissions) may reload."""
    config = make_config(tmp_path, checkpoint=checkpoints["a"], checkpoint_dir=checkpoints["dir"])
    async with running_bot(fake_discord, config, real_service(config)) as run:
        data = await fake_discord.invoke(
            "reload", user_id=USER_ID, permissions=MANAGE_GUILD, options=_option("b")
        )
        _, followup = await _answers(fake_discord, data, 2)
        assert followup.body["content"].startswith("Reloaded: b")
        assert run.bot.service.info.name == "b"


async def test_corrupt_reload_keeps_old_model(
    fake_discord: FakeDiscord, tmp_path: Path, checkpoints
) -> None:
    """A truncated checkpoint: the error is reported ephemerally and model a still answers."""
    config = make_config(tmp_path, checkpoint=checkpoints["a"], checkpoint_dir=checkpoints["dir"])
    async with running_bot(fake_discord, config, real_service(config)) as run:
        data = await fake_discord.invoke("reload", user_id=OWNER_ID, options=_option("corrupt"))
        _, followup = await _answers(fake_discord, data, 2)
        text = followup.body["content"]
        assert text.startswith("Reload failed, still using a") and "corrupt" in text
        assert followup.body["flags"] & EPHEMERAL
        assert run.bot.service.info.name == "a"
        await fake_discord.send_mention("still there?")
        reply = await fake_discord.wait_for_request("POST", MESSAGES)
        assert reply.body["content"].strip()


async def test_reload_outside_checkpoint_folder_refused(
    fake_discord: FakeDiscord, tmp_path: Path, checkpoints
) -> None:
    """``/reload ../x`` may not open files outside the checkpoint folder."""
    config = make_config(tmp_path, checkpoint=checkpoints["a"], checkpoint_dir=checkpoints["dir"])
    async with running_bot(fake_discord, config, real_service(config)) as run:
        data = await fake_discord.invoke(
            "reload", user_id=OWNER_ID, options=_option("../../etc/passwd")
        )
        _, followup = await _answers(fake_discord, data, 2)
        assert "outside" in followup.body["content"]
        assert run.bot.service.info.name == "a"


async def test_status_and_post(fake_discord: FakeDiscord, tmp_path: Path, checkpoints) -> None:
    """/status answers ephemerally with the model and next post; /post defers then posts."""
    config = make_config(tmp_path, checkpoint=checkpoints["a"])
    async with running_bot(fake_discord, config, real_service(config)):
        status = await fake_discord.invoke("status")
        (answer,) = await _answers(fake_discord, status, 1)
        text = answer.body["data"]["content"]
        assert answer.body["data"]["flags"] & EPHEMERAL
        assert "Model: a" in text and "Next scheduled post:" in text and "Queue: 0" in text
        post = await fake_discord.invoke("post")
        defer, followup = await _answers(fake_discord, post, 2)
        assert defer.body["type"] == 5
        assert followup.body["content"].strip()
        assert followup.body["allowed_mentions"] == {"parse": []}


async def test_no_sync_on_boot_and_dev_guild_sync(
    fake_discord: FakeDiscord, tmp_path: Path, checkpoints
) -> None:
    """No global sync at start-up; a dev guild gets one sync carrying the permissions hint."""
    config = make_config(tmp_path, checkpoint=checkpoints["a"], dev_guild_id=GUILD_ID)
    async with running_bot(fake_discord, config, real_service(config)):
        pass
    puts = [r for r in fake_discord.requests if r.method == "PUT"]
    assert [r.path for r in puts] == [f"/applications/{BOT_ID}/guilds/{GUILD_ID}/commands"]
    by_name = {c["name"]: c for c in puts[0].body}
    assert set(by_name) == {"reload", "post", "status"}
    assert by_name["reload"]["default_member_permissions"] == MANAGE_GUILD


async def test_sync_cli_global(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    """``shitpostbot sync`` logs in over REST only, syncs globally, and opens no gateway."""
    names = await sync(make_config(tmp_path), guild_id=None, clear_guild=None)
    assert sorted(names) == ["post", "reload", "status"]
    assert [r.path for r in fake_discord.requests if r.method == "PUT"] == [
        f"/applications/{BOT_ID}/commands"
    ]
    assert fake_discord.connections == 0
