"""The ``shitpostbot`` command: one entry point that dispatches to each part's own CLI.

Each subcommand lives next to the code it drives (``ingest.cli``, ``model.train``, ...) and
exposes ``main(argv) -> int``. Modules are imported lazily so that, for example,
``shitpostbot ingest`` never pays for importing PyTorch.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence

from shitpostbot.errors import ShitpostBotError

#: subcommand -> ("module:function", one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("ingest.cli:main", "read a Facebook export into a corpus (JSON Lines)"),
    "train": ("model.train:main", "train a character-level GRU on a corpus"),
    "sample": ("model.sample:main", "print text sampled from a checkpoint"),
    "chat": ("bot.console:main", "talk to the bot in this terminal (no Discord needed)"),
    "run": ("bot.main:cli", "run the Discord bot"),
    "sync": ("bot.sync:main", "register the slash commands with Discord"),
    "check": ("bot.check:main", "validate .env, checkpoint and schedule without connecting"),
}


def _usage() -> str:
    width = max(map(len, SUBCOMMANDS))
    lines = ["usage: shitpostbot COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<{width}}  {help_}" for name, (_, help_) in SUBCOMMANDS.items()]
    lines += ["", "Run 'shitpostbot COMMAND --help' for the options of one command."]
    return "\n".join(lines)


def _resolve(target: str) -> Callable[[Sequence[str]], int]:
    module_name, func_name = target.split(":")
    return getattr(importlib.import_module(module_name), func_name)


def run_main(func: Callable[[Sequence[str]], int], argv: Sequence[str], prog: str) -> int:
    """Run a subcommand's ``main`` and turn user errors and Ctrl-C into one line + exit code."""
    try:
        return int(func(list(argv)) or 0)
    except ShitpostBotError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``shitpostbot sample ... | head``): not an error worth a
        # traceback. Point stdout at devnull so the interpreter's final flush stays quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0 if args else 2
    if args[0] in {"-V", "--version"}:
        from shitpostbot import __version__

        print(f"shitpostbot {__version__}")
        return 0
    name, rest = args[0], args[1:]
    if name not in SUBCOMMANDS:
        print(f"shitpostbot: error: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    return run_main(_resolve(SUBCOMMANDS[name][0]), rest, f"shitpostbot {name}")


if __name__ == "__main__":
    sys.exit(main())
