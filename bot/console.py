"""``shitpostbot chat``: talk to the model in the terminal, through the same reply pipeline.

Same service, same prompt cleaning, scrubbing and length limit as the Discord cog, so what you
see here is what Discord would get. Reads lines until EOF or ``/quit``, which makes it scriptable
(``echo hello | shitpostbot chat``).

Two modes, chosen by whether stdin is a terminal:

- interactive: a banner (model, how to leave), ``you>``/``bot>`` prompts, ``/help`` answered here;
- piped: stdout holds only the replies, each followed by one empty line. Empty lines inside a
  reply are dropped, so "read up to the next empty line" always yields exactly one reply.
  ``/help`` prints the help on stderr; nothing else ever goes to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.config import BotConfig, load_config, resolve_env_file
from bot.modelapi import build_service
from bot.reply import FALLBACK_TEXT, clean_prompt, compose
from bot.service import ModelService

QUIT = "/quit"
HELP = "/help"

HELP_TEXT = (
    "Type a message and press Enter to get a reply; an empty line asks for a post with no "
    f"context. {HELP} shows this; {QUIT} or Ctrl-D leaves."
)

PIPED_RULE = (
    "When stdin is not a terminal, stdout holds only the replies, each followed by one empty "
    "line (a reply never contains an empty line itself), so a reader can split replies on "
    "empty lines."
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="shitpostbot chat",
        description="Chat with the model in this terminal; no Discord needed. One reply per line "
        f"of input; an empty line asks for a post with no context; EOF (Ctrl-D) or {QUIT} ends; "
        f"{HELP} shows the help. " + PIPED_RULE,
    )
    p.add_argument(
        "--checkpoint", type=Path, help="default: SHITPOSTBOT_CHECKPOINT or checkpoints/default.pt"
    )
    p.add_argument("--seed", type=int, help="make replies reproducible")
    p.add_argument("--temperature", type=float, help="sampling temperature (default 0.8)")
    p.add_argument("--env-file", type=Path, help="settings file (default: ./.env, if it exists)")
    return p


def banner(info: Any, checkpoint: Path) -> str:
    """What an interactive session prints first: the model, and how to use and leave the chat."""
    facts = []
    chars = getattr(info, "train_chars", None)
    if chars:
        facts.append(f"trained on {chars:,} chars")
    loss = getattr(info, "best_val_loss", None)
    if isinstance(loss, (int, float)):
        facts.append(f"val loss {loss:.3f}")
    path = getattr(info, "path", None) or checkpoint
    extra = "; " + ", ".join(facts) if facts else ""
    return f"ShitpostBot chat with model {getattr(info, 'name', '?')} ({path}{extra})\n{HELP_TEXT}"


def _piped(reply: str) -> str:
    """A reply as one block with no empty lines, so an empty line can end it."""
    return "\n".join(line for line in reply.splitlines() if line.strip()) or FALLBACK_TEXT


async def chat(service: ModelService, checkpoint: Path, lines: TextIO, out: TextIO) -> int:
    """Load ``checkpoint`` and answer each line of ``lines`` on ``out``."""
    info = await service.load(checkpoint)
    interactive = lines.isatty()
    try:
        if interactive:
            print(banner(info, checkpoint), file=out, flush=True)
        while True:
            if interactive:
                print("you> ", end="", file=out, flush=True)
            line = await asyncio.to_thread(lines.readline)
            if not line or line.strip() == QUIT:
                if interactive and not line:
                    print(file=out)  # Ctrl-D leaves the cursor after "you> "
                return 0
            if line.strip() == HELP:
                print(HELP_TEXT, file=out if interactive else sys.stderr, flush=True)
                continue
            reply = await compose(service, clean_prompt(line))
            if interactive:
                print("bot> " + reply, file=out, flush=True)
            else:
                print(_piped(reply) + "\n", file=out, flush=True)
    finally:
        await asyncio.to_thread(service.close)  # wait for the worker: exiting under torch aborts


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = load_config(resolve_env_file(args.env_file), require_token=False)
    for warning in config.warnings:
        print(f"shitpostbot chat: warning: {warning}", file=sys.stderr)
    changes: dict[str, object] = {}
    if args.temperature is not None:
        changes["temperature"] = args.temperature
    config = dataclasses.replace(config, **changes) if changes else config
    _check_temperature(config)
    checkpoint = args.checkpoint or config.checkpoint
    service = build_service(config, seed=args.seed)
    return asyncio.run(chat(service, checkpoint, sys.stdin, sys.stdout))


def _check_temperature(config: BotConfig) -> None:
    from bot.errors import ConfigError

    if not 0.05 <= config.temperature <= 5.0:
        raise ConfigError(f"--temperature {config.temperature:g} is outside 0.05..5")
