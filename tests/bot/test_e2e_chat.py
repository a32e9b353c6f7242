"""The real discord.py client against the loopback fake: login, mention replies and safety."""

from __future__ import annotations

from pathlib import Path

from bot.bot import bot_intents
from tests.bot.fake_discord import (
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    MESSAGE_CONTENT_INTENT,
    OTHER_BOT_ID,
    FakeDiscord,
)
from tests.bot.harness import (
    FAKE_TOKEN,
    ScriptedGenerator,
    make_config,
    real_service,
    running_bot,
    stand_in_service,
)

MESSAGES = r"/channels/\d+/messages"


async def test_login_ready_and_minimal_intents(
    fake_discord: FakeDiscord, tmp_path: Path, checkpoints
) -> None:
    """Logs in, identifies without privileged intents, reaches READY once, loads the model."""
    config = make_config(tmp_path, checkpoint=checkpoints["a"])
    async with running_bot(fake_discord, config, real_service(config)) as run:
        assert run.bot.user is not None and run.bot.user.id == BOT_ID
        assert run.bot.setup_hook_calls == 1 and run.bot.ready_count == 1
        assert fake_discord.intents == bot_intents().value
        assert not fake_discord.intents & MESSAGE_CONTENT_INTENT
        assert run.bot.service.info.name  # the real checkpoint was loaded in setup_hook
    assert FAKE_TOKEN not in run.logs.text()


async def test_mention_gets_one_safe_reply(
    fake_discord: FakeDiscord, tmp_path: Path, checkpoints
) -> None:
    """A mention gets exactly one reply, referencing it, with pings disabled (real tiny model)."""
    config = make_config(tmp_path, checkpoint=checkpoints["a"])
    async with running_bot(fake_discord, config, real_service(config)) as run:
        sent = await fake_discord.send_mention("tell me about the cat")
        reply = await fake_discord.wait_for_request("POST", MESSAGES)
        body = reply.body
        # AllowedMentions.none(): nothing parsed, and replying does not ping the author either
        assert body["allowed_mentions"] == {"parse": [], "replied_user": False}
        assert str(body["message_reference"]["message_id"]) == sent["id"]
        assert 0 < len(body["content"].strip()) <= 2000
        # the echo of its own reply arrives over the gateway; it must not answer itself
        await fake_discord.send_mention("second")  # a marker: everything before it is handled
        await fake_discord.wait_for_request("POST", MESSAGES, count=2)
        assert len(fake_discord.messages()) == 2
        assert not run.logs.blocked_heartbeats()


async def test_everyone_bots_and_self_get_no_reply(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """@everyone without a direct mention, other bots and the bot itself are all ignored."""
    gen = ScriptedGenerator()
    config = make_config(tmp_path)
    async with running_bot(fake_discord, config, stand_in_service(gen)):
        await fake_discord.send_message("@everyone meeting now", mention_everyone=True)
        await fake_discord.send_message(
            "<@&200000000000000001> role ping", mention_roles=(200000000000000001,)
        )
        await fake_discord.send_mention("bot to bot", author_id=OTHER_BOT_ID)
        await fake_discord.send_mention("me to me", author_id=BOT_ID)
        await fake_discord.send_message("no mention at all")
        # a final real mention: once its reply is in, all earlier events were processed
        await fake_discord.send_mention("the only one to answer")
        await fake_discord.wait_for_request("POST", MESSAGES)
        assert len(fake_discord.messages()) == 1
        assert gen.calls == [["the only one to answer"]]


async def test_dm_is_answered(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    """A DM needs no mention; the prompt is the whole message."""
    gen = ScriptedGenerator()
    async with running_bot(fake_discord, make_config(tmp_path), stand_in_service(gen)):
        await fake_discord.send_message("hi in private", channel_id=DM_CHANNEL_ID)
        reply = await fake_discord.wait_for_request("POST", rf"/channels/{DM_CHANNEL_ID}/messages")
        assert reply.body["content"] == "you said: hi in private"


async def test_generated_mentions_arrive_scrubbed(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """Stand-in generator (specific text needed): mention markup and @everyone are removed."""
    nasty = (
        "hey @everyone and @here look <@123456789012345678> <@!123456789012345678>"
        " <@&123456789012345678> in <#123456789012345678>"
    )
    gen = ScriptedGenerator(text=lambda p: nasty)
    async with running_bot(fake_discord, make_config(tmp_path), stand_in_service(gen)):
        await fake_discord.send_mention("go")
        content = (await fake_discord.wait_for_request("POST", MESSAGES)).body["content"]
        assert "@everyone" not in content and "@here" not in content
        assert "<@" not in content and "<#" not in content
        assert content.startswith("hey everyone and here look")


async def test_overlong_generation_is_cut(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    """Stand-in generator returning 5,000 characters: the reply arrives with at most 2,000."""
    gen = ScriptedGenerator(text=lambda p: "word " * 1000)
    async with running_bot(fake_discord, make_config(tmp_path), stand_in_service(gen)):
        await fake_discord.send_mention("go")
        content = (await fake_discord.wait_for_request("POST", MESSAGES)).body["content"]
        assert 1500 < len(content) <= 2000


async def test_empty_generation_never_sends_empty(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """A generator whose candidates were all rejected ("") still yields a non-empty message."""
    gen = ScriptedGenerator(text=lambda p: "  <@123456789012345678>  ")
    async with running_bot(fake_discord, make_config(tmp_path), stand_in_service(gen)):
        await fake_discord.send_mention("go")
        content = (await fake_discord.wait_for_request("POST", MESSAGES)).body["content"]
        assert content.strip()
        assert len(gen.calls) == 2  # tried again once before falling back


async def test_rate_limited_send_is_retried(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    """A 429 (with Via header) on the reply is retried by discord.py and then succeeds."""
    gen = ScriptedGenerator()
    fake_discord.inject_rate_limit(rf"/channels/{CHANNEL_ID}/messages", retry_after=0.2)
    async with running_bot(fake_discord, make_config(tmp_path), stand_in_service(gen)):
        await fake_discord.send_mention("hello")
        reply = await fake_discord.wait_for_request("POST", MESSAGES)
        attempts = [
            r for r in fake_discord.requests if r.method == "POST" and r.path.endswith("/messages")
        ]
        assert [r.status for r in attempts] == [429, 200]
        assert attempts[0].body == reply.body


async def test_cooldown_and_allow_list(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    """A per-user cooldown drops a quick second mention; other channels than allowed are ignored."""
    from tests.bot.fake_discord import CHANNEL_2_ID, OWNER_ID

    gen = ScriptedGenerator()
    config = make_config(tmp_path, user_cooldown=3600.0, reply_channel_ids=frozenset({CHANNEL_ID}))
    async with running_bot(fake_discord, config, stand_in_service(gen)):
        await fake_discord.send_mention("first")
        await fake_discord.send_mention("too soon")
        await fake_discord.send_mention(
            "wrong channel", author_id=OWNER_ID, channel_id=CHANNEL_2_ID
        )
        await fake_discord.send_mention("other user", author_id=OWNER_ID)
        await fake_discord.wait_for_request("POST", MESSAGES, count=2)
        assert sorted(sum(gen.calls, [])) == ["first", "other user"]


async def test_twenty_mentions_at_once(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    """20 mentions at once: 20 replies, generated off the loop in batches, no blocked heartbeat."""
    gen = ScriptedGenerator(work_s=0.3)  # CPU-like work that would block a naive bot
    async with running_bot(fake_discord, make_config(tmp_path), stand_in_service(gen)) as run:
        sent = [await fake_discord.send_mention(f"q{i}") for i in range(20)]
        await fake_discord.wait_for_request("POST", MESSAGES, count=20, timeout=60)
        refs = sorted(
            str(r.body["message_reference"]["message_id"]) for r in fake_discord.messages()
        )
        assert refs == sorted(s["id"] for s in sent)
        assert gen.threads == {"model-worker"}
        assert len(gen.calls) < 20  # waiting requests were batched together
        assert not run.logs.blocked_heartbeats()


async def test_generator_crash_still_answers(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    """A failing generator yields a polite busy answer, not silence, and the bot keeps running."""
    from bot.reply import BUSY_TEXT

    def boom(prompt: str | None) -> str:
        raise RuntimeError("model bug")

    async with running_bot(
        fake_discord, make_config(tmp_path), stand_in_service(ScriptedGenerator(text=boom))
    ) as run:
        await fake_discord.send_mention("hello")
        reply = await fake_discord.wait_for_request("POST", MESSAGES)
        assert reply.body["content"] == BUSY_TEXT
        assert "model bug" in run.logs.text()
