"""The reply pipeline shared by Discord and the console: cleaning, scrubbing, fitting."""

from __future__ import annotations

import pytest

from bot.reply import DISCORD_LIMIT, FALLBACK_TEXT, clean_prompt, compose, finish, fit, scrub

BOT = 100000000000000001


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (f"<@{BOT}> hello there", "hello there"),
        (f"<@!{BOT}>   hello   <@{BOT}> again", "hello again"),
        (f"<@{BOT}>", None),
        ("   ", None),
        (f"<@{BOT}> hi <@123456789012345678>", "hi"),
    ],
)
def test_clean_prompt(content: str, expected: str | None) -> None:
    """The bot's own mention and other markup are removed; nothing left means no prompt."""
    assert clean_prompt(content, BOT) == expected


def test_clean_prompt_keeps_the_end_of_long_messages() -> None:
    assert clean_prompt("a" * 400 + "b" * 400).endswith("b" * 400)
    assert len(clean_prompt("x" * 5000)) == 500


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@everyone wake up", "everyone wake up"),
        ("hi @here and @Everyone", "hi here and Everyone"),
        (
            "<@123456789012345678> <@!123456789012345678>"
            " <@&123456789012345678> <#123456789012345678>",
            "   ",
        ),
        ("mail me at a@everyone.com", "mail me at aeveryone.com"),
        ("plain text", "plain text"),
    ],
)
def test_scrub(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_fit_cuts_at_a_word_boundary() -> None:
    text = "word " * 1000
    out = fit(text)
    assert len(out) <= DISCORD_LIMIT and out.endswith("…")
    assert out[:-1].endswith("word")


def test_fit_without_spaces_still_fits() -> None:
    assert len(fit("x" * 5000, 100)) == 100


def test_finish_empty_when_only_markup() -> None:
    assert finish("  <@123456789012345678>  \n\n\n ") == ""
    assert finish("a\n\n\n\nb") == "a\n\nb"


class Scripted:
    def __init__(self, *texts: str) -> None:
        self.texts = list(texts)
        self.prompts: list[str | None] = []

    async def generate(self, prompt: str | None) -> str:
        self.prompts.append(prompt)
        return self.texts.pop(0)


async def test_compose_retries_once_then_falls_back() -> None:
    assert await compose(Scripted("", "second try"), "p") == "second try"
    source = Scripted("", "@here")
    assert await compose(source, "p") == "here"
    source = Scripted("", "<@123456789012345678>")
    assert await compose(source, None) == FALLBACK_TEXT
    assert source.prompts == [None, None]
