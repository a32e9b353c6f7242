"""``python -m bot``: the same as ``shitpostbot run``."""

import sys

from bot.main import cli
from shitpostbot.cli import run_main

sys.exit(run_main(cli, sys.argv[1:], "python -m bot"))
