"""``shitpostbot chat``: talk to the model in the terminal, through the same reply pipeline.

Same service, same prompt cleaning, scrubbing and length limit as the Discord cog, so what you
see here is what Discord would get. Reads lines until EOF or ``/quit``, which makes it scriptable
(``echo hello | shitpostbot chat``).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.config import BotConfig, load_config
from bot.modelapi import build_service
from bot.reply import clean_prompt, compose
from bot.service import ModelService

QUIT = "/quit"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="shitpostbot chat",
        description="Chat with the model in this terminal; no Discord needed. One reply per line "
        f"of input; an empty line asks for a post with no context; EOF or {QUIT} ends.",
    )
    p.add_argument(
        "--checkpoint", type=Path, help="default: SHITPOSTBOT_CHECKPOINT or checkpoints/default.pt"
    )
    p.add_argument("--seed", type=int, help="make replies reproducible")
    p.add_argument("--temperature", type=float, help="sampling temperature (default 0.8)")
    p.add_argument("--env-file", type=Path, default=Path(".env"))
    return p


async def chat(service: ModelService, checkpoint: Path, lines: TextIO, out: TextIO) -> int:
    """Load ``checkpoint`` and answer each line of ``lines`` on ``out``."""
    await service.load(checkpoint)
    interactive = lines.isatty()
    try:
        while True:
            if interactive:
                print("you> ", end="", file=out, flush=True)
            line = await asyncio.to_thread(lines.readline)
            if not line or line.strip() == QUIT:
                return 0
            reply = await compose(service, clean_prompt(line))
            print(("bot> " if interactive else "") + reply, file=out, flush=True)
    finally:
        service.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = load_config(args.env_file, require_token=False)
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
