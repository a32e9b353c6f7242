"""The reply pipeline shared by the Discord cog and console chat: prompt in, safe text out.

One module so the terminal shows exactly what Discord would get: the same prompt cleaning, the
same mention scrubbing and the same length limit. ``AllowedMentions.none()`` already stops
pings; scrubbing also keeps the *text* free of mention markup, so a screenshot or a copy-paste of
a generated line cannot ping anyone either.
"""

from __future__ import annotations

import re

#: Discord's hard limit for a message's content.
DISCORD_LIMIT = 2000
#: How much of the user's message conditions the reply; the GRU only sees recent characters anyway.
MAX_PROMPT_CHARS = 500
#: Sent when the model produced nothing usable twice: never an empty message (Discord 50006).
FALLBACK_TEXT = "…"
#: Sent when the model service's queue is full.
BUSY_TEXT = "I'm thinking about too many things at once, try again in a minute."

_MENTION_MARKUP = re.compile(r"<(?:@[!&]?|#)\d+>")
_MASS_MENTION = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_prompt(content: str, bot_id: int | None = None) -> str | None:
    """The user's message without the bot's own mention; ``None`` when nothing is left.

    ``None`` makes the model write a post with no context, which reads better than conditioning
    on an empty string.
    """
    text = content
    if bot_id is not None:
        text = re.sub(rf"<@!?{bot_id}>", " ", text)
    text = _SPACES.sub(" ", scrub(text)).strip()
    if not text:
        return None
    return text[-MAX_PROMPT_CHARS:]


def scrub(text: str) -> str:
    """Remove user/role/channel mention markup and defang @everyone / @here."""
    text = _MENTION_MARKUP.sub("", text)
    return _MASS_MENTION.sub(lambda m: m.group(1), text)


def fit(text: str, limit: int = DISCORD_LIMIT) -> str:
    """Cut ``text`` to at most ``limit`` characters, at a word boundary when one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + "…"


def finish(generated: str, limit: int = DISCORD_LIMIT) -> str:
    """Generated text -> what may be sent: scrubbed, tidied, within ``limit``; "" if unusable."""
    text = scrub(generated)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return fit(text, limit) if text else ""


class TextSource:
    """What ``compose`` needs from the model service (kept tiny so tests can pass a stand-in)."""

    async def generate(self, prompt: str | None) -> str:  # pragma: no cover - protocol
        raise NotImplementedError


async def compose(source: TextSource, prompt: str | None, limit: int = DISCORD_LIMIT) -> str:
    """Generate, clean and fit one message; try once more if the result was empty.

    The model returns "" when every candidate failed its guards (see ARCHITECTURE.md); a second
    draw usually succeeds, and after that we send a fixed fallback rather than nothing.
    """
    for _ in range(2):
        text = finish(await source.generate(prompt), limit)
        if text:
            return text
    return FALLBACK_TEXT
