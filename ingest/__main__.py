"""``python -m ingest``: the same command as ``shitpostbot ingest``."""

import sys

from ingest.cli import cli

sys.exit(cli())
