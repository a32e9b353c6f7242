"""Console chat: banner and local /help on a terminal, machine-friendly stdout when piped."""

from __future__ import annotations

import io
from pathlib import Path

from bot.console import HELP_TEXT, _parser, chat
from tests.bot.harness import ModelInfoStub, ScriptedGenerator, stand_in_service


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_interactive_banner_and_local_help() -> None:
    gen = ScriptedGenerator(info=ModelInfoStub(name="mine", path="ck/mine.pt", train_chars=12345))
    service = stand_in_service(gen)
    out = io.StringIO()
    assert await chat(service, Path("ck/mine.pt"), Terminal("/help\nhi\n"), out) == 0
    text = out.getvalue()
    first = text.splitlines()[0]
    assert "mine" in first and "ck/mine.pt" in first and "12,345 chars" in first
    assert "val loss 1.500" in first
    assert "/quit or Ctrl-D" in text and "empty line asks for a post" in text
    assert text.count(HELP_TEXT) == 2  # banner + the /help answer
    assert gen.calls == [["hi"]]  # /help never reached the model
    assert "bot> you said: hi" in text
    assert not service.worker_alive


async def test_piped_replies_are_separated_by_empty_lines() -> None:
    """Multi-line replies stay one block each; an empty line ends every reply; no banner."""
    gen = ScriptedGenerator(text=lambda p: f"line one {p}\n\nline two {p}")
    out = io.StringIO()
    await chat(stand_in_service(gen), Path("x.pt"), io.StringIO("a\n/help\nb\n"), out)
    assert out.getvalue() == "line one a\nline two a\n\nline one b\nline two b\n\n"
    assert gen.calls == [["a"], ["b"]]


def test_help_documents_the_piped_output_rule() -> None:
    text = " ".join(_parser().format_help().split())
    assert "each followed by one empty line" in text and "/help" in text
